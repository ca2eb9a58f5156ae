/*
 * The audit invocations in a kernel built without the audit (the default):
 * their arguments are checked as in an audit kernel, and then they refuse
 * with ILLEGAL, so nothing is recorded or printed (docs/coherence.md, "The
 * audit of real boots"; the audit kernel's own test is audit_record.c).
 */
#include "ktest.h"

KTEST(audit_invocations_are_refused_without_the_audit)
{
	cl_cptr_t f;
	cl_cptr_t as = kt_make(t, CL_OBJ_ASPACE, 15);
	cl_cptr_t g = kt_make(t, CL_OBJ_FRAME, 12);

	kt_map(t, &f);
	CHECK_EQ(ERR(cl_frame_audit_write(f, 0x100, 0x80)), CL_ILLEGAL);
	CHECK_EQ(ERR(cl_frame_audit_write(f, 0, 0)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_frame_audit_write(f, 0xff0, 0x20)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_frame_audit_write(f, 0x1000, 1)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_frame_map(g, as, 0x40000000, CL_RIGHT_READ | CL_RIGHT_WRITE, 0)), CL_OK);
	CHECK_EQ(ERR(cl_aspace_audit_write(as, 0x40000000, 0x1000)), CL_ILLEGAL);
	CHECK_EQ(ERR(cl_aspace_audit_write(as, 0x40000800, 0x1000)), CL_NOT_MAPPED);
	CHECK_EQ(ERR(cl_aspace_audit_write(as, 0x40000000, 0)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_aspace_audit_write(as, ~0ULL - 10, 0x100)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_console_audit_dump(CL_SLOT_CONSOLE)), CL_ILLEGAL);
}
