/*
 * Objects a thread depends on, taken away under it. A thread holds its
 * address space as a capability of its own, a child of the one it was
 * configured with, so revoking that reaches into the thread; the thread
 * must then not run in a space that is gone.
 *
 * KTEST_LAST and in the last file of the build: a kernel that gets this
 * wrong panics (kernel/arch/aarch64/user.c load() reading the VTTBR of the
 * thread's now empty address-space capability, as it did when this case was
 * written), which ends the boot; running last, it hides no other result.
 */
#include "ktest.h"

static volatile uint64_t result;

static void never_runs(uint64_t unused)
{
	(void)unused;
	for (;;)
		cl_sys_yield(0, 0, 0, 0, 0, 0, 0);
}

KTEST_LAST(revoked_address_space_stops_its_thread)
{
	cl_cptr_t as = kt_make(t, CL_OBJ_ASPACE, 13);
	cl_cptr_t tcb = kt_make(t, CL_OBJ_TCB, 0);
	uint64_t stack = kt_map(t, NULL) + 4096;

	CHECK(!t->failed);
	/*
	 * Runnable, in a space of its own: queued, not yet run. One below the runner's
	 * priority, so a timer tick between its start and the check cannot hand it the
	 * CPU (at the runner's own priority it sometimes ran, faulted and stopped first).
	 */
	CHECK_EQ(kt_start(tcb, CL_SLOT_CNODE, as, 0, (uint64_t)never_runs, stack, 0, 0, 254),
		 CL_OK);
	CHECK_EQ(cl_tcb_read_regs(tcb).mr[3], KT_RUNNABLE);
	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, as)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, as)), CL_OK);
	/*
	 * The space is gone: the thread may not run (chosen to, it is stopped), and cannot
	 * be resumed. At the runner's priority the yields below let it be chosen.
	 */
	CHECK_EQ(ERR(cl_tcb_set_priority(tcb, 255)), CL_OK);
	CHECK(kt_wait_state(tcb, KT_INACTIVE));
	CHECK_EQ(ERR(cl_tcb_resume(tcb)), CL_ILLEGAL);
}

static void recv_then_record(uint64_t ep)
{
	cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);
	result = 1;
}

KTEST_LAST(revoked_address_space_stops_its_blocked_thread)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	uint64_t top;
	cl_cptr_t as = kt_space(t, &top);
	cl_cptr_t tcb;

	CHECK(!t->failed);
	result = 0;
	tcb = kt_thread_in(t, as, top, recv_then_record, ep, 255, 0);
	CHECK(kt_wait_state(tcb, KT_BLOCKED_RECV));
	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, as)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, as)), CL_OK);
	/* Woken (or already stopped), it never returns to user level. */
	CHECK_EQ(cl_sys_nb_send(ep, cl_msginfo(1, 0, 0), 0, 0, 0, 0, 0).err, CL_OK);
	CHECK(kt_wait_state(tcb, KT_INACTIVE));
	CHECK_EQ(result, 0);
}

static cl_cptr_t own_space;

static void revoke_own_space(uint64_t unused)
{
	(void)unused;
	result = ERR(cl_cnode_revoke(CL_SLOT_CNODE, own_space)) + 100;
}

KTEST_LAST(thread_revoking_its_own_space_stops)
{
	uint64_t top;
	cl_cptr_t tcb;

	own_space = kt_space(t, &top);
	CHECK(!t->failed);
	result = 0;
	tcb = kt_thread_in(t, own_space, top, revoke_own_space, 0, 255, 0);
	/* Its revoke takes its own capability to the space: it does not come back from it. */
	CHECK(kt_wait_state(tcb, KT_INACTIVE));
	CHECK_EQ(result, 0);
	/* The space itself lives on in the runner's capability. */
	CHECK_EQ(ERR(cl_aspace_cache_range(own_space, 0, t->bi->image_vaddr, 64)), CL_OK);
}
