/* Thread control: configure, registers, priorities, suspend/resume, errors. */
#include "ktest.h"

static volatile uint64_t counter;

static void count(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		counter++;
}

KTEST(thread_runs_and_finishes)
{
	counter = 0;
	kt_thread(t, count, 1000, 100, 0);
	kt_join(t);
	CHECK_EQ(counter, 1000);
}

KTEST(thread_register_access)
{
	cl_cptr_t tcb = kt_make(t, CL_OBJ_TCB, 0);
	struct cl_result r;

	CHECK_EQ(ERR(cl_tcb_write_regs(tcb, 0x400123, 0x7000, 11, 12)), CL_OK);
	r = cl_tcb_read_regs(tcb);
	CHECK_EQ(r.err, CL_OK);
	CHECK_EQ(r.mr[0], 0x400123);
	CHECK_EQ(r.mr[1], 0x7000);
	CHECK_EQ(r.mr[2], 11);
	CHECK_EQ(r.mr[3], 0); /* inactive */
}

KTEST(thread_errors)
{
	cl_cptr_t tcb = kt_make(t, CL_OBJ_TCB, 0);
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t ro = kt_slot(t);

	CHECK_EQ(ERR(cl_tcb_resume(tcb)), CL_ILLEGAL); /* not configured */
	CHECK_EQ(ERR(cl_tcb_configure(tcb, ep, CL_SLOT_ASPACE, 0)), CL_WRONG_TYPE);
	CHECK_EQ(ERR(cl_tcb_configure(tcb, CL_SLOT_CNODE, CL_SLOT_CNODE, 0)), CL_WRONG_TYPE);
	CHECK_EQ(ERR(cl_tcb_configure(tcb, CL_SLOT_CNODE, CL_SLOT_ASPACE, CL_SLOT_TCB)),
		 CL_WRONG_TYPE);
	CHECK_EQ(ERR(cl_tcb_configure(tcb, kt_slot(t), CL_SLOT_ASPACE, 0)), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, ro, ep, CL_RIGHT_READ)), CL_OK);
	CHECK_EQ(ERR(cl_tcb_configure(tcb, CL_SLOT_CNODE, CL_SLOT_ASPACE, ro)), CL_NO_RIGHT);
	CHECK_EQ(ERR(cl_tcb_set_priority(tcb, 256)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_tcb_set_affinity(tcb, 64)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_tcb_unbind_notification(tcb)), CL_ILLEGAL);
	CHECK_EQ(ERR(cl_tcb_bind_notification(tcb, ep)), CL_WRONG_TYPE);
	/* A running thread's registers and configuration are out of reach until suspended. */
	CHECK_EQ(ERR(cl_tcb_write_regs(CL_SLOT_TCB, 0, 0, 0, 0)), CL_ILLEGAL);
	CHECK_EQ(ERR(cl_tcb_configure(CL_SLOT_TCB, CL_SLOT_CNODE, CL_SLOT_ASPACE, 0)), CL_ILLEGAL);
}

KTEST(suspend_stops_a_thread)
{
	cl_cptr_t tcb;
	uint64_t before;

	counter = 0;
	tcb = kt_thread(t, count, 1ULL << 40, 255, 0); /* runs (almost) forever */
	for (int i = 0; i < KT_WAIT_YIELDS && counter == 0; i++)
		cl_sys_yield(0, 0, 0, 0, 0, 0, 0);
	CHECK(counter != 0);
	CHECK_EQ(ERR(cl_tcb_suspend(tcb)), CL_OK);
	before = counter;
	cl_sys_yield(0, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(counter, before);
	CHECK_EQ(ERR(cl_tcb_resume(tcb)), CL_OK);
	for (int i = 0; i < KT_WAIT_YIELDS && counter == before; i++)
		cl_sys_yield(0, 0, 0, 0, 0, 0, 0);
	CHECK(counter != before);
}

KTEST(higher_priority_runs_first)
{
	counter = 0;
	/* Neither runs until the runner blocks; then the higher one finishes first. */
	kt_thread(t, count, 10, 50, 0);
	kt_thread(t, count, 1000, 60, 0);
	kt_join(t);
	CHECK_EQ(counter, 1000);
	kt_join(t);
	CHECK_EQ(counter, 1010);
}

KTEST(thread_general_registers_readable)
{
	cl_cptr_t tcb = kt_make(t, CL_OBJ_TCB, 0);
	struct cl_result r;

	CHECK_EQ(ERR(cl_tcb_write_regs(tcb, 0x400000, 0x7000, 11, 12)), CL_OK);
	r = cl_tcb_read_gprs(tcb, 0);
	CHECK_EQ(r.err, CL_OK);
	CHECK_EQ(r.mr[0], 11);
	CHECK_EQ(r.mr[1], 12);
	CHECK_EQ(ERR(cl_tcb_read_gprs(tcb, 27)), CL_OK); /* x27..x30 */
	CHECK_EQ(ERR(cl_tcb_read_gprs(tcb, 28)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_tcb_read_gprs(tcb, ~0ULL)), CL_INVALID_ARG);
}
