/*
 * Threads in a second address space: the root image's frames mapped again
 * there (the same physical pages, so code and data are shared), a stack of
 * its own, IPC across spaces, and what separation means: a frame mapped in
 * one space is not in the other.
 */
#include "ktest.h"

#define RW (CL_RIGHT_READ | CL_RIGHT_WRITE)

static volatile uint64_t marker;
static volatile uint64_t result;

static void space_server(uint64_t ep)
{
	struct cl_result r = cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);

	for (;;) {
		marker++; /* the data pages are the root's: the runner sees this */
		r = cl_sys_reply_recv(ep, cl_msginfo(cl_msginfo_label(r.info) + 1, 4, 0),
				      r.mr[0] + 1, r.mr[1] + 2, r.mr[2] + 3, r.mr[3] + 4, 0);
	}
}

KTEST(ipc_across_address_spaces)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	uint64_t top;
	cl_cptr_t as = kt_space(t, &top);
	struct cl_result r;

	CHECK(!t->failed);
	marker = 0;
	kt_thread_in(t, as, top, space_server, ep, 100, 0);
	CHECK(!t->failed);
	for (uint64_t i = 0; i < 20; i++) {
		r = cl_sys_call(ep, cl_msginfo(0x40, 4, 0), i, 10 * i, 100 * i, 1000 * i, 0);
		CHECK_EQ(r.err, CL_OK);
		CHECK_EQ(cl_msginfo_label(r.info), 0x41);
		CHECK_EQ(cl_msginfo_length(r.info), 4);
		CHECK_EQ(r.mr[0], i + 1);
		CHECK_EQ(r.mr[1], 10 * i + 2);
		CHECK_EQ(r.mr[2], 100 * i + 3);
		CHECK_EQ(r.mr[3], 1000 * i + 4);
		CHECK_EQ(marker, i + 1);
	}
}

static void read_at(uint64_t va)
{
	result = *(volatile uint64_t *)va;
}

KTEST(frame_in_one_space_faults_in_the_other)
{
	cl_cptr_t fep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t f;
	uint64_t va = kt_map(t, &f);
	uint64_t top;
	cl_cptr_t as = kt_space(t, &top);
	cl_cptr_t alias = kt_slot(t);
	struct cl_result r;

	CHECK(!t->failed);
	*(volatile uint64_t *)va = 0x1111;
	result = 0;
	kt_thread_in(t, as, top, read_at, va, 100, fep);
	r = cl_sys_recv(fep, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(cl_msginfo_label(r.info), CL_FAULT_STAGE2);
	CHECK_EQ(r.mr[CL_FAULT_STAGE2_IPA], va);
	CHECK_EQ(r.mr[CL_FAULT_STAGE2_WRITE], 0);
	/* The handler maps the same frame there too; the retried load sees the runner's data. */
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, alias, f, CL_RIGHTS_ALL)), CL_OK);
	CHECK_EQ(ERR(cl_frame_map(alias, as, va, CL_RIGHT_READ, 0)), CL_OK);
	cl_sys_reply(0, cl_msginfo(0, 0, 0), 0, 0, 0, 0, 0);
	kt_join(t);
	CHECK_EQ(result, 0x1111);
}

static void write_then_read(uint64_t va)
{
	*(volatile uint64_t *)va = 0xbbbb;
	result = *(volatile uint64_t *)va;
}

KTEST(same_address_different_frames_in_two_spaces)
{
	cl_cptr_t f;
	uint64_t va = kt_map(t, &f);
	cl_cptr_t g = kt_make(t, CL_OBJ_FRAME, 12);
	cl_cptr_t g_here = kt_slot(t);
	uint64_t top;
	cl_cptr_t as = kt_space(t, &top);
	uint64_t va_g = t->va;

	CHECK(!t->failed);
	t->va += 4096;
	*(volatile uint64_t *)va = 0xaaaa;
	CHECK_EQ(ERR(cl_frame_map(g, as, va, RW, 0)), CL_OK);
	result = 0;
	kt_thread_in(t, as, top, write_then_read, va, 100, 0);
	kt_join(t);
	CHECK_EQ(result, 0xbbbb);
	CHECK_EQ(*(volatile uint64_t *)va, 0xaaaa);
	/* What the thread wrote is in g: look through a mapping of it here. */
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, g_here, g, CL_RIGHT_READ)), CL_OK);
	CHECK_EQ(ERR(cl_frame_map(g_here, CL_SLOT_ASPACE, va_g, CL_RIGHT_READ, 0)), CL_OK);
	CHECK_EQ(*(volatile uint64_t *)va_g, 0xbbbb);
}

KTEST(deleting_an_aspace_unmaps_its_frames)
{
	cl_cptr_t as = kt_make(t, CL_OBJ_ASPACE, 14);
	cl_cptr_t f = kt_make(t, CL_OBJ_FRAME, 12);
	uint64_t va = t->va;

	t->va += 4096;
	CHECK_EQ(ERR(cl_frame_map(f, as, 0x400000, RW, 0)), CL_OK);
	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_ASPACE, va, RW, 0)), CL_IN_USE);
	CHECK_EQ(ERR(cl_aspace_cache_range(as, 2, 0x400000, 4096)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, as)), CL_OK);
	/* Its mapping went with the space: the frame is free to map elsewhere. */
	CHECK_EQ(ERR(cl_frame_unmap(f)), CL_NOT_MAPPED);
	CHECK_EQ(ERR(cl_frame_remap(f, CL_RIGHT_READ, 0)), CL_NOT_MAPPED);
	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_ASPACE, va, RW, 0)), CL_OK);
	/* A new space (perhaps with the same VMID) does not inherit the old mapping. */
	as = kt_make(t, CL_OBJ_ASPACE, 14);
	CHECK_EQ(ERR(cl_aspace_cache_range(as, 0, 0x400000, 4096)), CL_NOT_MAPPED);
	CHECK_EQ(ERR(cl_frame_unmap(f)), CL_OK);
}

static void read_two(uint64_t va)
{
	/* The first page is mapped only in the other space, the second not at all. */
	result = *(volatile uint64_t *)va;
	result += *(volatile uint64_t *)(va + 4096);
}

KTEST(a_space_thread_faults_are_its_own)
{
	cl_cptr_t fep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t f = kt_make(t, CL_OBJ_FRAME, 12);
	uint64_t top;
	cl_cptr_t as = kt_space(t, &top);
	cl_cptr_t tcb;
	struct cl_result r;

	CHECK(!t->failed);
	CHECK_EQ(ERR(cl_frame_map(f, as, 0x30000000, RW, 0)), CL_OK);
	result = 0;
	tcb = kt_thread_in(t, as, top, read_two, 0x30000000, 100, fep);
	r = cl_sys_recv(fep, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(cl_msginfo_label(r.info), CL_FAULT_STAGE2);
	CHECK_EQ(r.mr[CL_FAULT_STAGE2_IPA], 0x30001000);
	CHECK_EQ(cl_tcb_read_regs(tcb).mr[0], r.mr[CL_FAULT_STAGE2_PC]);
	/* The runner's own 0x30000000 region is untouched by the other space's mapping. */
	CHECK(!kt_mapped(0x30000000));
}
