/*
 * Notifications: a word of bits that signals OR into (each capability's
 * badge, or 1 for an unbadged one) and a wait that takes and clears it.
 * A notification bound to a thread also ends that thread's endpoint receive.
 */
#include <cleave/irq.h>
#include <cleave/kobjects.h>
#include <cleave/sched.h>

static void give(struct tcb *t, struct notification *n)
{
	t->regs.x[0] = CL_OK;
	t->regs.x[1] = cl_msginfo(0, 0, 0);
	t->regs.x[6] = n->word;
	n->word = 0;
}

void notification_signal(struct notification *n, uint64_t badge)
{
	struct tcb *t = n->waiters.head;

	n->word |= badge != 0 ? badge : 1;
	if (t != NULL) {
		tcbq_remove(&n->waiters, t);
		t->blocked_on = NULL;
		give(t, n);
		sched_wake(t);
		return;
	}
	t = n->bound;
	if (t != NULL && t->state == TCB_BLOCKED_RECV) {
		struct endpoint *ep = t->blocked_on;

		tcbq_remove(&ep->queue, t);
		if (ep->queue.head == NULL)
			ep->state = EP_IDLE;
		t->blocked_on = NULL;
		give(t, n);
		sched_wake(t);
	}
}

void notification_wait(struct tcb *t, struct notification *n, bool block)
{
	if (n->word != 0 || !block) {
		give(t, n);
		return;
	}
	t->state = TCB_BLOCKED_NTFN;
	t->blocked_on = n;
	tcbq_append(&n->waiters, t);
}

void notification_destroy(struct notification *n)
{
	struct tcb *t;

	while ((t = tcbq_pop(&n->waiters)) != NULL) {
		t->blocked_on = NULL;
		t->regs.x[0] = CL_INVALID_CAP;
		sched_wake(t);
	}
	if (n->bound != NULL)
		n->bound->bound = NULL;
	irq_notification_gone(n);
}
