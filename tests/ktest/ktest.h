/*
 * The kernel test suite's framework. A case is a function registered with
 * KTEST(name) into a linker section; the runner gives each a fresh 4 MiB of
 * untyped memory and a range of empty slots, runs it, and afterwards
 * revokes everything it made. Output: one "KTEST PASS name" or
 * "KTEST FAIL name: why" line per case and "KTEST DONE: N passed, M failed".
 */
#ifndef KTEST_H
#define KTEST_H

#include <cleave/bootinfo.h>
#include <cleave/runtime.h>
#include <stdbool.h>

#define KT_SLOTS 192 /* slots a case may use, from kt->slot0 */

struct kt {
	bool failed;
	cl_cptr_t ut;	 /* the case's untyped memory (4 MiB) */
	cl_cptr_t slot0; /* its first empty slot */
	cl_cptr_t next;	 /* the next slot kt_slot() hands out */
	uint64_t va;	 /* the next free address in the root's address space for kt_map() */
	const struct cl_bootinfo *bi;
};

struct ktest {
	const char *name;
	void (*fn)(struct kt *t);
};

#define KTEST(name)                                                            \
	static void kt_##name(struct kt *t);                                   \
	static const struct ktest kt_desc_##name                               \
		__attribute__((used, section("ktests"))) = {#name, kt_##name}; \
	static void kt_##name(struct kt *t)

void kt_fail(struct kt *t, const char *file, int line, const char *what, uint64_t a, uint64_t b);

/* Stops the case at the first failed check. */
#define CHECK(cond)                                                  \
	do {                                                         \
		if (!(cond)) {                                       \
			kt_fail(t, __FILE__, __LINE__, #cond, 0, 0); \
			return;                                      \
		}                                                    \
	} while (0)

#define CHECK_EQ(a, b)                                                        \
	do {                                                                  \
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);              \
		if (a_ != b_) {                                               \
			kt_fail(t, __FILE__, __LINE__, #a " == " #b, a_, b_); \
			return;                                               \
		}                                                             \
	} while (0)

/* The error of an invocation stub's result. */
#define ERR(call) ((call).err)

/* A fresh empty slot for this case. */
cl_cptr_t kt_slot(struct kt *t);
/* Makes one object of type (size_bits where needed) in a fresh slot; fails the case on error. */
cl_cptr_t kt_make(struct kt *t, unsigned type, unsigned bits);
/* Makes and maps a 4 KiB frame read-write in the root address space; returns its address. */
uint64_t kt_map(struct kt *t, cl_cptr_t *frame);

/*
 * Starts a thread in the root's CNode and address space, running fn(arg) at
 * priority prio with fault_ep as its fault endpoint (0: none). When fn
 * returns, the thread waits forever (the case's clean-up destroys it).
 */
cl_cptr_t kt_thread(struct kt *t, void (*fn)(uint64_t), uint64_t arg, unsigned prio,
		    cl_cptr_t fault_ep);

/* Thread states as tcb_read_regs returns them (idl/abi.yaml). */
enum {
	KT_INACTIVE = 0,
	KT_RUNNABLE,
	KT_BLOCKED_SEND,
	KT_BLOCKED_RECV,
	KT_BLOCKED_REPLY,
	KT_BLOCKED_NTFN
};

/*
 * Yields (to threads of the runner's priority) until the thread is in
 * state, at most a few thousand times; returns whether it got there.
 */
bool kt_wait_state(cl_cptr_t tcb, uint64_t state);

/* Waits until a thread started with kt_thread() returns from its function. */
void kt_join(struct kt *t);

#endif
