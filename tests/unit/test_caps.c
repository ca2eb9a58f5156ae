/*
 * The capability system: retype and its accounting, copy/mint/move/delete/
 * revoke and the derivation tree, with every error each can return.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "kenv.h"
#include <arch/fake.h>
#include <cleave/arch.h>

#define RETYPE(t, b, d, c) kcall(S_UT, CL_LABEL_UNTYPED_RETYPE, 4, t, b, d, c)
#define COPY(cn, d, s, r) kcall(cn, CL_LABEL_CNODE_COPY, 3, d, s, r, 0)
#define MINT(cn, d, s, r, b) kcall(cn, CL_LABEL_CNODE_MINT, 4, d, s, r, b)
#define MOVE(cn, d, s) kcall(cn, CL_LABEL_CNODE_MOVE, 2, d, s, 0, 0)
#define DELETE(cn, s) kcall(cn, CL_LABEL_CNODE_DELETE, 1, s, 0, 0, 0)
#define REVOKE(cn, s) kcall(cn, CL_LABEL_CNODE_REVOKE, 1, s, 0, 0, 0)

static int setup(void **state)
{
	(void)state;
	kenv_setup();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kenv_teardown();
	return 0;
}

static uint64_t used(void)
{
	return kenv_slot(S_UT)->cap.data;
}

static void retype_makes_zeroed_objects(void **state)
{
	const unsigned char *p;
	unsigned cleans;

	(void)state;
	kretype(CL_OBJ_ENDPOINT, 0, S_FREE, 3);
	for (unsigned i = 0; i < 3; i++) {
		struct cap *c = &kenv_slot(S_FREE + i)->cap;

		assert_int_equal(c->type, CAP_ENDPOINT);
		assert_int_equal(c->rights, CL_RIGHTS_ALL);
		assert_int_equal(c->obj, kenv_ut_base + 64 * i);
		assert_ptr_equal(kenv_slot(S_FREE + i)->parent, kenv_slot(S_UT));
	}
	assert_int_equal(used(), 3 * 64);
	/* A frame after them starts at the next 4 KiB boundary and is zeroed, and its
	 * zeroes are cleaned to PoC (a caches-off guest may read it; docs/vmm.md). */
	cleans = fake_cache_ops[CACHE_CLEAN];
	kretype(CL_OBJ_FRAME, 12, S_FREE + 3, 1);
	assert_int_equal(fake_cache_ops[CACHE_CLEAN], cleans + 1);
	assert_int_equal(kcall(S_FREE + 3, CL_LABEL_FRAME_ADDRESS, 0, 0, 0, 0, 0), CL_OK);
	assert_int_equal(kres[0], kenv_ut_base + 4096);
	p = (const unsigned char *)kres[0];
	for (unsigned i = 0; i < 4096; i++)
		assert_int_equal(p[i], 0);
	assert_int_equal(used(), 8192);
}

static void retype_errors(void **state)
{
	(void)state;
	assert_int_equal(RETYPE(99, 0, S_FREE, 1), CL_INVALID_ARG); /* no such type */
	assert_int_equal(RETYPE(CL_OBJ_CNODE, 9, S_FREE, 1),
			 CL_INVALID_ARG); /* below the minimum */
	assert_int_equal(RETYPE(CL_OBJ_CNODE, 22, S_FREE, 1),
			 CL_INVALID_ARG); /* above the maximum */
	assert_int_equal(RETYPE(CL_OBJ_FRAME, 13, S_FREE, 1),
			 CL_INVALID_ARG); /* 8 KiB frames don't exist */
	assert_int_equal(RETYPE(CL_OBJ_CONSOLE, 0, S_FREE, 1),
			 CL_INVALID_ARG); /* not made by retype */
	assert_int_equal(RETYPE(CL_OBJ_ENDPOINT, 0, S_FREE, 0), CL_INVALID_ARG);
	assert_int_equal(RETYPE(CL_OBJ_ENDPOINT, 0, S_FREE, 257), CL_INVALID_ARG);
	assert_int_equal(RETYPE(CL_OBJ_ENDPOINT, 0, 0, 1), CL_INVALID_ARG); /* slot 0 */
	assert_int_equal(RETYPE(CL_OBJ_ENDPOINT, 0, KENV_SLOTS, 1),
			 CL_INVALID_ARG); /* past the end */
	assert_int_equal(RETYPE(CL_OBJ_ENDPOINT, 0, KENV_SLOTS - 1, 2), CL_INVALID_ARG);
	assert_int_equal(RETYPE(CL_OBJ_ENDPOINT, 0, S_CONSOLE, 1), CL_SLOT_FULL);
	assert_int_equal(RETYPE(CL_OBJ_UNTYPED, 21, S_FREE, 1),
			 CL_NO_MEMORY); /* bigger than the region */
	assert_int_equal(used(), 0);	/* nothing above changed anything */
	assert_true(cte_empty(kenv_slot(S_FREE)));
	/* The wrong object for the label, and an empty capability. */
	assert_int_equal(
		kcall(S_CONSOLE, CL_LABEL_UNTYPED_RETYPE, 4, CL_OBJ_ENDPOINT, 0, S_FREE, 1),
		CL_UNKNOWN_LABEL);
	assert_int_equal(kcall(S_FREE, CL_LABEL_UNTYPED_RETYPE, 4, CL_OBJ_ENDPOINT, 0, S_FREE, 1),
			 CL_INVALID_CAP);
	assert_int_equal(kcall(S_UT, CL_LABEL_UNTYPED_RETYPE, 3, CL_OBJ_ENDPOINT, 0, S_FREE, 1),
			 CL_INVALID_ARG); /* too few arguments */
	assert_int_equal(kcall(S_UT, 999, 4, 0, 0, 0, 0), CL_UNKNOWN_LABEL);
}

static void exhaustion_and_reuse_after_revoke(void **state)
{
	(void)state;
	kretype(CL_OBJ_FRAME, 12, S_FREE, 256); /* all of the 1 MiB */
	assert_int_equal(used(), 1U << 20);
	assert_int_equal(RETYPE(CL_OBJ_ENDPOINT, 0, S_FREE + 256, 1), CL_NO_MEMORY);
	/* Deleting one frame returns nothing: memory comes back when all children are gone. */
	assert_int_equal(DELETE(S_ROOT, S_FREE), CL_OK);
	assert_int_equal(used(), 1U << 20);
	assert_int_equal(REVOKE(S_ROOT, S_UT), CL_OK);
	assert_int_equal(used(), 0);
	for (unsigned i = 0; i < 256; i++)
		assert_true(cte_empty(kenv_slot(S_FREE + i)));
	kretype(CL_OBJ_UNTYPED, 20, S_FREE, 1); /* the whole region again */
}

static void device_untyped_only_makes_frames(void **state)
{
	unsigned cleans = fake_cache_ops[CACHE_CLEAN];

	(void)state;
	kenv_slot(S_UT)->cap.flags |= CAP_FLAG_DEVICE;
	assert_int_equal(RETYPE(CL_OBJ_TCB, 0, S_FREE, 1), CL_ILLEGAL);
	assert_int_equal(RETYPE(CL_OBJ_CNODE, 12, S_FREE, 1), CL_ILLEGAL);
	kretype(CL_OBJ_FRAME, 12, S_FREE, 1);
	assert_true(kenv_slot(S_FREE)->cap.flags & CAP_FLAG_DEVICE);
	/* Device frames are neither zeroed nor cache-maintained. */
	assert_int_equal(fake_cache_ops[CACHE_CLEAN], cleans);
	assert_int_equal(*(unsigned char *)kenv_ut_base, 0xa5);
	assert_int_equal(kcall(S_FREE, CL_LABEL_FRAME_CACHE, 3, 0, 0, 64, 0), CL_INVALID_ARG);
	kenv_slot(S_UT)->cap.flags &= (uint8_t)~CAP_FLAG_DEVICE;
}

static void untyped_children(void **state)
{
	struct cte *child = kenv_slot(S_FREE);

	(void)state;
	kretype(CL_OBJ_UNTYPED, 16, S_FREE, 2);
	assert_int_equal(
		kcall(S_FREE + 1, CL_LABEL_UNTYPED_RETYPE, 4, CL_OBJ_TCB, 0, S_FREE + 2, 4), CL_OK);
	assert_int_equal(kenv_slot(S_FREE + 1)->cap.data, 4 * 2048);
	assert_int_equal(kenv_slot(S_FREE + 2)->cap.obj, kenv_ut_base + 65536);
	/* Untyped capabilities cannot be copied: the watermark lives in the one capability. */
	assert_int_equal(COPY(S_ROOT, S_FREE + 9, S_FREE, CL_RIGHTS_ALL), CL_ILLEGAL);
	assert_ptr_equal(child->parent, kenv_slot(S_UT));
}

static void copy_and_rights(void **state)
{
	struct cte *copy = kenv_slot(S_FREE + 1);

	(void)state;
	kretype(CL_OBJ_ENDPOINT, 0, S_FREE, 1);
	assert_int_equal(COPY(S_ROOT, S_FREE + 1, S_FREE, CL_RIGHT_READ), CL_OK);
	assert_int_equal(copy->cap.rights, CL_RIGHT_READ);
	assert_int_equal(copy->cap.obj, kenv_slot(S_FREE)->cap.obj);
	assert_ptr_equal(copy->parent, kenv_slot(S_FREE));
	/* Rights only shrink: a copy of the read-only copy cannot regain write. */
	assert_int_equal(COPY(S_ROOT, S_FREE + 2, S_FREE + 1, CL_RIGHTS_ALL), CL_OK);
	assert_int_equal(kenv_slot(S_FREE + 2)->cap.rights, CL_RIGHT_READ);
	assert_int_equal(COPY(S_ROOT, S_FREE + 3, S_FREE, 0x10),
			 CL_INVALID_ARG); /* unknown right */
	assert_int_equal(COPY(S_ROOT, S_FREE + 2, S_FREE, CL_RIGHTS_ALL), CL_SLOT_FULL);
	assert_int_equal(COPY(S_ROOT, S_FREE + 3, S_FREE + 40, CL_RIGHTS_ALL), CL_INVALID_CAP);
	assert_int_equal(COPY(S_ROOT, KENV_SLOTS + 5, S_FREE, CL_RIGHTS_ALL), CL_INVALID_ARG);
	assert_int_equal(COPY(S_ROOT, 0, S_FREE, CL_RIGHTS_ALL), CL_INVALID_ARG);
}

static void mint_badges(void **state)
{
	(void)state;
	kretype(CL_OBJ_ENDPOINT, 0, S_FREE, 1);
	kretype(CL_OBJ_FRAME, 12, S_FREE + 1, 1);
	assert_int_equal(MINT(S_ROOT, S_FREE + 2, S_FREE, CL_RIGHTS_ALL, 42), CL_OK);
	assert_int_equal(kenv_slot(S_FREE + 2)->cap.data, 42);
	assert_int_equal(MINT(S_ROOT, S_FREE + 3, S_FREE + 2, CL_RIGHTS_ALL, 7),
			 CL_ILLEGAL); /* badged */
	assert_int_equal(MINT(S_ROOT, S_FREE + 3, S_FREE + 1, CL_RIGHTS_ALL, 7),
			 CL_ILLEGAL); /* frame */
	assert_int_equal(MINT(S_ROOT, S_FREE + 3, S_FREE + 2, CL_RIGHT_WRITE, 0),
			 CL_OK); /* keeps 42 */
	assert_int_equal(kenv_slot(S_FREE + 3)->cap.data, 42);
}

static void move_keeps_the_tree(void **state)
{
	struct cte *orig = kenv_slot(S_FREE);
	struct cte *moved = kenv_slot(S_FREE + 5);

	(void)state;
	kretype(CL_OBJ_NOTIFICATION, 0, S_FREE, 1);
	assert_int_equal(COPY(S_ROOT, S_FREE + 1, S_FREE, CL_RIGHTS_ALL), CL_OK);
	assert_int_equal(MOVE(S_ROOT, S_FREE + 5, S_FREE), CL_OK);
	assert_true(cte_empty(orig));
	assert_ptr_equal(moved->parent, kenv_slot(S_UT));
	assert_ptr_equal(kenv_slot(S_FREE + 1)->parent, moved);
	assert_ptr_equal(moved->child, kenv_slot(S_FREE + 1));
	assert_int_equal(MOVE(S_ROOT, S_FREE + 5, S_FREE + 1), CL_SLOT_FULL);
	assert_int_equal(MOVE(S_ROOT, S_FREE + 6, S_FREE), CL_INVALID_CAP);
	assert_int_equal(MOVE(S_ROOT, 0, S_FREE + 1), CL_INVALID_ARG);
	assert_int_equal(REVOKE(S_ROOT, S_FREE + 5), CL_OK);
	assert_true(cte_empty(kenv_slot(S_FREE + 1)));
}

static void delete_and_finality(void **state)
{
	struct cte *a = kenv_slot(S_FREE);
	struct cte *b = kenv_slot(S_FREE + 1);
	struct cte *c = kenv_slot(S_FREE + 2);

	(void)state;
	kretype(CL_OBJ_ENDPOINT, 0, S_FREE, 1);
	assert_true(cte_is_final(a));
	assert_int_equal(COPY(S_ROOT, S_FREE + 1, S_FREE, CL_RIGHTS_ALL), CL_OK);
	assert_int_equal(COPY(S_ROOT, S_FREE + 2, S_FREE + 1, CL_RIGHTS_ALL), CL_OK);
	assert_false(cte_is_final(a));
	assert_false(cte_is_final(c));
	/* Deleting the middle capability hands its child to its parent. */
	assert_int_equal(DELETE(S_ROOT, S_FREE + 1), CL_OK);
	assert_true(cte_empty(b));
	assert_ptr_equal(c->parent, a);
	assert_int_equal(DELETE(S_ROOT, S_FREE), CL_OK);
	assert_ptr_equal(c->parent, kenv_slot(S_UT));
	assert_true(cte_is_final(c));
	assert_int_equal(used(), 64);
	assert_int_equal(DELETE(S_ROOT, S_FREE + 2), CL_OK); /* the last one: the region is free */
	assert_int_equal(used(), 0);
	assert_int_equal(DELETE(S_ROOT, S_FREE + 2), CL_INVALID_CAP);
	assert_int_equal(DELETE(S_ROOT, 0), CL_INVALID_ARG);
	assert_int_equal(DELETE(S_ROOT, KENV_SLOTS), CL_INVALID_ARG);
}

static void revoke_removes_descendants_only(void **state)
{
	(void)state;
	kretype(CL_OBJ_ENDPOINT, 0, S_FREE, 1);
	for (unsigned i = 1; i <= 4; i++)
		assert_int_equal(COPY(S_ROOT, S_FREE + i, S_FREE + i - 1, CL_RIGHTS_ALL), CL_OK);
	assert_int_equal(MINT(S_ROOT, S_FREE + 5, S_FREE, CL_RIGHTS_ALL, 9), CL_OK);
	assert_int_equal(REVOKE(S_ROOT, S_FREE + 1), CL_OK); /* removes 2, 3, 4 */
	for (unsigned i = 2; i <= 4; i++)
		assert_true(cte_empty(kenv_slot(S_FREE + i)));
	assert_false(cte_empty(kenv_slot(S_FREE + 1)));
	assert_false(cte_empty(kenv_slot(S_FREE + 5)));
	assert_int_equal(REVOKE(S_ROOT, S_FREE), CL_OK);
	assert_true(cte_empty(kenv_slot(S_FREE + 1)));
	assert_true(cte_empty(kenv_slot(S_FREE + 5)));
	assert_false(cte_empty(kenv_slot(S_FREE)));
	assert_int_equal(REVOKE(S_ROOT, S_FREE + 1),
			 CL_INVALID_CAP); /* a revoked capability is gone */
}

/* A CNode full of capabilities, some to other CNodes, goes in one delete without recursion. */
static void nested_cnodes_are_destroyed(void **state)
{
	(void)state;
	kretype(CL_OBJ_CNODE, 10, S_FREE, 8); /* 16 slots each */
	kretype(CL_OBJ_ENDPOINT, 0, S_FREE + 8, 1);
	/* Chain: CNode i holds the only other capability to CNode i+1. */
	for (int i = 6; i >= 0; i--) {
		assert_int_equal(COPY(S_FREE + i, 2, S_FREE + 8, CL_RIGHTS_ALL), CL_OK);
		assert_int_equal(MOVE(S_FREE + i, 1, S_FREE + i + 1), CL_OK);
	}
	assert_true(cte_empty(kenv_slot(S_FREE + 7)));
	assert_int_equal(DELETE(S_ROOT, S_FREE), CL_OK);
	assert_int_equal(DELETE(S_ROOT, S_FREE + 8), CL_OK);
	/* Everything made from the region is gone, so the region is free. */
	assert_int_equal(used(), 0);
	assert_null(kenv_slot(S_UT)->child);
}

static void console_writes(void **state)
{
	(void)state;
	assert_int_equal(kcall(S_CONSOLE, CL_LABEL_CONSOLE_WRITE, 4, 3, 0x636261, 0, 0), CL_OK);
	assert_int_equal(kcall(S_CONSOLE, CL_LABEL_CONSOLE_WRITE, 4, 25, 0, 0, 0), CL_INVALID_ARG);
}

/* Two threads print at once, 24 bytes a call: each one's run comes out whole. */
static void console_runs_of_a_thread_are_not_cut(void **state)
{
	static struct tcb a, b;
	const uint64_t abc = 0x636261, def = 0x0a666564, xyz = 0x0a5a5958;

	(void)state;
	fake_uart_reset();
	assert_int_equal(
		kcall_as(&a, S_CONSOLE, CL_LABEL_CONSOLE_WRITE, 4, 3 | CL_CONSOLE_MORE, abc, 0, 0),
		CL_OK);
	assert_int_equal(kcall_as(&b, S_CONSOLE, CL_LABEL_CONSOLE_WRITE, 4, 4, xyz, 0, 0), CL_OK);
	assert_string_equal(fake_uart_output(), "XYZ\n");
	assert_int_equal(kcall_as(&a, S_CONSOLE, CL_LABEL_CONSOLE_WRITE, 4, 4, def, 0, 0), CL_OK);
	assert_string_equal(fake_uart_output(), "XYZ\nabcdef\n");
	/* A run longer than the thread's buffer is printed in pieces, nothing lost. */
	fake_uart_reset();
	for (unsigned i = 0; i < CL_CONSOLE_LINE_MAX / 3 + 1; i++)
		assert_int_equal(kcall_as(&a, S_CONSOLE, CL_LABEL_CONSOLE_WRITE, 4,
					  3 | CL_CONSOLE_MORE, abc, 0, 0),
				 CL_OK);
	assert_int_equal(strlen(fake_uart_output()), CL_CONSOLE_LINE_MAX / 3 * 3);
	assert_int_equal(kcall_as(&a, S_CONSOLE, CL_LABEL_CONSOLE_WRITE, 4, 0, 0, 0, 0), CL_OK);
	assert_int_equal(strlen(fake_uart_output()), (CL_CONSOLE_LINE_MAX / 3 + 1) * 3);
	/* Bits other than the length and MORE are refused. */
	assert_int_equal(kcall_as(&a, S_CONSOLE, CL_LABEL_CONSOLE_WRITE, 4, 0x201, abc, 0, 0),
			 CL_INVALID_ARG);
}

static void console_reads_input_with_the_read_right_only(void **state)
{
	(void)state;
	fake_uart_set_input("hello, this is more than twenty-four bytes");
	assert_int_equal(kcall(S_CONSOLE, CL_LABEL_CONSOLE_READ, 0, 0, 0, 0, 0), CL_OK);
	assert_int_equal(kres[0], 24);
	assert_memory_equal(&kres[1], "hello, this is more than", 24);
	assert_int_equal(kcall(S_CONSOLE, CL_LABEL_CONSOLE_READ, 0, 0, 0, 0, 0), CL_OK);
	assert_int_equal(kres[0], 18);
	assert_memory_equal(&kres[1], " twenty-four bytes", 18);
	assert_int_equal(kcall(S_CONSOLE, CL_LABEL_CONSOLE_READ, 0, 0, 0, 0, 0), CL_OK);
	assert_int_equal(kres[0], 0);
	/* A write-only copy, as every component has, cannot take input. */
	fake_uart_set_input("x");
	assert_int_equal(COPY(S_ROOT, S_FREE, S_CONSOLE, CL_RIGHT_WRITE), CL_OK);
	assert_int_equal(kcall(S_FREE, CL_LABEL_CONSOLE_READ, 0, 0, 0, 0, 0), CL_NO_RIGHT);
	assert_int_equal(kcall(S_FREE, CL_LABEL_CONSOLE_WRITE, 4, 1, 0x41, 0, 0), CL_OK);
	fake_uart_set_input(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(retype_makes_zeroed_objects, setup, teardown),
		cmocka_unit_test_setup_teardown(retype_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(exhaustion_and_reuse_after_revoke, setup, teardown),
		cmocka_unit_test_setup_teardown(device_untyped_only_makes_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(untyped_children, setup, teardown),
		cmocka_unit_test_setup_teardown(copy_and_rights, setup, teardown),
		cmocka_unit_test_setup_teardown(mint_badges, setup, teardown),
		cmocka_unit_test_setup_teardown(move_keeps_the_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(delete_and_finality, setup, teardown),
		cmocka_unit_test_setup_teardown(revoke_removes_descendants_only, setup, teardown),
		cmocka_unit_test_setup_teardown(nested_cnodes_are_destroyed, setup, teardown),
		cmocka_unit_test_setup_teardown(console_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(console_runs_of_a_thread_are_not_cut, setup,
						teardown),
		cmocka_unit_test_setup_teardown(console_reads_input_with_the_read_right_only, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
