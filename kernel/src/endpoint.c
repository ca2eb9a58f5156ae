/*
 * Synchronous IPC through endpoints. A message is a label, up to four words
 * and optionally one capability; it passes only when a sender and a
 * receiver meet. A call leaves the caller waiting for a one-shot reply that
 * only the receiver can give. Faults travel the same way: the kernel sends
 * them on the faulting thread's behalf, and the reply resumes it.
 */
#include <cleave/cnode.h>
#include <cleave/invocation.h>
#include <cleave/kobjects.h>
#include <cleave/sched.h>
#include <cleave/vcpu.h>

static void snapshot(struct tcb *t, struct msg *m)
{
	m->info = t->regs.x[1];
	for (unsigned i = 0; i < 4; i++)
		m->mr[i] = t->regs.x[2 + i];
	m->cap_cptr = t->regs.x[6];
}

/* Copies the capability a sender offered into the receiver's receive slot, if both are valid. */
static bool transfer_cap(struct tcb *from, const struct msg *m, struct tcb *to)
{
	struct cte *src;
	struct cte *dest;
	struct cap cap;

	if (lookup_cap(tcb_cspace(from), m->cap_cptr, &src) != CL_OK ||
	    lookup_empty(tcb_cspace(to), to->recv_slot, &dest) != CL_OK ||
	    src->cap.type == CAP_UNTYPED)
		return false;
	cap = src->cap;
	cap.map = 0;
	cte_insert(src, dest, &cap);
	return true;
}

static void deliver(struct tcb *from, const struct msg *m, struct tcb *to, uint64_t badge,
		    bool grant)
{
	unsigned len = (unsigned)cl_msginfo_length(m->info);
	bool cap = false;

	if (len > 4)
		len = 4;
	for (unsigned i = 0; i < len; i++)
		to->regs.x[2 + i] = m->mr[i];
	if (cl_msginfo_cap(m->info) && grant && from != NULL)
		cap = transfer_cap(from, m, to);
	to->regs.x[0] = CL_OK;
	to->regs.x[1] = cl_msginfo(cl_msginfo_label(m->info), len, cap);
	to->regs.x[6] = badge;
}

/* The sender and receiver met: deliver, then set up the reply or release the sender. */
static void rendezvous(struct tcb *sender, const struct msg *m, bool call, uint64_t badge,
		       bool grant, struct tcb *receiver)
{
	deliver(sender, m, receiver, badge, grant);
	sched_wake(receiver);
	if (call) {
		sender->state = TCB_BLOCKED_REPLY;
		sender->replier = receiver;
		receiver->reply_to = sender;
	} else if (sender->in_fault == 0) {
		sender->regs.x[0] = CL_OK;
		sched_wake(sender);
	}
}

static void send_msg(struct tcb *t, struct endpoint *ep, const struct msg *m, bool call,
		     uint64_t badge, bool grant, bool block)
{
	if (ep->state == EP_RECV) {
		struct tcb *r = tcbq_pop(&ep->queue);

		if (ep->queue.head == NULL)
			ep->state = EP_IDLE;
		rendezvous(t, m, call, badge, grant, r);
		return;
	}
	if (!block) {
		t->regs.x[0] = CL_OK; /* a non-blocking send with nobody waiting is dropped */
		return;
	}
	t->msg = *m;
	t->is_call = call;
	t->send_badge = badge;
	t->send_grant = grant;
	t->state = TCB_BLOCKED_SEND;
	t->blocked_on = ep;
	tcbq_append(&ep->queue, t);
	ep->state = EP_SEND;
}

void ipc_send(struct tcb *t, struct cte *ep_cte, bool call, bool block)
{
	struct msg m;

	if ((ep_cte->cap.rights & CL_RIGHT_WRITE) == 0) {
		t->regs.x[0] = CL_NO_RIGHT;
		return;
	}
	snapshot(t, &m);
	send_msg(t, (struct endpoint *)ep_cte->cap.obj, &m, call, ep_cte->cap.data,
		 (ep_cte->cap.rights & CL_RIGHT_GRANT) != 0, block);
}

bool ipc_send_fault(struct tcb *t, unsigned label, const uint64_t mr[4])
{
	struct msg m = {cl_msginfo(label, 4, 0), {mr[0], mr[1], mr[2], mr[3]}, 0};
	struct cte *ep = &t->fault_ep;

	if (ep->cap.type != CAP_ENDPOINT)
		return false;
	t->in_fault = 1;
	t->fault_kind = (uint8_t)(label - CL_FAULT_STAGE2);
	send_msg(t, (struct endpoint *)ep->cap.obj, &m, true, ep->cap.data, false, true);
	return true;
}

static bool take_bound_signal(struct tcb *t)
{
	struct notification *n = t->bound;

	if (n == NULL || n->word == 0)
		return false;
	t->regs.x[0] = CL_OK;
	t->regs.x[1] = cl_msginfo(0, 0, 0);
	t->regs.x[6] = n->word;
	n->word = 0;
	return true;
}

void ipc_recv(struct tcb *t, struct cte *cap_cte, bool block)
{
	struct endpoint *ep = (struct endpoint *)cap_cte->cap.obj;

	if ((cap_cte->cap.rights & CL_RIGHT_READ) == 0) {
		t->regs.x[0] = CL_NO_RIGHT;
		return;
	}
	if (cap_cte->cap.type == CAP_NOTIFICATION) {
		notification_wait(t, (struct notification *)cap_cte->cap.obj, block);
		return;
	}
	t->recv_slot = t->regs.x[6];
	if (take_bound_signal(t))
		return;
	if (ep->state == EP_SEND) {
		struct tcb *s = tcbq_pop(&ep->queue);

		if (ep->queue.head == NULL)
			ep->state = EP_IDLE;
		rendezvous(s, &s->msg, s->is_call, s->send_badge, s->send_grant != 0, t);
		return;
	}
	if (!block) {
		t->regs.x[0] = CL_OK;
		t->regs.x[1] = cl_msginfo(0, 0, 0);
		t->regs.x[6] = 0;
		return;
	}
	t->state = TCB_BLOCKED_RECV;
	t->blocked_on = ep;
	tcbq_append(&ep->queue, t);
	ep->state = EP_RECV;
}

/* A fault handler's reply: resume the faulting thread as the reply says. */
static void resume_from_fault(struct tcb *c, const struct msg *m)
{
	if (c->vcpu != NULL && c->fault_kind >= CL_FAULT_VCPU_STAGE2 - CL_FAULT_STAGE2)
		vcpu_exit_reply(c, (unsigned)cl_msginfo_label(m->info), m->mr,
				(unsigned)cl_msginfo_length(m->info));
	else if (c->fault_kind == CL_FAULT_UNKNOWN_SYSCALL - CL_FAULT_STAGE2)
		c->regs.x[0] = m->mr[0]; /* the emulated system call's result; pc is past the svc */
	else if (cl_msginfo_label(m->info) == 1)
		c->regs.pc = m->mr[0]; /* continue elsewhere (skip the instruction) */
	/* label 0: run the faulting instruction again (after the handler fixed its cause) */
	c->in_fault = 0;
}

void ipc_reply(struct tcb *t)
{
	struct tcb *c = t->reply_to;
	struct msg m;

	t->reply_to = NULL;
	if (c == NULL || c->state != TCB_BLOCKED_REPLY || c->replier != t)
		return; /* nobody to reply to: the reply goes nowhere, as in seL4 */
	c->replier = NULL;
	snapshot(t, &m);
	if (c->in_fault)
		resume_from_fault(c, &m);
	else
		deliver(t, &m, c, 0, false);
	sched_wake(c);
}

void endpoint_destroy(struct endpoint *ep)
{
	struct tcb *t;

	/* Threads queued on a vanished endpoint get an error instead of waiting forever. */
	while ((t = tcbq_pop(&ep->queue)) != NULL) {
		t->blocked_on = NULL;
		t->regs.x[0] = CL_INVALID_CAP;
		sched_wake(t);
	}
	ep->state = EP_IDLE;
}
