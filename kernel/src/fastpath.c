/*
 * The IPC fast path, after the idea of seL4's: a call that finds its server
 * already waiting, and a reply_recv that answers a caller and then waits
 * again, are what a client-server round trip is made of. When nothing
 * unusual is going on (a short message without a capability, no fault
 * being answered, no bound notification pending, no sender queued, and the
 * thread woken is one sched_choose() would run at once on this CPU), these
 * functions copy the message registers straight from thread to thread and
 * switch to the woken thread without touching a run queue. Anything else
 * returns false before changing any state, and the caller takes the general
 * path (endpoint.c), which gives the same result more slowly.
 */
#include <cleave/cnode.h>
#include <cleave/invocation.h>
#include <cleave/kobjects.h>
#include <cleave/sched.h>

/* The endpoint behind t's capability cptr, if it is one with the right given; else NULL. */
static struct endpoint *endpoint_with(struct tcb *t, uint64_t cptr, unsigned right, uint64_t *badge)
{
	struct cte *c;

	if (lookup_cap(tcb_cspace(t), cptr, &c) != CL_OK || c->cap.type != CAP_ENDPOINT ||
	    (c->cap.rights & right) == 0)
		return NULL;
	*badge = c->cap.data;
	return (struct endpoint *)c->cap.obj;
}

/* Whether t's message is one the fast path carries: at most four words, no capability. */
static bool short_message(const struct tcb *t)
{
	uint64_t info = t->regs.x[1];

	return cl_msginfo_length(info) <= 4 && !cl_msginfo_cap(info);
}

/* What endpoint.c's deliver() does for a short message without a capability. */
static void copy_message(const struct tcb *from, struct tcb *to, uint64_t badge)
{
	uint64_t info = from->regs.x[1];
	unsigned len = (unsigned)cl_msginfo_length(info);

	for (unsigned i = 0; i < len; i++)
		to->regs.x[2 + i] = from->regs.x[2 + i];
	to->regs.x[0] = CL_OK;
	to->regs.x[1] = cl_msginfo(cl_msginfo_label(info), len, 0);
	to->regs.x[6] = badge;
}

/* A bound notification with bits set would end t's receive at once (ipc_recv). */
static bool bound_signal_pending(const struct tcb *t)
{
	return t->bound != NULL && t->bound->word != 0;
}

bool ipc_fastpath_call(struct tcb *t)
{
	struct endpoint *ep;
	struct tcb *server;
	uint64_t badge;

	if (!short_message(t) ||
	    (ep = endpoint_with(t, t->regs.x[0], CL_RIGHT_WRITE, &badge)) == NULL ||
	    ep->state != EP_RECV || !sched_can_switch_to(ep->queue.head))
		return false;
	server = tcbq_pop(&ep->queue);
	if (ep->queue.head == NULL)
		ep->state = EP_IDLE;
	copy_message(t, server, badge);
	/* The one-shot reply, as rendezvous() sets it up. */
	t->state = TCB_BLOCKED_REPLY;
	t->replier = server;
	server->reply_to = t;
	sched_switch_to(server);
	return true;
}

bool ipc_fastpath_reply_recv(struct tcb *t)
{
	struct tcb *caller = t->reply_to;
	struct endpoint *ep;
	uint64_t badge;

	/* Fault replies resume the thread their own way (resume_from_fault): general path. */
	if (caller == NULL || caller->state != TCB_BLOCKED_REPLY || caller->replier != t ||
	    caller->in_fault || !short_message(t) || bound_signal_pending(t) ||
	    (ep = endpoint_with(t, t->regs.x[0], CL_RIGHT_READ, &badge)) == NULL ||
	    ep->state == EP_SEND || !sched_can_switch_to(caller))
		return false;
	t->reply_to = NULL;
	caller->replier = NULL;
	copy_message(t, caller, 0); /* a reply carries no badge */
	/* Then t waits on the endpoint, as ipc_recv() queues a receiver. */
	t->recv_slot = t->regs.x[6];
	t->state = TCB_BLOCKED_RECV;
	t->blocked_on = ep;
	tcbq_append(&ep->queue, t);
	ep->state = EP_RECV;
	sched_switch_to(caller);
	return true;
}
