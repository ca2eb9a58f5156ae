/*
 * More IPC: full messages and their limits, non-blocking operations meeting
 * a waiting partner, queue order, bound notifications on a receiving thread,
 * capability transfer (frames mapped by the receiver, rights, derivation,
 * refusals), replies that go nowhere, and notifications with many waiters.
 */
#include "ktest.h"

#define RW (CL_RIGHT_READ | CL_RIGHT_WRITE)

static volatile uint64_t rec[8];
static cl_cptr_t ep_g;

static void echo4(uint64_t ep)
{
	struct cl_result r = cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);

	for (;;) {
		rec[0] = r.info;
		r = cl_sys_reply_recv(ep, r.info, r.mr[0] ^ 0xff, r.mr[1] ^ 0xff00, r.mr[2] + 1,
				      r.mr[3] - 1, 0);
	}
}

KTEST(long_message_round_trip)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct cl_result r;

	kt_thread(t, echo4, ep, 100, 0);
	r = cl_sys_call(ep, cl_msginfo(0x1234, 4, 0), 0x1111111111111111ULL, 0x2222, ~0ULL,
			0x8000000000000000ULL, 0);
	CHECK_EQ(r.err, CL_OK);
	CHECK_EQ(cl_msginfo_label(r.info), 0x1234);
	CHECK_EQ(cl_msginfo_length(r.info), 4);
	CHECK_EQ(r.mr[0], 0x11111111111111eeULL);
	CHECK_EQ(r.mr[1], 0xdd22);
	CHECK_EQ(r.mr[2], 0);
	CHECK_EQ(r.mr[3], 0x7fffffffffffffffULL);
}

KTEST(label_and_length_limits)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct cl_result r;

	kt_thread(t, echo4, ep, 100, 0);
	/* All 16 label bits pass; a length above 4 is cut to 4. */
	r = cl_sys_call(ep, cl_msginfo(0xffff, 7, 0), 1, 2, 3, 4, 0);
	CHECK_EQ(r.err, CL_OK);
	CHECK_EQ(cl_msginfo_label(rec[0]), 0xffff);
	CHECK_EQ(cl_msginfo_length(rec[0]), 4);
	CHECK_EQ(cl_msginfo_cap(rec[0]), 0);
	CHECK_EQ(cl_msginfo_label(r.info), 0xffff);
	CHECK_EQ(cl_msginfo_length(r.info), 4);
	CHECK_EQ(r.mr[3], 3);
	/* Label 0, no words. */
	r = cl_sys_call(ep, cl_msginfo(0, 0, 0), 1, 2, 3, 4, 0);
	CHECK_EQ(r.err, CL_OK);
	CHECK_EQ(rec[0], cl_msginfo(0, 0, 0));
	CHECK_EQ(r.info, cl_msginfo(0, 0, 0));
}

static void recv_with_markers(uint64_t ep)
{
	struct cl_result r = cl_sys_recv(ep, 0, 0xa0, 0xa1, 0xa2, 0xa3, 0);

	for (int i = 0; i < 4; i++)
		rec[i] = r.mr[i];
	rec[4] = r.info;
}

KTEST(only_the_sent_words_are_delivered)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t tcb = kt_thread(t, recv_with_markers, ep, 255, 0);

	CHECK(kt_wait_state(tcb, KT_BLOCKED_RECV));
	CHECK_EQ(cl_sys_send(ep, cl_msginfo(2, 1, 0), 0x11, 0xdead, 0xdead, 0xdead, 0).err, CL_OK);
	kt_join(t);
	CHECK_EQ(rec[0], 0x11);
	CHECK_EQ(cl_msginfo_length(rec[4]), 1);
	/* The sender's unused registers do not reach the receiver. */
	for (int i = 1; i < 4; i++)
		CHECK(rec[i] != 0xdead);
}

static void recv_and_record(uint64_t ep)
{
	struct cl_result r = cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);

	rec[0] = r.err;
	rec[1] = cl_msginfo_label(r.info);
	rec[2] = r.mr[0];
	rec[3] = r.mr[1];
	rec[4] = r.badge;
}

KTEST(nb_send_reaches_a_waiting_receiver)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t b = kt_slot(t);
	cl_cptr_t tcb;

	rec[1] = 0;
	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, b, ep, RW, 0x66)), CL_OK);
	tcb = kt_thread(t, recv_and_record, ep, 255, 0);
	CHECK(kt_wait_state(tcb, KT_BLOCKED_RECV));
	CHECK_EQ(cl_sys_nb_send(b, cl_msginfo(6, 2, 0), 0x61, 0x62, 0, 0, 0).err, CL_OK);
	kt_join(t);
	CHECK_EQ(rec[0], CL_OK);
	CHECK_EQ(rec[1], 6);
	CHECK_EQ(rec[2], 0x61);
	CHECK_EQ(rec[3], 0x62);
	CHECK_EQ(rec[4], 0x66);
}

static void send_label(uint64_t label)
{
	rec[label % 8] = cl_sys_send(ep_g, cl_msginfo(label, 1, 0), label * 3, 0, 0, 0, 0).err;
}

KTEST(nb_recv_takes_a_waiting_sender)
{
	cl_cptr_t tcb;
	struct cl_result r;

	ep_g = kt_make(t, CL_OBJ_ENDPOINT, 0);
	rec[5] = 99;
	tcb = kt_thread(t, send_label, 5, 255, 0);
	CHECK(kt_wait_state(tcb, KT_BLOCKED_SEND));
	r = cl_sys_nb_recv(ep_g, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(r.err, CL_OK);
	CHECK_EQ(cl_msginfo_label(r.info), 5);
	CHECK_EQ(r.mr[0], 15);
	kt_join(t);
	CHECK_EQ(rec[5], CL_OK);
	/* Nobody is left: a second poll finds nothing. */
	r = cl_sys_nb_recv(ep_g, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(cl_msginfo_label(r.info), 0);
}

KTEST(senders_queue_in_order)
{
	cl_cptr_t tcb;

	ep_g = kt_make(t, CL_OBJ_ENDPOINT, 0);
	for (uint64_t id = 1; id <= 3; id++) {
		tcb = kt_thread(t, send_label, id, 255, 0);
		CHECK(kt_wait_state(tcb, KT_BLOCKED_SEND));
	}
	for (uint64_t id = 1; id <= 3; id++) {
		struct cl_result r = cl_sys_recv(ep_g, 0, 0, 0, 0, 0, 0);

		CHECK_EQ(cl_msginfo_label(r.info), id);
		CHECK_EQ(r.mr[0], id * 3);
	}
	for (int i = 0; i < 3; i++)
		kt_join(t);
}

static void recv_into(uint64_t idx)
{
	struct cl_result r = cl_sys_recv(ep_g, 0, 0, 0, 0, 0, 0);

	rec[idx] = cl_msginfo_label(r.info);
}

KTEST(receivers_queue_in_order)
{
	cl_cptr_t tcb;

	ep_g = kt_make(t, CL_OBJ_ENDPOINT, 0);
	for (uint64_t idx = 0; idx < 3; idx++) {
		rec[idx] = 0;
		tcb = kt_thread(t, recv_into, idx, 255, 0);
		CHECK(kt_wait_state(tcb, KT_BLOCKED_RECV));
	}
	for (uint64_t label = 10; label < 13; label++)
		CHECK_EQ(cl_sys_send(ep_g, cl_msginfo(label, 0, 0), 0, 0, 0, 0, 0).err, CL_OK);
	for (int i = 0; i < 3; i++)
		kt_join(t);
	CHECK_EQ(rec[0], 10);
	CHECK_EQ(rec[1], 11);
	CHECK_EQ(rec[2], 12);
}

static void recv_three(uint64_t ep)
{
	for (int i = 0; i < 3; i++) {
		struct cl_result r = cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);

		rec[2 * i] = cl_msginfo_label(r.info);
		rec[2 * i + 1] = r.badge;
	}
}

KTEST(bound_thread_receives_messages_and_signals)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t nb = kt_slot(t);
	cl_cptr_t tcb;

	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, nb, n, CL_RIGHTS_ALL, 0x100)), CL_OK);
	tcb = kt_thread(t, recv_three, ep, 255, 0);
	CHECK_EQ(ERR(cl_tcb_bind_notification(tcb, n)), CL_OK);
	CHECK(kt_wait_state(tcb, KT_BLOCKED_RECV));
	CHECK_EQ(cl_sys_send(ep, cl_msginfo(3, 0, 0), 0, 0, 0, 0, 0).err, CL_OK);
	CHECK(kt_wait_state(tcb, KT_BLOCKED_RECV));
	CHECK_EQ(cl_sys_send(nb, 0, 0, 0, 0, 0, 0).err, CL_OK);
	CHECK(kt_wait_state(tcb, KT_BLOCKED_RECV));
	/* A message still gets through after a signal. */
	CHECK_EQ(cl_sys_send(ep, cl_msginfo(4, 0, 0), 0, 0, 0, 0, 0).err, CL_OK);
	kt_join(t);
	CHECK_EQ(rec[0], 3);
	CHECK_EQ(rec[1], 0);
	CHECK_EQ(rec[2], 0);
	CHECK_EQ(rec[3], 0x100);
	CHECK_EQ(rec[4], 4);
	CHECK_EQ(rec[5], 0);
}

static uint64_t map_va;

static void receive_frame_and_map(uint64_t slot)
{
	struct cl_result r = cl_sys_recv(ep_g, 0, 0, 0, 0, 0, slot);

	rec[0] = cl_msginfo_cap(r.info);
	rec[1] = ERR(cl_frame_map(slot, CL_SLOT_ASPACE, map_va, RW, 0));
	if (rec[1] == CL_OK) {
		rec[2] = *(volatile uint64_t *)map_va;
		*(volatile uint64_t *)(map_va + 8) = 0xbeef;
	}
	rec[3] = ERR(cl_frame_map(slot, CL_SLOT_ASPACE, map_va, CL_RIGHT_READ, 0)) == CL_IN_USE;
	rec[4] = ERR(cl_frame_unmap(slot));
	rec[5] = ERR(cl_frame_map(slot, CL_SLOT_ASPACE, map_va, CL_RIGHT_READ, 0));
}

KTEST(frame_transfer_then_map_in_the_receiver)
{
	cl_cptr_t f;
	volatile uint64_t *p = (volatile uint64_t *)kt_map(t, &f);
	cl_cptr_t slot = kt_slot(t);

	ep_g = kt_make(t, CL_OBJ_ENDPOINT, 0);
	map_va = t->va;
	t->va += 4096;
	for (int i = 0; i < 6; i++)
		rec[i] = 99;
	p[0] = 0xc0ffee;
	kt_thread(t, receive_frame_and_map, slot, 100, 0);
	CHECK_EQ(cl_sys_send(ep_g, cl_msginfo(1, 0, 1), 0, 0, 0, 0, f).err, CL_OK);
	kt_join(t);
	CHECK_EQ(rec[0], 1);
	CHECK_EQ(rec[1], CL_OK);
	CHECK_EQ(rec[2], 0xc0ffee);
	CHECK_EQ(p[1], 0xbeef);
	/* The received copy maps on its own: the sender's mapping stays as it was. */
	CHECK_EQ(rec[3], 1);
	CHECK_EQ(rec[4], CL_OK);
	CHECK_EQ(rec[5], CL_OK);
	CHECK(kt_mapped((uint64_t)p));
}

static void receive_and_try_rights(uint64_t slot)
{
	struct cl_result r = cl_sys_recv(ep_g, 0, 0, 0, 0, 0, slot);

	rec[0] = cl_msginfo_cap(r.info);
	rec[1] = ERR(cl_frame_map(slot, CL_SLOT_ASPACE, map_va, RW, 0));
	rec[2] = ERR(cl_frame_cache(slot, 1, 0, 64));
	rec[3] = ERR(cl_frame_map(slot, CL_SLOT_ASPACE, map_va, CL_RIGHT_READ, 0));
}

KTEST(transferred_cap_has_the_senders_rights)
{
	cl_cptr_t f = kt_make(t, CL_OBJ_FRAME, 12);
	cl_cptr_t ro = kt_slot(t);
	cl_cptr_t slot = kt_slot(t);

	ep_g = kt_make(t, CL_OBJ_ENDPOINT, 0);
	map_va = t->va;
	t->va += 4096;
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, ro, f, CL_RIGHT_READ)), CL_OK);
	kt_thread(t, receive_and_try_rights, slot, 100, 0);
	/* The endpoint capability has grant; the frame capability sent has read only. */
	CHECK_EQ(cl_sys_send(ep_g, cl_msginfo(1, 0, 1), 0, 0, 0, 0, ro).err, CL_OK);
	kt_join(t);
	CHECK_EQ(rec[0], 1);
	CHECK_EQ(rec[1], CL_NO_RIGHT);
	CHECK_EQ(rec[2], CL_NO_RIGHT);
	CHECK_EQ(rec[3], CL_OK);
}

static void receive_cap(uint64_t slot)
{
	struct cl_result r = cl_sys_recv(ep_g, 0, 0, 0, 0, 0, slot);

	rec[0] = cl_msginfo_cap(r.info);
	rec[1] = cl_msginfo_label(r.info);
}

KTEST(transferred_cap_is_revoked_with_the_original)
{
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t slot = kt_slot(t);

	ep_g = kt_make(t, CL_OBJ_ENDPOINT, 0);
	kt_thread(t, receive_cap, slot, 100, 0);
	CHECK_EQ(cl_sys_send(ep_g, cl_msginfo(1, 0, 1), 0, 0, 0, 0, n).err, CL_OK);
	kt_join(t);
	CHECK_EQ(rec[0], 1);
	/* (The receiver shares the runner's CNode, so the runner can use the slot too.) */
	CHECK_EQ(cl_sys_send(slot, 0, 0, 0, 0, 0, 0).err, CL_OK);
	CHECK_EQ(cl_sys_nb_recv(n, 0, 0, 0, 0, 0, 0).badge, 1);
	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, n)), CL_OK);
	CHECK_EQ(cl_sys_send(slot, 0, 0, 0, 0, 0, 0).err, CL_INVALID_CAP);
}

KTEST(cap_transfer_refusals_still_deliver_the_message)
{
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t occupied = kt_make(t, CL_OBJ_FRAME, 12);
	cl_cptr_t sub = kt_slot(t);
	cl_cptr_t slot = kt_slot(t);

	ep_g = kt_make(t, CL_OBJ_ENDPOINT, 0);
	CHECK_EQ(ERR(cl_untyped_retype(t->ut, CL_OBJ_UNTYPED, 12, sub, 1)), CL_OK);
	/* The receive slot is full: the message arrives, the capability does not. */
	kt_thread(t, receive_cap, occupied, 100, 0);
	CHECK_EQ(cl_sys_send(ep_g, cl_msginfo(21, 0, 1), 0, 0, 0, 0, n).err, CL_OK);
	kt_join(t);
	CHECK_EQ(rec[1], 21);
	CHECK_EQ(rec[0], 0);
	CHECK_EQ(ERR(cl_frame_address(occupied)), CL_OK); /* still the frame */
	/* Untyped memory has one owner: it is never transferred. */
	kt_thread(t, receive_cap, slot, 100, 0);
	CHECK_EQ(cl_sys_send(ep_g, cl_msginfo(22, 0, 1), 0, 0, 0, 0, sub).err, CL_OK);
	kt_join(t);
	CHECK_EQ(rec[1], 22);
	CHECK_EQ(rec[0], 0);
	CHECK(kt_empty(slot));
	/* No receive slot named, or an empty capability offered. */
	kt_thread(t, receive_cap, 0, 100, 0);
	CHECK_EQ(cl_sys_send(ep_g, cl_msginfo(23, 0, 1), 0, 0, 0, 0, n).err, CL_OK);
	kt_join(t);
	CHECK_EQ(rec[1], 23);
	CHECK_EQ(rec[0], 0);
	kt_thread(t, receive_cap, slot, 100, 0);
	CHECK_EQ(cl_sys_send(ep_g, cl_msginfo(24, 0, 1), 0, 0, 0, 0, kt_slot(t)).err, CL_OK);
	kt_join(t);
	CHECK_EQ(rec[1], 24);
	CHECK_EQ(rec[0], 0);
	CHECK(kt_empty(slot));
}

static void reply_twice(uint64_t ep)
{
	struct cl_result r;

	for (;;) {
		r = cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);
		rec[0] = cl_sys_reply(0, cl_msginfo(cl_msginfo_label(r.info), 0, 0), 0, 0, 0, 0, 0)
				 .err;
		rec[1] = cl_sys_reply(0, cl_msginfo(99, 0, 0), 0, 0, 0, 0, 0).err;
	}
}

KTEST(reply_without_a_caller_goes_nowhere)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct cl_result r;

	rec[1] = 99;
	/* The runner has no caller: its reply is accepted and does nothing. */
	CHECK_EQ(cl_sys_reply(0, cl_msginfo(1, 0, 0), 0, 0, 0, 0, 0).err, CL_OK);
	kt_thread(t, reply_twice, ep, 100, 0);
	for (uint64_t label = 1; label <= 3; label++) {
		r = cl_sys_call(ep, cl_msginfo(label, 0, 0), 0, 0, 0, 0, 0);
		CHECK_EQ(r.err, CL_OK);
		CHECK_EQ(cl_msginfo_label(r.info), label); /* never the stray 99 */
	}
	/* The server's second replies went nowhere, and told it so without an error. */
	CHECK_EQ(rec[0], CL_OK);
	CHECK_EQ(rec[1], CL_OK);
}

static cl_cptr_t server_tcb;

static void vanishing_server(uint64_t ep)
{
	cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);
	cl_tcb_suspend(server_tcb); /* owes a reply and goes away */
}

static void call_and_record(uint64_t ep)
{
	struct cl_result r = cl_sys_call(ep, cl_msginfo(1, 0, 0), 0, 0, 0, 0, 0);

	rec[0] = r.err;
}

KTEST(caller_of_a_vanished_server_gets_an_error)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);

	rec[0] = 99;
	server_tcb = kt_thread(t, vanishing_server, ep, 110, 0);
	kt_thread(t, call_and_record, ep, 100, 0);
	kt_join(t);
	CHECK_EQ(rec[0], CL_INVALID_CAP);
	CHECK_EQ(cl_tcb_read_regs(server_tcb).mr[3], KT_INACTIVE);
}

static cl_cptr_t ntfn_g;

static void wait_into(uint64_t idx)
{
	struct cl_result r = cl_sys_recv(ntfn_g, 0, 0, 0, 0, 0, 0);

	rec[idx] = r.badge;
	rec[idx + 4] = r.err;
}

KTEST(notification_waiters_each_take_one_signal)
{
	cl_cptr_t b1 = kt_slot(t);
	cl_cptr_t b2 = kt_slot(t);
	cl_cptr_t w1;
	cl_cptr_t w2;

	ntfn_g = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, b1, ntfn_g, CL_RIGHTS_ALL, 1)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, b2, ntfn_g, CL_RIGHTS_ALL, 2)), CL_OK);
	rec[0] = rec[1] = 0;
	w1 = kt_thread(t, wait_into, 0, 255, 0);
	CHECK(kt_wait_state(w1, KT_BLOCKED_NTFN));
	w2 = kt_thread(t, wait_into, 1, 255, 0);
	CHECK(kt_wait_state(w2, KT_BLOCKED_NTFN));
	CHECK_EQ(cl_sys_send(b1, 0, 0, 0, 0, 0, 0).err, CL_OK);
	kt_join(t);
	CHECK_EQ(rec[0], 1);
	CHECK_EQ(cl_tcb_read_regs(w2).mr[3], KT_BLOCKED_NTFN);
	CHECK_EQ(cl_sys_send(b2, 0, 0, 0, 0, 0, 0).err, CL_OK);
	kt_join(t);
	CHECK_EQ(rec[1], 2);
}

KTEST(deleted_notification_releases_its_waiters)
{
	cl_cptr_t w;

	ntfn_g = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	rec[4] = 99;
	w = kt_thread(t, wait_into, 0, 255, 0);
	CHECK(kt_wait_state(w, KT_BLOCKED_NTFN));
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, ntfn_g)), CL_OK);
	kt_join(t);
	CHECK_EQ(rec[4], CL_INVALID_CAP);
}
