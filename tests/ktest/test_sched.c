/*
 * Scheduling and thread control: priorities and their limits, round robin
 * among equals (by yield and by time slice), suspend/resume in every state,
 * reconfiguration, thread states, and bound notifications.
 *
 * The runner runs at 255: threads below it run only while it blocks
 * (kt_join, a receive), threads at 255 when it yields (kt_wait_state).
 */
#include "ktest.h"

static volatile uint64_t res[8];
static volatile unsigned order[64];
static volatile unsigned order_len;

static void log_id(uint64_t id)
{
	unsigned i = order_len;

	order[i % 64] = (unsigned)id;
	order_len = i + 1;
}

static cl_cptr_t other_tcb;
static cl_cptr_t self_tcb;

static void try_priorities(uint64_t unused)
{
	(void)unused;
	res[0] = ERR(cl_tcb_set_priority(other_tcb, 101));
	res[1] = ERR(cl_tcb_set_priority(other_tcb, 100));
	res[2] = ERR(cl_tcb_set_priority(self_tcb, 101));
	res[3] = ERR(cl_tcb_set_priority(other_tcb, 0));
	res[4] = ERR(cl_tcb_set_priority(self_tcb, 99));
	res[5] = ERR(cl_tcb_set_priority(self_tcb, 100)); /* back up: above its own now */
}

KTEST(set_priority_above_the_caller_is_refused)
{
	other_tcb = kt_make(t, CL_OBJ_TCB, 0);
	for (int i = 0; i < 6; i++)
		res[i] = 99;
	self_tcb = kt_thread(t, try_priorities, 0, 100, 0);
	kt_join(t);
	CHECK_EQ(res[0], CL_INVALID_ARG);
	CHECK_EQ(res[1], CL_OK);
	CHECK_EQ(res[2], CL_INVALID_ARG);
	CHECK_EQ(res[3], CL_OK);
	CHECK_EQ(res[4], CL_OK);
	CHECK_EQ(res[5], CL_INVALID_ARG);
	/* The runner, at 255, may set anything up to 255. */
	CHECK_EQ(ERR(cl_tcb_set_priority(other_tcb, 255)), CL_OK);
	CHECK_EQ(ERR(cl_tcb_set_priority(other_tcb, 256)), CL_INVALID_ARG);
}

KTEST(set_priority_reorders_runnable_threads)
{
	cl_cptr_t a;
	cl_cptr_t b;

	order_len = 0;
	a = kt_thread(t, log_id, 1, 50, 0);
	b = kt_thread(t, log_id, 2, 60, 0);
	kt_thread(t, log_id, 3, 40, 0);
	/* All three wait in the run queue; move A up and B down before any runs. */
	CHECK_EQ(ERR(cl_tcb_set_priority(a, 70)), CL_OK);
	CHECK_EQ(ERR(cl_tcb_set_priority(b, 10)), CL_OK);
	kt_join(t);
	kt_join(t);
	kt_join(t);
	CHECK_EQ(order_len, 3);
	CHECK_EQ(order[0], 1);
	CHECK_EQ(order[1], 3);
	CHECK_EQ(order[2], 2);
}

static void lower_myself(uint64_t unused)
{
	(void)unused;
	log_id(1);
	cl_tcb_set_priority(self_tcb, 100); /* below the waiting thread: it runs at once */
	log_id(3);
}

KTEST(lowering_own_priority_yields_at_once)
{
	order_len = 0;
	self_tcb = kt_thread(t, lower_myself, 0, 200, 0);
	kt_thread(t, log_id, 2, 150, 0);
	kt_join(t);
	kt_join(t);
	CHECK_EQ(order_len, 3);
	CHECK_EQ(order[0], 1);
	CHECK_EQ(order[1], 2);
	CHECK_EQ(order[2], 3);
}

#define ROUNDS 20

static void log_and_yield(uint64_t id)
{
	for (int i = 0; i < ROUNDS; i++) {
		log_id((unsigned)id);
		cl_sys_yield(0, 0, 0, 0, 0, 0, 0);
	}
}

KTEST(yield_round_robins_equal_priorities)
{
	unsigned switches = 0;

	order_len = 0;
	kt_thread(t, log_and_yield, 1, 100, 0);
	kt_thread(t, log_and_yield, 2, 100, 0);
	kt_join(t);
	kt_join(t);
	CHECK(order_len >= 2 * ROUNDS - 2 && order_len <= 2 * ROUNDS);
	CHECK_EQ(order[0], 1); /* first come, first served */
	for (unsigned i = 1; i < order_len; i++)
		switches += order[i] != order[i - 1];
	/* Strict alternation gives 2 * ROUNDS - 1; a timer tick can cost a couple. */
	CHECK(switches >= 2 * ROUNDS - 5);
}

static volatile uint64_t spin[2];
#define SPIN_LIMIT (1ULL << 28)

static void spin_until_other(uint64_t me)
{
	do
		spin[me]++;
	while (spin[1 - me] == 0 && spin[me] < SPIN_LIMIT);
	res[me] = spin[1 - me] != 0;
}

KTEST(equal_priorities_share_by_time_slice)
{
	/* Neither yields: only the timer tick can let the other one run. */
	spin[0] = spin[1] = 0;
	res[0] = res[1] = 0;
	kt_thread(t, spin_until_other, 0, 100, 0);
	kt_thread(t, spin_until_other, 1, 100, 0);
	kt_join(t);
	kt_join(t);
	CHECK_EQ(res[0], 1);
	CHECK_EQ(res[1], 1);
	CHECK(spin[0] < SPIN_LIMIT);
}

static void suspend_myself(uint64_t unused)
{
	(void)unused;
	res[0] = 1;
	res[1] = ERR(cl_tcb_suspend(self_tcb));
	res[0] = 2;
}

KTEST(thread_suspends_itself_and_is_resumed)
{
	res[0] = 0;
	res[1] = 99;
	self_tcb = kt_thread(t, suspend_myself, 0, 255, 0);
	CHECK(kt_wait_state(self_tcb, KT_INACTIVE));
	CHECK_EQ(res[0], 1);
	for (int i = 0; i < 10; i++)
		cl_sys_yield(0, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(res[0], 1);
	/* Resumed, it returns from its suspend as from any invocation. */
	CHECK_EQ(ERR(cl_tcb_resume(self_tcb)), CL_OK);
	kt_join(t);
	CHECK_EQ(res[0], 2);
	CHECK_EQ(res[1], CL_OK);
}

static void count_forever(uint64_t unused)
{
	(void)unused;
	for (;;)
		spin[0]++;
}

static void touch_unmapped(uint64_t addr)
{
	*(volatile uint64_t *)addr = 1;
}

KTEST(reconfigure_after_suspend)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t tcb = kt_make(t, CL_OBJ_TCB, 0);
	uint64_t stack = kt_map(t, NULL) + 4096;
	struct cl_result r;

	spin[0] = 0;
	CHECK_EQ(kt_start(tcb, CL_SLOT_CNODE, CL_SLOT_ASPACE, 0, (uint64_t)count_forever, stack, 0,
			  0, 255),
		 CL_OK);
	for (int i = 0; i < KT_WAIT_YIELDS && spin[0] == 0; i++)
		cl_sys_yield(0, 0, 0, 0, 0, 0, 0);
	CHECK(spin[0] != 0);
	CHECK_EQ(ERR(cl_tcb_configure(tcb, CL_SLOT_CNODE, CL_SLOT_ASPACE, ep)), CL_ILLEGAL);
	CHECK_EQ(ERR(cl_tcb_suspend(tcb)), CL_OK);
	/* Stopped, it takes a new fault handler and a new program. */
	CHECK_EQ(kt_start(tcb, CL_SLOT_CNODE, CL_SLOT_ASPACE, ep, (uint64_t)touch_unmapped, stack,
			  0x31000040, 0, 100),
		 CL_OK);
	r = cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(cl_msginfo_label(r.info), CL_FAULT_STAGE2);
	CHECK_EQ(r.mr[CL_FAULT_STAGE2_IPA], 0x31000040);
	CHECK_EQ(cl_tcb_read_regs(tcb).mr[3], KT_BLOCKED_REPLY);
}

static cl_cptr_t shared_ep;

static void recv_two(uint64_t unused)
{
	struct cl_result r;

	(void)unused;
	r = cl_sys_recv(shared_ep, 0, 0, 0, 0, 0, 0);
	res[0] = r.err;
	res[1] = cl_msginfo_label(r.info);
	r = cl_sys_recv(shared_ep, 0, 0, 0, 0, 0, 0);
	res[2] = r.err;
	res[3] = cl_msginfo_label(r.info);
	res[4] = 1;
}

KTEST(resumed_receiver_sees_its_abandoned_ipc_end)
{
	cl_cptr_t tcb;

	shared_ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	res[0] = res[1] = res[2] = res[3] = 99;
	res[4] = 0;
	tcb = kt_thread(t, recv_two, 0, 255, 0);
	CHECK(kt_wait_state(tcb, KT_BLOCKED_RECV));
	CHECK_EQ(ERR(cl_tcb_suspend(tcb)), CL_OK);
	CHECK_EQ(cl_tcb_read_regs(tcb).mr[3], KT_INACTIVE);
	/* Suspended, it is no longer a receiver: this message finds nobody. */
	CHECK_EQ(cl_sys_nb_send(shared_ep, cl_msginfo(9, 0, 0), 0, 0, 0, 0, 0).err, CL_OK);
	CHECK_EQ(res[1], 99);
	CHECK_EQ(ERR(cl_tcb_resume(tcb)), CL_OK);
	/* Either its receive starts over or it ends with an error; either way it waits again. */
	CHECK(kt_wait_state(tcb, KT_BLOCKED_RECV));
	CHECK_EQ(cl_sys_send(shared_ep, cl_msginfo(10, 0, 0), 0, 0, 0, 0, 0).err, CL_OK);
	/* The send woke it; once it waits again it has either finished or wants one more. */
	CHECK(kt_wait_state(tcb, KT_BLOCKED_RECV));
	if (res[4] == 0)
		CHECK_EQ(cl_sys_send(shared_ep, cl_msginfo(11, 0, 0), 0, 0, 0, 0, 0).err, CL_OK);
	kt_join(t);
	CHECK(res[1] != 9);
	if (res[0] == CL_OK) {
		/* restarted: the first receive got the next message */
		CHECK_EQ(res[1], 10);
		CHECK_EQ(res[3], 11);
	} else {
		/* abandoned: x0 must be an error code (idl/abi.yaml), not left-over registers */
		if (res[0] >= CL_NUM_ERRORS)
			kt_fail(t, __FILE__, __LINE__,
				"abandoned receive returned x0 (its cptr?) outside enum cl_error",
				res[0], shared_ep);
		CHECK_EQ(res[2], CL_OK);
		CHECK_EQ(res[3], 10);
	}
}

static void send_one(uint64_t label)
{
	res[0] = cl_sys_send(shared_ep, cl_msginfo(label, 1, 0), 0x51, 0, 0, 0, 0).err;
}

KTEST(suspended_sender_message_is_abandoned)
{
	cl_cptr_t tcb;
	struct cl_result r;

	shared_ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	tcb = kt_thread(t, send_one, 5, 255, 0);
	CHECK(kt_wait_state(tcb, KT_BLOCKED_SEND));
	CHECK_EQ(ERR(cl_tcb_suspend(tcb)), CL_OK);
	r = cl_sys_nb_recv(shared_ep, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(r.err, CL_OK);
	CHECK_EQ(cl_msginfo_label(r.info), 0); /* nothing waiting */
	CHECK_EQ(cl_tcb_read_regs(tcb).mr[3], KT_INACTIVE);
}

static cl_cptr_t go_ntfn;

static void late_server(uint64_t unused)
{
	(void)unused;
	cl_sys_recv(shared_ep, 0, 0, 0, 0, 0, 0);
	cl_sys_recv(go_ntfn, 0, 0, 0, 0, 0, 0);
	res[2] = cl_sys_reply(0, cl_msginfo(77, 0, 0), 0, 0, 0, 0, 0).err;
}

static void caller(uint64_t unused)
{
	struct cl_result r;

	(void)unused;
	r = cl_sys_call(shared_ep, cl_msginfo(3, 0, 0), 0, 0, 0, 0, 0);
	res[0] = r.err;
	res[1] = cl_msginfo_label(r.info);
}

KTEST(suspending_a_caller_drops_the_reply)
{
	cl_cptr_t client;

	shared_ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	go_ntfn = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	res[0] = res[1] = res[2] = 99;
	kt_thread(t, late_server, 0, 255, 0);
	client = kt_thread(t, caller, 0, 255, 0);
	CHECK(kt_wait_state(client, KT_BLOCKED_REPLY));
	CHECK_EQ(ERR(cl_tcb_suspend(client)), CL_OK);
	CHECK_EQ(cl_sys_send(go_ntfn, 0, 0, 0, 0, 0, 0).err, CL_OK);
	kt_join(t); /* the server replied into the void and finished */
	CHECK_EQ(res[2], CL_OK);
	CHECK_EQ(cl_tcb_read_regs(client).mr[3], KT_INACTIVE);
	CHECK_EQ(res[1], 99);
}

static cl_cptr_t states_ep2;

static void walk_states(uint64_t ntfn)
{
	cl_sys_recv(shared_ep, 0, 0, 0, 0, 0, 0);
	cl_sys_recv(ntfn, 0, 0, 0, 0, 0, 0);
	cl_sys_call(states_ep2, cl_msginfo(1, 0, 0), 0, 0, 0, 0, 0);
	for (;;)
		spin[0]++;
}

KTEST(thread_states_reported)
{
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t tcb;
	struct cl_result r;

	shared_ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	states_ep2 = kt_make(t, CL_OBJ_ENDPOINT, 0);
	tcb = kt_thread(t, walk_states, n, 255, 0);
	CHECK_EQ(cl_tcb_read_regs(tcb).mr[3], KT_RUNNABLE);
	CHECK(kt_wait_state(tcb, KT_BLOCKED_RECV));
	CHECK_EQ(cl_sys_send(shared_ep, cl_msginfo(1, 0, 0), 0, 0, 0, 0, 0).err, CL_OK);
	CHECK(kt_wait_state(tcb, KT_BLOCKED_NTFN));
	CHECK_EQ(cl_sys_send(n, 0, 0, 0, 0, 0, 0).err, CL_OK);
	CHECK(kt_wait_state(tcb, KT_BLOCKED_SEND));
	r = cl_sys_recv(states_ep2, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(cl_msginfo_label(r.info), 1);
	CHECK_EQ(cl_tcb_read_regs(tcb).mr[3], KT_BLOCKED_REPLY);
	cl_sys_reply(0, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(cl_tcb_read_regs(tcb).mr[3], KT_RUNNABLE);
	CHECK_EQ(ERR(cl_tcb_suspend(tcb)), CL_OK);
	CHECK_EQ(cl_tcb_read_regs(tcb).mr[3], KT_INACTIVE);
}

static void recv_label(uint64_t slot)
{
	struct cl_result r = cl_sys_recv(shared_ep, 0, 0, 0, 0, 0, 0);

	res[slot] = cl_msginfo_label(r.info);
}

KTEST(deleting_a_blocked_thread_leaves_the_endpoint_usable)
{
	cl_cptr_t first;
	cl_cptr_t second;

	shared_ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	res[0] = res[1] = 0;
	first = kt_thread(t, recv_label, 0, 255, 0);
	CHECK(kt_wait_state(first, KT_BLOCKED_RECV));
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, first)), CL_OK);
	second = kt_thread(t, recv_label, 1, 255, 0);
	CHECK(kt_wait_state(second, KT_BLOCKED_RECV));
	/* The message goes to the live receiver, not the deleted one still in the queue. */
	CHECK_EQ(cl_sys_send(shared_ep, cl_msginfo(4, 0, 0), 0, 0, 0, 0, 0).err, CL_OK);
	kt_join(t);
	CHECK_EQ(res[1], 4);
	CHECK_EQ(res[0], 0);
}

KTEST(bound_notification_released_when_its_thread_goes)
{
	cl_cptr_t a = kt_make(t, CL_OBJ_TCB, 0);
	cl_cptr_t b = kt_make(t, CL_OBJ_TCB, 0);
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);

	CHECK_EQ(ERR(cl_tcb_bind_notification(a, n)), CL_OK);
	CHECK_EQ(ERR(cl_tcb_bind_notification(b, n)), CL_IN_USE);
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, a)), CL_OK);
	CHECK_EQ(ERR(cl_tcb_bind_notification(b, n)), CL_OK);
}

KTEST(deleting_a_bound_notification_unbinds)
{
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t n2 = kt_make(t, CL_OBJ_NOTIFICATION, 0);

	CHECK_EQ(ERR(cl_tcb_bind_notification(CL_SLOT_TCB, n)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, n)), CL_OK);
	CHECK_EQ(ERR(cl_tcb_unbind_notification(CL_SLOT_TCB)), CL_ILLEGAL);
	CHECK_EQ(ERR(cl_tcb_bind_notification(CL_SLOT_TCB, n2)), CL_OK);
	CHECK_EQ(ERR(cl_tcb_unbind_notification(CL_SLOT_TCB)), CL_OK);
}

KTEST(unbind_stops_signals_ending_receives)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	struct cl_result r;

	CHECK_EQ(ERR(cl_tcb_bind_notification(CL_SLOT_TCB, n)), CL_OK);
	/* Bound, a pending signal ends even a poll of the endpoint. */
	CHECK_EQ(cl_sys_send(n, 0, 0, 0, 0, 0, 0).err, CL_OK);
	r = cl_sys_nb_recv(ep, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(r.badge, 1);
	CHECK_EQ(cl_sys_nb_recv(n, 0, 0, 0, 0, 0, 0).badge, 0); /* taken */
	CHECK_EQ(ERR(cl_tcb_unbind_notification(CL_SLOT_TCB)), CL_OK);
	/* Unbound, the signal stays in the notification. */
	CHECK_EQ(cl_sys_send(n, 0, 0, 0, 0, 0, 0).err, CL_OK);
	r = cl_sys_nb_recv(ep, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(r.badge, 0);
	CHECK_EQ(cl_sys_nb_recv(n, 0, 0, 0, 0, 0, 0).badge, 1);
}

KTEST(resume_of_a_running_or_blocked_thread_changes_nothing)
{
	cl_cptr_t tcb;

	shared_ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	res[0] = 0;
	tcb = kt_thread(t, recv_label, 0, 255, 0);
	CHECK(kt_wait_state(tcb, KT_BLOCKED_RECV));
	CHECK_EQ(ERR(cl_tcb_resume(tcb)), CL_OK);
	CHECK_EQ(cl_tcb_read_regs(tcb).mr[3], KT_BLOCKED_RECV);
	CHECK_EQ(ERR(cl_tcb_resume(CL_SLOT_TCB)), CL_OK);
	for (int i = 0; i < 10; i++)
		cl_sys_yield(0, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(res[0], 0);
	CHECK_EQ(cl_sys_send(shared_ep, cl_msginfo(6, 0, 0), 0, 0, 0, 0, 0).err, CL_OK);
	kt_join(t);
	CHECK_EQ(res[0], 6);
}
