/* The EL2 stage-1 table builder: blocks vs pages, permissions, refusals. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(blocks_where_aligned, setup, teardown),
		cmocka_unit_test_setup_teardown(permissions, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(pool_exhaustion, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
