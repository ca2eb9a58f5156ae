/*
 * Address spaces: stage-2 translation tables with a VMID. The object's first
 * page is its header, the second its level-1 root table, the rest a pool of
 * tables the mappings draw from; the kernel never allocates tables itself.
 * A VMID table with generation numbers lets frame capabilities find the
 * address space they are mapped in, and notice when it is gone.
 */
#include <arch/pgtable.h>
#include <cleave/arch.h>
#include <cleave/aspace.h>
#include <cleave/audit.h>
#include <cleave/cnode.h>
#include <cleave/invocation.h>
#include <cleave/kobjects.h>
#include <cleave/lazy_zero.h>
#include <cleave/panic.h>

#include <plat_config.h>

struct aspace_header {
	struct pt_pool pool;
	uint64_t *root;
	unsigned vmid;
};

struct vmid_slot {
	uintptr_t aspace;
	uint16_t gen;
};

/* VMID 0 is never given out: a zero map field means "unmapped". */
static struct vmid_slot vmids[ASPACE_VMIDS];
static unsigned vmids_used = 1;

unsigned aspace_vmids_free(void)
{
	return ASPACE_VMIDS - vmids_used;
}

static struct aspace_header *header(uintptr_t mem)
{
	return (struct aspace_header *)mem;
}

void aspace_init(uintptr_t mem, unsigned size_bits)
{
	struct aspace_header *h = header(mem);

	/* retype checked aspace_vmids_free(), so a free VMID exists. */
	for (unsigned v = 1; v < ASPACE_VMIDS; v++) {
		if (vmids[v].aspace == 0) {
			vmids[v].aspace = mem;
			h->vmid = v;
			vmids_used++;
			break;
		}
	}
	h->pool.tables = (uint64_t(*)[PT_ENTRIES])(mem + PAGE_SIZE);
	h->pool.num = (1U << (size_bits - 12)) - 1;
	h->root = pt_init(&h->pool);
}

void aspace_destroy(uintptr_t mem)
{
	struct aspace_header *h = header(mem);

	arch_evict_aspace(mem);
	arch_s2_flush_vmid(h->vmid);
	audit_s2(CL_AUDIT_S2_UNMAP, h->vmid, 0, 0, 0, 0, CL_AUDIT_ALL);
	vmids[h->vmid].aspace = 0;
	vmids[h->vmid].gen++;
	vmids_used--;
}

unsigned aspace_vmid(uintptr_t mem)
{
	return header(mem)->vmid;
}

uint64_t aspace_vttbr(uintptr_t mem)
{
	struct aspace_header *h = header(mem);

	return (uint64_t)h->vmid << 48 | (uint64_t)(uintptr_t)h->root;
}

uint64_t aspace_map_token(uintptr_t mem, uint64_t vaddr)
{
	unsigned v = header(mem)->vmid;

	return (uint64_t)v << 56 | (uint64_t)vmids[v].gen << 40 | vaddr | 1;
}

uintptr_t aspace_of_token(uint64_t token)
{
	unsigned v = (unsigned)(token >> 56);

	if (token == 0 || vmids[v].gen != (uint16_t)(token >> 40))
		return 0;
	return vmids[v].aspace;
}

unsigned aspace_check_map(uintptr_t mem, uint64_t vaddr, uint64_t size)
{
	struct aspace_header *h = header(mem);

	switch (pt_map_check(&h->pool, h->root, vaddr, size, PLAT_STAGE2_BLOCKS)) {
	case PT_OK:
		return CL_OK;
	case PT_EALIGN:
		return CL_MISALIGNED;
	case PT_ERANGE:
		return CL_INVALID_ARG;
	case PT_EOVERLAP:
		return CL_IN_USE;
	default:
		return CL_NO_MEMORY;
	}
}

void aspace_map(uintptr_t mem, uint64_t vaddr, uint64_t pa, uint64_t size, uint64_t attrs)
{
	struct aspace_header *h = header(mem);
	/* A frame not zeroed yet is mapped invalid: its first touch zeroes it (aspace_touch). */
	uint64_t lazy = size == BLOCK_SIZE && lazy_zero_pending(pa) ? PTE_LAZY : 0;
	enum pt_error err =
		pt_map_attrs(&h->pool, h->root, vaddr, pa, size, attrs | lazy, PLAT_STAGE2_BLOCKS);

	/* aspace_check_map() said it fits: anything else is a kernel bug, not a user error. */
	CHECK(err == PT_OK);
	arch_pt_written();
	/* The record says what the hardware can reach: a lazy mapping from its first touch. */
	if (lazy == 0)
		audit_s2(CL_AUDIT_S2_MAP, h->vmid, vaddr, pa, size, attrs, 0);
}

/*
 * The leaf entries of a frame of size bytes mapped at vaddr: one (a page or a 2 MiB
 * block), or 512 pages for 2 MiB on a platform without stage-2 blocks.
 */
static unsigned leaves(uint64_t *root, uint64_t vaddr, uint64_t size, uint64_t **first)
{
	*first = pt_leaf(root, vaddr);
	if (*first == NULL)
		return 0;
	return size > PAGE_SIZE && !PLAT_STAGE2_BLOCKS ? (unsigned)(size / PAGE_SIZE) : 1;
}

void aspace_unmap(uintptr_t mem, uint64_t vaddr, uint64_t size)
{
	struct aspace_header *h = header(mem);
	uint64_t *e;
	unsigned n = leaves(h->root, vaddr, size, &e);

	if (n == 0)
		return;
	audit_s2(CL_AUDIT_S2_UNMAP, h->vmid, vaddr, *e & PTE_ADDR_MASK, 0, 0, 0);
	/* The 512 pages of a 2 MiB frame are one level-3 table: consecutive entries. */
	for (unsigned i = 0; i < n; i++)
		e[i] = 0;
	/* Break-before-make: the entry is invalid before the TLBs forget it (Arm ARM D8.14.1). */
	arch_s2_flush_ipa(h->vmid, vaddr, size);
}

void aspace_remap(uintptr_t mem, uint64_t vaddr, uint64_t size, uint64_t attrs)
{
	struct aspace_header *h = header(mem);
	uint64_t *e;
	unsigned n = leaves(h->root, vaddr, size, &e);
	uint64_t old;

	if (n == 0)
		return;
	old = *e;
	for (unsigned i = 0; i < n; i++)
		e[i] = 0;
	arch_s2_flush_ipa(h->vmid, vaddr, size);
	/* A mapping not touched yet stays so: its frame may still be unzeroed. */
	for (unsigned i = 0; i < n; i++)
		e[i] = ((old & PTE_ADDR_MASK) + i * PAGE_SIZE) | (old & (PTE_TABLE | PTE_LAZY)) |
		       attrs | ((old & PTE_LAZY) != 0 ? 0 : PTE_VALID);
	arch_pt_written();
	audit_s2(CL_AUDIT_S2_REMAP, h->vmid, vaddr, old & PTE_ADDR_MASK, 0, attrs, 0);
}

bool aspace_touch(uintptr_t mem, uint64_t vaddr)
{
	struct aspace_header *h = header(mem);
	uint64_t *e = pt_leaf(h->root, vaddr);
	uint64_t *first;
	unsigned n;

	if (e == NULL)
		return false;
	/*
	 * Valid already: another CPU's first touch made it so between this CPU's
	 * fault and its turn in the kernel. The access just needs trying again.
	 */
	if ((*e & PTE_LAZY) == 0)
		return (*e & PTE_VALID) != 0;
	/* Only 2 MiB frames are kept invalid (aspace_map): their leaves, from the first. */
	n = leaves(h->root, ALIGN_DOWN(vaddr, BLOCK_SIZE), BLOCK_SIZE, &first);
	CHECK(n != 0 && (*first & PTE_LAZY) != 0);
	lazy_zero_now((uintptr_t)(*first & PTE_ADDR_MASK));
	/*
	 * Invalid to valid needs no break-before-make and no TLB maintenance: a
	 * translation fault is never cached in a TLB (Arm ARM D8.14.1, D8.16.1).
	 */
	for (unsigned i = 0; i < n; i++)
		first[i] = (first[i] & ~PTE_LAZY) | PTE_VALID;
	arch_pt_written();
	audit_s2(CL_AUDIT_S2_MAP, h->vmid, ALIGN_DOWN(vaddr, BLOCK_SIZE), *first & PTE_ADDR_MASK,
		 BLOCK_SIZE, *first & ~(PTE_ADDR_MASK | PTE_TABLE | PTE_VALID), 0);
	return true;
}

uint64_t *aspace_leaf(uintptr_t mem, uint64_t vaddr, uint64_t *pa)
{
	struct aspace_header *h = header(mem);

	if (pt_lookup(h->root, vaddr, pa) == 0)
		return NULL;
	return pt_leaf(h->root, vaddr);
}

static unsigned cache_range(struct invocation *inv)
{
	uintptr_t mem = inv->target->cap.obj;
	uint64_t op = inv->args[CL_ARG_ASPACE_CACHE_RANGE_OP];
	uint64_t va = inv->args[CL_ARG_ASPACE_CACHE_RANGE_VADDR];
	uint64_t size = inv->args[CL_ARG_ASPACE_CACHE_RANGE_SIZE];
	uint64_t end = va + size;
	uint64_t pa;

	if (op > CACHE_UNIFY || size == 0 || end < va || end > (1ULL << PT_VA_BITS))
		return CL_INVALID_ARG;
	/* Decode: every page mapped, and writable where the operation discards data. */
	for (uint64_t p = ALIGN_DOWN(va, PAGE_SIZE); p < end; p += PAGE_SIZE) {
		uint64_t *e = aspace_leaf(mem, p, &pa);

		if (e == NULL)
			return CL_NOT_MAPPED;
		if (op == CACHE_INVAL && (*e & (1ULL << 7)) == 0)
			return CL_NO_RIGHT;
		if ((*e & (0xfULL << 2)) == 0)
			return CL_INVALID_ARG; /* device memory has no cache lines to maintain */
	}
	for (uint64_t p = va; p < end;) {
		uint64_t next = ALIGN_DOWN(p, PAGE_SIZE) + PAGE_SIZE;
		uint64_t chunk = (next < end ? next : end) - p;

		uint64_t *e = aspace_leaf(mem, p, &pa);

		/*
		 * A frame not zeroed yet holds nothing anyone can see, and its zeroing
		 * will clean it to PoC: nothing to maintain (lazy_zero.h). A whole-RAM
		 * clean of a guest that touched a third of it costs a third.
		 */
		if ((*e & PTE_LAZY) == 0 || !lazy_zero_pending((uintptr_t)pa)) {
			arch_cache_op((enum cache_op)op, (uintptr_t)pa, (size_t)chunk);
			audit_cache((unsigned)op, CL_AUDIT_SRC_ASPACE, header(mem)->vmid, pa, chunk,
				    p);
		}
		p += chunk;
	}
	return CL_OK;
}

/*
 * The caller's note that it wrote guest memory at [va, va + size) of this
 * address space through a cacheable mapping of its own (a VMM loading an
 * image): recorded by physical address, one record per physically
 * contiguous piece (docs/coherence.md, "The audit of real boots").
 */
static unsigned audit_write(struct invocation *inv)
{
	uintptr_t mem = inv->target->cap.obj;
	uint64_t va = inv->args[CL_ARG_ASPACE_AUDIT_WRITE_VADDR];
	uint64_t size = inv->args[CL_ARG_ASPACE_AUDIT_WRITE_SIZE];
	uint64_t end = va + size;
	uint64_t pa;

	if (size == 0 || end < va || end > (1ULL << PT_VA_BITS))
		return CL_INVALID_ARG;
	for (uint64_t p = ALIGN_DOWN(va, PAGE_SIZE); p < end; p += PAGE_SIZE) {
		if (aspace_leaf(mem, p, &pa) == NULL)
			return CL_NOT_MAPPED;
	}
	if (!AUDIT_ENABLED)
		return CL_ILLEGAL;
#ifdef CLEAVE_AUDIT
	for (uint64_t p = va; p < end;) {
		uint64_t next = ALIGN_DOWN(p, PAGE_SIZE) + PAGE_SIZE;
		uint64_t chunk = (next < end ? next : end) - p;
		struct cl_audit_rec r = {.kind = CL_AUDIT_WRITE,
					 .cpu = (uint8_t)arch_cpu_index(),
					 .flags = CL_AUDIT_SRC_ASPACE,
					 .id = header(mem)->vmid,
					 .b = chunk,
					 .c = p};

		aspace_leaf(mem, p, &pa);
		r.a = pa;
		audit_record(&r);
		p += chunk;
	}
#endif
	return CL_OK;
}

unsigned aspace_invoke(struct invocation *inv)
{
	switch (inv->label) {
	case CL_LABEL_ASPACE_CACHE_RANGE:
		return cache_range(inv);
	case CL_LABEL_ASPACE_AUDIT_WRITE:
		return audit_write(inv);
	default:
		return CL_UNKNOWN_LABEL;
	}
}
