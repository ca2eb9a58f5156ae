/*
 * The derivation tree through the ABI: copies of copies, deleting and moving
 * capabilities with children, minted badges, capabilities in a second CNode,
 * CNode and untyped deletion, and the capabilities threads hold themselves.
 */
#include "ktest.h"

#define RW (CL_RIGHT_READ | CL_RIGHT_WRITE)

static cl_cptr_t copy_of(struct kt *t, cl_cptr_t src, uint64_t rights)
{
	cl_cptr_t d = kt_slot(t);

	if (ERR(cl_cnode_copy(CL_SLOT_CNODE, d, src, rights)) != CL_OK)
		kt_fail(t, __FILE__, __LINE__, "copy", src, rights);
	return d;
}

static cl_cptr_t mint_of(struct kt *t, cl_cptr_t src, uint64_t badge)
{
	cl_cptr_t d = kt_slot(t);

	if (ERR(cl_cnode_mint(CL_SLOT_CNODE, d, src, CL_RIGHTS_ALL, badge)) != CL_OK)
		kt_fail(t, __FILE__, __LINE__, "mint", src, badge);
	return d;
}

/* Whether slot holds a capability, without changing it: a copy of it can be made. */
static bool present(struct kt *t, cl_cptr_t slot)
{
	cl_cptr_t probe = kt_slot(t);
	uint64_t err = ERR(cl_cnode_copy(CL_SLOT_CNODE, probe, slot, CL_RIGHTS_ALL));

	cl_cnode_delete(CL_SLOT_CNODE, probe);
	return err == CL_OK;
}

KTEST(revoke_removes_copies_of_copies)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t c1 = copy_of(t, ep, CL_RIGHTS_ALL);
	cl_cptr_t c2 = copy_of(t, c1, RW);
	cl_cptr_t c3 = copy_of(t, c2, CL_RIGHT_WRITE);
	cl_cptr_t m = mint_of(t, c2, 9);

	CHECK(!t->failed);
	CHECK(present(t, c3));
	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, ep)), CL_OK);
	CHECK(!present(t, c1));
	CHECK(!present(t, c2));
	CHECK(!present(t, c3));
	CHECK(!present(t, m));
	/* The revoked capability itself stays and works. */
	CHECK(present(t, ep));
	CHECK_EQ(cl_sys_nb_send(ep, cl_msginfo(1, 0, 0), 0, 0, 0, 0, 0).err, CL_OK);
}

KTEST(revoke_of_a_middle_copy_keeps_its_ancestors)
{
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t c1 = copy_of(t, n, CL_RIGHTS_ALL);
	cl_cptr_t c2 = copy_of(t, c1, CL_RIGHTS_ALL);
	cl_cptr_t sibling = copy_of(t, n, CL_RIGHTS_ALL);

	CHECK(!t->failed);
	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, c1)), CL_OK);
	CHECK(!present(t, c2));
	CHECK(present(t, c1));
	CHECK(present(t, sibling));
	CHECK_EQ(cl_sys_send(sibling, 0, 0, 0, 0, 0, 0).err, CL_OK);
	CHECK_EQ(cl_sys_nb_recv(c1, 0, 0, 0, 0, 0, 0).badge, 1);
}

KTEST(deleting_a_middle_copy_keeps_the_rest)
{
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t c1 = copy_of(t, n, CL_RIGHTS_ALL);
	cl_cptr_t c2 = copy_of(t, c1, CL_RIGHTS_ALL);
	cl_cptr_t c3 = copy_of(t, c2, CL_RIGHTS_ALL);

	CHECK(!t->failed);
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, c1)), CL_OK);
	CHECK(!present(t, c1));
	CHECK(present(t, c2));
	CHECK(present(t, c3));
	/* Still the same object, and still below the original: revoking it reaches them. */
	CHECK_EQ(cl_sys_send(c3, 0, 0, 0, 0, 0, 0).err, CL_OK);
	CHECK_EQ(cl_sys_nb_recv(n, 0, 0, 0, 0, 0, 0).badge, 1);
	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, n)), CL_OK);
	CHECK(!present(t, c2));
	CHECK(!present(t, c3));
}

KTEST(move_keeps_children)
{
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t c1 = copy_of(t, n, CL_RIGHTS_ALL);
	cl_cptr_t c2 = copy_of(t, c1, CL_RIGHTS_ALL);
	cl_cptr_t moved = kt_slot(t);
	cl_cptr_t moved2 = kt_slot(t);

	CHECK(!t->failed);
	CHECK_EQ(ERR(cl_cnode_move(CL_SLOT_CNODE, moved, n)), CL_OK);
	CHECK(!present(t, n));
	/* Moving a child keeps its place under its parent, too. */
	CHECK_EQ(ERR(cl_cnode_move(CL_SLOT_CNODE, moved2, c1)), CL_OK);
	CHECK(present(t, c2));
	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, moved)), CL_OK);
	CHECK(!present(t, moved2));
	CHECK(!present(t, c2));
	CHECK(present(t, moved));
}

KTEST(mint_on_a_notification)
{
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t b1 = mint_of(t, n, 0x10);
	cl_cptr_t b2 = mint_of(t, n, 0x20);
	cl_cptr_t b1_copy = copy_of(t, b1, CL_RIGHT_WRITE);
	cl_cptr_t b1_mint0 = mint_of(t, b1, 0);

	CHECK(!t->failed);
	/* Copies of a badged capability keep its badge; it cannot be badged again. */
	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, kt_slot(t), b1, CL_RIGHTS_ALL, 0x40)),
		 CL_ILLEGAL);
	CHECK_EQ(cl_sys_send(b1_copy, 0, 0, 0, 0, 0, 0).err, CL_OK);
	CHECK_EQ(cl_sys_nb_recv(n, 0, 0, 0, 0, 0, 0).badge, 0x10);
	CHECK_EQ(cl_sys_send(b1_mint0, 0, 0, 0, 0, 0, 0).err, CL_OK);
	CHECK_EQ(cl_sys_send(b2, 0, 0, 0, 0, 0, 0).err, CL_OK);
	CHECK_EQ(cl_sys_nb_recv(n, 0, 0, 0, 0, 0, 0).badge, 0x30);
	/* Minted capabilities are children of the original. */
	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, n)), CL_OK);
	CHECK(!present(t, b1));
	CHECK(!present(t, b2));
	CHECK(!present(t, b1_copy));
	CHECK(!present(t, b1_mint0));
}

KTEST(caps_in_a_second_cnode_are_revoked)
{
	cl_cptr_t cn = kt_make(t, CL_OBJ_CNODE, 10);
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t c1 = copy_of(t, ep, CL_RIGHTS_ALL);

	CHECK_EQ(ERR(cl_cnode_copy(cn, 3, ep, CL_RIGHTS_ALL)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_mint(cn, 4, c1, CL_RIGHTS_ALL, 7)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_move(cn, 5, c1)), CL_OK);
	CHECK(!present(t, c1));
	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, ep)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_delete(cn, 3)), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_cnode_delete(cn, 4)), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_cnode_delete(cn, 5)), CL_INVALID_CAP);
	CHECK(present(t, ep));
}

KTEST(deleting_a_cnode_deletes_its_contents)
{
	cl_cptr_t sub = kt_slot(t);
	cl_cptr_t cn = kt_slot(t);
	cl_cptr_t f = kt_slot(t);
	cl_cptr_t g = kt_make(t, CL_OBJ_FRAME, 12);
	uint64_t va = t->va;

	t->va += 4096;
	CHECK_EQ(ERR(cl_untyped_retype(t->ut, CL_OBJ_UNTYPED, 16, sub, 1)), CL_OK);
	CHECK_EQ(ERR(cl_untyped_retype(sub, CL_OBJ_CNODE, 10, cn, 1)), CL_OK);
	CHECK_EQ(ERR(cl_untyped_retype(sub, CL_OBJ_FRAME, 12, f, 1)), CL_OK);
	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_ASPACE, va, RW, 0)), CL_OK);
	*(volatile uint64_t *)va = 1;
	/* The mapped frame's only capability goes into the CNode, then the CNode goes. */
	CHECK_EQ(ERR(cl_cnode_move(cn, 2, f)), CL_OK);
	CHECK(kt_empty(f));
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, cn)), CL_OK);
	/* The frame went with it: its mapping is gone and its memory is free again. */
	CHECK(!kt_mapped(va));
	CHECK_EQ(ERR(cl_frame_map(g, CL_SLOT_ASPACE, va, RW, 0)), CL_OK);
	CHECK_EQ(ERR(cl_untyped_retype(sub, CL_OBJ_UNTYPED, 16, kt_slot(t), 1)), CL_OK);
}

static volatile uint64_t rec[8];

static void recv_twice(uint64_t cap)
{
	struct cl_result r = cl_sys_recv(cap, 0, 0, 0, 0, 0, 0);

	rec[0] = r.err;
	rec[1] = cl_msginfo_label(r.info);
	r = cl_sys_recv(cap, 0, 0, 0, 0, 0, 0);
	rec[2] = r.err;
	rec[3] = 1;
}

KTEST(object_lives_while_a_copy_lives)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t copy = copy_of(t, ep, CL_RIGHTS_ALL);
	cl_cptr_t tcb;

	rec[3] = 0;
	tcb = kt_thread(t, recv_twice, copy, 255, 0);
	CHECK(kt_wait_state(tcb, KT_BLOCKED_RECV));
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, ep)), CL_OK);
	CHECK_EQ(cl_tcb_read_regs(tcb).mr[3], KT_BLOCKED_RECV);
	CHECK_EQ(cl_sys_send(copy, cl_msginfo(12, 0, 0), 0, 0, 0, 0, 0).err, CL_OK);
	CHECK(kt_wait_state(tcb, KT_BLOCKED_RECV));
	CHECK_EQ(rec[0], CL_OK);
	CHECK_EQ(rec[1], 12);
	/* The last capability goes: the object goes, and its waiter is told. */
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, copy)), CL_OK);
	kt_join(t);
	CHECK_EQ(rec[3], 1);
	CHECK_EQ(rec[2], CL_INVALID_CAP);
}

KTEST(revoking_a_frame_unmaps_its_copies)
{
	cl_cptr_t f;
	cl_cptr_t h = kt_make(t, CL_OBJ_FRAME, 12);
	uint64_t va = kt_map(t, &f);
	cl_cptr_t g = copy_of(t, f, CL_RIGHTS_ALL);
	uint64_t va2 = t->va;

	t->va += 4096;
	CHECK_EQ(ERR(cl_frame_map(g, CL_SLOT_ASPACE, va2, RW, 0)), CL_OK);
	*(volatile uint64_t *)va = 0x77;
	CHECK_EQ(*(volatile uint64_t *)va2, 0x77);
	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, f)), CL_OK);
	/* The copy's mapping went with the copy; the original's stays. */
	CHECK(!kt_mapped(va2));
	CHECK(kt_mapped(va));
	CHECK_EQ(*(volatile uint64_t *)va, 0x77);
	CHECK_EQ(ERR(cl_frame_map(h, CL_SLOT_ASPACE, va2, RW, 0)), CL_OK);
	CHECK_EQ(*(volatile uint64_t *)va2, 0);
	CHECK_EQ(ERR(cl_frame_unmap(f)), CL_OK);
}

KTEST(moved_frame_cap_keeps_its_mapping)
{
	cl_cptr_t f;
	uint64_t va = kt_map(t, &f);
	cl_cptr_t moved = kt_slot(t);
	cl_cptr_t g = kt_make(t, CL_OBJ_FRAME, 12);

	*(volatile uint64_t *)va = 0x99;
	CHECK_EQ(ERR(cl_cnode_move(CL_SLOT_CNODE, moved, f)), CL_OK);
	CHECK(kt_mapped(va));
	CHECK_EQ(*(volatile uint64_t *)va, 0x99);
	CHECK_EQ(ERR(cl_frame_map(moved, CL_SLOT_ASPACE, va + 4096, RW, 0)), CL_IN_USE);
	CHECK_EQ(ERR(cl_frame_unmap(moved)), CL_OK);
	CHECK_EQ(ERR(cl_frame_unmap(moved)), CL_NOT_MAPPED);
	CHECK(!kt_mapped(va));
	CHECK_EQ(ERR(cl_frame_map(g, CL_SLOT_ASPACE, va, RW, 0)), CL_OK);
	CHECK_EQ(*(volatile uint64_t *)va, 0);
}

static void wait_then_fault(uint64_t ntfn)
{
	cl_sys_recv(ntfn, 0, 0, 0, 0, 0, 0);
	*(volatile uint64_t *)0x31000000 = 1;
}

KTEST(revoking_a_fault_endpoint_reaches_into_the_thread)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t tcb = kt_thread(t, wait_then_fault, n, 255, ep);

	CHECK(kt_wait_state(tcb, KT_BLOCKED_NTFN));
	/* The thread holds its fault endpoint as a child of ep: revoking ep takes it. */
	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, ep)), CL_OK);
	CHECK_EQ(cl_sys_send(n, 0, 0, 0, 0, 0, 0).err, CL_OK);
	/* So its fault has no handler: it stops instead of queueing a fault message. */
	CHECK(kt_wait_state(tcb, KT_INACTIVE));
	CHECK_EQ(cl_msginfo_label(cl_sys_nb_recv(ep, 0, 0, 0, 0, 0, 0).info), 0);
}

static cl_cptr_t own_ep_slot;

static void own_cspace_main(uint64_t unused)
{
	(void)unused;
	rec[0] = ERR(cl_console_write(CL_SLOT_CONSOLE, 0, 0, 0, 0)); /* not in this CNode */
	rec[1] = cl_sys_nb_recv(2, 0, 0, 0, 0, 0, 0).err;	     /* write-only here */
	rec[2] = cl_sys_send(1, 0, 0, 0, 0, 0, 0).err;		     /* its notification */
	for (;;)
		cl_sys_recv(own_ep_slot, 0, 0, 0, 0, 0, 0);
}

KTEST(thread_with_its_own_cspace)
{
	cl_cptr_t cn = kt_make(t, CL_OBJ_CNODE, 10);
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t b = mint_of(t, n, 0x55);
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t tcb = kt_make(t, CL_OBJ_TCB, 0);
	uint64_t stack = kt_map(t, NULL) + 4096;

	/* Its CNode: 1 the badged notification, 2 a write-only copy, 3 an endpoint to park on. */
	CHECK_EQ(ERR(cl_cnode_copy(cn, 1, b, CL_RIGHT_WRITE)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_copy(cn, 2, n, CL_RIGHT_WRITE)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_copy(cn, 3, ep, CL_RIGHT_READ)), CL_OK);
	own_ep_slot = 3;
	rec[0] = rec[1] = rec[2] = 99;
	CHECK_EQ(kt_start(tcb, cn, CL_SLOT_ASPACE, 0, (uint64_t)own_cspace_main, stack, 0, 0, 100),
		 CL_OK);
	CHECK_EQ(cl_sys_recv(n, 0, 0, 0, 0, 0, 0).badge, 0x55);
	/* Its signal woke the runner first; once it waits on its endpoint it has recorded all. */
	CHECK_EQ(cl_sys_send(ep, cl_msginfo(1, 0, 0), 0, 0, 0, 0, 0).err, CL_OK);
	CHECK_EQ(rec[0], CL_INVALID_CAP);
	CHECK_EQ(rec[1], CL_NO_RIGHT);
	CHECK_EQ(rec[2], CL_OK);
}

KTEST(deleting_an_untyped_keeps_its_objects)
{
	cl_cptr_t sub = kt_slot(t);
	cl_cptr_t n = kt_slot(t);

	CHECK_EQ(ERR(cl_untyped_retype(t->ut, CL_OBJ_UNTYPED, 14, sub, 1)), CL_OK);
	CHECK_EQ(ERR(cl_untyped_retype(sub, CL_OBJ_NOTIFICATION, 0, n, 1)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, sub)), CL_OK);
	CHECK(kt_empty(sub));
	CHECK_EQ(cl_sys_send(n, 0, 0, 0, 0, 0, 0).err, CL_OK);
	CHECK_EQ(cl_sys_nb_recv(n, 0, 0, 0, 0, 0, 0).badge, 1);
	/* Now a child of the case's untyped: revoking that reaches it. */
	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, t->ut)), CL_OK);
	CHECK(!present(t, n));
}

KTEST(moved_untyped_revokes_and_reuses_its_memory)
{
	cl_cptr_t sub = kt_slot(t);
	cl_cptr_t moved = kt_slot(t);
	cl_cptr_t first = kt_slot(t);

	kt_slot(t);
	kt_slot(t);
	CHECK_EQ(ERR(cl_untyped_retype(t->ut, CL_OBJ_UNTYPED, 14, sub, 1)), CL_OK);
	CHECK_EQ(ERR(cl_untyped_retype(sub, CL_OBJ_TCB, 0, first, 3)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_move(CL_SLOT_CNODE, moved, sub)), CL_OK);
	CHECK_EQ(ERR(cl_untyped_retype(moved, CL_OBJ_UNTYPED, 14, kt_slot(t), 1)), CL_NO_MEMORY);
	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, moved)), CL_OK);
	CHECK(!present(t, first));
	CHECK(!present(t, first + 2));
	CHECK_EQ(ERR(cl_untyped_retype(moved, CL_OBJ_UNTYPED, 14, kt_slot(t), 1)), CL_OK);
}

/* cnode identify: what a slot holds, as the loader's capability dump reads it. */
KTEST(identify_describes_type_rights_badge_and_object)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t m = kt_slot(t);
	cl_cptr_t frame = kt_make(t, CL_OBJ_FRAME, 12);
	struct cl_result r;

	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, m, ep, CL_RIGHT_WRITE | CL_RIGHT_GRANT, 77)),
		 CL_OK);
	r = cl_cnode_identify(CL_SLOT_CNODE, m);
	CHECK_EQ(r.err, CL_OK);
	CHECK_EQ(r.mr[0], CL_OBJ_ENDPOINT);
	CHECK_EQ(r.mr[1] & 0xff, CL_RIGHT_WRITE | CL_RIGHT_GRANT);
	CHECK_EQ(r.mr[2], 77);
	/* The copy and the original name the same object. */
	CHECK_EQ(r.mr[3], cl_cnode_identify(CL_SLOT_CNODE, ep).mr[3]);
	CHECK(r.mr[3] != 0);
	r = cl_cnode_identify(CL_SLOT_CNODE, frame);
	CHECK_EQ(r.mr[0], CL_OBJ_FRAME);
	CHECK_EQ((r.mr[1] >> 16) & 0xff, 12);
	CHECK_EQ(r.mr[3], cl_frame_address(frame).mr[0]);
	r = cl_cnode_identify(CL_SLOT_CNODE, CL_SLOT_CONSOLE);
	CHECK_EQ(r.mr[0], CL_OBJ_CONSOLE);
}

KTEST(identify_refuses_empty_and_out_of_range_slots)
{
	cl_cptr_t empty = kt_slot(t);

	CHECK_EQ(ERR(cl_cnode_identify(CL_SLOT_CNODE, empty)), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_cnode_identify(CL_SLOT_CNODE, 0)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_cnode_identify(CL_SLOT_CNODE, 1ULL << 40)), CL_INVALID_ARG);
	/* Not a CNode: the invocation has no such label there. */
	CHECK_EQ(ERR(cl_cnode_identify(CL_SLOT_TCB, 1)), CL_UNKNOWN_LABEL);
}
