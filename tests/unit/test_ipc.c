/*
 * Threads, IPC and faults through the real system-call entry
 * (syscall_handle) on the fake arch: call/reply, send/receive queueing,
 * badges, capability transfer, notifications, fault delivery and resumption.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <arch/fake.h>
#include <cleave/sched.h>
#include <cleave/syscall.h>

#include "kenv.h"

enum { S_AS = 10, S_T0 = 20, S_EP = 30, S_NT = 31, S_BADGED = 32, S_RO = 33, S_RECV = 40 };

static struct tcb *th[3];

static struct tcb *tcb_at(uint64_t slot)
{
	return (struct tcb *)kenv_slot(slot)->cap.obj;
}

static int setup(void **state)
{
	(void)state;
	kenv_setup();
	kretype(CL_OBJ_ASPACE, 14, S_AS, 1);
	kretype(CL_OBJ_TCB, 0, S_T0, 3);
	kretype(CL_OBJ_ENDPOINT, 0, S_EP, 1);
	kretype(CL_OBJ_NOTIFICATION, 0, S_NT, 1);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(kcall(S_T0 + i, CL_LABEL_TCB_CONFIGURE, 3, S_ROOT, S_AS, S_EP, 0),
				 CL_OK);
		assert_int_equal(kcall(S_T0 + i, CL_LABEL_TCB_SET_PRIORITY, 1, 100, 0, 0, 0),
				 CL_OK);
		assert_int_equal(kcall(S_T0 + i, CL_LABEL_TCB_RESUME, 0, 0, 0, 0, 0), CL_OK);
		th[i] = tcb_at(S_T0 + i);
	}
	fake_uart_reset();
	return 0;
}

/*
 * Makes t the running thread the way the scheduler would: the previous one
 * goes back to its run queue, t leaves its own.
 */
static void become(struct tcb *t)
{
	struct tcb *cur = sched_current();

	if (cur == t)
		return;
	if (t != NULL && t->state == TCB_RUNNABLE)
		sched_remove(t);
	sched_set_current(NULL);
	if (cur != NULL && cur->state == TCB_RUNNABLE)
		sched_wake(cur);
	sched_set_current(t);
}

static int teardown(void **state)
{
	(void)state;
	become(NULL);
	kenv_teardown(); /* destroying the threads empties the run queues */
	assert_null(sched_choose());
	return 0;
}

/* Thread t makes system call `num` with capability cptr, message info and MRs. */
static void sys(struct tcb *t, unsigned num, uint64_t cptr, uint64_t info, uint64_t mr0,
		uint64_t mr1, uint64_t x6)
{
	t->regs.x[0] = cptr;
	t->regs.x[1] = info;
	t->regs.x[2] = mr0;
	t->regs.x[3] = mr1;
	t->regs.x[6] = x6;
	become(t);
	syscall_handle(t, CL_SVC_BASE + num);
}

static void call_and_reply(void **state)
{
	struct tcb *server = th[0];
	struct tcb *client = th[1];

	(void)state;
	sys(server, CL_SYS_RECV, S_EP, 0, 0, 0, 0);
	assert_int_equal(server->state, TCB_BLOCKED_RECV);
	sys(client, CL_SYS_CALL, S_EP, cl_msginfo(5, 2, 0), 11, 22, 0);
	assert_int_equal(client->state, TCB_BLOCKED_REPLY);
	assert_int_equal(server->state, TCB_RUNNABLE);
	assert_int_equal(cl_msginfo_label(server->regs.x[1]), 5);
	assert_int_equal(cl_msginfo_length(server->regs.x[1]), 2);
	assert_int_equal(server->regs.x[2], 11);
	assert_int_equal(server->regs.x[3], 22);
	assert_int_equal(server->regs.x[6], 0);
	sys(server, CL_SYS_REPLY, 0, cl_msginfo(0, 1, 0), 33, 0, 0);
	assert_int_equal(client->state, TCB_RUNNABLE);
	assert_int_equal(client->regs.x[0], CL_OK);
	assert_int_equal(client->regs.x[2], 33);
	/* reply_recv: replies, then waits on the endpoint named in x0 again. */
	sys(server, CL_SYS_RECV, S_EP, 0, 0, 0, 0);
	sys(client, CL_SYS_CALL, S_EP, cl_msginfo(6, 1, 0), 1, 0, 0);
	sys(server, CL_SYS_REPLY_RECV, S_EP, cl_msginfo(0, 1, 0), 2, 0, 0);
	assert_int_equal(server->state, TCB_BLOCKED_RECV);
	assert_int_equal(client->regs.x[2], 2);
	sys(client, CL_SYS_CALL, S_EP, cl_msginfo(7, 1, 0), 3, 0, 0);
	assert_int_equal(cl_msginfo_label(server->regs.x[1]), 7);
	sys(server, CL_SYS_REPLY, 0, cl_msginfo(0, 1, 0), 33, 0, 0);
	/* The reply was one-shot: a second one reaches nobody. */
	client->regs.x[2] = 0;
	sys(server, CL_SYS_REPLY, 0, cl_msginfo(0, 1, 0), 44, 0, 0);
	assert_int_equal(client->regs.x[2], 0);
}

static void sender_waits_for_receiver(void **state)
{
	(void)state;
	sys(th[1], CL_SYS_SEND, S_EP, cl_msginfo(1, 1, 0), 7, 0, 0);
	sys(th[2], CL_SYS_SEND, S_EP, cl_msginfo(2, 1, 0), 8, 0, 0);
	assert_int_equal(th[1]->state, TCB_BLOCKED_SEND);
	assert_int_equal(th[2]->state, TCB_BLOCKED_SEND);
	sys(th[0], CL_SYS_RECV, S_EP, 0, 0, 0, 0);
	assert_int_equal(th[0]->regs.x[2], 7); /* first come, first served */
	assert_int_equal(th[1]->state, TCB_RUNNABLE);
	assert_int_equal(th[1]->regs.x[0], CL_OK);
	sys(th[0], CL_SYS_RECV, S_EP, 0, 0, 0, 0);
	assert_int_equal(th[0]->regs.x[2], 8);
	/* Non-blocking: nothing waits, so nothing happens and nobody blocks. */
	sys(th[1], CL_SYS_NB_SEND, S_EP, cl_msginfo(3, 1, 0), 9, 0, 0);
	assert_int_equal(th[1]->state, TCB_RUNNABLE);
	sys(th[0], CL_SYS_NB_RECV, S_EP, 0, 0, 0, 0);
	assert_int_equal(th[0]->state, TCB_RUNNABLE);
	assert_int_equal(cl_msginfo_label(th[0]->regs.x[1]), 0);
}

static void badges_and_rights(void **state)
{
	(void)state;
	assert_int_equal(
		kcall(S_ROOT, CL_LABEL_CNODE_MINT, 4, S_BADGED, S_EP, CL_RIGHT_WRITE, 0xbeef),
		CL_OK);
	assert_int_equal(kcall(S_ROOT, CL_LABEL_CNODE_COPY, 3, S_RO, S_EP, CL_RIGHT_READ, 0),
			 CL_OK);
	sys(th[0], CL_SYS_RECV, S_EP, 0, 0, 0, 0);
	sys(th[1], CL_SYS_SEND, S_BADGED, cl_msginfo(1, 0, 0), 0, 0, 0);
	assert_int_equal(th[0]->regs.x[6], 0xbeef);
	sys(th[1], CL_SYS_SEND, S_RO, cl_msginfo(1, 0, 0), 0, 0, 0);
	assert_int_equal(th[1]->regs.x[0], CL_NO_RIGHT);
	sys(th[1], CL_SYS_RECV, S_BADGED, 0, 0, 0, 0);
	assert_int_equal(th[1]->regs.x[0], CL_NO_RIGHT);
	sys(th[1], CL_SYS_SEND, 999, 0, 0, 0, 0);
	assert_int_equal(th[1]->regs.x[0], CL_INVALID_CAP);
	sys(th[1], CL_SYS_RECV, S_AS, 0, 0, 0, 0);
	assert_int_equal(th[1]->regs.x[0], CL_WRONG_TYPE);
}

static void capability_transfer(void **state)
{
	struct cte *got = kenv_slot(S_RECV);

	(void)state;
	assert_int_equal(kcall(S_ROOT, CL_LABEL_CNODE_COPY, 3, S_RO, S_EP, CL_RIGHT_WRITE, 0),
			 CL_OK);
	/* Through a cap without grant the message passes but the capability does not. */
	sys(th[0], CL_SYS_RECV, S_EP, 0, 0, 0, S_RECV);
	sys(th[1], CL_SYS_SEND, S_RO, cl_msginfo(1, 0, 1), 0, 0, S_NT);
	assert_int_equal(cl_msginfo_cap(th[0]->regs.x[1]), 0);
	assert_true(cte_empty(got));
	/* With grant it arrives, as a child of the sender's capability. */
	sys(th[0], CL_SYS_RECV, S_EP, 0, 0, 0, S_RECV);
	sys(th[1], CL_SYS_SEND, S_EP, cl_msginfo(1, 0, 1), 0, 0, S_NT);
	assert_int_equal(cl_msginfo_cap(th[0]->regs.x[1]), 1);
	assert_int_equal(got->cap.type, CAP_NOTIFICATION);
	assert_ptr_equal(got->parent, kenv_slot(S_NT));
	/* The receive slot is now full: the next capability is not transferred. */
	sys(th[0], CL_SYS_RECV, S_EP, 0, 0, 0, S_RECV);
	sys(th[1], CL_SYS_SEND, S_EP, cl_msginfo(1, 0, 1), 0, 0, S_EP);
	assert_int_equal(cl_msginfo_cap(th[0]->regs.x[1]), 0);
}

static void notifications(void **state)
{
	(void)state;
	assert_int_equal(kcall(S_ROOT, CL_LABEL_CNODE_MINT, 4, S_BADGED, S_NT, CL_RIGHTS_ALL, 4),
			 CL_OK);
	sys(th[1], CL_SYS_SEND, S_NT, 0, 0, 0, 0);     /* unbadged: bit 0 */
	sys(th[1], CL_SYS_SEND, S_BADGED, 0, 0, 0, 0); /* badge 4 */
	sys(th[0], CL_SYS_RECV, S_NT, 0, 0, 0, 0);
	assert_int_equal(th[0]->state, TCB_RUNNABLE);
	assert_int_equal(th[0]->regs.x[6], 5);
	sys(th[0], CL_SYS_NB_RECV, S_NT, 0, 0, 0, 0); /* poll: nothing left */
	assert_int_equal(th[0]->regs.x[6], 0);
	sys(th[0], CL_SYS_RECV, S_NT, 0, 0, 0, 0);
	assert_int_equal(th[0]->state, TCB_BLOCKED_NTFN);
	sys(th[1], CL_SYS_SEND, S_BADGED, 0, 0, 0, 0);
	assert_int_equal(th[0]->state, TCB_RUNNABLE);
	assert_int_equal(th[0]->regs.x[6], 4);
}

static void bound_notification_ends_receive(void **state)
{
	(void)state;
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_BIND_NOTIFICATION, 1, S_NT, 0, 0, 0), CL_OK);
	assert_int_equal(kcall(S_T0 + 1, CL_LABEL_TCB_BIND_NOTIFICATION, 1, S_NT, 0, 0, 0),
			 CL_IN_USE);
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_BIND_NOTIFICATION, 1, S_EP, 0, 0, 0),
			 CL_WRONG_TYPE);
	sys(th[0], CL_SYS_RECV, S_EP, 0, 0, 0, 0);
	assert_int_equal(th[0]->state, TCB_BLOCKED_RECV);
	sys(th[1], CL_SYS_SEND, S_NT, 0, 0, 0, 0);
	assert_int_equal(th[0]->state, TCB_RUNNABLE);
	assert_int_equal(th[0]->regs.x[6], 1);
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_UNBIND_NOTIFICATION, 0, 0, 0, 0, 0), CL_OK);
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_UNBIND_NOTIFICATION, 0, 0, 0, 0, 0), CL_ILLEGAL);
}

static void faults_reach_the_handler(void **state)
{
	struct tcb *handler = th[0];
	struct tcb *victim = th[1];
	uint64_t mr[4] = {0x5000, 0x92000046, 0x401000, 1};

	(void)state;
	sys(handler, CL_SYS_RECV, S_EP, 0, 0, 0, 0);
	victim->regs.pc = 0x401000;
	become(victim); /* a thread faults while it runs */
	fault_handle(victim, FAULT_STAGE2, mr);
	assert_int_equal(victim->state, TCB_BLOCKED_REPLY);
	assert_int_equal(cl_msginfo_label(handler->regs.x[1]), CL_FAULT_STAGE2);
	assert_int_equal(handler->regs.x[2 + CL_FAULT_STAGE2_IPA], 0x5000);
	assert_int_equal(handler->regs.x[2 + CL_FAULT_STAGE2_PC], 0x401000);
	/* Label 1: resume at MR0 (here: skip the faulting instruction). */
	sys(handler, CL_SYS_REPLY, 0, cl_msginfo(1, 1, 0), 0x401004, 0, 0);
	assert_int_equal(victim->state, TCB_RUNNABLE);
	assert_int_equal(victim->regs.pc, 0x401004);
	/* An unknown system call (musl's svc #0): the reply's MR0 becomes its result. */
	sys(handler, CL_SYS_RECV, S_EP, 0, 0, 0, 0);
	victim->regs.x[8] = 64; /* write */
	become(victim);
	syscall_handle(victim, 0);
	assert_int_equal(cl_msginfo_label(handler->regs.x[1]), CL_FAULT_UNKNOWN_SYSCALL);
	assert_int_equal(handler->regs.x[2 + CL_FAULT_UNKNOWN_SYSCALL_X8], 64);
	sys(handler, CL_SYS_REPLY, 0, cl_msginfo(0, 1, 0), 77, 0, 0);
	assert_int_equal(victim->regs.x[0], 77);
	assert_int_equal(victim->state, TCB_RUNNABLE);
}

static void fault_without_handler_stops_the_thread(void **state)
{
	uint64_t mr[4] = {0x1234, 0x2000000, 0, 0};

	(void)state;
	assert_int_equal(kcall(S_T0 + 2, CL_LABEL_TCB_SUSPEND, 0, 0, 0, 0, 0), CL_OK);
	assert_int_equal(kcall(S_T0 + 2, CL_LABEL_TCB_CONFIGURE, 3, S_ROOT, S_AS, 0, 0), CL_OK);
	assert_int_equal(kcall(S_T0 + 2, CL_LABEL_TCB_RESUME, 0, 0, 0, 0, 0), CL_OK);
	become(th[2]);
	fault_handle(th[2], FAULT_UNDEFINED, mr);
	assert_int_equal(th[2]->state, TCB_INACTIVE);
	assert_non_null(strstr(fake_uart_output(), "undefined instruction"));
	assert_non_null(strstr(fake_uart_output(), "no fault handler: stopped"));
}

static void deleting_an_endpoint_wakes_its_queue(void **state)
{
	(void)state;
	sys(th[1], CL_SYS_SEND, S_EP, cl_msginfo(1, 0, 0), 0, 0, 0);
	assert_int_equal(th[1]->state, TCB_BLOCKED_SEND);
	/* The threads' fault-endpoint caps are children too: revoke them all, then delete. */
	assert_int_equal(kcall(S_ROOT, CL_LABEL_CNODE_REVOKE, 1, S_EP, 0, 0, 0), CL_OK);
	assert_int_equal(kcall(S_ROOT, CL_LABEL_CNODE_DELETE, 1, S_EP, 0, 0, 0), CL_OK);
	assert_int_equal(th[1]->state, TCB_RUNNABLE);
	assert_int_equal(th[1]->regs.x[0], CL_INVALID_CAP);
}

static void tcb_invocation_errors(void **state)
{
	(void)state;
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_WRITE_REGS, 4, 1, 2, 3, 4),
			 CL_ILLEGAL); /* running */
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_CONFIGURE, 3, S_ROOT, S_AS, 0, 0), CL_ILLEGAL);
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_SET_PRIORITY, 1, 256, 0, 0, 0), CL_INVALID_ARG);
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_SET_AFFINITY, 1, 1, 0, 0, 0), CL_INVALID_ARG);
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_SUSPEND, 0, 0, 0, 0, 0), CL_OK);
	assert_int_equal(th[0]->state, TCB_INACTIVE);
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_CONFIGURE, 3, S_AS, S_AS, 0, 0), CL_WRONG_TYPE);
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_CONFIGURE, 3, S_ROOT, S_ROOT, 0, 0),
			 CL_WRONG_TYPE);
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_CONFIGURE, 3, S_ROOT, S_AS, 555, 0),
			 CL_INVALID_CAP);
	assert_int_equal(kcall(S_ROOT, CL_LABEL_CNODE_COPY, 3, S_RO, S_EP, CL_RIGHT_READ, 0),
			 CL_OK);
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_CONFIGURE, 3, S_ROOT, S_AS, S_RO, 0),
			 CL_NO_RIGHT);
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_WRITE_REGS, 4, 0x400000, 0x800000, 5, 6), CL_OK);
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_READ_REGS, 0, 0, 0, 0, 0), CL_OK);
	assert_int_equal(kres[0], 0x400000);
	assert_int_equal(kres[1], 0x800000);
	assert_int_equal(kres[2], 5);
	assert_int_equal(kres[3], TCB_INACTIVE);
	/* A thread without an address space cannot start. */
	kretype(CL_OBJ_TCB, 0, S_T0 + 5, 1);
	assert_int_equal(kcall(S_T0 + 5, CL_LABEL_TCB_RESUME, 0, 0, 0, 0, 0), CL_ILLEGAL);
}

static void priorities_and_round_robin(void **state)
{
	(void)state;
	become(NULL);
	assert_int_equal(kcall(S_T0 + 2, CL_LABEL_TCB_SET_PRIORITY, 1, 150, 0, 0, 0), CL_OK);
	assert_ptr_equal(sched_choose(), th[2]);   /* the highest first */
	sys(th[2], CL_SYS_RECV, S_NT, 0, 0, 0, 0); /* it blocks */
	assert_ptr_equal(sched_choose(), th[0]);
	sched_yield_current();
	assert_ptr_equal(sched_choose(), th[1]); /* equals take turns */
	sched_yield_current();
	assert_ptr_equal(sched_choose(), th[0]);
	/* Waking the high-priority thread preempts at the next choice. */
	sys(th[1], CL_SYS_SEND, S_NT, 0, 0, 0, 0);
	become(th[0]);
	assert_ptr_equal(sched_choose(), th[2]);
}

/* Raises thread i's priority above the others' (100), so a switch to it is direct. */
static void favour(unsigned i)
{
	assert_int_equal(kcall(S_T0 + i, CL_LABEL_TCB_SET_PRIORITY, 1, 150, 0, 0, 0), CL_OK);
}

static struct endpoint *endpoint(void)
{
	return (struct endpoint *)kenv_slot(S_EP)->cap.obj;
}

/* The fast path: call and reply_recv switch straight to the woken thread. */
static void fastpath_call_and_reply_recv(void **state)
{
	struct tcb *server = th[0];
	struct tcb *client = th[1];

	(void)state;
	favour(0);
	favour(1);
	sys(server, CL_SYS_RECV, S_EP, 0, 0, 0, 0);
	sys(client, CL_SYS_CALL, S_EP, cl_msginfo(5, 2, 0), 11, 22, 0);
	assert_ptr_equal(sched_current(), server); /* switched without a queue */
	assert_int_equal(server->state, TCB_RUNNABLE);
	assert_int_equal(client->state, TCB_BLOCKED_REPLY);
	assert_int_equal(endpoint()->state, EP_IDLE);
	assert_int_equal(server->regs.x[0], CL_OK);
	assert_int_equal(server->regs.x[1], cl_msginfo(5, 2, 0));
	assert_int_equal(server->regs.x[2], 11);
	assert_int_equal(server->regs.x[3], 22);
	assert_int_equal(server->regs.x[6], 0);
	sys(server, CL_SYS_REPLY_RECV, S_EP, cl_msginfo(0, 1, 0), 33, 0, 0);
	assert_ptr_equal(sched_current(), client);
	assert_int_equal(client->state, TCB_RUNNABLE);
	assert_int_equal(client->regs.x[0], CL_OK);
	assert_int_equal(client->regs.x[1], cl_msginfo(0, 1, 0));
	assert_int_equal(client->regs.x[2], 33);
	assert_int_equal(server->state, TCB_BLOCKED_RECV);
	assert_int_equal(endpoint()->state, EP_RECV);
	assert_null(server->reply_to);
	/* Again through a badged capability: the badge arrives; the scheduler agrees. */
	assert_int_equal(kcall(S_ROOT, CL_LABEL_CNODE_MINT, 4, S_BADGED, S_EP, CL_RIGHTS_ALL, 7),
			 CL_OK);
	sys(client, CL_SYS_CALL, S_BADGED, cl_msginfo(6, 0, 0), 0, 0, 0);
	assert_ptr_equal(sched_current(), server);
	assert_int_equal(server->regs.x[6], 7);
	assert_ptr_equal(sched_choose(), server);
	sys(server, CL_SYS_REPLY_RECV, S_EP, cl_msginfo(0, 0, 0), 0, 0, 0);
	assert_ptr_equal(sched_choose(), client);
}

/* Every case the fast path leaves alone still works, through the general path. */
static void fastpath_falls_back(void **state)
{
	struct tcb *server = th[0];
	struct tcb *client = th[1];

	(void)state;
	favour(0);
	favour(1);
	/* A capability goes along: the general path transfers it. */
	sys(server, CL_SYS_RECV, S_EP, 0, 0, 0, S_RECV);
	sys(client, CL_SYS_CALL, S_EP, cl_msginfo(1, 0, 1), 0, 0, S_NT);
	assert_ptr_equal(sched_current(), client); /* not switched: the queues decide */
	assert_int_equal(cl_msginfo_cap(server->regs.x[1]), 1);
	assert_int_equal(kenv_slot(S_RECV)->cap.type, CAP_NOTIFICATION);
	/* A bound notification with bits set ends the receive of a reply_recv at once. */
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_BIND_NOTIFICATION, 1, S_NT, 0, 0, 0), CL_OK);
	sys(client, CL_SYS_SEND, S_NT, 0, 0, 0, 0);
	sys(server, CL_SYS_REPLY_RECV, S_EP, cl_msginfo(0, 1, 0), 44, 0, 0);
	assert_int_equal(client->state, TCB_RUNNABLE);
	assert_int_equal(client->regs.x[2], 44);
	assert_int_equal(server->state, TCB_RUNNABLE);
	assert_int_equal(server->regs.x[6], 1);
	assert_ptr_equal(sched_current(), server);
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_UNBIND_NOTIFICATION, 0, 0, 0, 0, 0), CL_OK);
	/* A server no higher than a queued thread waits its turn in the queue. */
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_SET_PRIORITY, 1, 100, 0, 0, 0), CL_OK);
	sys(server, CL_SYS_RECV, S_EP, 0, 0, 0, 0);
	sys(client, CL_SYS_CALL, S_EP, cl_msginfo(2, 1, 0), 5, 0, 0);
	assert_ptr_equal(sched_current(), client);
	assert_int_equal(server->regs.x[2], 5);
	/* A server on another CPU is woken there. */
	favour(0);
	sys(server, CL_SYS_REPLY_RECV, S_EP, 0, 0, 0, 0);
	sched_set_cpu(server, 1);
	sys(client, CL_SYS_CALL, S_EP, cl_msginfo(3, 0, 0), 0, 0, 0);
	assert_ptr_equal(sched_current(), client);
	assert_int_equal(server->state, TCB_RUNNABLE);
	assert_int_equal(cl_msginfo_label(server->regs.x[1]), 3);
	sched_set_cpu(server, 0); /* back, out of CPU 1's queue */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(call_and_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(sender_waits_for_receiver, setup, teardown),
		cmocka_unit_test_setup_teardown(badges_and_rights, setup, teardown),
		cmocka_unit_test_setup_teardown(capability_transfer, setup, teardown),
		cmocka_unit_test_setup_teardown(notifications, setup, teardown),
		cmocka_unit_test_setup_teardown(bound_notification_ends_receive, setup, teardown),
		cmocka_unit_test_setup_teardown(faults_reach_the_handler, setup, teardown),
		cmocka_unit_test_setup_teardown(fault_without_handler_stops_the_thread, setup,
						teardown),
		cmocka_unit_test_setup_teardown(deleting_an_endpoint_wakes_its_queue, setup,
						teardown),
		cmocka_unit_test_setup_teardown(tcb_invocation_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(priorities_and_round_robin, setup, teardown),
		cmocka_unit_test_setup_teardown(fastpath_call_and_reply_recv, setup, teardown),
		cmocka_unit_test_setup_teardown(fastpath_falls_back, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
