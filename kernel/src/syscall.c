/*
 * System calls (numbers and registers in idl/abi.yaml). Endpoint and
 * notification capabilities take part in IPC; every other capability is a
 * kernel object, and a call on it is an invocation.
 */
#include <cleave/cnode.h>
#include <cleave/invocation.h>
#include <cleave/print.h>
#include <cleave/sched.h>
#include <cleave/syscall.h>

static void invoke_object(struct tcb *t, struct cte *target)
{
	struct invocation inv = {
		.caller = t,
		.root = tcb_cspace(t),
		.target = target,
		.label = (unsigned)cl_msginfo_label(t->regs.x[1]),
		.nargs = (unsigned)cl_msginfo_length(t->regs.x[1]),
	};
	unsigned err;

	for (unsigned i = 0; i < 4; i++)
		inv.args[i] = t->regs.x[2 + i];
	err = invoke(&inv);
	t->regs.x[0] = err;
	t->regs.x[1] = cl_msginfo(0, inv.nresults, 0);
	for (unsigned i = 0; i < inv.nresults; i++)
		t->regs.x[2 + i] = inv.results[i];
}

static void do_send(struct tcb *t, struct cte *c, bool block)
{
	if (c->cap.type == CAP_ENDPOINT) {
		ipc_send(t, c, false, block);
	} else if (c->cap.type == CAP_NOTIFICATION) {
		if ((c->cap.rights & CL_RIGHT_WRITE) == 0) {
			t->regs.x[0] = CL_NO_RIGHT;
			return;
		}
		t->regs.x[0] = CL_OK;
		notification_signal((struct notification *)c->cap.obj, c->cap.data);
	} else {
		t->regs.x[0] = CL_WRONG_TYPE;
	}
}

static void do_recv(struct tcb *t, struct cte *c, bool block)
{
	if (c->cap.type != CAP_ENDPOINT && c->cap.type != CAP_NOTIFICATION) {
		t->regs.x[0] = CL_WRONG_TYPE;
		return;
	}
	ipc_recv(t, c, block);
}

void syscall_handle(struct tcb *t, unsigned imm)
{
	unsigned num = imm - CL_SVC_BASE;
	struct cte *c;
	unsigned err;

	if (imm < CL_SVC_BASE || num >= CL_NUM_SYSCALLS) {
		uint64_t mr[4] = {t->regs.pc, imm, t->regs.x[8], 0};

		fault_handle(t, FAULT_UNKNOWN_SYSCALL, mr);
		return;
	}
	/* The common IPC round trip first; it falls through to the general path when it can't. */
	if (num == CL_SYS_CALL && ipc_fastpath_call(t))
		return;
	if (num == CL_SYS_REPLY_RECV && ipc_fastpath_reply_recv(t))
		return;
	if (num == CL_SYS_YIELD) {
		t->regs.x[0] = CL_OK;
		sched_yield_current();
		return;
	}
	if (num == CL_SYS_REPLY) {
		ipc_reply(t);
		t->regs.x[0] = CL_OK;
		return;
	}
	if (num == CL_SYS_REPLY_RECV)
		ipc_reply(t); /* x0 still names the endpoint to wait on */
	if ((err = lookup_cap(tcb_cspace(t), t->regs.x[0], &c)) != CL_OK) {
		t->regs.x[0] = err;
		return;
	}
	switch (num) {
	case CL_SYS_CALL:
		if (c->cap.type == CAP_ENDPOINT)
			ipc_send(t, c, true, true);
		else
			invoke_object(t, c);
		break;
	case CL_SYS_SEND:
		do_send(t, c, true);
		break;
	case CL_SYS_NB_SEND:
		do_send(t, c, false);
		break;
	case CL_SYS_NB_RECV:
		do_recv(t, c, false);
		break;
	default: /* recv, reply_recv */
		do_recv(t, c, true);
		break;
	}
}

static const char *const fault_names[] = {"stage-2 fault", "undefined instruction",
					  "unknown system call", "exception"};

void fault_handle(struct tcb *t, enum fault_kind kind, const uint64_t mr[4])
{
	if (ipc_send_fault(t, CL_FAULT_STAGE2 + kind, mr))
		return;
	kprintf("cleave: thread %p: %s at pc %#llx (%#llx, %#llx), no fault handler: stopped\n",
		(void *)t, fault_names[kind], (unsigned long long)t->regs.pc,
		(unsigned long long)mr[0], (unsigned long long)mr[1]);
	tcb_abort_blocking(t);
}
