/*
 * The table builder (EL2 stage 1, and stage 2 through aspace.c): blocks vs pages,
 * 2 MiB as 512 pages where blocks are off (stage 2 on qemu-virt), permissions,
 * refusals.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <arch/pgtable.h>

#define POOL 8

static uint64_t (*tables)[PT_ENTRIES];
static struct pt_pool pool;
static uint64_t *root;

static int setup(void **state)
{
	(void)state;
	tables = aligned_alloc(PAGE_SIZE, POOL * PAGE_SIZE);
	memset(tables, 0, POOL * PAGE_SIZE);
	pool = (struct pt_pool){tables, POOL, 0};
	root = pt_init(&pool);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(tables);
	return 0;
}

/*
 * Without blocks, 2 MiB maps as 512 pages of one level-3 table: the check counts the
 * tables it needs and refuses what overlaps a page already there or a block.
 */
static void two_mib_as_pages_without_blocks(void **state)
{
	const uint64_t va = 0x40200000, pa = 0x48200000, attrs = pt_s2_attrs(true, true, false, 0);
	uint64_t out;

	(void)state;
	assert_int_equal(pt_map_check(&pool, root, va, BLOCK_SIZE, false), PT_OK);
	assert_int_equal(pt_map_attrs(&pool, root, va, pa, BLOCK_SIZE, attrs, false), PT_OK);
	assert_int_equal(pool.used, 3); /* root, a level-2 and a level-3 table */
	for (uint64_t off = 0; off < BLOCK_SIZE; off += PAGE_SIZE) {
		assert_int_not_equal(pt_lookup(root, va + off, &out), 0);
		assert_int_equal(out, pa + off);
		assert_ptr_equal(pt_leaf(root, va + off), pt_leaf(root, va) + off / PAGE_SIZE);
	}
	/* Taken: as pages, and as a block. */
	assert_int_equal(pt_map_check(&pool, root, va, BLOCK_SIZE, false), PT_EOVERLAP);
	assert_int_equal(pt_map_check(&pool, root, va, BLOCK_SIZE, true), PT_EOVERLAP);
	/* One page in the next 2 MiB: that 2 MiB overlaps it; a fresh one needs one table. */
	assert_int_equal(pt_map_attrs(&pool, root, va + BLOCK_SIZE + 0x3000, 0x50000000, PAGE_SIZE,
				      attrs, false),
			 PT_OK);
	assert_int_equal(pt_map_check(&pool, root, va + BLOCK_SIZE, BLOCK_SIZE, false),
			 PT_EOVERLAP);
	assert_int_equal(pt_map_check(&pool, root, va + 2 * BLOCK_SIZE, BLOCK_SIZE, false), PT_OK);
	/* A block where blocks are off is not a table of pages: still an overlap. */
	assert_int_equal(
		pt_map_attrs(&pool, root, va + 3 * BLOCK_SIZE, 0x52000000, BLOCK_SIZE, attrs, true),
		PT_OK);
	assert_int_equal(pt_map_check(&pool, root, va + 3 * BLOCK_SIZE, BLOCK_SIZE, false),
			 PT_EOVERLAP);
	/* A level-1 slot with nothing yet needs two tables; the pool has them, then not. */
	assert_int_equal(pt_map_check(&pool, root, 0x80000000, BLOCK_SIZE, false), PT_OK);
	pool.used = pool.num - 1;
	assert_int_equal(pt_map_check(&pool, root, 0x80000000, BLOCK_SIZE, false), PT_ENOMEM);
}

static void blocks_where_aligned(void **state)
{
	uint64_t pa = 0;
	uint64_t e;

	(void)state;
	/* 4 MiB + 8 KiB at a 2 MiB boundary: two blocks, then two pages. */
	assert_int_equal(pt_map(&pool, root, 0x40000000, 0x40000000, (4 << 20) + 0x2000, PT_RW),
			 PT_OK);
	assert_int_equal(pool.used, 3); /* root, one level-2, one level-3 table */
	e = pt_lookup(root, 0x40123456, &pa);
	assert_int_equal(pa, 0x40123456);
	assert_int_equal(e & PTE_TABLE, 0); /* a block */
	e = pt_lookup(root, 0x40401004, &pa);
	assert_int_equal(pa, 0x40401004);
	assert_int_not_equal(e & PTE_TABLE, 0); /* a page */
	assert_int_equal(pt_lookup(root, 0x40402000, &pa), 0);
}

static void permissions(void **state)
{
	uint64_t pa;
	uint64_t e;

	(void)state;
	assert_int_equal(pt_map(&pool, root, 0x40080000, 0x40080000, 0x1000, PT_RX), PT_OK);
	assert_int_equal(pt_map(&pool, root, 0x40081000, 0x40081000, 0x1000, PT_RO), PT_OK);
	assert_int_equal(pt_map(&pool, root, 0x40082000, 0x40082000, 0x1000, PT_RW), PT_OK);
	assert_int_equal(pt_map(&pool, root, 0x09000000, 0x09000000, 0x1000, PT_DEVICE), PT_OK);
	e = pt_lookup(root, 0x40080000, &pa);
	assert_true((e & PTE_AP_RO) && !(e & PTE_XN) && (e & PTE_AF));
	e = pt_lookup(root, 0x40081000, &pa);
	assert_true((e & PTE_AP_RO) && (e & PTE_XN));
	e = pt_lookup(root, 0x40082000, &pa);
	assert_true(!(e & PTE_AP_RO) && (e & PTE_XN));
	assert_int_equal((e >> 2) & 7, MAIR_IDX_NORMAL);
	assert_int_equal(e & PTE_SH_INNER, PTE_SH_INNER);
	e = pt_lookup(root, 0x09000000, &pa);
	assert_int_equal((e >> 2) & 7, MAIR_IDX_DEVICE);
	assert_true(e & PTE_XN);
}

static void refusals(void **state)
{
	(void)state;
	assert_int_equal(pt_map(&pool, root, 0x1001, 0x1000, 0x1000, PT_RW), PT_EALIGN);
	assert_int_equal(pt_map(&pool, root, 0x1000, 0x1000, 0x800, PT_RW), PT_EALIGN);
	assert_int_equal(pt_map(&pool, root, 0x1000, 0x1000, 0, PT_RW), PT_ERANGE);
	assert_int_equal(pt_map(&pool, root, 1ULL << 39, 0, 0x1000, PT_RW), PT_ERANGE);
	assert_int_equal(pt_map(&pool, root, 0, 1ULL << 48, 0x1000, PT_RW), PT_ERANGE);
	assert_int_equal(pt_map(&pool, root, 0x200000, 0x200000, 0x200000, PT_RW), PT_OK);
	/* A page inside the block, and the block again: both overlap. */
	assert_int_equal(pt_map(&pool, root, 0x201000, 0x201000, 0x1000, PT_RW), PT_EOVERLAP);
	assert_int_equal(pt_map(&pool, root, 0x200000, 0x200000, 0x200000, PT_RO), PT_EOVERLAP);
	assert_int_equal(pt_map(&pool, root, 0x400000, 0x400000, 0x1000, PT_RW), PT_OK);
	assert_int_equal(pt_map(&pool, root, 0x400000, 0x400000, 0x1000, PT_RW), PT_EOVERLAP);
	/* A block over a level-3 table is refused too. */
	assert_int_equal(pt_map(&pool, root, 0x400000, 0x400000, 0x200000, PT_RW), PT_EOVERLAP);
}

static void pool_exhaustion(void **state)
{
	enum pt_error err = PT_OK;

	(void)state;
	/* Each 1 GiB region needs its own level-2 table; the pool holds 7 more. */
	for (uint64_t gb = 0; gb < 8 && err == PT_OK; gb++)
		err = pt_map(&pool, root, gb << 30, gb << 30, 0x200000, PT_RW);
	assert_int_equal(err, PT_ENOMEM);
	assert_string_equal(pt_error_name(PT_ENOMEM), "out of translation tables");
}

/*
 * Leaves kept invalid until first touched (PTE_LAZY, lazy_zero.h): the walker would
 * fault on them, but for these tables they are mappings, as pages and as a block.
 */
static void lazy_leaves_are_mappings(void **state)
{
	const uint64_t va = 0x40200000, pa = 0x48200000;
	const uint64_t attrs = pt_s2_attrs(true, true, false, 0) | PTE_LAZY;
	uint64_t out;

	(void)state;
	assert_int_equal(pt_map_attrs(&pool, root, va, pa, BLOCK_SIZE, attrs, false), PT_OK);
	for (uint64_t off = 0; off < BLOCK_SIZE; off += PAGE_SIZE) {
		uint64_t e = pt_lookup(root, va + off, &out);

		assert_int_equal(e & PTE_VALID, 0);
		assert_int_not_equal(e & PTE_LAZY, 0);
		assert_int_equal(out, pa + off);
	}
	assert_int_equal(pt_map_check(&pool, root, va, BLOCK_SIZE, false), PT_EOVERLAP);
	assert_int_equal(pt_map_check(&pool, root, va + 0x5000, PAGE_SIZE, false), PT_EOVERLAP);
	/* As a block: the level-2 entry is the leaf; a page inside cannot replace it. */
	assert_int_equal(pt_map_attrs(&pool, root, va + BLOCK_SIZE, pa + BLOCK_SIZE, BLOCK_SIZE,
				      attrs, true),
			 PT_OK);
	assert_int_equal(pt_lookup(root, va + BLOCK_SIZE + 0x1234, &out) & PTE_VALID, 0);
	assert_int_equal(out, pa + BLOCK_SIZE + 0x1234);
	assert_ptr_equal(pt_leaf(root, va + BLOCK_SIZE + 0x1000), pt_leaf(root, va + BLOCK_SIZE));
	assert_int_equal(pt_map_check(&pool, root, va + BLOCK_SIZE + 0x1000, PAGE_SIZE, true),
			 PT_EOVERLAP);
	assert_int_equal(pt_map_attrs(&pool, root, va + BLOCK_SIZE + 0x1000, 0x50000000, PAGE_SIZE,
				      attrs, false),
			 PT_EOVERLAP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(blocks_where_aligned, setup, teardown),
		cmocka_unit_test_setup_teardown(two_mib_as_pages_without_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(lazy_leaves_are_mappings, setup, teardown),
		cmocka_unit_test_setup_teardown(permissions, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(pool_exhaustion, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
