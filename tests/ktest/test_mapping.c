/*
 * Mappings in use: 2 MiB frames, remapping with other rights and
 * attributes, unmapped and non-executable pages faulting, code written at
 * run time made executable, and cache maintenance over frames and ranges.
 *
 * The root's address space has a fixed pool of translation tables for the
 * whole run, so 4 KiB mappings stay in the runner's page region (t->va) and
 * 2 MiB ones in the second GiB, which needs no table of its own.
 */
#include "ktest.h"

#define RW (CL_RIGHT_READ | CL_RIGHT_WRITE)
#define RX (CL_RIGHT_READ | CL_RIGHT_EXEC)
#define BLOCK (2ULL << 20)
#define BLOCK_VA 0x40400000ULL

static volatile uint64_t result;

KTEST(two_mib_frame_map)
{
	/* The case's 4 MiB holds one 2 MiB frame, at its upper half: make it last. */
	cl_cptr_t big = kt_make(t, CL_OBJ_FRAME, 21);
	volatile uint64_t *p = (volatile uint64_t *)BLOCK_VA;

	CHECK(!t->failed);
	CHECK_EQ(cl_frame_address(big).mr[0] & (BLOCK - 1), 0);
	CHECK_EQ(ERR(cl_frame_map(big, CL_SLOT_ASPACE, BLOCK_VA + 4096, RW, 0)), CL_MISALIGNED);
	CHECK_EQ(ERR(cl_frame_map(big, CL_SLOT_ASPACE, BLOCK_VA + BLOCK / 2, RW, 0)),
		 CL_MISALIGNED);
	CHECK_EQ(ERR(cl_frame_map(big, CL_SLOT_ASPACE, BLOCK_VA, RW, 0)), CL_OK);
	CHECK(kt_mapped(BLOCK_VA + BLOCK - 1));
	CHECK(!kt_mapped(BLOCK_VA + BLOCK));
	p[0] = 1;
	p[BLOCK / 8 - 1] = 2;
	CHECK_EQ(p[0], 1);
	CHECK_EQ(p[BLOCK / 8 - 1], 2);
	CHECK_EQ(p[BLOCK / 16], 0); /* zeroed by retype */
	/* Cache maintenance over the whole block, by frame and by range. */
	for (uint64_t op = 0; op <= 3; op++) {
		CHECK_EQ(ERR(cl_frame_cache(big, op, 0, BLOCK)), CL_OK);
		CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, op, BLOCK_VA + 100, 3 * 4096)),
			 CL_OK);
	}
	CHECK_EQ(ERR(cl_frame_cache(big, 0, BLOCK - 1, 1)), CL_OK);
	CHECK_EQ(ERR(cl_frame_cache(big, 0, 0, BLOCK + 1)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 0, BLOCK_VA + BLOCK - 4096, 8192)),
		 CL_NOT_MAPPED);
	CHECK_EQ(p[BLOCK / 8 - 1], 2);
	CHECK_EQ(ERR(cl_frame_unmap(big)), CL_OK);
	CHECK(!kt_mapped(BLOCK_VA));
}

KTEST(blocks_and_pages_do_not_overlap)
{
	/* A root and six tables: on a platform without stage-2 blocks (qemu-virt) the 2 MiB
	 * frame is 512 pages of a level-3 table, which must not overlap either. */
	cl_cptr_t as = kt_make(t, CL_OBJ_ASPACE, 15);
	cl_cptr_t f = kt_make(t, CL_OBJ_FRAME, 12);
	cl_cptr_t big = kt_make(t, CL_OBJ_FRAME, 21);

	CHECK(!t->failed);
	CHECK_EQ(ERR(cl_frame_map(big, as, BLOCK, RW, 0)), CL_OK);
	CHECK_EQ(ERR(cl_frame_map(f, as, BLOCK, RW, 0)), CL_IN_USE);
	CHECK_EQ(ERR(cl_frame_map(f, as, BLOCK + 0x1000, RW, 0)), CL_IN_USE);
	CHECK_EQ(ERR(cl_frame_map(f, as, 2 * BLOCK - 0x1000, RW, 0)), CL_IN_USE);
	CHECK_EQ(ERR(cl_frame_map(f, as, 2 * BLOCK, RW, 0)), CL_OK);
	CHECK_EQ(ERR(cl_frame_unmap(big)), CL_OK);
	/* A block cannot go where a table of pages is. */
	CHECK_EQ(ERR(cl_frame_map(big, as, 2 * BLOCK, RW, 0)), CL_IN_USE);
	CHECK_EQ(ERR(cl_frame_map(big, as, BLOCK, RW, 0)), CL_OK);
	CHECK_EQ(ERR(cl_aspace_cache_range(as, 2, BLOCK + BLOCK - 64, 128)), CL_OK);
}

KTEST(remap_keeps_the_contents)
{
	cl_cptr_t f;
	volatile uint64_t *p = (volatile uint64_t *)kt_map(t, &f);

	p[0] = 0x55;
	CHECK_EQ(ERR(cl_frame_remap(f, CL_RIGHT_READ, 0)), CL_OK);
	CHECK_EQ(p[0], 0x55);
	/* Before the non-cacheable alias: nothing of the page may stay in the caches. */
	CHECK_EQ(ERR(cl_frame_cache(f, 2, 0, 4096)), CL_OK);
	CHECK_EQ(ERR(cl_frame_remap(f, RW, 1)), CL_OK); /* normal non-cacheable */
	CHECK_EQ(p[0], 0x55);
	p[1] = 0x66;
	CHECK_EQ(ERR(cl_frame_remap(f, RW, 0)), CL_OK);
	CHECK_EQ(p[1], 0x66);
	/* Remapped without read, the page is still mapped for the range operations. */
	CHECK_EQ(ERR(cl_frame_remap(f, CL_RIGHT_WRITE, 0)), CL_OK);
	CHECK(kt_mapped((uint64_t)p));
	CHECK_EQ(ERR(cl_frame_remap(f, RW, 0)), CL_OK);
	CHECK_EQ(p[0], 0x55);
}

static void read_addr(uint64_t va)
{
	result = *(volatile uint64_t *)va;
}

KTEST(unmap_then_access_faults)
{
	cl_cptr_t fep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t f;
	uint64_t va = kt_map(t, &f);
	cl_cptr_t tcb;
	struct cl_result r;

	*(volatile uint64_t *)va = 0x77;
	CHECK_EQ(ERR(cl_frame_unmap(f)), CL_OK);
	result = 0;
	tcb = kt_thread(t, read_addr, va, 100, fep);
	r = cl_sys_recv(fep, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(cl_msginfo_label(r.info), CL_FAULT_STAGE2);
	CHECK_EQ(r.mr[CL_FAULT_STAGE2_IPA], va);
	CHECK_EQ(r.mr[CL_FAULT_STAGE2_WRITE], 0);
	CHECK_EQ(cl_tcb_read_regs(tcb).mr[3], KT_BLOCKED_REPLY);
	CHECK_EQ(cl_tcb_read_regs(tcb).mr[0], r.mr[CL_FAULT_STAGE2_PC]);
	/* Mapped back, the frame still holds what was written before. */
	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_ASPACE, va, CL_RIGHT_READ, 0)), CL_OK);
	cl_sys_reply(0, cl_msginfo(0, 0, 0), 0, 0, 0, 0, 0);
	kt_join(t);
	CHECK_EQ(result, 0x77);
}

/* movz x0, #42; br x1 */
static const uint32_t code[] = {0xd2800540, 0xd61f0020};
static cl_cptr_t landed_ntfn;
static cl_cptr_t park_ep;

static void landing(uint64_t x0)
{
	result = x0;
	cl_sys_send(landed_ntfn, 0, 0, 0, 0, 0, 0);
	for (;;)
		cl_sys_recv(park_ep, 0, 0, 0, 0, 0, 0);
}

/* Writes code at va (mapped read-write) and makes it visible to instruction fetch. */
static uint64_t put_code(cl_cptr_t f, uint64_t va)
{
	for (unsigned i = 0; i < sizeof(code) / sizeof(code[0]); i++)
		((volatile uint32_t *)va)[i] = code[i];
	return ERR(cl_frame_cache(f, 3, 0, sizeof(code)));
}

KTEST(executing_a_data_page_faults)
{
	cl_cptr_t fep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t tcb = kt_make(t, CL_OBJ_TCB, 0);
	cl_cptr_t f;
	uint64_t va = kt_map(t, &f);
	uint64_t stack = kt_map(t, NULL) + 4096;
	struct cl_result r;

	CHECK_EQ(put_code(f, va), CL_OK);
	CHECK_EQ(kt_start(tcb, CL_SLOT_CNODE, CL_SLOT_ASPACE, fep, va, stack, 0, (uint64_t)landing,
			  100),
		 CL_OK);
	r = cl_sys_recv(fep, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(cl_msginfo_label(r.info), CL_FAULT_STAGE2);
	CHECK_EQ(r.mr[CL_FAULT_STAGE2_ESR] >> 26, 0x20); /* instruction abort from EL0 */
	CHECK_EQ(r.mr[CL_FAULT_STAGE2_IPA], va);
	CHECK_EQ(r.mr[CL_FAULT_STAGE2_PC], va);
	CHECK_EQ(r.mr[CL_FAULT_STAGE2_WRITE], 0);
}

KTEST(code_written_then_unified_runs)
{
	cl_cptr_t tcb = kt_make(t, CL_OBJ_TCB, 0);
	cl_cptr_t f;
	uint64_t va = kt_map(t, &f);
	uint64_t stack = kt_map(t, NULL) + 4096;
	cl_cptr_t x = kt_slot(t);
	uint64_t xva = t->va;

	t->va += 4096;
	landed_ntfn = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	park_ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	result = 0;
	/* Written through a read-write mapping, run through a read+exec alias. */
	CHECK_EQ(put_code(f, va), CL_OK);
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, x, f, CL_RIGHTS_ALL)), CL_OK);
	CHECK_EQ(ERR(cl_frame_map(x, CL_SLOT_ASPACE, xva, RX, 0)), CL_OK);
	CHECK_EQ(kt_start(tcb, CL_SLOT_CNODE, CL_SLOT_ASPACE, 0, xva, stack, 0, (uint64_t)landing,
			  100),
		 CL_OK);
	CHECK_EQ(cl_sys_recv(landed_ntfn, 0, 0, 0, 0, 0, 0).err, CL_OK);
	CHECK_EQ(result, 42);
}

KTEST(frame_cache_bounds_and_rights)
{
	cl_cptr_t f =
		kt_make(t, CL_OBJ_FRAME, 12); /* never mapped: the kernel works on its own map */
	cl_cptr_t ro = kt_slot(t);

	for (uint64_t op = 0; op <= 3; op++) {
		CHECK_EQ(ERR(cl_frame_cache(f, op, 4095, 1)), CL_OK);
		CHECK_EQ(ERR(cl_frame_cache(f, op, 0, 4096)), CL_OK);
		CHECK_EQ(ERR(cl_frame_cache(f, op, 1, 4096)), CL_INVALID_ARG);
		CHECK_EQ(ERR(cl_frame_cache(f, op, 8, ~0ULL - 4)), CL_INVALID_ARG);
		CHECK_EQ(ERR(cl_frame_cache(f, op, ~0ULL, 1)), CL_INVALID_ARG);
	}
	CHECK_EQ(ERR(cl_frame_cache(f, 4, 0, 1)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_frame_cache(f, ~0ULL, 0, 1)), CL_INVALID_ARG);
	/* Only invalidate discards data, so only invalidate needs write. */
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, ro, f, CL_RIGHT_READ)), CL_OK);
	CHECK_EQ(ERR(cl_frame_cache(ro, 0, 0, 4096)), CL_OK);
	CHECK_EQ(ERR(cl_frame_cache(ro, 1, 0, 4096)), CL_NO_RIGHT);
	CHECK_EQ(ERR(cl_frame_cache(ro, 2, 0, 4096)), CL_OK);
	CHECK_EQ(ERR(cl_frame_cache(ro, 3, 0, 4096)), CL_OK);
}

KTEST(aspace_cache_range_across_pages)
{
	cl_cptr_t f[4];
	uint64_t va = kt_map(t, &f[0]);

	for (int i = 1; i < 4; i++)
		CHECK_EQ(kt_map(t, &f[i]), va + 4096 * (uint64_t)i);
	for (int i = 0; i < 4; i++)
		((volatile uint64_t *)(va + 4096 * (uint64_t)i))[7] = 0x100 + (uint64_t)i;
	/* Every operation over an unaligned range across all four pages; clean comes first. */
	for (uint64_t op = 0; op <= 3; op++)
		CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, op, va + 100, 3 * 4096 + 200)),
			 CL_OK);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(((volatile uint64_t *)(va + 4096 * (uint64_t)i))[7], 0x100 + (uint64_t)i);
	/* A read-only page in the middle: invalidate is refused, clean is fine. */
	CHECK_EQ(ERR(cl_frame_remap(f[2], CL_RIGHT_READ, 0)), CL_OK);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 1, va, 4 * 4096)), CL_NO_RIGHT);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 0, va, 4 * 4096)), CL_OK);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 1, va, 2 * 4096)), CL_OK);
	/* A hole in the middle: the whole range is refused. */
	CHECK_EQ(ERR(cl_frame_unmap(f[1])), CL_OK);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 2, va, 4 * 4096)), CL_NOT_MAPPED);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 2, va + 4095, 2)), CL_NOT_MAPPED);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 2, va + 2 * 4096, 2 * 4096)), CL_OK);
}

KTEST(device_tree_frames_are_read_only)
{
	cl_cptr_t dtb = kt_slot(t);
	uint64_t va = t->va;
	uint32_t magic;

	t->va += 4096;
	KT_REQUIRE(t->bi->dtb_count >= 1, "this system gives the suite no device tree");
	/* A copy (deleted after the case, which unmaps it) asking for all rights gets read. */
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, dtb, t->bi->dtb_first, CL_RIGHTS_ALL)), CL_OK);
	CHECK_EQ(ERR(cl_frame_map(dtb, CL_SLOT_ASPACE, va, RW, 0)), CL_NO_RIGHT);
	CHECK_EQ(ERR(cl_frame_cache(dtb, 1, 0, 64)), CL_NO_RIGHT);
	CHECK_EQ(ERR(cl_frame_map(dtb, CL_SLOT_ASPACE, va, CL_RIGHT_READ, 0)), CL_OK);
	CHECK_EQ(cl_frame_address(dtb).mr[0], t->bi->dtb_paddr & ~0xfffULL);
	/* The flattened device tree's magic, big-endian 0xd00dfeed. */
	magic = *(volatile uint32_t *)(va + (t->bi->dtb_paddr & 0xfff));
	CHECK_EQ(__builtin_bswap32(magic), 0xd00dfeed);
}
