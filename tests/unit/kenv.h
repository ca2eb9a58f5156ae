/*
 * A little kernel world for the object-model tests: an untyped region and a
 * root CNode made the way the boot code makes them, and a helper that
 * invokes a capability as a user thread would.
 */
#ifndef TEST_KENV_H
#define TEST_KENV_H

#include <cleave/cnode.h>
#include <cleave/invocation.h>
#include <cleave/kobjects.h>

#define KENV_UT_BITS 20	  /* 1 MiB of untyped memory */
#define KENV_ROOT_BITS 16 /* a root CNode of 1024 slots */
#define KENV_SLOTS (1U << (KENV_ROOT_BITS - CTE_BITS))

/* Fixed slots in the root CNode. */
enum { S_ROOT = 1, S_UT = 2, S_CONSOLE = 3, S_IRQCTL = 4, S_FREE = 16 };

extern struct cte kenv_root;   /* the caller's cspace capability */
extern uintptr_t kenv_ut_base; /* the untyped region */

void kenv_setup(void);
void kenv_teardown(void);
struct cte *kenv_slot(uint64_t i);
/* Invokes cap slot `cptr` with `label` and up to four arguments; returns the CL_* error. */
unsigned kcall(uint64_t cptr, unsigned label, unsigned nargs, uint64_t a0, uint64_t a1, uint64_t a2,
	       uint64_t a3);
/* The same as the thread `caller` (kcall's caller is the kernel itself, NULL). */
unsigned kcall_as(struct tcb *caller, uint64_t cptr, unsigned label, unsigned nargs, uint64_t a0,
		  uint64_t a1, uint64_t a2, uint64_t a3);
/* MR0..MR3 of the last kcall's reply. */
extern uint64_t kres[4];
/* How many of them the invocation set. */
extern unsigned knres;
/* Retypes count objects into slots from dest; asserts success. */
void kretype(unsigned type, unsigned bits, uint64_t dest, unsigned count);

#endif
