/*
 * Random sequences of invocations (retype, copy, mint, move, delete,
 * revoke, with good and bad arguments) against the real object code, with
 * the accounting and derivation-tree invariants checked after every one:
 * no memory lost or used twice, every tree link consistent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "kenv.h"

#include <abi_tables.h>

#define STEPS 12000
#define SLOTS 48 /* the random slot range in the root CNode, from S_FREE */
#define MAX_CTES 4096

static struct cte *seen[MAX_CTES];
static unsigned nseen;

static bool visited_cnode(uintptr_t obj, const uintptr_t *list, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (list[i] == obj)
			return true;
	}
	return false;
}

/* Every capability reachable from the root CNode, through nested CNodes too. */
static void collect(void)
{
	uintptr_t cnodes[256];
	const struct cap *caps[256];
	unsigned ncn = 0;

	nseen = 0;
	cnodes[ncn] = kenv_root.cap.obj;
	caps[ncn++] = &kenv_root.cap;
	for (unsigned k = 0; k < ncn; k++) {
		struct cte *slots = cnode_slots(caps[k]);

		for (uint64_t i = 1; i < cnode_nslots(caps[k]); i++) {
			struct cte *c = &slots[i];

			if (cte_empty(c))
				continue;
			assert_true(nseen < MAX_CTES);
			seen[nseen++] = c;
			if (c->cap.type == CAP_CNODE && !visited_cnode(c->cap.obj, cnodes, ncn)) {
				assert_true(ncn < 256);
				cnodes[ncn] = c->cap.obj;
				caps[ncn++] = &c->cap;
			}
		}
	}
}

static void check_tree(const struct cte *c)
{
	const struct cte *prev = NULL;

	for (const struct cte *k = c->child; k != NULL; k = k->next) {
		assert_ptr_equal(k->parent, c);
		assert_ptr_equal(k->prev, prev);
		assert_false(cte_empty(k));
		prev = k;
	}
	if (c->parent != NULL)
		assert_false(cte_empty(c->parent));
}

static uint64_t obj_bytes(const struct cap *c)
{
	switch (c->type) {
	case CAP_TCB:
		return 1U << CL_OBJ_TCB_BITS;
	case CAP_ENDPOINT:
	case CAP_NOTIFICATION:
		return 64;
	case CAP_CNODE:
	case CAP_FRAME:
	case CAP_ASPACE:
	case CAP_UNTYPED:
		return 1ULL << c->size_bits;
	default:
		return 0;
	}
}

static void check_accounting(void)
{
	for (unsigned i = 0; i < nseen; i++) {
		const struct cte *c = seen[i];

		check_tree(c);
		if (c->cap.type == CAP_UNTYPED) {
			assert_true(c->cap.data <= 1ULL << c->cap.size_bits);
			if (c->child == NULL)
				assert_int_equal(c->cap.data, 0);
			/* Every object made from it lies below its watermark. */
			for (const struct cte *k = c->child; k != NULL; k = k->next) {
				assert_true(k->cap.obj >= c->cap.obj);
				assert_true(k->cap.obj + obj_bytes(&k->cap) <=
					    c->cap.obj + c->cap.data);
			}
		}
		/* Distinct objects never overlap (untyped regions contain their objects, so skip
		 * them). */
		for (unsigned j = 0; j < i && c->cap.type != CAP_UNTYPED; j++) {
			const struct cap *a = &c->cap;
			const struct cap *b = &seen[j]->cap;

			if (b->type == CAP_UNTYPED || obj_bytes(a) == 0 || obj_bytes(b) == 0 ||
			    (a->obj == b->obj && a->type == b->type))
				continue;
			assert_true(a->obj + obj_bytes(a) <= b->obj ||
				    b->obj + obj_bytes(b) <= a->obj);
		}
	}
}

static uint64_t rslot(void)
{
	/* Mostly valid slots, now and then slot 0 or one past the end. */
	switch (rand() % 40) {
	case 0:
		return 0;
	case 1:
		return KENV_SLOTS;
	default:
		return S_FREE + (uint64_t)(rand() % SLOTS);
	}
}

static unsigned random_step(void)
{
	static const unsigned types[] = {CL_OBJ_ENDPOINT, CL_OBJ_NOTIFICATION, CL_OBJ_CNODE,
					 CL_OBJ_FRAME,	  CL_OBJ_UNTYPED,      CL_OBJ_TCB};
	unsigned t = types[rand() % 6];
	unsigned bits = t == CL_OBJ_CNODE     ? 10 + (unsigned)(rand() % 3)
			: t == CL_OBJ_UNTYPED ? 12 + (unsigned)(rand() % 5)
					      : 12;
	uint64_t ut = rand() % 3 == 0 ? rslot() : S_UT;
	uint64_t cn = rand() % 8 == 0 ? rslot() : S_ROOT;

	switch (rand() % 7) {
	case 0:
	case 1:
		return kcall(ut, CL_LABEL_UNTYPED_RETYPE, 4, t, bits, rslot(),
			     1 + (unsigned)(rand() % 3));
	case 2:
		return kcall(cn, CL_LABEL_CNODE_COPY, 3, rslot(), rslot(), (uint64_t)(rand() % 16),
			     0);
	case 3:
		return kcall(cn, CL_LABEL_CNODE_MINT, 4, rslot(), rslot(), CL_RIGHTS_ALL,
			     (uint64_t)(rand() % 3));
	case 4:
		return kcall(cn, CL_LABEL_CNODE_MOVE, 2, rslot(), rslot(), 0, 0);
	case 5:
		return kcall(S_ROOT, CL_LABEL_CNODE_DELETE, 1, rslot(), 0, 0, 0);
	default:
		return kcall(S_ROOT, CL_LABEL_CNODE_REVOKE, 1, rand() % 10 == 0 ? S_UT : rslot(), 0,
			     0, 0);
	}
}

static void random_invocations(void **state)
{
	unsigned outcomes[CL_NUM_ERRORS] = {0};

	(void)state;
	srand(20261122);
	kenv_setup();
	for (unsigned step = 0; step < STEPS; step++) {
		unsigned err = random_step();

		assert_true(err < CL_NUM_ERRORS);
		outcomes[err]++;
		collect();
		check_accounting();
	}
	for (unsigned e = 0; e < CL_NUM_ERRORS; e++)
		print_message("# %s: %u\n", abi_error_names[e], outcomes[e]);
	/* The run must have exercised both success and the common refusals. */
	assert_true(outcomes[CL_OK] > STEPS / 10);
	assert_true(outcomes[CL_INVALID_CAP] > 0);
	assert_true(outcomes[CL_SLOT_FULL] > 0);
	assert_true(outcomes[CL_INVALID_ARG] > 0);
	assert_true(outcomes[CL_NO_MEMORY] > 0);
	/* Revoking the untyped returns everything. */
	assert_int_equal(kcall(S_ROOT, CL_LABEL_CNODE_REVOKE, 1, S_UT, 0, 0, 0), CL_OK);
	assert_int_equal(kenv_slot(S_UT)->cap.data, 0);
	kenv_teardown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_invocations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
