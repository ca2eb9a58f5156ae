/*
 * One invocation of a kernel object, as decoded from the caller's registers.
 * Every operation is split in two (seL4's discipline): a decode half that
 * checks every argument, right and capability and changes nothing, returning
 * a CL_* error; and an invoke half that cannot fail.
 */
#ifndef CLEAVE_INVOCATION_H
#define CLEAVE_INVOCATION_H

#include <cleave/cap.h>

struct tcb;

struct invocation {
	struct tcb *caller;  /* NULL when the kernel invokes on its own behalf (boot, tests) */
	struct cte *root;    /* the caller's root CNode capability (a cte so it can be looked up) */
	struct cte *target;  /* the invoked capability */
	unsigned label;	     /* CL_LABEL_* */
	unsigned nargs;	     /* message registers the caller sent */
	uint64_t args[4];    /* MR0..MR3 */
	uint64_t results[4]; /* MR0..MR3 of the reply */
	unsigned nresults;
};

/* Decodes and, when that succeeds, performs inv; returns a CL_* error. */
unsigned invoke(struct invocation *inv);

/* Looks a cptr up in a root CNode: CL_INVALID_CAP for 0, out of range or empty. */
unsigned lookup_cap(const struct cte *root, uint64_t cptr, struct cte **out);
/* Looks up an empty slot for a new capability: CL_INVALID_ARG if out of range, CL_SLOT_FULL. */
unsigned lookup_empty(const struct cte *root, uint64_t index, struct cte **out);

/* Per-object entry points, called by invoke() with the label already checked. */
unsigned untyped_invoke(struct invocation *inv);
unsigned cnode_invoke(struct invocation *inv);
unsigned tcb_invoke(struct invocation *inv);
unsigned frame_invoke(struct invocation *inv);
unsigned aspace_invoke(struct invocation *inv);
unsigned irq_invoke(struct invocation *inv);
unsigned console_invoke(struct invocation *inv);
unsigned sched_control_invoke(struct invocation *inv);
unsigned vcpu_invoke(struct invocation *inv);

#endif
