/*
 * Threads: their invocations and their end. A thread holds its CNode,
 * address space and fault endpoint as capabilities of its own (children of
 * the ones it was configured with), so revoking those reaches into the
 * thread as well.
 */
#include <cleave/arch.h>
#include <cleave/cnode.h>
#include <cleave/cpu.h>
#include <cleave/invocation.h>
#include <cleave/kobjects.h>
#include <cleave/sched.h>
#include <cleave/vcpu.h>

static_assert(sizeof(struct tcb) <= (1U << CL_OBJ_TCB_BITS), "a thread fits its object");

/* SPSR for EL0t in AArch64 with interrupts unmasked (Arm ARM C5.2.19). */
#define SPSR_EL0T 0x0

void tcbq_append(struct tcb_queue *q, struct tcb *t)
{
	t->qnext = NULL;
	t->qprev = q->tail;
	if (q->tail != NULL)
		q->tail->qnext = t;
	else
		q->head = t;
	q->tail = t;
}

void tcbq_remove(struct tcb_queue *q, struct tcb *t)
{
	if (t->qprev != NULL)
		t->qprev->qnext = t->qnext;
	else
		q->head = t->qnext;
	if (t->qnext != NULL)
		t->qnext->qprev = t->qprev;
	else
		q->tail = t->qprev;
	t->qnext = NULL;
	t->qprev = NULL;
}

struct tcb *tcbq_pop(struct tcb_queue *q)
{
	struct tcb *t = q->head;

	if (t != NULL)
		tcbq_remove(q, t);
	return t;
}

void tcb_init(struct tcb *t)
{
	t->regs.spsr = SPSR_EL0T;
	t->state = TCB_INACTIVE;
}

void tcb_abort_blocking(struct tcb *t)
{
	switch (t->state) {
	case TCB_RUNNABLE:
		sched_remove(t);
		break;
	case TCB_BLOCKED_SEND:
	case TCB_BLOCKED_RECV: {
		struct endpoint *ep = t->blocked_on;

		tcbq_remove(&ep->queue, t);
		if (ep->queue.head == NULL)
			ep->state = EP_IDLE;
		break;
	}
	case TCB_BLOCKED_NTFN:
		tcbq_remove(&((struct notification *)t->blocked_on)->waiters, t);
		break;
	case TCB_BLOCKED_REPLY:
		if (t->replier != NULL && t->replier->reply_to == t)
			t->replier->reply_to = NULL;
		break;
	default:
		break;
	}
	/* A thread that owed a reply leaves its caller waiting for nobody: wake it with an error.
	 */
	if (t->reply_to != NULL && t->reply_to->replier == t) {
		t->reply_to->replier = NULL;
		t->reply_to->regs.x[0] = CL_INVALID_CAP;
		sched_wake(t->reply_to);
	}
	/*
	 * A system call that was waiting is abandoned: when the thread runs again
	 * it returns with an error, as when the object it waited on goes away. A
	 * thread stopped in a fault keeps its registers: they are its own state.
	 */
	if (t->state >= TCB_BLOCKED_SEND && !t->in_fault)
		t->regs.x[0] = CL_INVALID_CAP;
	t->reply_to = NULL;
	t->replier = NULL;
	t->blocked_on = NULL;
	t->in_fault = 0;
	t->state = TCB_INACTIVE;
}

void tcb_destroy(struct tcb *t)
{
	tcb_abort_blocking(t);
	sched_forget(t);
	arch_evict_thread(t);
	arch_thread_gone(t);
	if (t->bound != NULL) {
		t->bound->bound = NULL;
		t->bound = NULL;
	}
	if (t->vcpu != NULL)
		vcpu_thread_gone(t);
	obj_queue_slots(&t->pending, &t->cspace, 3);
}

static unsigned lookup_typed(const struct invocation *inv, uint64_t cptr, unsigned type,
			     struct cte **out)
{
	unsigned err = lookup_cap(inv->root, cptr, out);

	if (err != CL_OK)
		return err;
	return (*out)->cap.type == type ? CL_OK : CL_WRONG_TYPE;
}

static unsigned configure(struct invocation *inv, struct tcb *t)
{
	struct cte *cs;
	struct cte *as;
	struct cte *ep = NULL;
	uint64_t ep_cptr = inv->args[CL_ARG_TCB_CONFIGURE_FAULT_EP];
	unsigned err;

	if (t->state != TCB_INACTIVE)
		return CL_ILLEGAL;
	if ((err = lookup_typed(inv, inv->args[CL_ARG_TCB_CONFIGURE_CSPACE], CAP_CNODE, &cs)) !=
	    CL_OK)
		return err;
	if ((err = lookup_typed(inv, inv->args[CL_ARG_TCB_CONFIGURE_ASPACE], CAP_ASPACE, &as)) !=
	    CL_OK)
		return err;
	if (ep_cptr != 0) {
		if ((err = lookup_typed(inv, ep_cptr, CAP_ENDPOINT, &ep)) != CL_OK)
			return err;
		if ((ep->cap.rights & CL_RIGHT_WRITE) == 0)
			return CL_NO_RIGHT;
	}
	/* Invoke: replace the thread's own capabilities. */
	cap_delete(&t->cspace);
	cap_delete(&t->aspace);
	cap_delete(&t->fault_ep);
	cte_insert(cs, &t->cspace, &cs->cap);
	cte_insert(as, &t->aspace, &as->cap);
	if (ep != NULL)
		cte_insert(ep, &t->fault_ep, &ep->cap);
	return CL_OK;
}

static unsigned write_regs(struct invocation *inv, struct tcb *t)
{
	if (t->state != TCB_INACTIVE)
		return CL_ILLEGAL;
	t->regs.pc = inv->args[CL_ARG_TCB_WRITE_REGS_PC];
	t->regs.sp = inv->args[CL_ARG_TCB_WRITE_REGS_SP];
	t->regs.x[0] = inv->args[CL_ARG_TCB_WRITE_REGS_ARG0];
	t->regs.x[1] = inv->args[CL_ARG_TCB_WRITE_REGS_ARG1];
	t->regs.spsr = SPSR_EL0T;
	if (t->vcpu != NULL) {
		/* A guest starts in EL1h (as bind set it); its stack pointer is SP_EL1. */
		t->regs.spsr = VCPU_SPSR_START;
		t->vcpu->sys[CL_VCPU_SP_EL1] = t->regs.sp;
		t->regs.sp = 0;
		arch_vcpu_dirty(t->vcpu);
	}
	return CL_OK;
}

static unsigned resume(struct tcb *t)
{
	if (t->cspace.cap.type != CAP_CNODE || t->aspace.cap.type != CAP_ASPACE)
		return CL_ILLEGAL;
	if (t->state == TCB_INACTIVE)
		sched_wake(t);
	return CL_OK;
}

static unsigned bind(struct invocation *inv, struct tcb *t)
{
	struct cte *n;
	unsigned err = lookup_typed(inv, inv->args[CL_ARG_TCB_BIND_NOTIFICATION_NOTIFICATION],
				    CAP_NOTIFICATION, &n);
	struct notification *ntfn;

	if (err != CL_OK)
		return err;
	ntfn = (struct notification *)n->cap.obj;
	if (t->bound != NULL || ntfn->bound != NULL)
		return CL_IN_USE;
	t->bound = ntfn;
	ntfn->bound = t;
	return CL_OK;
}

unsigned tcb_invoke(struct invocation *inv)
{
	struct tcb *t = (struct tcb *)inv->target->cap.obj;

	switch (inv->label) {
	case CL_LABEL_TCB_CONFIGURE:
		return configure(inv, t);
	case CL_LABEL_TCB_WRITE_REGS:
		return write_regs(inv, t);
	case CL_LABEL_TCB_READ_REGS:
		inv->results[0] = t->regs.pc;
		inv->results[1] = t->regs.sp;
		inv->results[2] = t->regs.x[0];
		inv->results[3] = t->state;
		inv->nresults = 4;
		return CL_OK;
	case CL_LABEL_TCB_READ_GPRS:
		if (inv->args[0] > 27)
			return CL_INVALID_ARG;
		for (unsigned i = 0; i < 4; i++)
			inv->results[i] = t->regs.x[inv->args[0] + i];
		inv->nresults = 4;
		return CL_OK;
	case CL_LABEL_TCB_SET_PRIORITY:
		if (inv->args[0] >= SCHED_PRIOS ||
		    (inv->caller != NULL && inv->args[0] > inv->caller->prio))
			return CL_INVALID_ARG;
		if (t->state == TCB_RUNNABLE && sched_current() != t) {
			sched_remove(t);
			t->prio = (uint8_t)inv->args[0];
			sched_wake(t);
		} else {
			t->prio = (uint8_t)inv->args[0];
		}
		return CL_OK;
	case CL_LABEL_TCB_SET_AFFINITY:
		if (inv->args[0] >= PLAT_CPUS_MAX || cpus[inv->args[0]].state != CPU_ONLINE)
			return CL_INVALID_ARG;
		sched_set_cpu(t, (unsigned)inv->args[0]);
		return CL_OK;
	case CL_LABEL_TCB_RESUME:
		return resume(t);
	case CL_LABEL_TCB_SUSPEND:
		tcb_abort_blocking(t);
		return CL_OK;
	case CL_LABEL_TCB_BIND_NOTIFICATION:
		return bind(inv, t);
	case CL_LABEL_TCB_UNBIND_NOTIFICATION:
		if (t->bound == NULL)
			return CL_ILLEGAL;
		t->bound->bound = NULL;
		t->bound = NULL;
		return CL_OK;
	default:
		return CL_UNKNOWN_LABEL;
	}
}
