/*
 * Interrupts at user level: claiming SPIs through the irq_control
 * capability, routing them to notifications, delivery (made pending with
 * irq_handler.trigger), the mask-until-ack protocol, and the errors. Each
 * case uses lines of its own (200 and up, which no QEMU virt device drives),
 * so a line left pending by one case cannot reach the next.
 */
#include "ktest.h"

#define WATCHDOG 0x8000 /* the badge a watchdog signals with: the interrupt never came */
#define WD_SPINS 20000000

/* Claims irq into a fresh slot and routes it to ntfn with badge (minted). */
static cl_cptr_t claim(struct kt *t, unsigned irq, cl_cptr_t ntfn, uint64_t badge)
{
	cl_cptr_t h = kt_slot(t);
	cl_cptr_t b = kt_slot(t);

	if (ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, irq, h)) != CL_OK ||
	    ERR(cl_cnode_mint(CL_SLOT_CNODE, b, ntfn, CL_RIGHTS_ALL, badge)) != CL_OK ||
	    ERR(cl_irq_handler_set_notification(h, b)) != CL_OK)
		kt_fail(t, __FILE__, __LINE__, "claim", irq, badge);
	return h;
}

/* A few kernel entries: time for an interrupt that should not come to arrive anyway. */
static void settle(void)
{
	for (int i = 0; i < 20; i++)
		cl_sys_yield(0, 0, 0, 0, 0, 0, 0);
}

KTEST(irq_trigger_signals_the_notification)
{
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t h = claim(t, 200, n, 0x4);
	struct cl_result r;

	CHECK(!t->failed);
	kt_watchdog(t, n, WATCHDOG, WD_SPINS);
	CHECK_EQ(ERR(cl_irq_handler_trigger(h)), CL_OK);
	r = cl_sys_recv(n, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(r.err, CL_OK);
	CHECK_EQ(r.badge, 0x4);
	/* Acknowledged, the line delivers again. */
	CHECK_EQ(ERR(cl_irq_handler_ack(h)), CL_OK);
	CHECK_EQ(ERR(cl_irq_handler_trigger(h)), CL_OK);
	r = cl_sys_recv(n, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(r.badge, 0x4);
	CHECK_EQ(ERR(cl_irq_handler_ack(h)), CL_OK);
}

KTEST(irq_line_masked_until_ack)
{
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t h = claim(t, 201, n, 0x10);

	CHECK(!t->failed);
	kt_watchdog(t, n, WATCHDOG, WD_SPINS);
	CHECK_EQ(ERR(cl_irq_handler_trigger(h)), CL_OK);
	CHECK_EQ(cl_sys_recv(n, 0, 0, 0, 0, 0, 0).badge, 0x10);
	/* The kernel masked the line when it fired: a second interrupt waits for the ack. */
	CHECK_EQ(ERR(cl_irq_handler_trigger(h)), CL_OK);
	settle();
	CHECK_EQ(cl_sys_nb_recv(n, 0, 0, 0, 0, 0, 0).badge, 0);
	CHECK_EQ(ERR(cl_irq_handler_ack(h)), CL_OK);
	CHECK_EQ(cl_sys_recv(n, 0, 0, 0, 0, 0, 0).badge, 0x10);
	CHECK_EQ(ERR(cl_irq_handler_ack(h)), CL_OK);
	/* Nothing more is pending. */
	settle();
	CHECK_EQ(cl_sys_nb_recv(n, 0, 0, 0, 0, 0, 0).badge, 0);
}

KTEST(irq_control_get_errors)
{
	cl_cptr_t h = kt_slot(t);
	cl_cptr_t h2 = kt_slot(t);

	/* SGIs and PPIs belong to the kernel; QEMU virt's GIC has 288 lines. */
	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 0, h)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 26, h)), CL_INVALID_ARG); /* timer */
	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 31, h)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 288, h)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 1020, h)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 1ULL << 32, h)), CL_INVALID_ARG);
	/* The destination slot must be empty and inside the CNode. */
	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 202, CL_SLOT_TCB)), CL_SLOT_FULL);
	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 202, 0)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 202, t->bi->cnode_slots)),
		 CL_INVALID_ARG);
	/* A line is claimed once. */
	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 202, h)), CL_OK);
	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 202, h2)), CL_IN_USE);
	CHECK(kt_empty(h2));
	/* The first and last SPIs the kernel hands out. */
	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 32, h2)), CL_OK);
	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 255, kt_slot(t))), CL_OK);
	/* Only the irq_control capability claims. */
	CHECK_EQ(ERR(cl_irq_control_get(h, 203, kt_slot(t))), CL_UNKNOWN_LABEL);
	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_CONSOLE, 203, kt_slot(t))), CL_UNKNOWN_LABEL);
}

KTEST(irq_set_notification_errors)
{
	cl_cptr_t h = kt_slot(t);
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t n_ro = kt_slot(t);

	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 203, h)), CL_OK);
	CHECK_EQ(ERR(cl_irq_handler_set_notification(h, kt_slot(t))), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_irq_handler_set_notification(h, 0)), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_irq_handler_set_notification(h, ep)), CL_WRONG_TYPE);
	CHECK_EQ(ERR(cl_irq_handler_set_notification(h, CL_SLOT_IRQ_CONTROL)), CL_WRONG_TYPE);
	/* Delivering is signalling: the notification capability needs write. */
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, n_ro, n, CL_RIGHT_READ)), CL_OK);
	CHECK_EQ(ERR(cl_irq_handler_set_notification(h, n_ro)), CL_NO_RIGHT);
	/* Handler invocations belong to handlers. */
	CHECK_EQ(ERR(cl_irq_handler_set_notification(CL_SLOT_IRQ_CONTROL, n)), CL_UNKNOWN_LABEL);
	CHECK_EQ(ERR(cl_irq_handler_ack(n)), CL_UNKNOWN_LABEL);
	CHECK_EQ(ERR(cl_irq_handler_trigger(CL_SLOT_IRQ_CONTROL)), CL_UNKNOWN_LABEL);
	CHECK_EQ(ERR(cl_irq_handler_set_notification(h, n)), CL_OK);
}

KTEST(deleting_the_handler_releases_the_line)
{
	cl_cptr_t h = kt_slot(t);
	cl_cptr_t again = kt_slot(t);

	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 204, h)), CL_OK);
	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 204, again)), CL_IN_USE);
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, h)), CL_OK);
	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 204, again)), CL_OK);
}

KTEST(handler_copies_keep_the_line_claimed)
{
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t h = kt_slot(t);
	cl_cptr_t copy = kt_slot(t);
	cl_cptr_t again = kt_slot(t);

	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 205, h)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, copy, h, CL_RIGHTS_ALL)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, h)), CL_OK);
	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 205, again)), CL_IN_USE);
	/* The copy is a working handler for the same line. */
	kt_watchdog(t, n, WATCHDOG, WD_SPINS);
	CHECK_EQ(ERR(cl_irq_handler_set_notification(copy, n)), CL_OK);
	CHECK_EQ(ERR(cl_irq_handler_trigger(copy)), CL_OK);
	CHECK_EQ(cl_sys_recv(n, 0, 0, 0, 0, 0, 0).badge, 1);
	CHECK_EQ(ERR(cl_irq_handler_ack(copy)), CL_OK);
	/* The last capability gone, the line is free. */
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, copy)), CL_OK);
	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 205, again)), CL_OK);
}

KTEST(deleted_notification_stops_delivery_until_rerouted)
{
	cl_cptr_t n1 = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t n2 = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t h = kt_slot(t);

	CHECK_EQ(ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, 206, h)), CL_OK);
	CHECK_EQ(ERR(cl_irq_handler_set_notification(h, n1)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, n1)), CL_OK);
	/* The line is masked now: the interrupt stays pending in the GIC. */
	CHECK_EQ(ERR(cl_irq_handler_trigger(h)), CL_OK);
	settle();
	kt_watchdog(t, n2, WATCHDOG, WD_SPINS);
	CHECK_EQ(ERR(cl_irq_handler_set_notification(h, n2)), CL_OK);
	CHECK_EQ(cl_sys_recv(n2, 0, 0, 0, 0, 0, 0).badge, 1);
	CHECK_EQ(ERR(cl_irq_handler_ack(h)), CL_OK);
}

static volatile uint64_t got[4];

static void recv_and_record(uint64_t cap)
{
	struct cl_result r = cl_sys_recv(cap, 0, 0, 0, 0, 0, 0);

	got[0] = r.err;
	got[1] = cl_msginfo_label(r.info);
	got[2] = r.badge;
	got[3] = 1;
}

KTEST(interrupt_ends_a_bound_endpoint_wait)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t h;
	cl_cptr_t waiter;

	got[3] = 0;
	h = claim(t, 207, n, 0x20);
	CHECK(!t->failed);
	waiter = kt_thread(t, recv_and_record, ep, 255, 0);
	CHECK_EQ(ERR(cl_tcb_bind_notification(waiter, n)), CL_OK);
	CHECK(kt_wait_state(waiter, KT_BLOCKED_RECV));
	kt_watchdog(t, n, WATCHDOG, WD_SPINS);
	CHECK_EQ(ERR(cl_irq_handler_trigger(h)), CL_OK);
	kt_join(t);
	CHECK_EQ(got[3], 1);
	CHECK_EQ(got[0], CL_OK);
	CHECK_EQ(got[1], 0);
	CHECK_EQ(got[2], 0x20);
	CHECK_EQ(ERR(cl_irq_handler_ack(h)), CL_OK);
}

KTEST(interrupt_wakes_a_waiting_thread)
{
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t h = claim(t, 210, n, 0x100);
	cl_cptr_t waiter;

	CHECK(!t->failed);
	got[3] = 0;
	waiter = kt_thread(t, recv_and_record, n, 255, 0);
	CHECK(kt_wait_state(waiter, KT_BLOCKED_NTFN));
	kt_watchdog(t, n, WATCHDOG, WD_SPINS);
	CHECK_EQ(ERR(cl_irq_handler_trigger(h)), CL_OK);
	kt_join(t);
	CHECK_EQ(got[3], 1);
	CHECK_EQ(got[0], CL_OK);
	CHECK_EQ(got[2], 0x100);
	CHECK_EQ(ERR(cl_irq_handler_ack(h)), CL_OK);
}

KTEST(two_lines_signal_one_notification)
{
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t h1 = claim(t, 208, n, 0x1);
	cl_cptr_t h2 = claim(t, 209, n, 0x2);
	uint64_t word = 0;

	CHECK(!t->failed);
	kt_watchdog(t, n, WATCHDOG, WD_SPINS);
	CHECK_EQ(ERR(cl_irq_handler_trigger(h1)), CL_OK);
	CHECK_EQ(ERR(cl_irq_handler_trigger(h2)), CL_OK);
	/* Both arrive, together or one after the other; the badges tell them apart. */
	for (int i = 0; i < 2 && word != 0x3; i++) {
		struct cl_result r = cl_sys_recv(n, 0, 0, 0, 0, 0, 0);

		CHECK_EQ(r.badge & WATCHDOG, 0);
		word |= r.badge;
	}
	CHECK_EQ(word, 0x3);
	CHECK_EQ(ERR(cl_irq_handler_ack(h1)), CL_OK);
	CHECK_EQ(ERR(cl_irq_handler_ack(h2)), CL_OK);
}
