/* Frames and address spaces: map, alias, unmap, remap, errors, cache maintenance. */
#include "ktest.h"

#define RW (CL_RIGHT_READ | CL_RIGHT_WRITE)

KTEST(frame_mapped_twice_shows_the_same_memory)
{
	cl_cptr_t f;
	uint64_t va = kt_map(t, &f);
	cl_cptr_t alias = kt_slot(t);
	uint64_t va2 = t->va;

	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, alias, f, CL_RIGHTS_ALL)), CL_OK);
	CHECK_EQ(ERR(cl_frame_map(alias, CL_SLOT_ASPACE, va2, RW, 0)), CL_OK);
	t->va += 4096;
	*(volatile uint64_t *)va = 0xfeedface;
	CHECK_EQ(*(volatile uint64_t *)va2, 0xfeedface);
	/* Retype zeroed the frame. */
	CHECK_EQ(*(volatile uint64_t *)(va + 8), 0);
	CHECK_EQ(ERR(cl_frame_address(f)), CL_OK);
	CHECK(cl_frame_address(f).mr[0] != 0);
	CHECK_EQ(cl_frame_address(f).mr[0], cl_frame_address(alias).mr[0]);
}

/*
 * Memory a revoked frame filled is zero in a frame made over it again. The
 * kernel writes only the blocks that are not zero already (arch_zero), so
 * the words left nonzero sit at every offset of a 64-byte block, and some
 * blocks are left all zero.
 */
KTEST(frame_over_reused_memory_reads_zero)
{
	cl_cptr_t f;
	volatile uint64_t *p = (volatile uint64_t *)kt_map(t, &f);
	uint64_t pa = cl_frame_address(f).mr[0];

	for (unsigned block = 0; block < 4096 / 64; block++)
		if (block % 4 != 0)
			p[block * 8 + block % 8] = 0x5a5a0000 + block;
	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, t->ut)), CL_OK);
	/* The case's untyped hands out its memory from the start again. */
	for (unsigned n = 0;
	     n < 16 && cl_frame_address(f = kt_make(t, CL_OBJ_FRAME, 12)).mr[0] != pa; n++)
		;
	CHECK_EQ(cl_frame_address(f).mr[0], pa);
	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_ASPACE, t->va, RW, 0)), CL_OK);
	p = (volatile uint64_t *)t->va;
	t->va += 4096;
	for (unsigned word = 0; word < 4096 / 8; word++)
		CHECK_EQ(p[word], 0);
}

/*
 * A 2 MiB frame is zeroed at its first touch, not when made (lazy_zero.h): over
 * memory a revoked one filled, it reads zero through its first mapping; until then
 * it is mapped all the same (cache maintenance by range, remap, a second mapping
 * never touched and unmapped), and a touch through one mapping zeroes it for all.
 */
KTEST(big_frame_over_reused_memory_reads_zero_from_its_first_touch)
{
	const uint64_t va = 0x40000000, va2 = 0x40200000, big = 2ULL << 20;
	cl_cptr_t f = kt_make(t, CL_OBJ_FRAME, 21);
	cl_cptr_t alias = kt_slot(t);
	uint64_t pa = cl_frame_address(f).mr[0];
	volatile uint64_t *p = (volatile uint64_t *)va;

	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_ASPACE, va, RW, 0)), CL_OK);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 2, va, big)), CL_OK);
	CHECK_EQ(p[big / 8 - 1], 0); /* the first touch, at its last word */
	for (uint64_t block = 0; block < big / 64; block += 3)
		p[block * 8 + block % 8] = 0xa5a50000 + block;
	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, t->ut)), CL_OK);
	/* The case's untyped hands out its memory from the start again. */
	for (unsigned n = 0;
	     n < 2 && cl_frame_address(f = kt_make(t, CL_OBJ_FRAME, 21)).mr[0] != pa; n++)
		;
	CHECK_EQ(cl_frame_address(f).mr[0], pa);
	CHECK_EQ(ERR(cl_frame_cache(f, 2, 0, big)), CL_OK);
	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_ASPACE, va, RW, 0)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, alias, f, CL_RIGHTS_ALL)), CL_OK);
	CHECK_EQ(ERR(cl_frame_map(alias, CL_SLOT_ASPACE, va2, RW, 0)), CL_OK);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 0, va, 2 * big)), CL_OK);
	CHECK_EQ(ERR(cl_frame_remap(alias, CL_RIGHT_READ, 0)), CL_OK);
	CHECK_EQ(ERR(cl_frame_unmap(alias)), CL_OK);
	for (uint64_t word = 0; word < big / 8; word++)
		CHECK_EQ(p[word], 0);
	/* Mapped again after the touch through the other mapping: valid at once, zero. */
	CHECK_EQ(ERR(cl_frame_map(alias, CL_SLOT_ASPACE, va2, CL_RIGHT_READ, 0)), CL_OK);
	p[7] = 0x77;
	CHECK_EQ(((volatile uint64_t *)va2)[7], 0x77);
	CHECK_EQ(((volatile uint64_t *)va2)[8], 0);
}

KTEST(frame_map_errors)
{
	cl_cptr_t f = kt_make(t, CL_OBJ_FRAME, 12);
	cl_cptr_t big = kt_make(t, CL_OBJ_FRAME, 21);
	cl_cptr_t ro = kt_slot(t);
	uint64_t va = t->va;

	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_ASPACE, va + 1, RW, 0)), CL_MISALIGNED);
	CHECK_EQ(ERR(cl_frame_map(big, CL_SLOT_ASPACE, 0x40001000, RW, 0)), CL_MISALIGNED);
	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_ASPACE, 1ULL << 39, RW, 0)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_ASPACE, va, 0x40, 0)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_ASPACE, va, RW, 3)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_TCB, va, RW, 0)), CL_WRONG_TYPE);
	CHECK_EQ(ERR(cl_frame_map(f, kt_slot(t), va, RW, 0)), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, ro, f, CL_RIGHT_READ)), CL_OK);
	CHECK_EQ(ERR(cl_frame_map(ro, CL_SLOT_ASPACE, va, RW, 0)), CL_NO_RIGHT);
	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_ASPACE, va, RW, 0)), CL_OK);
	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_ASPACE, va + 4096, RW, 0)),
		 CL_IN_USE); /* mapped already */
	CHECK_EQ(ERR(cl_frame_map(ro, CL_SLOT_ASPACE, va, CL_RIGHT_READ, 0)),
		 CL_IN_USE); /* address taken */
	/* The root image itself is mapped: its first page is taken too. */
	CHECK_EQ(ERR(cl_frame_map(ro, CL_SLOT_ASPACE, t->bi->image_vaddr, CL_RIGHT_READ, 0)),
		 CL_IN_USE);
	CHECK_EQ(ERR(cl_frame_map(big, CL_SLOT_ASPACE, 0x40000000, RW, 0)),
		 CL_OK); /* a 2 MiB block */
	t->va += 4096;
}

KTEST(unmap_and_remap)
{
	cl_cptr_t f;
	uint64_t va = kt_map(t, &f);

	CHECK_EQ(ERR(cl_frame_unmap(f)), CL_OK);
	CHECK_EQ(ERR(cl_frame_unmap(f)), CL_NOT_MAPPED);
	CHECK_EQ(ERR(cl_frame_remap(f, CL_RIGHT_READ, 0)), CL_NOT_MAPPED);
	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_ASPACE, va, RW, 0)),
		 CL_OK); /* the address is free again */
	CHECK_EQ(ERR(cl_frame_remap(f, CL_RIGHT_READ, 1)), CL_OK);
	CHECK_EQ(ERR(cl_frame_remap(f, CL_RIGHT_READ, 7)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_frame_remap(f, 0x80, 0)), CL_INVALID_ARG);
}

KTEST(deleting_a_frame_cap_unmaps_it)
{
	cl_cptr_t f;
	uint64_t va = kt_map(t, &f);
	cl_cptr_t g = kt_make(t, CL_OBJ_FRAME, 12);

	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, f)), CL_OK);
	CHECK_EQ(ERR(cl_frame_map(g, CL_SLOT_ASPACE, va, RW, 0)), CL_OK);
}

KTEST(frame_cache_maintenance)
{
	cl_cptr_t f;
	cl_cptr_t ro = kt_slot(t);

	kt_map(t, &f);
	for (uint64_t op = 0; op <= 3; op++)
		CHECK_EQ(ERR(cl_frame_cache(f, op, 0, 4096)), CL_OK);
	CHECK_EQ(ERR(cl_frame_cache(f, 2, 100, 17)), CL_OK); /* unaligned ranges are fine */
	CHECK_EQ(ERR(cl_frame_cache(f, 4, 0, 64)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_frame_cache(f, 0, 4096, 1)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_frame_cache(f, 0, 4000, 200)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_frame_cache(f, 0, 0, 0)), CL_INVALID_ARG);
	/* Invalidating discards data: refused without write. Cleaning is fine. */
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, ro, f, CL_RIGHT_READ)), CL_OK);
	CHECK_EQ(ERR(cl_frame_cache(ro, 1, 0, 64)), CL_NO_RIGHT);
	CHECK_EQ(ERR(cl_frame_cache(ro, 0, 0, 64)), CL_OK);
}

KTEST(clean_then_invalidate_keeps_data)
{
	cl_cptr_t f;
	volatile uint64_t *p = (volatile uint64_t *)kt_map(t, &f);

	p[0] = 0xabcdef;
	CHECK_EQ(ERR(cl_frame_cache(f, 0, 0, 64)), CL_OK); /* clean to PoC */
	CHECK_EQ(ERR(cl_frame_cache(f, 1, 0, 64)), CL_OK); /* then invalidate: nothing lost */
	CHECK_EQ(p[0], 0xabcdef);
	p[1] = 0x1234;
	CHECK_EQ(ERR(cl_frame_cache(f, 2, 0, 4096)), CL_OK);
	CHECK_EQ(p[1], 0x1234);
}

KTEST(aspace_range_cache_maintenance)
{
	cl_cptr_t f;
	cl_cptr_t ro;
	uint64_t va = kt_map(t, &f);
	uint64_t va2 = kt_map(t, &ro);

	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 2, va, 8192)), CL_OK);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 0, va + 100, 300)), CL_OK);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 0, va, 3 * 4096)), CL_NOT_MAPPED);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 0, 0x7f000000, 64)), CL_NOT_MAPPED);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 5, va, 64)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 0, va, 0)), CL_INVALID_ARG);
	/* Invalidate needs a writable mapping. */
	CHECK_EQ(ERR(cl_frame_remap(ro, CL_RIGHT_READ, 0)), CL_OK);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 1, va2, 64)), CL_NO_RIGHT);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 1, va, 64)), CL_OK);
}

KTEST(new_address_space_is_separate)
{
	cl_cptr_t as = kt_make(t, CL_OBJ_ASPACE, 14);
	cl_cptr_t f = kt_make(t, CL_OBJ_FRAME, 12);
	cl_cptr_t g = kt_make(t, CL_OBJ_FRAME, 12);

	/* The same address in two spaces, and an aspace too small for its tables. */
	CHECK_EQ(ERR(cl_frame_map(f, as, 0x400000, RW, 0)), CL_OK);
	CHECK_EQ(ERR(cl_frame_map(g, as, 0x400000, RW, 0)), CL_IN_USE);
	CHECK_EQ(ERR(cl_frame_map(g, as, 0x2000000000ULL, RW, 0)), CL_NO_MEMORY);
	CHECK_EQ(ERR(cl_aspace_cache_range(as, 0, 0x400000, 4096)), CL_OK);
}
