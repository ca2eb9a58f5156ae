/* The object-model tests' little kernel world (see kenv.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "kenv.h"

struct cte kenv_root;
uintptr_t kenv_ut_base;
uint64_t kres[4];
unsigned knres;
static void *cnode_mem;

void kenv_setup(void)
{
	struct cap root = {.type = CAP_CNODE, .rights = CL_RIGHTS_ALL, .size_bits = KENV_ROOT_BITS};
	struct cap ut = {.type = CAP_UNTYPED, .rights = CL_RIGHTS_ALL, .size_bits = KENV_UT_BITS};
	struct cap con = {.type = CAP_CONSOLE, .rights = CL_RIGHTS_ALL};
	struct cap irq = {.type = CAP_IRQ_CONTROL, .rights = CL_RIGHTS_ALL};

	cnode_mem = aligned_alloc(1U << KENV_ROOT_BITS, 1U << KENV_ROOT_BITS);
	kenv_ut_base = (uintptr_t)aligned_alloc(1U << KENV_UT_BITS, 1U << KENV_UT_BITS);
	assert_non_null(cnode_mem);
	assert_true(kenv_ut_base != 0);
	memset(cnode_mem, 0, 1U << KENV_ROOT_BITS);
	memset((void *)kenv_ut_base, 0xa5,
	       1U << KENV_UT_BITS); /* retype must zero what it hands out */
	root.obj = (uintptr_t)cnode_mem;
	ut.obj = kenv_ut_base;
	kenv_root = (struct cte){0};
	cte_insert(NULL, &kenv_root, &root);
	cte_insert(&kenv_root, kenv_slot(S_ROOT), &root);
	cte_insert(NULL, kenv_slot(S_UT), &ut);
	cte_insert(NULL, kenv_slot(S_CONSOLE), &con);
	cte_insert(NULL, kenv_slot(S_IRQCTL), &irq);
}

void kenv_teardown(void)
{
	/* Deleting everything exercises destruction; then the memory goes back to the host. */
	for (unsigned i = 1; i < KENV_SLOTS; i++)
		cap_delete(kenv_slot(i));
	cap_delete(&kenv_root);
	free(cnode_mem);
	free((void *)kenv_ut_base);
}

struct cte *kenv_slot(uint64_t i)
{
	return &((struct cte *)cnode_mem)[i];
}

unsigned kcall(uint64_t cptr, unsigned label, unsigned nargs, uint64_t a0, uint64_t a1, uint64_t a2,
	       uint64_t a3)
{
	return kcall_as(NULL, cptr, label, nargs, a0, a1, a2, a3);
}

unsigned kcall_as(struct tcb *caller, uint64_t cptr, unsigned label, unsigned nargs, uint64_t a0,
		  uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct invocation inv = {.caller = caller,
				 .root = &kenv_root,
				 .label = label,
				 .nargs = nargs,
				 .args = {a0, a1, a2, a3}};
	unsigned err = lookup_cap(&kenv_root, cptr, &inv.target);

	if (err != CL_OK)
		return err;
	err = invoke(&inv);
	memcpy(kres, inv.results, sizeof(kres));
	knres = inv.nresults;
	return err;
}

void kretype(unsigned type, unsigned bits, uint64_t dest, unsigned count)
{
	assert_int_equal(kcall(S_UT, CL_LABEL_UNTYPED_RETYPE, 4, type, bits, dest, count), CL_OK);
}
