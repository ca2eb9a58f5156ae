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

#define KT_SLOTS 320 /* slots a case may use, from kt->slot0 */
/* Yields a case waits at most for another CPU to do something (QEMU runs each CPU in
 * a host thread, which a loaded host may not schedule for a while). */
#define KT_WAIT_YIELDS 200000

struct kt {
	bool failed;
	const char *skip; /* why the case cannot run in this system (KT_REQUIRE) */
	cl_cptr_t ut;	  /* the case's untyped memory (4 MiB) */
	cl_cptr_t slot0;  /* its first empty slot */
	cl_cptr_t next;	  /* the next slot kt_slot() hands out */
	uint64_t va;	  /* the next free address in the root's address space for kt_map() */
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

/*
 * A case that must run after all others because it changes the whole
 * system for good (the time-partition schedule can be set only once), or
 * because it shows a kernel bug that ends the boot (test_lifetimes.c).
 */
#define KTEST_LAST(name)                                                            \
	static void kt_##name(struct kt *t);                                        \
	static const struct ktest kt_desc_##name                                    \
		__attribute__((used, section("ktests_last"))) = {#name, kt_##name}; \
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

/*
 * A case that needs what only some systems give the suite (device memory, the
 * device tree: the root component has them, a component the loader starts may
 * not) is skipped, with the reason, when it is missing. The root's run of the
 * suite allows no skips (tools/cleave/judge.py).
 */
#define KT_REQUIRE(cond, why)          \
	do {                           \
		if (!(cond)) {         \
			t->skip = why; \
			return;        \
		}                      \
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

/*
 * Waits until one more thread started with kt_thread() has returned from its
 * function than earlier calls have waited for (each call accounts for one).
 */
void kt_join(struct kt *t);

/*
 * Configures tcb (cspace, aspace, fault_ep), sets its pc, sp, x0 and x1, its
 * priority, and resumes it. No wrapper: a function started this way must
 * never return. Returns the first error.
 */
uint64_t kt_start(cl_cptr_t tcb, cl_cptr_t cspace, cl_cptr_t aspace, cl_cptr_t fault_ep,
		  uint64_t pc, uint64_t sp, uint64_t arg0, uint64_t arg1, unsigned prio);

/*
 * Like kt_thread(), in another address space: the root image must be mapped
 * there at its usual addresses and stack_top must be the top of a mapped
 * stack. The thread uses the root's CNode, so kt_join() works for it.
 */
cl_cptr_t kt_thread_in(struct kt *t, cl_cptr_t aspace, uint64_t stack_top, void (*fn)(uint64_t),
		       uint64_t arg, unsigned prio, cl_cptr_t fault_ep);

/* The slot of the device untyped at paddr in the bootinfo, or 0. */
cl_cptr_t kt_device_untyped(struct kt *t, uint64_t paddr);

/*
 * A bound on waits that would otherwise hang the suite: starts a priority-1
 * thread that spins `spins` times and then signals ntfn (an unbadged
 * notification capability) with badge. It only runs while every other thread
 * is blocked, so it fires only when the awaited event does not come.
 */
void kt_watchdog(struct kt *t, cl_cptr_t ntfn, uint64_t badge, uint64_t spins);

/* Whether slot (in the root CNode) is empty; deletes what is there if not. */
bool kt_empty(cl_cptr_t slot);

/*
 * Whether va is mapped in the root's address space, asked without touching
 * it (a clean to PoC of one byte): the runner has no fault handler, so a
 * wrong guess about its own mappings would stop the suite.
 */
bool kt_mapped(uint64_t va);

/* The first byte after the root image's text and read-only data (linker script). */
uint64_t kt_image_ro_end(void);

/*
 * A new address space for kt_thread_in(): copies of the root image's frames
 * mapped at their usual addresses (the same physical pages, so code and data
 * are shared; text and read-only data read+exec, the rest read+write) and a
 * stack page of its own, whose top it returns in *stack_top.
 */
cl_cptr_t kt_space(struct kt *t, uint64_t *stack_top);

#endif
