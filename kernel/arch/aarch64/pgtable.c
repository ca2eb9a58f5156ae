/*
 * Building EL2 stage-1 translation tables (see arch/pgtable.h). Ranges are
 * mapped with 2 MiB blocks where va, pa and the remaining size allow it and
 * with 4 KiB pages elsewhere. Mapping over an existing entry is refused: the
 * kernel's own map is built once, and changing a live entry would need
 * break-before-make (Arm ARM D8.14.1), which this builder does not do.
 */
#include <arch/pgtable.h>

static const uint64_t level_shift[] = {0, 30, 21, 12}; /* by level; level 0 unused */

static unsigned pt_index(uint64_t va, unsigned level)
{
	return (unsigned)FIELD(va, level_shift[level] + 8, level_shift[level]);
}

static uint64_t *table_of(uint64_t desc)
{
	return (uint64_t *)(uintptr_t)(desc & PTE_ADDR_MASK);
}

/* Something is mapped by this entry: a valid one, or a leaf kept invalid (PTE_LAZY). */
static bool present(uint64_t desc)
{
	return (desc & (PTE_VALID | PTE_LAZY)) != 0;
}

/* A valid table descriptor (levels 1 and 2): the walk goes down. */
static bool is_table(uint64_t desc)
{
	return (desc & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE);
}

/* The valid bit a new leaf gets: none when it is kept invalid until first touched. */
static uint64_t valid_bit(uint64_t attrs)
{
	return (attrs & PTE_LAZY) != 0 ? 0 : PTE_VALID;
}

static uint64_t leaf_attrs(enum pt_perm perm)
{
	uint64_t a = PTE_AF | PTE_AP1;

	switch (perm) {
	case PT_DEVICE:
		return a | PTE_ATTRIDX(MAIR_IDX_DEVICE) | PTE_XN;
	case PT_RW:
		return a | PTE_ATTRIDX(MAIR_IDX_NORMAL) | PTE_SH_INNER | PTE_XN;
	case PT_RO:
		return a | PTE_ATTRIDX(MAIR_IDX_NORMAL) | PTE_SH_INNER | PTE_AP_RO | PTE_XN;
	case PT_RX:
		return a | PTE_ATTRIDX(MAIR_IDX_NORMAL) | PTE_SH_INNER | PTE_AP_RO;
	}
	return 0;
}

uint64_t *pt_init(struct pt_pool *pool)
{
	pool->used = 1;
	return pool->tables[0];
}

/* Returns the next-level table under entry e, creating it if the entry is empty. */
static uint64_t *next_table(struct pt_pool *pool, uint64_t *e, enum pt_error *err)
{
	uint64_t *t;

	if (present(*e)) {
		if (!is_table(*e)) {
			*err = PT_EOVERLAP; /* a block is mapped here */
			return NULL;
		}
		return table_of(*e);
	}
	if (pool->used == pool->num) {
		*err = PT_ENOMEM;
		return NULL;
	}
	t = pool->tables[pool->used++];
	*e = (uint64_t)(uintptr_t)t | PTE_TABLE | PTE_VALID;
	return t;
}

static enum pt_error map_one(struct pt_pool *pool, uint64_t *root, uint64_t va, uint64_t pa,
			     uint64_t size, uint64_t attrs)
{
	enum pt_error err = PT_OK;
	uint64_t *l2 = next_table(pool, &root[pt_index(va, 1)], &err);
	uint64_t *e;
	uint64_t *l3;

	if (l2 == NULL)
		return err;
	e = &l2[pt_index(va, 2)];
	if (size == BLOCK_SIZE) {
		if (*e != 0)
			return PT_EOVERLAP;
		*e = pa | attrs | valid_bit(attrs);
		return PT_OK;
	}
	l3 = next_table(pool, e, &err);
	if (l3 == NULL)
		return err;
	e = &l3[pt_index(va, 3)];
	if (*e != 0)
		return PT_EOVERLAP;
	*e = pa | attrs | PTE_TABLE | valid_bit(attrs);
	return PT_OK;
}

enum pt_error pt_map(struct pt_pool *pool, uint64_t *root, uint64_t va, uint64_t pa, uint64_t size,
		     enum pt_perm perm)
{
	return pt_map_attrs(pool, root, va, pa, size, leaf_attrs(perm), true);
}

/*
 * Stage-2 leaf attributes (Arm ARM D8.3.2, D8.5.5): MemAttr[5:2] gives the
 * memory type directly (no MAIR), S2AP[7:6] read/write, XN bit 54.
 */
uint64_t pt_s2_attrs(bool read, bool write, bool exec, enum pt_memattr attr)
{
	static const uint64_t memattr[] = {
		[PT_MEM_NORMAL] = 0xfULL << 2,	  /* Normal, inner and outer write-back */
		[PT_MEM_NORMAL_NC] = 0x5ULL << 2, /* Normal, non-cacheable */
		[PT_MEM_DEVICE] = 0x0ULL << 2,	  /* Device-nGnRnE */
	};
	uint64_t a = PTE_AF | memattr[attr];

	if (attr != PT_MEM_DEVICE)
		a |= PTE_SH_INNER;
	if (read)
		a |= 1ULL << 6;
	if (write)
		a |= 1ULL << 7;
	if (!exec)
		a |= PTE_XN;
	return a;
}

/* The tables 2 MiB at va mapped as pages needs, or PT_EOVERLAP if anything is there. */
static enum pt_error pages_check(const uint64_t *root, uint64_t va, unsigned *need)
{
	uint64_t l1 = root[pt_index(va, 1)];
	uint64_t l2;

	if ((l1 & PTE_VALID) == 0) {
		*need = 2;
		return PT_OK;
	}
	l2 = table_of(l1)[pt_index(va, 2)];
	if (!present(l2)) {
		*need = 1;
		return PT_OK;
	}
	if (!is_table(l2))
		return PT_EOVERLAP;
	for (unsigned i = 0; i < 512; i++)
		if (table_of(l2)[i] != 0)
			return PT_EOVERLAP;
	*need = 0;
	return PT_OK;
}

enum pt_error pt_map_check(const struct pt_pool *pool, const uint64_t *root, uint64_t va,
			   uint64_t size, bool blocks)
{
	unsigned need = 0;
	uint64_t l1 = root[pt_index(va, 1)];

	if ((size != PAGE_SIZE && size != BLOCK_SIZE) || !IS_ALIGNED(va, size))
		return PT_EALIGN;
	if (va + size < va || va + size > (1ULL << PT_VA_BITS))
		return PT_ERANGE;
	if (size == BLOCK_SIZE && !blocks) {
		enum pt_error err = pages_check(root, va, &need);

		if (err != PT_OK)
			return err;
	} else if ((l1 & PTE_VALID) == 0) {
		need = size == PAGE_SIZE ? 2 : 1;
	} else {
		uint64_t l2 = table_of(l1)[pt_index(va, 2)];

		if (size == BLOCK_SIZE && l2 != 0)
			return PT_EOVERLAP;
		if (size == PAGE_SIZE) {
			if (!present(l2))
				need = 1;
			else if (!is_table(l2) || table_of(l2)[pt_index(va, 3)] != 0)
				return PT_EOVERLAP;
		}
	}
	return pool->num - pool->used >= need ? PT_OK : PT_ENOMEM;
}

uint64_t *pt_leaf(uint64_t *root, uint64_t va)
{
	uint64_t *t = root;

	if (va >= (1ULL << PT_VA_BITS))
		return NULL;
	for (unsigned level = 1; level <= 3; level++) {
		uint64_t *e = &t[pt_index(va, level)];

		if (!present(*e))
			return NULL;
		if (level == 3 || !is_table(*e))
			return level == 1 ? NULL : e;
		t = table_of(*e);
	}
	return NULL;
}

enum pt_error pt_map_attrs(struct pt_pool *pool, uint64_t *root, uint64_t va, uint64_t pa,
			   uint64_t size, uint64_t attrs, bool blocks)
{

	if (!IS_ALIGNED(va | pa | size, PAGE_SIZE))
		return PT_EALIGN;
	if (size == 0 || va + size < va || va + size > (1ULL << PT_VA_BITS) || pa + size < pa ||
	    ((pa + size - 1) >> 48) != 0)
		return PT_ERANGE;
	while (size != 0) {
		bool block = blocks && IS_ALIGNED(va | pa, BLOCK_SIZE) && size >= BLOCK_SIZE;
		uint64_t step = block ? BLOCK_SIZE : PAGE_SIZE;
		enum pt_error err = map_one(pool, root, va, pa, step, attrs);

		if (err != PT_OK)
			return err;
		va += step;
		pa += step;
		size -= step;
	}
	return PT_OK;
}

uint64_t pt_lookup(const uint64_t *root, uint64_t va, uint64_t *pa)
{
	uint64_t e;
	const uint64_t *t = root;

	if (va >= (1ULL << PT_VA_BITS))
		return 0;
	for (unsigned level = 1; level <= 3; level++) {
		e = t[pt_index(va, level)];
		if (!present(e))
			return 0;
		if (level == 3 || !is_table(e)) {
			uint64_t off = va & ((1ULL << level_shift[level]) - 1);

			*pa = (e & PTE_ADDR_MASK & ~((1ULL << level_shift[level]) - 1)) + off;
			return e;
		}
		t = table_of(e);
	}
	return 0;
}

const char *pt_error_name(enum pt_error e)
{
	switch (e) {
	case PT_OK:
		return "ok";
	case PT_ENOMEM:
		return "out of translation tables";
	case PT_EALIGN:
		return "not page aligned";
	case PT_EOVERLAP:
		return "overlaps an existing mapping";
	case PT_ERANGE:
		return "outside the address space";
	}
	return "unknown error";
}
