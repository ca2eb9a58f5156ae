/*
 * Faults delivered to a handler (the runner) and resumed: stage-2 faults on
 * unmapped and read-only memory, undefined instructions, unknown system
 * calls; and a thread without a handler is stopped.
 */
#include "ktest.h"

static volatile uint64_t result;

static void touch(uint64_t addr)
{
	*(volatile uint64_t *)addr = 0x1234;
	result = *(volatile uint64_t *)addr;
}

KTEST(stage2_fault_fixed_by_the_handler)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t frame = kt_make(t, CL_OBJ_FRAME, 12);
	uint64_t addr = 0x30000000;
	struct cl_result r;

	result = 0;
	kt_thread(t, touch, addr + 8, 100, ep);
	r = cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(cl_msginfo_label(r.info), CL_FAULT_STAGE2);
	CHECK_EQ(r.mr[CL_FAULT_STAGE2_IPA], addr + 8);
	CHECK_EQ(r.mr[CL_FAULT_STAGE2_WRITE], 1);
	/* Map a page there and let the thread run the faulting store again (reply label 0). */
	CHECK_EQ(ERR(cl_frame_map(frame, CL_SLOT_ASPACE, addr, CL_RIGHT_READ | CL_RIGHT_WRITE, 0)),
		 CL_OK);
	cl_sys_reply(0, cl_msginfo(0, 0, 0), 0, 0, 0, 0, 0);
	kt_join(t);
	CHECK_EQ(result, 0x1234);
}

static void write_readonly(uint64_t addr)
{
	*(volatile uint64_t *)addr = 7;
	result = *(volatile uint64_t *)addr;
}

KTEST(write_to_readonly_mapping_faults)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t frame;
	uint64_t va = kt_map(t, &frame);
	struct cl_result r;

	CHECK_EQ(ERR(cl_frame_remap(frame, CL_RIGHT_READ, 0)), CL_OK);
	result = 0;
	kt_thread(t, write_readonly, va, 100, ep);
	r = cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(cl_msginfo_label(r.info), CL_FAULT_STAGE2);
	CHECK_EQ(r.mr[CL_FAULT_STAGE2_IPA], va);
	CHECK_EQ(r.mr[CL_FAULT_STAGE2_WRITE], 1);
	/* Give write back; the retried store succeeds. */
	CHECK_EQ(ERR(cl_frame_remap(frame, CL_RIGHT_READ | CL_RIGHT_WRITE, 0)), CL_OK);
	cl_sys_reply(0, cl_msginfo(0, 0, 0), 0, 0, 0, 0, 0);
	kt_join(t);
	CHECK_EQ(result, 7);
}

static void undefined(uint64_t unused)
{
	(void)unused;
	__asm__ volatile("udf #0x42");
	result = 5;
}

KTEST(undefined_instruction_skipped_by_the_handler)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct cl_result r;

	result = 0;
	kt_thread(t, undefined, 0, 100, ep);
	r = cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(cl_msginfo_label(r.info), CL_FAULT_UNDEFINED);
	CHECK_EQ(r.mr[CL_FAULT_UNDEFINED_ESR] >> 26, 0); /* EC 0: unknown reason */
	/* Reply label 1: resume at MR0, the next instruction. */
	cl_sys_reply(0, cl_msginfo(1, 1, 0), r.mr[CL_FAULT_UNDEFINED_PC] + 4, 0, 0, 0, 0);
	kt_join(t);
	CHECK_EQ(result, 5);
}

static void linux_syscall(uint64_t unused)
{
	register uint64_t x0 __asm__("x0") = 1;
	register uint64_t x8 __asm__("x8") = 64; /* write(2), as musl would issue it */

	(void)unused;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8) : "memory");
	result = x0;
}

KTEST(unknown_syscall_emulated_by_the_handler)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct cl_result r;

	result = 0;
	kt_thread(t, linux_syscall, 0, 100, ep);
	r = cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(cl_msginfo_label(r.info), CL_FAULT_UNKNOWN_SYSCALL);
	CHECK_EQ(r.mr[CL_FAULT_UNKNOWN_SYSCALL_IMM], 0);
	CHECK_EQ(r.mr[CL_FAULT_UNKNOWN_SYSCALL_X8], 64);
	cl_sys_reply(0, cl_msginfo(0, 1, 0), 77, 0, 0, 0, 0);
	kt_join(t);
	CHECK_EQ(result, 77);
}

KTEST(fault_without_handler_stops_the_thread)
{
	cl_cptr_t tcb;

	result = 0;
	/* Same priority as the runner: a yield lets it run into the fault. */
	tcb = kt_thread(t, touch, 0x31000000, 255, 0);
	CHECK(kt_wait_state(tcb, KT_INACTIVE)); /* stopped */
	CHECK_EQ(ERR(cl_tcb_read_regs(tcb)), CL_OK);
	CHECK_EQ(result, 0);
}
