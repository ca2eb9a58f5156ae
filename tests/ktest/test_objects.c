/* Untyped retype and the CNode operations, on QEMU: success paths and each error. */
#include "ktest.h"

#define RETYPE(type, bits, dest, n) ERR(cl_untyped_retype(t->ut, type, bits, dest, n))

KTEST(retype_every_object_type)
{
	static const struct {
		unsigned type;
		unsigned bits;
	} objs[] = {
		{CL_OBJ_UNTYPED, 12}, {CL_OBJ_CNODE, 10},	{CL_OBJ_TCB, 0},
		{CL_OBJ_ENDPOINT, 0}, {CL_OBJ_NOTIFICATION, 0}, {CL_OBJ_ASPACE, 14},
		{CL_OBJ_FRAME, 12},
	};

	for (unsigned i = 0; i < sizeof(objs) / sizeof(objs[0]); i++)
		CHECK_EQ(RETYPE(objs[i].type, objs[i].bits, kt_slot(t), 1), CL_OK);
}

KTEST(retype_rejects_bad_types_and_sizes)
{
	cl_cptr_t s = kt_slot(t);

	CHECK_EQ(RETYPE(CL_NUM_OBJ_TYPES, 0, s, 1), CL_INVALID_ARG);
	CHECK_EQ(RETYPE(CL_OBJ_CONSOLE, 0, s, 1), CL_INVALID_ARG);
	CHECK_EQ(RETYPE(CL_OBJ_IRQ_HANDLER, 0, s, 1), CL_INVALID_ARG);
	CHECK_EQ(RETYPE(CL_OBJ_CNODE, 9, s, 1), CL_INVALID_ARG);
	CHECK_EQ(RETYPE(CL_OBJ_CNODE, 22, s, 1), CL_INVALID_ARG);
	CHECK_EQ(RETYPE(CL_OBJ_FRAME, 16, s, 1), CL_INVALID_ARG);
	CHECK_EQ(RETYPE(CL_OBJ_ASPACE, 12, s, 1), CL_INVALID_ARG);
	CHECK_EQ(RETYPE(CL_OBJ_UNTYPED, 11, s, 1), CL_INVALID_ARG);
}

KTEST(retype_rejects_bad_counts_and_slots)
{
	cl_cptr_t s = kt_slot(t);

	CHECK_EQ(RETYPE(CL_OBJ_ENDPOINT, 0, s, 0), CL_INVALID_ARG);
	CHECK_EQ(RETYPE(CL_OBJ_ENDPOINT, 0, s, 257), CL_INVALID_ARG);
	CHECK_EQ(RETYPE(CL_OBJ_ENDPOINT, 0, 0, 1), CL_INVALID_ARG);
	CHECK_EQ(RETYPE(CL_OBJ_ENDPOINT, 0, t->bi->cnode_slots, 1), CL_INVALID_ARG);
	CHECK_EQ(RETYPE(CL_OBJ_ENDPOINT, 0, t->bi->cnode_slots - 1, 2), CL_INVALID_ARG);
	CHECK_EQ(RETYPE(CL_OBJ_ENDPOINT, 0, CL_SLOT_CONSOLE, 1), CL_SLOT_FULL);
	CHECK_EQ(RETYPE(CL_OBJ_ENDPOINT, 0, s, 1), CL_OK);
	CHECK_EQ(RETYPE(CL_OBJ_ENDPOINT, 0, s, 1), CL_SLOT_FULL);
}

KTEST(retype_until_exhausted)
{
	cl_cptr_t half = kt_slot(t);

	/* The case's 4 MiB already holds a small object, so only one aligned 2 MiB fits. */
	CHECK_EQ(RETYPE(CL_OBJ_UNTYPED, 21, half, 1), CL_OK);
	CHECK_EQ(RETYPE(CL_OBJ_UNTYPED, 21, kt_slot(t), 1), CL_NO_MEMORY);
	CHECK_EQ(RETYPE(CL_OBJ_ENDPOINT, 0, kt_slot(t), 1), CL_NO_MEMORY);
	CHECK_EQ(RETYPE(CL_OBJ_UNTYPED, 23, kt_slot(t), 1),
		 CL_NO_MEMORY); /* bigger than the region */
	/* The child's own memory is still there to use. */
	CHECK_EQ(ERR(cl_untyped_retype(half, CL_OBJ_TCB, 0, kt_slot(t), 1)), CL_OK);
}

KTEST(revoke_frees_untyped_for_reuse)
{
	cl_cptr_t first = kt_slot(t);

	CHECK_EQ(RETYPE(CL_OBJ_FRAME, 12, first, 100), CL_OK);
	t->next = first + 100;
	CHECK_EQ(RETYPE(CL_OBJ_UNTYPED, 22, kt_slot(t), 1), CL_NO_MEMORY);
	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, t->ut)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, first)), CL_INVALID_CAP); /* revoked */
	CHECK_EQ(RETYPE(CL_OBJ_UNTYPED, 22, kt_slot(t), 1), CL_OK);	      /* all of it again */
}

KTEST(retype_from_a_frame_is_unknown)
{
	/* Retype belongs to untyped capabilities only (device untyped: test_device.c). */
	cl_cptr_t f = kt_make(t, CL_OBJ_FRAME, 12);

	CHECK_EQ(ERR(cl_untyped_retype(f, CL_OBJ_ENDPOINT, 0, kt_slot(t), 1)), CL_UNKNOWN_LABEL);
}

KTEST(invoking_an_empty_slot)
{
	cl_cptr_t s = kt_slot(t);

	CHECK_EQ(ERR(cl_untyped_retype(s, CL_OBJ_ENDPOINT, 0, kt_slot(t), 1)), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_tcb_resume(s)), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_tcb_resume(0)), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_tcb_resume(1u << 30)), CL_INVALID_CAP);
}

KTEST(wrong_label_for_the_object)
{
	CHECK_EQ(ERR(cl_tcb_resume(CL_SLOT_CONSOLE)), CL_UNKNOWN_LABEL);
	CHECK_EQ(ERR(cl_frame_unmap(CL_SLOT_TCB)), CL_UNKNOWN_LABEL);
	CHECK_EQ(ERR(cl_untyped_retype(CL_SLOT_CNODE, CL_OBJ_ENDPOINT, 0, kt_slot(t), 1)),
		 CL_UNKNOWN_LABEL);
	/* A call on a notification is not an invocation either. */
	CHECK_EQ(ERR(cl_sys_call(kt_make(t, CL_OBJ_NOTIFICATION, 0), cl_msginfo(99, 0, 0), 0, 0, 0,
				 0, 0)),
		 CL_UNKNOWN_LABEL);
}

KTEST(too_few_arguments)
{
	cl_cptr_t s = kt_slot(t);

	CHECK_EQ(ERR(cl_sys_call(t->ut, cl_msginfo(CL_LABEL_UNTYPED_RETYPE, 3, 0), CL_OBJ_ENDPOINT,
				 0, s, 1, 0)),
		 CL_INVALID_ARG);
}

KTEST(cnode_copy_reduces_rights)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t ro = kt_slot(t);
	cl_cptr_t again = kt_slot(t);

	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, ro, ep, CL_RIGHT_READ)), CL_OK);
	/* A read-only endpoint cap cannot send; copying it back up does not restore write. */
	CHECK_EQ(ERR(cl_sys_send(ro, cl_msginfo(1, 0, 0), 0, 0, 0, 0, 0)), CL_NO_RIGHT);
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, again, ro, CL_RIGHTS_ALL)), CL_OK);
	CHECK_EQ(ERR(cl_sys_send(again, cl_msginfo(1, 0, 0), 0, 0, 0, 0, 0)), CL_NO_RIGHT);
}

KTEST(cnode_copy_errors)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t d = kt_slot(t);

	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, d, kt_slot(t), CL_RIGHTS_ALL)), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, 0, ep, CL_RIGHTS_ALL)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, t->bi->cnode_slots, ep, CL_RIGHTS_ALL)),
		 CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, d, ep, 0x100)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, CL_SLOT_TCB, ep, CL_RIGHTS_ALL)), CL_SLOT_FULL);
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, d, t->ut, CL_RIGHTS_ALL)), CL_ILLEGAL);
	/* (A call on an endpoint is IPC, not an invocation: use another object.) */
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_TCB, d, ep, CL_RIGHTS_ALL)), CL_UNKNOWN_LABEL);
}

KTEST(cnode_mint_badges)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t b = kt_slot(t);
	cl_cptr_t f = kt_make(t, CL_OBJ_FRAME, 12);

	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, b, ep, CL_RIGHTS_ALL, 77)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, kt_slot(t), b, CL_RIGHTS_ALL, 78)), CL_ILLEGAL);
	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, kt_slot(t), f, CL_RIGHTS_ALL, 5)), CL_ILLEGAL);
	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, kt_slot(t), ep, 0x20, 5)), CL_INVALID_ARG);
}

KTEST(cnode_move_and_delete)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t to = kt_slot(t);

	CHECK_EQ(ERR(cl_cnode_move(CL_SLOT_CNODE, to, ep)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_move(CL_SLOT_CNODE, to, ep)), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_cnode_move(CL_SLOT_CNODE, CL_SLOT_TCB, to)), CL_SLOT_FULL);
	CHECK_EQ(ERR(cl_cnode_move(CL_SLOT_CNODE, 0, to)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, to)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, to)), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, 0)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_cnode_revoke(CL_SLOT_CNODE, t->bi->cnode_slots)), CL_INVALID_ARG);
}

KTEST(cnode_in_another_cnode)
{
	cl_cptr_t cn = kt_make(t, CL_OBJ_CNODE, 10);
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);

	/* Populate a second CNode from the caller's, then delete it whole. */
	CHECK_EQ(ERR(cl_cnode_copy(cn, 1, ep, CL_RIGHTS_ALL)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_copy(cn, 15, ep, CL_RIGHT_READ)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_copy(cn, 16, ep, CL_RIGHTS_ALL)), CL_INVALID_ARG); /* 16 slots */
	CHECK_EQ(ERR(cl_cnode_delete(cn, 1)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, cn)), CL_OK);
}
