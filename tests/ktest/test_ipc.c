/* IPC between the runner and threads it starts: call/reply, send/receive, badges, caps. */
#include "ktest.h"

static volatile uint64_t seen[4];
static cl_cptr_t shared_ep;

static void echo_server(uint64_t ep)
{
	struct cl_result r = cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);

	for (;;) {
		seen[0] = r.badge;
		r = cl_sys_reply_recv(ep, cl_msginfo(cl_msginfo_label(r.info) + 1, 2, 0),
				      r.mr[0] * 2, r.mr[1] + 1, 0, 0, 0);
	}
}

KTEST(call_and_reply_between_threads)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct cl_result r;

	kt_thread(t, echo_server, ep, 100, 0);
	r = cl_sys_call(ep, cl_msginfo(41, 2, 0), 21, 99, 0, 0, 0);
	CHECK_EQ(r.err, CL_OK);
	CHECK_EQ(cl_msginfo_label(r.info), 42);
	CHECK_EQ(cl_msginfo_length(r.info), 2);
	CHECK_EQ(r.mr[0], 42);
	CHECK_EQ(r.mr[1], 100);
	/* Many round trips, each a fresh one-shot reply. */
	for (uint64_t i = 0; i < 50; i++) {
		r = cl_sys_call(ep, cl_msginfo(1, 2, 0), i, 0, 0, 0, 0);
		CHECK_EQ(r.mr[0], 2 * i);
	}
}

KTEST(badge_identifies_the_sender)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t badged = kt_slot(t);

	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, badged, ep, CL_RIGHTS_ALL, 0x5eed)), CL_OK);
	kt_thread(t, echo_server, ep, 100, 0);
	CHECK_EQ(cl_sys_call(badged, cl_msginfo(1, 1, 0), 1, 0, 0, 0, 0).err, CL_OK);
	CHECK_EQ(seen[0], 0x5eed);
	CHECK_EQ(cl_sys_call(ep, cl_msginfo(1, 1, 0), 1, 0, 0, 0, 0).err, CL_OK);
	CHECK_EQ(seen[0], 0);
}

static void sender(uint64_t ep)
{
	cl_sys_send(ep, cl_msginfo(7, 3, 0), 1, 2, 3, 0, 0);
	seen[1] = 1;
	cl_sys_send(ep, cl_msginfo(8, 1, 0), 4, 0, 0, 0, 0);
	seen[1] = 2;
}

KTEST(send_blocks_until_received)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct cl_result r;

	seen[1] = 0;
	kt_thread(t, sender, ep, 100, 0);
	cl_sys_yield(0, 0, 0, 0, 0, 0, 0); /* the sender is lower priority: it has not run */
	CHECK_EQ(seen[1], 0);
	r = cl_sys_recv(ep, 0, 0, 0, 0, 0, 0); /* now the runner blocks and the sender runs */
	CHECK_EQ(cl_msginfo_label(r.info), 7);
	CHECK_EQ(r.mr[2], 3);
	r = cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(cl_msginfo_label(r.info), 8);
	CHECK_EQ(seen[1], 1);
}

KTEST(non_blocking_send_and_poll)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct cl_result r;

	CHECK_EQ(cl_sys_nb_send(ep, cl_msginfo(1, 0, 0), 0, 0, 0, 0, 0).err, CL_OK); /* dropped */
	r = cl_sys_nb_recv(ep, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(r.err, CL_OK);
	CHECK_EQ(cl_msginfo_label(r.info), 0);
}

static cl_cptr_t done_ntfn;

static void cap_receiver(uint64_t slot)
{
	struct cl_result r = cl_sys_recv(shared_ep, 0, 0, 0, 0, 0, slot);

	seen[2] = cl_msginfo_cap(r.info);
	/* Use the capability that arrived, if any: signal through it. */
	seen[3] = cl_sys_send(slot, 0, 0, 0, 0, 0, 0).err;
	cl_sys_send(done_ntfn, 0, 0, 0, 0, 0, 0);
}

KTEST(capability_transfer_needs_grant)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t ntfn = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t nogrant = kt_slot(t);
	cl_cptr_t recv_slot = kt_slot(t);

	shared_ep = ep;
	done_ntfn = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, nogrant, ep, CL_RIGHT_READ | CL_RIGHT_WRITE)),
		 CL_OK);
	/* Without grant the message goes, the capability does not. */
	kt_thread(t, cap_receiver, recv_slot, 100, 0);
	CHECK_EQ(cl_sys_send(nogrant, cl_msginfo(1, 0, 1), 0, 0, 0, 0, ntfn).err, CL_OK);
	cl_sys_recv(done_ntfn, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(seen[2], 0);
	CHECK_EQ(seen[3], CL_INVALID_CAP);
	/* With grant it arrives and works: the receiver signals through it. */
	kt_thread(t, cap_receiver, recv_slot, 100, 0);
	CHECK_EQ(cl_sys_send(ep, cl_msginfo(1, 0, 1), 0, 0, 0, 0, ntfn).err, CL_OK);
	cl_sys_recv(done_ntfn, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(seen[2], 1);
	CHECK_EQ(seen[3], CL_OK);
	CHECK_EQ(cl_sys_nb_recv(ntfn, 0, 0, 0, 0, 0, 0).badge, 1);
}

static void signaller(uint64_t ntfn)
{
	cl_sys_send(ntfn, 0, 0, 0, 0, 0, 0);
}

KTEST(notification_signal_wait_poll)
{
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t b2 = kt_slot(t);
	cl_cptr_t b8 = kt_slot(t);

	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, b2, n, CL_RIGHTS_ALL, 2)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, b8, n, CL_RIGHTS_ALL, 8)), CL_OK);
	CHECK_EQ(cl_sys_send(b2, 0, 0, 0, 0, 0, 0).err, CL_OK);
	CHECK_EQ(cl_sys_send(b8, 0, 0, 0, 0, 0, 0).err, CL_OK);
	CHECK_EQ(cl_sys_recv(n, 0, 0, 0, 0, 0, 0).badge, 10);
	CHECK_EQ(cl_sys_nb_recv(n, 0, 0, 0, 0, 0, 0).badge, 0);
	/* Waiting blocks until another thread signals. */
	kt_thread(t, signaller, n, 100, 0);
	CHECK_EQ(cl_sys_recv(n, 0, 0, 0, 0, 0, 0).badge, 1);
}

KTEST(bound_notification_ends_an_endpoint_wait)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	struct cl_result r;

	CHECK_EQ(ERR(cl_tcb_bind_notification(CL_SLOT_TCB, n)), CL_OK);
	CHECK_EQ(ERR(cl_tcb_bind_notification(CL_SLOT_TCB, n)), CL_IN_USE);
	kt_thread(t, signaller, n, 100, 0);
	r = cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(r.err, CL_OK);
	CHECK_EQ(r.badge, 1);
	CHECK_EQ(ERR(cl_tcb_unbind_notification(CL_SLOT_TCB)), CL_OK);
	CHECK_EQ(ERR(cl_tcb_unbind_notification(CL_SLOT_TCB)), CL_ILLEGAL);
}

KTEST(ipc_rights_and_types)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t wo = kt_slot(t);

	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, wo, ep, CL_RIGHT_WRITE)), CL_OK);
	CHECK_EQ(cl_sys_recv(wo, 0, 0, 0, 0, 0, 0).err, CL_NO_RIGHT);
	CHECK_EQ(cl_sys_recv(CL_SLOT_CONSOLE, 0, 0, 0, 0, 0, 0).err, CL_WRONG_TYPE);
	CHECK_EQ(cl_sys_send(CL_SLOT_TCB, 0, 0, 0, 0, 0, 0).err, CL_WRONG_TYPE);
	CHECK_EQ(cl_sys_send(kt_slot(t), 0, 0, 0, 0, 0, 0).err, CL_INVALID_CAP);
}

static void send_and_record(uint64_t ep)
{
	seen[3] = 99;
	seen[3] = cl_sys_send(ep, cl_msginfo(1, 0, 0), 0, 0, 0, 0, 0).err;
}

KTEST(deleted_endpoint_releases_its_waiters)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t tcb;

	seen[3] = 0;
	/* Same priority as the runner, so yields let it run and block on the endpoint. */
	tcb = kt_thread(t, send_and_record, ep, 255, 0);
	CHECK(kt_wait_state(tcb, KT_BLOCKED_SEND));
	CHECK_EQ(seen[3], 99);
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, ep)), CL_OK);
	for (int i = 0; i < KT_WAIT_YIELDS && seen[3] == 99; i++)
		cl_sys_yield(0, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(seen[3], CL_INVALID_CAP);
}
