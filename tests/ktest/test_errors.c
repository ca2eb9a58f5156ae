/*
 * The error each invocation can return (idl/abi.yaml), case by case: the
 * common ones (UNKNOWN_LABEL for every label on every other object, too few
 * arguments) from tables, then the ones earlier files do not reach.
 */
#include "ktest.h"

#include <cleave/console_abi.h>

#define RW (CL_RIGHT_READ | CL_RIGHT_WRITE)

/* Every invocation: its label, the object it belongs to and its argument count. */
static const struct {
	unsigned label;
	unsigned obj;
	unsigned nargs;
} invocations[] = {
	{CL_LABEL_UNTYPED_RETYPE, CL_OBJ_UNTYPED, 4},
	{CL_LABEL_CNODE_COPY, CL_OBJ_CNODE, 3},
	{CL_LABEL_CNODE_MINT, CL_OBJ_CNODE, 4},
	{CL_LABEL_CNODE_MOVE, CL_OBJ_CNODE, 2},
	{CL_LABEL_CNODE_DELETE, CL_OBJ_CNODE, 1},
	{CL_LABEL_CNODE_REVOKE, CL_OBJ_CNODE, 1},
	{CL_LABEL_CNODE_IDENTIFY, CL_OBJ_CNODE, 1},
	{CL_LABEL_TCB_CONFIGURE, CL_OBJ_TCB, 3},
	{CL_LABEL_TCB_WRITE_REGS, CL_OBJ_TCB, 4},
	{CL_LABEL_TCB_READ_REGS, CL_OBJ_TCB, 0},
	{CL_LABEL_TCB_READ_GPRS, CL_OBJ_TCB, 1},
	{CL_LABEL_TCB_SET_PRIORITY, CL_OBJ_TCB, 1},
	{CL_LABEL_TCB_SET_AFFINITY, CL_OBJ_TCB, 1},
	{CL_LABEL_TCB_RESUME, CL_OBJ_TCB, 0},
	{CL_LABEL_TCB_SUSPEND, CL_OBJ_TCB, 0},
	{CL_LABEL_TCB_BIND_NOTIFICATION, CL_OBJ_TCB, 1},
	{CL_LABEL_TCB_UNBIND_NOTIFICATION, CL_OBJ_TCB, 0},
	{CL_LABEL_FRAME_MAP, CL_OBJ_FRAME, 4},
	{CL_LABEL_FRAME_UNMAP, CL_OBJ_FRAME, 0},
	{CL_LABEL_FRAME_REMAP, CL_OBJ_FRAME, 2},
	{CL_LABEL_FRAME_CACHE, CL_OBJ_FRAME, 3},
	{CL_LABEL_FRAME_ADDRESS, CL_OBJ_FRAME, 0},
	{CL_LABEL_ASPACE_CACHE_RANGE, CL_OBJ_ASPACE, 3},
	{CL_LABEL_FRAME_AUDIT_WRITE, CL_OBJ_FRAME, 2},
	{CL_LABEL_ASPACE_AUDIT_WRITE, CL_OBJ_ASPACE, 2},
	{CL_LABEL_CONSOLE_AUDIT_DUMP, CL_OBJ_CONSOLE, 0},
	{CL_LABEL_IRQ_CONTROL_GET, CL_OBJ_IRQ_CONTROL, 2},
	{CL_LABEL_IRQ_HANDLER_SET_NOTIFICATION, CL_OBJ_IRQ_HANDLER, 1},
	{CL_LABEL_IRQ_HANDLER_ACK, CL_OBJ_IRQ_HANDLER, 0},
	{CL_LABEL_IRQ_HANDLER_TRIGGER, CL_OBJ_IRQ_HANDLER, 0},
	{CL_LABEL_CONSOLE_WRITE, CL_OBJ_CONSOLE, 4},
	{CL_LABEL_CONSOLE_READ, CL_OBJ_CONSOLE, 0},
#if CL_NUM_OBJ_TYPES > 10
	{CL_LABEL_SCHED_CONTROL_SET_SCHEDULE, CL_OBJ_SCHED_CONTROL, 4},
	{CL_LABEL_SCHED_CONTROL_SET_PARTITION, CL_OBJ_SCHED_CONTROL, 2},
#endif
	{CL_LABEL_VCPU_BIND, CL_OBJ_VCPU, 1},
	{CL_LABEL_VCPU_UNBIND, CL_OBJ_VCPU, 0},
	{CL_LABEL_VCPU_READ_SYSREG, CL_OBJ_VCPU, 1},
	{CL_LABEL_VCPU_WRITE_SYSREG, CL_OBJ_VCPU, 2},
	{CL_LABEL_VCPU_READ_GPR, CL_OBJ_VCPU, 1},
	{CL_LABEL_VCPU_WRITE_GPR, CL_OBJ_VCPU, 2},
	{CL_LABEL_VCPU_SET_TRAPS, CL_OBJ_VCPU, 1},
	{CL_LABEL_VCPU_INJECT, CL_OBJ_VCPU, 4},
	{CL_LABEL_VCPU_READ_EXITS, CL_OBJ_VCPU, 1},
	{CL_LABEL_VCPU_SET_FAST_READ, CL_OBJ_VCPU, 2},
	{CL_LABEL_VCPU_SET_FAST_WRITE, CL_OBJ_VCPU, 2},
	{CL_LABEL_VCPU_TAKE_WRITES, CL_OBJ_VCPU, 0},
};
#define NUM_INVOCATIONS (sizeof(invocations) / sizeof(invocations[0]))

/* A capability of each invocable object type (and a notification), made for the case. */
static void object_caps(struct kt *t, cl_cptr_t caps[CL_NUM_OBJ_TYPES], unsigned irq)
{
	caps[CL_OBJ_UNTYPED] = t->ut;
	caps[CL_OBJ_CNODE] = CL_SLOT_CNODE;
	caps[CL_OBJ_TCB] = kt_make(t, CL_OBJ_TCB, 0);
	caps[CL_OBJ_ENDPOINT] = 0; /* a call on an endpoint is IPC, not an invocation */
	caps[CL_OBJ_NOTIFICATION] = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	caps[CL_OBJ_ASPACE] = kt_make(t, CL_OBJ_ASPACE, 13);
	caps[CL_OBJ_FRAME] = kt_make(t, CL_OBJ_FRAME, 12);
	caps[CL_OBJ_IRQ_CONTROL] = CL_SLOT_IRQ_CONTROL;
	caps[CL_OBJ_IRQ_HANDLER] = kt_slot(t);
	if (ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, irq, caps[CL_OBJ_IRQ_HANDLER])) != CL_OK)
		kt_fail(t, __FILE__, __LINE__, "irq_control_get", irq, 0);
	caps[CL_OBJ_CONSOLE] = CL_SLOT_CONSOLE;
#if CL_NUM_OBJ_TYPES > 10
	/* (Too few arguments and wrong labels never reach set_schedule, which works once.) */
	caps[CL_OBJ_SCHED_CONTROL] = CL_SLOT_SCHED_CONTROL;
#endif
	caps[CL_OBJ_VCPU] = kt_make(t, CL_OBJ_VCPU, 0);
}

static int owner_of(unsigned label)
{
	for (unsigned i = 0; i < NUM_INVOCATIONS; i++) {
		if (invocations[i].label == label)
			return (int)invocations[i].obj;
	}
	return -1;
}

KTEST(every_label_on_every_other_object_is_unknown)
{
	cl_cptr_t caps[CL_NUM_OBJ_TYPES];
	unsigned checked = 0;

	/*
	 * The table above is the whole ABI: a label missing from it is tried on
	 * every object below, and its own object does not answer UNKNOWN_LABEL.
	 * (Labels need not be contiguous: some are reserved.)
	 */
	CHECK(NUM_INVOCATIONS <= CL_NUM_LABELS - 1);
	object_caps(t, caps, 211);
	CHECK(!t->failed);
	for (unsigned type = 0; type < CL_NUM_OBJ_TYPES; type++) {
		if (caps[type] == 0)
			continue;
		for (unsigned label = 0; label <= CL_NUM_LABELS + 2; label++) {
			if (owner_of(label) == (int)type)
				continue;
			CHECK_EQ(ERR(cl_sys_call(caps[type], cl_msginfo(label, 4, 0), 0, 0, 0, 0,
						 0)),
				 CL_UNKNOWN_LABEL);
			checked++;
		}
		CHECK_EQ(ERR(cl_sys_call(caps[type], cl_msginfo(0xffff, 0, 0), 0, 0, 0, 0, 0)),
			 CL_UNKNOWN_LABEL);
	}
	CHECK(checked > 200);
}

KTEST(every_invocation_checks_its_argument_count)
{
	cl_cptr_t caps[CL_NUM_OBJ_TYPES];

	object_caps(t, caps, 212);
	CHECK(!t->failed);
	for (unsigned i = 0; i < NUM_INVOCATIONS; i++) {
		cl_cptr_t cap = caps[invocations[i].obj];

		for (unsigned n = 0; n < invocations[i].nargs; n++) {
			uint64_t err = ERR(cl_sys_call(cap, cl_msginfo(invocations[i].label, n, 0),
						       1, 1, 1, 1, 0));
			if (err != CL_INVALID_ARG)
				kt_fail(t, __FILE__, __LINE__, "short invocation accepted",
					invocations[i].label, n);
		}
	}
	/* Nothing happened: the untyped is untouched and the new TCB still unconfigured. */
	CHECK_EQ(ERR(cl_tcb_resume(caps[CL_OBJ_TCB])), CL_ILLEGAL);
}

KTEST(console_write_lengths)
{
	const char msg[24] = "ktest: console, 24 byte\n";
	uint64_t w[3];
	cl_cptr_t copy = kt_slot(t);

	__builtin_memcpy(w, msg, sizeof(w));
	CHECK_EQ(ERR(cl_console_write(CL_SLOT_CONSOLE, 0, 0, 0, 0)), CL_OK);
	CHECK_EQ(ERR(cl_console_write(CL_SLOT_CONSOLE, 24, w[0], w[1], w[2])), CL_OK);
	CHECK_EQ(ERR(cl_console_write(CL_SLOT_CONSOLE, 25, w[0], w[1], w[2])), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_console_write(CL_SLOT_CONSOLE, ~0ULL, 0, 0, 0)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_console_write(CL_SLOT_CONSOLE, 0x200 | 1, w[0], 0, 0)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_console_write(CL_SLOT_CONSOLE, CL_CONSOLE_MORE | 0, 0, 0, 0)), CL_OK);
	/* A copy of the console capability prints too. */
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, copy, CL_SLOT_CONSOLE, CL_RIGHT_READ)), CL_OK);
	CHECK_EQ(ERR(cl_console_write(copy, 1, '\n', 0, 0)), CL_OK);
}

KTEST(retype_is_all_or_nothing)
{
	cl_cptr_t sub = kt_slot(t);
	cl_cptr_t first;

	CHECK_EQ(ERR(cl_untyped_retype(t->ut, CL_OBJ_UNTYPED, 12, sub, 1)), CL_OK);
	/* 4 KiB holds 64 endpoints: asking for 65 makes none. */
	first = t->next;
	t->next += 65;
	CHECK_EQ(ERR(cl_untyped_retype(sub, CL_OBJ_ENDPOINT, 0, first, 65)), CL_NO_MEMORY);
	CHECK(kt_empty(first));
	CHECK(kt_empty(first + 63));
	/* Exactly 64 fit, then nothing more. */
	CHECK_EQ(ERR(cl_untyped_retype(sub, CL_OBJ_ENDPOINT, 0, first, 64)), CL_OK);
	CHECK(!kt_empty(first + 63)); /* (deletes it: the region stays used by the others) */
	CHECK_EQ(ERR(cl_untyped_retype(sub, CL_OBJ_ENDPOINT, 0, first + 64, 1)), CL_NO_MEMORY);
	/* An object bigger than the whole region never fits. */
	CHECK_EQ(ERR(cl_untyped_retype(sub, CL_OBJ_CNODE, 13, first + 64, 1)), CL_NO_MEMORY);
}

KTEST(retype_into_a_partly_full_range_makes_nothing)
{
	cl_cptr_t sub = kt_slot(t);
	cl_cptr_t s = kt_slot(t);

	kt_slot(t);
	kt_slot(t);
	CHECK_EQ(ERR(cl_untyped_retype(t->ut, CL_OBJ_UNTYPED, 12, sub, 1)), CL_OK);
	CHECK_EQ(ERR(cl_untyped_retype(t->ut, CL_OBJ_NOTIFICATION, 0, s + 2, 1)), CL_OK);
	CHECK_EQ(ERR(cl_untyped_retype(sub, CL_OBJ_ENDPOINT, 0, s, 3)), CL_SLOT_FULL);
	CHECK(kt_empty(s));
	CHECK(kt_empty(s + 1));
	/* No memory was taken either: the whole 4 KiB is still there for one frame. */
	CHECK_EQ(ERR(cl_untyped_retype(sub, CL_OBJ_FRAME, 12, s, 1)), CL_OK);
}

KTEST(aspace_retype_runs_out_of_vmids)
{
	cl_cptr_t first = t->next;
	unsigned n = 0;
	uint64_t err = CL_OK;

	/* 8-bit VMIDs: 256, less VMID 0 (never used) and those taken before the suite
	 * started (the root's; or the loader's and every component's). Leaks would show. */
	while (n < 300) {
		err = ERR(cl_untyped_retype(t->ut, CL_OBJ_ASPACE, 13, kt_slot(t), 1));
		if (err != CL_OK)
			break;
		n++;
	}
	CHECK_EQ(err, CL_NO_MEMORY);
	CHECK_EQ(n, 255 - t->bi->aspaces_in_use);
	/* It is VMIDs that ran out, not memory. */
	CHECK_EQ(ERR(cl_untyped_retype(t->ut, CL_OBJ_FRAME, 12, kt_slot(t), 1)), CL_OK);
	/* Deleting an address space gives its VMID back. */
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, first + 7)), CL_OK);
	CHECK_EQ(ERR(cl_untyped_retype(t->ut, CL_OBJ_ASPACE, 13, first + 7, 1)), CL_OK);
	CHECK_EQ(ERR(cl_untyped_retype(t->ut, CL_OBJ_ASPACE, 13, kt_slot(t), 1)), CL_NO_MEMORY);
}

KTEST(cnode_mint_errors)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t d = kt_slot(t);

	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, d, kt_slot(t), CL_RIGHTS_ALL, 1)),
		 CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, 0, ep, CL_RIGHTS_ALL, 1)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, t->bi->cnode_slots, ep, CL_RIGHTS_ALL, 1)),
		 CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, CL_SLOT_CONSOLE, ep, CL_RIGHTS_ALL, 1)),
		 CL_SLOT_FULL);
	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, d, t->ut, CL_RIGHTS_ALL, 0)), CL_ILLEGAL);
	/* Badge 0 on anything copyable is a plain copy. */
	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, d, CL_SLOT_CONSOLE, CL_RIGHTS_ALL, 0)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, kt_slot(t), CL_SLOT_CONSOLE, CL_RIGHTS_ALL, 3)),
		 CL_ILLEGAL);
}

KTEST(cnode_delete_and_revoke_errors)
{
	cl_cptr_t s = kt_slot(t);
	cl_cptr_t ep;

	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, s)), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, 0)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, t->bi->cnode_slots)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, ~0ULL)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, 1ULL << 40)), CL_INVALID_ARG);
	/* Revoking a capability without children is fine and keeps it. */
	ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, ep)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, s, ep, CL_RIGHTS_ALL)), CL_OK);
}

KTEST(small_cnode_slot_bounds)
{
	cl_cptr_t cn = kt_make(t, CL_OBJ_CNODE, 10); /* 16 slots */
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);

	CHECK_EQ(ERR(cl_cnode_move(cn, 16, ep)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_cnode_mint(cn, 16, ep, CL_RIGHTS_ALL, 5)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_cnode_mint(cn, 0, ep, CL_RIGHTS_ALL, 5)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_cnode_delete(cn, 16)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_cnode_revoke(cn, 0)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_cnode_delete(cn, 15)), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_cnode_mint(cn, 15, ep, CL_RIGHTS_ALL, 5)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_copy(cn, 15, ep, CL_RIGHTS_ALL)), CL_SLOT_FULL);
	CHECK_EQ(ERR(cl_cnode_move(cn, 15, ep)), CL_SLOT_FULL);
	CHECK_EQ(ERR(cl_cnode_move(cn, 14, ep)), CL_OK);
	CHECK(kt_empty(ep));
	CHECK_EQ(ERR(cl_cnode_revoke(cn, 14)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_delete(cn, 15)), CL_INVALID_CAP); /* the minted child is gone */
	CHECK_EQ(ERR(cl_cnode_delete(cn, 14)), CL_OK);
}

KTEST(tcb_configure_errors)
{
	cl_cptr_t tcb = kt_make(t, CL_OBJ_TCB, 0);
	cl_cptr_t ntfn = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t frame = kt_make(t, CL_OBJ_FRAME, 12);
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t empty = kt_slot(t);

	CHECK_EQ(ERR(cl_tcb_configure(tcb, CL_SLOT_CNODE, empty, 0)), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_tcb_configure(tcb, CL_SLOT_CNODE, CL_SLOT_ASPACE, empty)), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_tcb_configure(tcb, 0, CL_SLOT_ASPACE, 0)), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_tcb_configure(tcb, CL_SLOT_CNODE, frame, 0)), CL_WRONG_TYPE);
	CHECK_EQ(ERR(cl_tcb_configure(tcb, CL_SLOT_CNODE, CL_SLOT_ASPACE, ntfn)), CL_WRONG_TYPE);
	CHECK_EQ(ERR(cl_tcb_configure(tcb, CL_SLOT_ASPACE, CL_SLOT_ASPACE, 0)), CL_WRONG_TYPE);
	/* Nothing was configured by the failures: resume still refuses. */
	CHECK_EQ(ERR(cl_tcb_resume(tcb)), CL_ILLEGAL);
	CHECK_EQ(ERR(cl_tcb_configure(tcb, CL_SLOT_CNODE, CL_SLOT_ASPACE, ep)), CL_OK);
	/* And an inactive thread can be reconfigured, also to no fault handler. */
	CHECK_EQ(ERR(cl_tcb_configure(tcb, CL_SLOT_CNODE, CL_SLOT_ASPACE, 0)), CL_OK);
}

static void wait_on(uint64_t ep)
{
	cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);
}

KTEST(blocked_thread_registers_are_out_of_reach)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t tcb = kt_thread(t, wait_on, ep, 255, 0);
	struct cl_result r;

	CHECK(kt_wait_state(tcb, KT_BLOCKED_RECV));
	CHECK_EQ(ERR(cl_tcb_write_regs(tcb, 0, 0, 0, 0)), CL_ILLEGAL);
	CHECK_EQ(ERR(cl_tcb_configure(tcb, CL_SLOT_CNODE, CL_SLOT_ASPACE, 0)), CL_ILLEGAL);
	/* A runnable one too. */
	CHECK_EQ(ERR(cl_tcb_write_regs(CL_SLOT_TCB, 0, 0, 0, 0)), CL_ILLEGAL);
	r = cl_tcb_read_regs(tcb);
	CHECK_EQ(r.err, CL_OK);
	CHECK_EQ(r.mr[2], ep); /* x0 still holds the capability pointer it waits on */
	CHECK_EQ(ERR(cl_tcb_suspend(tcb)), CL_OK);
	CHECK_EQ(ERR(cl_tcb_write_regs(tcb, 0x400000, 0x1000, 1, 2)), CL_OK);
	CHECK_EQ(ERR(cl_tcb_configure(tcb, CL_SLOT_CNODE, CL_SLOT_ASPACE, 0)), CL_OK);
	CHECK_EQ(cl_tcb_read_regs(tcb).mr[0], 0x400000);
}

KTEST(tcb_bind_notification_errors)
{
	cl_cptr_t a = kt_make(t, CL_OBJ_TCB, 0);
	cl_cptr_t b = kt_make(t, CL_OBJ_TCB, 0);
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t n2 = kt_make(t, CL_OBJ_NOTIFICATION, 0);

	CHECK_EQ(ERR(cl_tcb_bind_notification(a, kt_slot(t))), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_tcb_bind_notification(a, 0)), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_tcb_bind_notification(a, CL_SLOT_CONSOLE)), CL_WRONG_TYPE);
	CHECK_EQ(ERR(cl_tcb_bind_notification(a, n)), CL_OK);
	/* The notification is taken, and so is the thread. */
	CHECK_EQ(ERR(cl_tcb_bind_notification(b, n)), CL_IN_USE);
	CHECK_EQ(ERR(cl_tcb_bind_notification(a, n2)), CL_IN_USE);
	CHECK_EQ(ERR(cl_tcb_unbind_notification(b)), CL_ILLEGAL);
	CHECK_EQ(ERR(cl_tcb_unbind_notification(a)), CL_OK);
	CHECK_EQ(ERR(cl_tcb_bind_notification(b, n)), CL_OK);
	CHECK_EQ(ERR(cl_tcb_bind_notification(a, n2)), CL_OK);
}

KTEST(set_affinity_takes_online_cpus_only)
{
	cl_cptr_t tcb = kt_make(t, CL_OBJ_TCB, 0);
	uint64_t n = t->bi->num_cpus;

	CHECK(n >= 1);
	CHECK_EQ(ERR(cl_tcb_set_affinity(tcb, 0)), CL_OK);
	CHECK_EQ(ERR(cl_tcb_set_affinity(CL_SLOT_TCB, 0)), CL_OK);
	CHECK_EQ(ERR(cl_tcb_set_affinity(tcb, n)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_tcb_set_affinity(tcb, 64)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_tcb_set_affinity(tcb, 1ULL << 32)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_tcb_set_affinity(tcb, ~0ULL)), CL_INVALID_ARG);
	if (n == 1)
		CHECK_EQ(ERR(cl_tcb_set_affinity(tcb, 1)), CL_INVALID_ARG);
}

KTEST(frame_map_rights_come_from_both_caps)
{
	cl_cptr_t f = kt_make(t, CL_OBJ_FRAME, 12);
	cl_cptr_t as_ro = kt_slot(t);
	cl_cptr_t f_rw = kt_slot(t);
	uint64_t va = t->va;

	t->va += 4096;
	/* Mapping changes the address space: its capability needs write. */
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, as_ro, CL_SLOT_ASPACE, CL_RIGHT_READ)), CL_OK);
	CHECK_EQ(ERR(cl_frame_map(f, as_ro, va, CL_RIGHT_READ, 0)), CL_NO_RIGHT);
	/* The mapping's rights are a subset of the frame capability's. */
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, f_rw, f, RW)), CL_OK);
	CHECK_EQ(ERR(cl_frame_map(f_rw, CL_SLOT_ASPACE, va, RW | CL_RIGHT_EXEC, 0)), CL_NO_RIGHT);
	CHECK_EQ(ERR(cl_frame_map(f_rw, CL_SLOT_ASPACE, va, CL_RIGHTS_ALL, 0)), CL_NO_RIGHT);
	CHECK_EQ(ERR(cl_frame_map(f_rw, CL_SLOT_ASPACE, va, RW, 0)), CL_OK);
	*(volatile uint64_t *)va = 5;
	CHECK_EQ(*(volatile uint64_t *)va, 5);
}

KTEST(frame_map_rejects_addresses_outside_the_space)
{
	cl_cptr_t f = kt_make(t, CL_OBJ_FRAME, 12);
	uint64_t top = 1ULL << 39; /* the IPA space of an address space */

	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_ASPACE, top, RW, 0)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_ASPACE, 1ULL << 63, RW, 0)), CL_INVALID_ARG);
	/* The last page of the 64-bit range: va + size wraps to 0, still outside. */
	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_ASPACE, ~0xfffULL, RW, 0)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_frame_unmap(f)), CL_NOT_MAPPED);
}

KTEST(frame_remap_errors)
{
	cl_cptr_t f = kt_make(t, CL_OBJ_FRAME, 12);
	cl_cptr_t ro = kt_slot(t);
	uint64_t va;

	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, ro, f, CL_RIGHT_READ)), CL_OK);
	va = t->va;
	t->va += 4096;
	CHECK_EQ(ERR(cl_frame_map(ro, CL_SLOT_ASPACE, va, CL_RIGHT_READ, 0)), CL_OK);
	CHECK_EQ(ERR(cl_frame_remap(ro, RW, 0)), CL_NO_RIGHT);
	CHECK_EQ(ERR(cl_frame_remap(ro, CL_RIGHT_READ | CL_RIGHT_EXEC, 0)), CL_NO_RIGHT);
	CHECK_EQ(ERR(cl_frame_remap(ro, 0x10, 0)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_frame_remap(ro, CL_RIGHT_READ, 3)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_frame_remap(ro, CL_RIGHT_READ, 1)), CL_OK);
	CHECK_EQ(*(volatile uint64_t *)va, 0);
	/* The original capability is not mapped; its copy's mapping is not its own. */
	CHECK_EQ(ERR(cl_frame_remap(f, RW, 0)), CL_NOT_MAPPED);
	CHECK_EQ(ERR(cl_frame_unmap(f)), CL_NOT_MAPPED);
}

KTEST(aspace_cache_range_limits)
{
	uint64_t va = kt_map(t, NULL);
	uint64_t top = 1ULL << 39; /* the IPA space of an address space */

	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 0, top - 4096, 8192)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 0, top, 64)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 0, ~0ULL - 10, 100)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 0, va, ~0ULL)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, ~0ULL, va, 64)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 4, va, 64)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 0, top - 4096, 4096)), CL_NOT_MAPPED);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 0, va + 4095, 1)), CL_OK);
	CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 0, va + 4095, 2)), CL_NOT_MAPPED);
}

KTEST(ipc_syscall_errors)
{
	cl_cptr_t empty = kt_slot(t);
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t f = kt_make(t, CL_OBJ_FRAME, 12);
	cl_cptr_t ep_ro = kt_slot(t);
	cl_cptr_t n_ro = kt_slot(t);
	cl_cptr_t n_wo = kt_slot(t);

	/* An empty slot, for every system call that names one. */
	CHECK_EQ(cl_sys_send(empty, 0, 0, 0, 0, 0, 0).err, CL_INVALID_CAP);
	CHECK_EQ(cl_sys_nb_send(empty, 0, 0, 0, 0, 0, 0).err, CL_INVALID_CAP);
	CHECK_EQ(cl_sys_call(empty, 0, 0, 0, 0, 0, 0).err, CL_INVALID_CAP);
	CHECK_EQ(cl_sys_recv(empty, 0, 0, 0, 0, 0, 0).err, CL_INVALID_CAP);
	CHECK_EQ(cl_sys_nb_recv(empty, 0, 0, 0, 0, 0, 0).err, CL_INVALID_CAP);
	CHECK_EQ(cl_sys_reply_recv(empty, 0, 0, 0, 0, 0, 0).err, CL_INVALID_CAP);
	/* Objects that take no messages. */
	CHECK_EQ(cl_sys_send(f, 0, 0, 0, 0, 0, 0).err, CL_WRONG_TYPE);
	CHECK_EQ(cl_sys_nb_send(f, 0, 0, 0, 0, 0, 0).err, CL_WRONG_TYPE);
	CHECK_EQ(cl_sys_recv(f, 0, 0, 0, 0, 0, 0).err, CL_WRONG_TYPE);
	CHECK_EQ(cl_sys_nb_recv(CL_SLOT_CNODE, 0, 0, 0, 0, 0, 0).err, CL_WRONG_TYPE);
	CHECK_EQ(cl_sys_reply_recv(CL_SLOT_TCB, 0, 0, 0, 0, 0, 0).err, CL_WRONG_TYPE);
	/* Rights: write to send or signal, read to receive or wait. */
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, ep_ro, ep, CL_RIGHT_READ)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, n_ro, n, CL_RIGHT_READ)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, n_wo, n, CL_RIGHT_WRITE)), CL_OK);
	CHECK_EQ(cl_sys_call(ep_ro, cl_msginfo(1, 0, 0), 0, 0, 0, 0, 0).err, CL_NO_RIGHT);
	CHECK_EQ(cl_sys_nb_send(ep_ro, cl_msginfo(1, 0, 0), 0, 0, 0, 0, 0).err, CL_NO_RIGHT);
	CHECK_EQ(cl_sys_send(n_ro, 0, 0, 0, 0, 0, 0).err, CL_NO_RIGHT);
	CHECK_EQ(cl_sys_nb_send(n_ro, 0, 0, 0, 0, 0, 0).err, CL_NO_RIGHT);
	CHECK_EQ(cl_sys_recv(n_wo, 0, 0, 0, 0, 0, 0).err, CL_NO_RIGHT);
	CHECK_EQ(cl_sys_nb_recv(n_wo, 0, 0, 0, 0, 0, 0).err, CL_NO_RIGHT);
	/* None of the refused signals reached the notification. */
	CHECK_EQ(cl_sys_nb_send(n_wo, 0, 0, 0, 0, 0, 0).err, CL_OK);
	CHECK_EQ(cl_sys_nb_recv(n_ro, 0, 0, 0, 0, 0, 0).badge, 1);
}

/* console read: input for the console server only (the read right). */
KTEST(console_read_needs_the_read_right)
{
	cl_cptr_t wo = kt_slot(t);
	struct cl_result r = cl_cnode_identify(CL_SLOT_CNODE, CL_SLOT_CONSOLE);

	/* The root has the console with every right; a component the loader starts may not. */
	KT_REQUIRE(r.err == CL_OK && (r.mr[1] & CL_RIGHT_READ) != 0,
		   "this system gives the suite the console write-only");
	r = cl_console_read(CL_SLOT_CONSOLE);

	CHECK_EQ(r.err, CL_OK);
	CHECK(r.mr[0] <= 24); /* nobody types during the tests: 0, but whatever came is fine */
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, wo, CL_SLOT_CONSOLE, CL_RIGHT_WRITE)), CL_OK);
	CHECK_EQ(ERR(cl_console_read(wo)), CL_NO_RIGHT);
	CHECK_EQ(ERR(cl_console_write(wo, 0, 0, 0, 0)), CL_OK);
}
