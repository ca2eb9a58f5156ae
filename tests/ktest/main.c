/*
 * The kernel test suite's runner: the root component of ktest.bin. It takes
 * a 16 MiB pool from the boot untyped memory; each case gets a 2 MiB child
 * of it, and revoking the pool afterwards destroys everything the case made
 * and returns the memory, which is itself checked.
 */
#include "ktest.h"

#include <string.h>

extern const struct ktest __start_ktests[], __stop_ktests[];
extern const struct ktest __start_ktests_last[], __stop_ktests_last[];

#define POOL_BITS 24
#define CASE_BITS 22
#define SLOT_POOL 8
#define SLOT_CASE 9
#define SLOT_DONE 10		    /* the case's "a thread finished" notification */
#define SLOT_PARK 11		    /* an endpoint nobody sends to: finished threads wait there */
#define THREAD_STACKS 0x20000000ULL /* where kt_thread and kt_map place pages */

static uint64_t slot_base;

void kt_fail(struct kt *t, const char *file, int line, const char *what, uint64_t a, uint64_t b)
{
	const char *base = strrchr(file, '/');

	if (t->failed)
		return;
	t->failed = true;
	cl_printf("%s:%d: %s (%#llx, %#llx)\n", base ? base + 1 : file, line, what,
		  (unsigned long long)a, (unsigned long long)b);
}

cl_cptr_t kt_slot(struct kt *t)
{
	if (t->next >= t->slot0 + KT_SLOTS) {
		kt_fail(t, __FILE__, __LINE__, "out of test slots", 0, 0);
		return t->slot0;
	}
	return t->next++;
}

cl_cptr_t kt_make(struct kt *t, unsigned type, unsigned bits)
{
	cl_cptr_t s = kt_slot(t);
	uint64_t err = cl_untyped_retype(t->ut, type, bits, s, 1).err;

	if (err != CL_OK)
		kt_fail(t, __FILE__, __LINE__, "kt_make retype", err, type);
	return s;
}

uint64_t kt_map(struct kt *t, cl_cptr_t *frame)
{
	cl_cptr_t f = kt_make(t, CL_OBJ_FRAME, 12);
	uint64_t va = t->va;
	uint64_t err = cl_frame_map(f, CL_SLOT_ASPACE, va, CL_RIGHT_READ | CL_RIGHT_WRITE, 0).err;

	if (err != CL_OK)
		kt_fail(t, __FILE__, __LINE__, "kt_map", err, va);
	t->va += 4096;
	if (frame != NULL)
		*frame = f;
	return va;
}

static void thread_start(uint64_t fn, uint64_t arg);

/*
 * Threads that returned from their function in this case, and how many of
 * them kt_join() has seen: signals OR into the notification, so several
 * threads finishing before the runner waits leave one signal, not several.
 */
static volatile uint64_t threads_finished;
static uint64_t threads_joined;

static void thread_start(uint64_t fn, uint64_t arg)
{
	((void (*)(uint64_t))fn)(arg);
	__atomic_fetch_add(&threads_finished, 1, __ATOMIC_RELEASE);
	cl_sys_send(SLOT_DONE, 0, 0, 0, 0, 0, 0);
	/* Parked (not on SLOT_DONE, whose signal is the runner's); the clean-up destroys it. */
	for (;;)
		cl_sys_recv(SLOT_PARK, 0, 0, 0, 0, 0, 0);
}

bool kt_wait_state(cl_cptr_t tcb, uint64_t state)
{
	/* Generous: under TCG on a loaded host another CPU's thread may not run for a
	 * while; the loop ends as soon as the state is reached. */
	for (int i = 0; i < KT_WAIT_YIELDS; i++) {
		if (cl_tcb_read_regs(tcb).mr[3] == state)
			return true;
		cl_sys_yield(0, 0, 0, 0, 0, 0, 0);
	}
	return false;
}

void kt_join(struct kt *t)
{
	(void)t;
	while (__atomic_load_n(&threads_finished, __ATOMIC_ACQUIRE) <= threads_joined)
		cl_sys_recv(SLOT_DONE, 0, 0, 0, 0, 0, 0);
	threads_joined++;
}

uint64_t kt_start(cl_cptr_t tcb, cl_cptr_t cspace, cl_cptr_t aspace, cl_cptr_t fault_ep,
		  uint64_t pc, uint64_t sp, uint64_t arg0, uint64_t arg1, unsigned prio)
{
	uint64_t err;

	if ((err = ERR(cl_tcb_configure(tcb, cspace, aspace, fault_ep))) != CL_OK ||
	    (err = ERR(cl_tcb_write_regs(tcb, pc, sp, arg0, arg1))) != CL_OK ||
	    (err = ERR(cl_tcb_set_priority(tcb, prio))) != CL_OK)
		return err;
	return ERR(cl_tcb_resume(tcb));
}

cl_cptr_t kt_thread_in(struct kt *t, cl_cptr_t aspace, uint64_t stack_top, void (*fn)(uint64_t),
		       uint64_t arg, unsigned prio, cl_cptr_t fault_ep)
{
	cl_cptr_t tcb = kt_make(t, CL_OBJ_TCB, 0);
	uint64_t err = kt_start(tcb, CL_SLOT_CNODE, aspace, fault_ep, (uint64_t)thread_start,
				stack_top, (uint64_t)fn, arg, prio);

	if (err != CL_OK)
		kt_fail(t, __FILE__, __LINE__, "kt_thread_in", err, prio);
	return tcb;
}

cl_cptr_t kt_thread(struct kt *t, void (*fn)(uint64_t), uint64_t arg, unsigned prio,
		    cl_cptr_t fault_ep)
{
	cl_cptr_t tcb = kt_make(t, CL_OBJ_TCB, 0);
	uint64_t stack = kt_map(t, NULL) + 4096;
	uint64_t err = kt_start(tcb, CL_SLOT_CNODE, CL_SLOT_ASPACE, fault_ep,
				(uint64_t)thread_start, stack, (uint64_t)fn, arg, prio);

	if (err != CL_OK)
		kt_fail(t, __FILE__, __LINE__, "kt_thread", err, prio);
	return tcb;
}

cl_cptr_t kt_device_untyped(struct kt *t, uint64_t paddr)
{
	for (uint64_t i = 0; i < t->bi->untyped_count; i++) {
		if (t->bi->untyped[i].device && t->bi->untyped[i].paddr == paddr)
			return t->bi->untyped_first + i;
	}
	return 0;
}

static struct {
	cl_cptr_t cap;
	cl_cptr_t tcb;
	uint64_t spins;
} watchdog;

static void watchdog_main(uint64_t unused)
{
	(void)unused;
	for (volatile uint64_t i = 0; i < watchdog.spins; i++)
		;
	cl_sys_send(watchdog.cap, 0, 0, 0, 0, 0, 0);
	for (;;)
		cl_tcb_suspend(watchdog.tcb); /* never returns: kt_join() must not see it */
}

void kt_watchdog(struct kt *t, cl_cptr_t ntfn, uint64_t badge, uint64_t spins)
{
	watchdog.cap = kt_slot(t);
	watchdog.spins = spins;
	if (ERR(cl_cnode_mint(CL_SLOT_CNODE, watchdog.cap, ntfn, CL_RIGHT_WRITE, badge)) != CL_OK)
		kt_fail(t, __FILE__, __LINE__, "kt_watchdog mint", ntfn, badge);
	/* Priority 1: it has not run yet when kt_thread() returns, so tcb is set in time. */
	watchdog.tcb = kt_thread(t, watchdog_main, 0, 1, 0);
}

bool kt_empty(cl_cptr_t slot)
{
	return ERR(cl_cnode_delete(CL_SLOT_CNODE, slot)) == CL_INVALID_CAP;
}

bool kt_mapped(uint64_t va)
{
	return ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, 0, va, 1)) == CL_OK;
}

#define SPACE_STACK 0x0ff00000ULL /* kt_space's stack: unmapped in the root's space */

cl_cptr_t kt_space(struct kt *t, uint64_t *stack_top)
{
	cl_cptr_t as = kt_make(t, CL_OBJ_ASPACE, 16);
	cl_cptr_t stack = kt_make(t, CL_OBJ_FRAME, 12);
	uint64_t ro_end = kt_image_ro_end();

	for (uint64_t i = 0; i < t->bi->image_count; i++) {
		uint64_t va = t->bi->image_vaddr + i * 4096;
		uint64_t rights = va < ro_end ? CL_RIGHT_READ | CL_RIGHT_EXEC
					      : CL_RIGHT_READ | CL_RIGHT_WRITE;
		cl_cptr_t c = kt_slot(t);

		if (ERR(cl_cnode_copy(CL_SLOT_CNODE, c, t->bi->image_first + i, CL_RIGHTS_ALL)) !=
			    CL_OK ||
		    ERR(cl_frame_map(c, as, va, rights, 0)) != CL_OK)
			kt_fail(t, __FILE__, __LINE__, "kt_space: mapping the image", i, va);
	}
	if (ERR(cl_frame_map(stack, as, SPACE_STACK, CL_RIGHT_READ | CL_RIGHT_WRITE, 0)) != CL_OK)
		kt_fail(t, __FILE__, __LINE__, "kt_space: mapping the stack", stack, SPACE_STACK);
	*stack_top = SPACE_STACK + 4096;
	return as;
}

uint64_t kt_image_ro_end(void)
{
	/* The case tables end .rodata; .data starts on the next page (servers/runtime/user.ld). */
	return ((uint64_t)__stop_ktests_last + 4095) & ~4095ULL;
}

static unsigned skipped;

static bool run_case(const struct ktest *k, const struct cl_bootinfo *bi)
{
	struct kt t = {.slot0 = slot_base, .next = slot_base, .va = THREAD_STACKS, .bi = bi};

	t.ut = SLOT_CASE;
	if (ERR(cl_untyped_retype(SLOT_POOL, CL_OBJ_UNTYPED, CASE_BITS, SLOT_CASE, 1)) != CL_OK) {
		cl_printf("KTEST FAIL %s: no memory for the case\n", k->name);
		return false;
	}
	if (ERR(cl_untyped_retype(SLOT_CASE, CL_OBJ_NOTIFICATION, 0, SLOT_DONE, 1)) != CL_OK ||
	    ERR(cl_untyped_retype(SLOT_CASE, CL_OBJ_ENDPOINT, 0, SLOT_PARK, 1)) != CL_OK) {
		cl_printf("KTEST FAIL %s: no objects for the case\n", k->name);
		return false;
	}
	threads_finished = 0;
	threads_joined = 0;
	cl_printf("KTEST RUN %s\n", k->name);
	k->fn(&t);
	/* Clean up: everything made from the pool, then whatever else the case left. */
	cl_cnode_revoke(CL_SLOT_CNODE, SLOT_POOL);
	for (cl_cptr_t s = slot_base; s < slot_base + KT_SLOTS; s++)
		cl_cnode_delete(CL_SLOT_CNODE, s);
	/* The pool's memory must be whole again: the next case takes it all at once. */
	if (!t.failed &&
	    ERR(cl_untyped_retype(SLOT_POOL, CL_OBJ_UNTYPED, POOL_BITS, SLOT_CASE, 1)) != CL_OK)
		kt_fail(&t, __FILE__, __LINE__, "memory not returned after the case", 0, 0);
	cl_cnode_revoke(CL_SLOT_CNODE, SLOT_POOL);
	if (t.skip != NULL) {
		cl_printf("KTEST SKIP %s: %s\n", k->name, t.skip);
		skipped++;
		return true;
	}
	cl_printf(t.failed ? "KTEST FAIL %s: see above\n" : "KTEST PASS %s\n", k->name);
	return !t.failed;
}

static bool make_pool(const struct cl_bootinfo *bi)
{
	for (uint64_t i = 0; i < bi->untyped_count; i++) {
		if (bi->untyped[i].size_bits >= POOL_BITS + 1 &&
		    ERR(cl_untyped_retype(bi->untyped_first + i, CL_OBJ_UNTYPED, POOL_BITS,
					  SLOT_POOL, 1)) == CL_OK)
			return true;
	}
	return false;
}

int main(uint64_t arg)
{
	const struct cl_bootinfo *bi = (const struct cl_bootinfo *)arg;
	unsigned passed = 0;
	unsigned failed = 0;

	if (bi->magic != CL_BOOTINFO_MAGIC || !make_pool(bi)) {
		cl_printf("KTEST DONE: 0 passed, 1 failed (no bootinfo or no 32 MiB untyped)\n");
		return 1;
	}
	slot_base = bi->first_free_slot;
	cl_printf("CLEAVE INIT OK\n");
	for (const struct ktest *k = __start_ktests; k < __stop_ktests; k++) {
		if (run_case(k, bi))
			passed++;
		else
			failed++;
	}
	for (const struct ktest *k = __start_ktests_last; k < __stop_ktests_last; k++) {
		if (run_case(k, bi))
			passed++;
		else
			failed++;
	}
	passed -= skipped;
	cl_printf("KTEST DONE: %u passed, %u failed, %u skipped\n", passed, failed, skipped);
	return failed != 0;
}
