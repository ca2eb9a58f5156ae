/*
 * The benchmark: the root component of bench.bin, run by `./cleave bench`
 * on QEMU with -icount (docs/bench.md). It counts, with the PMU open to EL0,
 * the instructions (all exception levels, and EL2 alone) and cycles of four
 * operations, and prints one line per figure:
 *
 *	BENCH <name> insns=<n> cycles=<m> iters=<k> kernel_insns=<j>
 *
 * then "BENCH DONE"; anything that goes wrong is "BENCH ERROR <why>".
 *
 * Each figure is a mean over ITERS operations, after a warm-up, less the
 * mean of an empty loop of the same shape (the same stub with its svc, udf
 * or trigger left out), so that it is what the system costs. Each loop runs
 * ROUNDS times and the round with the fewest instructions counts: a timer
 * tick (every 10 ms) that lands in a round adds its handler to that round
 * only.
 */
#include <cleave/bootinfo.h>
#include <cleave/runtime.h>
#include <stdbool.h>

#define ITERS 1000
#define WARMUP 100
#define ROUNDS 5

#define PAGE 4096ULL
#define STACKS_VA 0x20000000ULL /* thread stacks, one page each with a gap between */
#define SERVER_ASPACE_BITS 16
#define IRQ_LINE 40 /* an SPI no qemu-virt device drives (secure UART, absent at EL2) */

#define PRIO_ROOT 255
#define PRIO_HIGH 254 /* handlers: run as soon as they are woken */
#define PRIO_LOW 253  /* the measuring thread of a figure the root waits for */

/* PMU registers (Arm ARM D17.5): PMCR_EL0, PMEVTYPER<n>_EL0, PMCCFILTR_EL0. */
#define PMCR_E (1ULL << 0)
#define PMCR_P (1ULL << 1) /* reset the event counters */
#define PMCR_C (1ULL << 2) /* reset the cycle counter */
#define PMCR_LC (1ULL << 6)
#define PMCR_N(pmcr) (((pmcr) >> 11) & 0x1f)
#define PMEV_P (1ULL << 31)   /* do not count at EL1 */
#define PMEV_U (1ULL << 30)   /* do not count at EL0 */
#define PMEV_NSH (1ULL << 27) /* count at EL2: the kernel's share is the point */
#define EV_INST_RETIRED 0x08
#define PMCNTEN_CYCLES (1ULL << 31)

/* The linker script (servers/runtime/user.ld) ends .rodata with this table; .data is next. */
extern const char __stop_ktests[];

struct sample {
	uint64_t insns;	 /* PMEVCNTR0: instructions at EL0 and EL2 */
	uint64_t kinsns; /* PMEVCNTR1: instructions at EL2 */
	uint64_t cycles; /* PMCCNTR */
};

struct cost {
	uint64_t insns;
	uint64_t kinsns;
	uint64_t cycles;
};

static const struct cl_bootinfo *bi;
static cl_cptr_t next_slot;
static cl_cptr_t untyped;
static uint64_t next_stack = STACKS_VA;
static bool failed;

/* Shared with the threads (they run in the root's address space, or map its data). */
static cl_cptr_t bench_ep;     /* the IPC endpoint, or the fault endpoint */
static cl_cptr_t done_ntfn;    /* a measuring thread signals it when its figure is ready */
static cl_cptr_t park_ntfn;    /* never signalled: threads that are finished wait on it */
static cl_cptr_t irq_ntfn;     /* the interrupt's notification */
static cl_cptr_t irq_cap;      /* the interrupt handler capability */
static struct cost result[2];  /* a measuring thread's figure: the operation, the empty loop */
static uint64_t thread_error;  /* a thread's reason to fail (a fault label, a count) */
static struct sample irq_seen; /* the counters as the interrupt's handler thread woke */
static volatile uint64_t irq_count;

static void fail(const char *what, uint64_t err)
{
	if (!failed)
		cl_printf("BENCH ERROR %s (%llu)\n", what, (unsigned long long)err);
	failed = true;
}

static void check(const char *what, uint64_t err)
{
	if (err != CL_OK)
		fail(what, err);
}

/* --- counting --------------------------------------------------------------------------- */

static bool pmu_start(void)
{
	uint64_t pmcr;
	uint64_t ceid;

	__asm__ volatile("mrs %0, pmcr_el0" : "=r"(pmcr));
	__asm__ volatile("mrs %0, pmceid0_el0" : "=r"(ceid));
	if (PMCR_N(pmcr) < 2) {
		fail("the PMU has fewer than 2 event counters", PMCR_N(pmcr));
		return false;
	}
	/* QEMU counts retired instructions only with -icount; it then says so in PMCEID0. */
	if ((ceid & (1ULL << EV_INST_RETIRED)) == 0) {
		fail("the PMU does not count INST_RETIRED (QEMU needs -icount)", ceid);
		return false;
	}
	__asm__ volatile("msr pmevtyper0_el0, %0" : : "r"(EV_INST_RETIRED | PMEV_NSH));
	__asm__ volatile("msr pmevtyper1_el0, %0"
			 :
			 : "r"(EV_INST_RETIRED | PMEV_NSH | PMEV_U | PMEV_P));
	__asm__ volatile("msr pmccfiltr_el0, %0" : : "r"(PMEV_NSH));
	__asm__ volatile("msr pmcntenset_el0, %0" : : "r"(PMCNTEN_CYCLES | 3ULL));
	__asm__ volatile("msr pmcr_el0, %0\n\tisb" : : "r"(PMCR_E | PMCR_P | PMCR_C | PMCR_LC));
	return true;
}

static inline __attribute__((always_inline)) void pmu_read(struct sample *s)
{
	uint64_t i, k, c;

	__asm__ volatile("isb\n\t"
			 "mrs %0, pmevcntr0_el0\n\t"
			 "mrs %1, pmevcntr1_el0\n\t"
			 "mrs %2, pmccntr_el0\n\t"
			 "isb"
			 : "=r"(i), "=r"(k), "=r"(c)
			 :
			 : "memory");
	s->insns = i;
	s->kinsns = k;
	s->cycles = c;
}

/* Event counters are 32 bits wide before PMUv3p5: every interval measured here is shorter. */
static void add_delta(struct cost *c, const struct sample *a, const struct sample *b)
{
	c->insns += (uint32_t)(b->insns - a->insns);
	c->kinsns += (uint32_t)(b->kinsns - a->kinsns);
	c->cycles += b->cycles - a->cycles;
}

typedef void (*loop_fn)(uint64_t n);

static struct cost run_loop(loop_fn fn, uint64_t n)
{
	struct sample a, b;
	struct cost c = {0, 0, 0};

	pmu_read(&a);
	fn(n);
	pmu_read(&b);
	add_delta(&c, &a, &b);
	return c;
}

/* The warm-up, then the cheapest of ROUNDS rounds of ITERS. */
static struct cost best_of(loop_fn fn)
{
	struct cost best;

	fn(WARMUP);
	best = run_loop(fn, ITERS);
	for (int r = 1; r < ROUNDS; r++) {
		struct cost c = run_loop(fn, ITERS);

		if (c.insns < best.insns)
			best = c;
	}
	return best;
}

static uint64_t per_op(uint64_t op, uint64_t empty)
{
	return op > empty ? (op - empty + ITERS / 2) / ITERS : 0;
}

static void report(const char *name, const struct cost *op, const struct cost *empty)
{
	if (failed)
		return;
	if (op->insns <= empty->insns || op->cycles <= empty->cycles) {
		fail(name, op->insns);
		return;
	}
	cl_printf("BENCH %s insns=%llu cycles=%llu iters=%u kernel_insns=%llu\n", name,
		  (unsigned long long)per_op(op->insns, empty->insns),
		  (unsigned long long)per_op(op->cycles, empty->cycles), ITERS,
		  (unsigned long long)per_op(op->kinsns, empty->kinsns));
}

/* The shape of a system-call stub (cleave/syscalls.h) with the svc left out. */
static inline __attribute__((always_inline)) void no_syscall(uint64_t cap, uint64_t info)
{
	register uint64_t r0 __asm__("x0") = cap;
	register uint64_t r1 __asm__("x1") = info;
	register uint64_t r2 __asm__("x2") = 0;
	register uint64_t r3 __asm__("x3") = 0;
	register uint64_t r4 __asm__("x4") = 0;
	register uint64_t r5 __asm__("x5") = 0;
	register uint64_t r6 __asm__("x6") = 0;

	__asm__ volatile("nop"
			 : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6)
			 :
			 : "memory");
}

/* --- objects and threads ---------------------------------------------------------------- */

static cl_cptr_t make(unsigned type, unsigned bits)
{
	cl_cptr_t s = next_slot++;

	check("retype", cl_untyped_retype(untyped, type, bits, s, 1).err);
	return s;
}

/* A fresh page mapped read-write at va in aspace. */
static void map_page(cl_cptr_t aspace, uint64_t va)
{
	cl_cptr_t f = make(CL_OBJ_FRAME, 12);

	check("map a page", cl_frame_map(f, aspace, va, CL_RIGHT_READ | CL_RIGHT_WRITE, 0).err);
}

/* Starts fn(arg) at prio in the root's CNode and the address space aspace; fn never returns. */
static cl_cptr_t start_thread(void (*fn)(uint64_t), uint64_t arg, unsigned prio, cl_cptr_t aspace,
			      cl_cptr_t fault_ep)
{
	cl_cptr_t tcb = make(CL_OBJ_TCB, 0);
	uint64_t stack = next_stack;

	next_stack += 2 * PAGE;
	map_page(aspace, stack);
	check("tcb_configure", cl_tcb_configure(tcb, CL_SLOT_CNODE, aspace, fault_ep).err);
	check("tcb_write_regs",
	      cl_tcb_write_regs(tcb, (uint64_t)(uintptr_t)fn, stack + PAGE, arg, 0).err);
	check("tcb_set_priority", cl_tcb_set_priority(tcb, prio).err);
	check("tcb_resume", cl_tcb_resume(tcb).err);
	return tcb;
}

static _Noreturn void park(void)
{
	for (;;)
		cl_sys_recv(park_ntfn, 0, 0, 0, 0, 0, 0);
}

/* A measuring thread's figure is ready: hand it to the root, which runs at once. */
static _Noreturn void finish(void)
{
	cl_sys_send(done_ntfn, 0, 0, 0, 0, 0, 0);
	park();
}

/* --- null_syscall ----------------------------------------------------------------------- */

/*
 * The null system call is yield with no other thread at the root's priority:
 * the kernel finds nothing to switch to and returns. It is the cheapest way
 * in and out (no capability lookup, unlike nb_recv on a notification).
 */
static void __attribute__((noinline)) loop_yield(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		cl_sys_yield(0, 0, 0, 0, 0, 0, 0);
}

static void __attribute__((noinline)) loop_yield_empty(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		no_syscall(0, 0);
}

static void bench_null_syscall(void)
{
	struct cost op = best_of(loop_yield);
	struct cost empty = best_of(loop_yield_empty);

	report("null_syscall", &op, &empty);
}

/* --- ipc_call_replyrecv ----------------------------------------------------------------- */

/* The server, in its own address space: empty replies to empty calls. */
static void server(uint64_t ep)
{
	cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);
	for (;;)
		cl_sys_reply_recv(ep, cl_msginfo(0, 0, 0), 0, 0, 0, 0, 0);
}

static void __attribute__((noinline)) loop_call(uint64_t n)
{
	cl_cptr_t ep = bench_ep;

	for (uint64_t i = 0; i < n; i++)
		cl_sys_call(ep, cl_msginfo(0, 0, 0), 0, 0, 0, 0, 0);
}

static void __attribute__((noinline)) loop_call_empty(uint64_t n)
{
	cl_cptr_t ep = bench_ep;

	for (uint64_t i = 0; i < n; i++)
		no_syscall(ep, cl_msginfo(0, 0, 0));
}

/*
 * A second address space holding the root's image through copies of its
 * frame capabilities: text and read-only data read|exec (the rodata pages
 * too: the image does not mark where text ends), data read|write. The data
 * pages are the root's own, shared, though the server touches none of them;
 * its stack is a page of its own.
 */
static cl_cptr_t make_server_aspace(void)
{
	cl_cptr_t as = make(CL_OBJ_ASPACE, SERVER_ASPACE_BITS);
	uint64_t data = ((uint64_t)(uintptr_t)__stop_ktests + PAGE - 1) & ~(PAGE - 1);
	uint64_t end = bi->image_vaddr + bi->image_count * PAGE;

	if ((uint64_t)(uintptr_t)server >= data || (uint64_t)(uintptr_t)&failed < data ||
	    (uint64_t)(uintptr_t)&failed >= end) {
		fail("the image layout is not text, rodata, data", data);
		return as;
	}
	for (uint64_t i = 0; i < bi->image_count && !failed; i++) {
		uint64_t va = bi->image_vaddr + i * PAGE;
		uint64_t rights = CL_RIGHT_READ | (va < data ? CL_RIGHT_EXEC : CL_RIGHT_WRITE);
		cl_cptr_t copy = next_slot++;

		check("copy an image frame",
		      cl_cnode_copy(CL_SLOT_CNODE, copy, bi->image_first + i, CL_RIGHTS_ALL).err);
		check("map an image frame", cl_frame_map(copy, as, va, rights, 0).err);
	}
	return as;
}

static void bench_ipc(void)
{
	cl_cptr_t as = make_server_aspace();
	struct cost op, empty;

	bench_ep = make(CL_OBJ_ENDPOINT, 0);
	/*
	 * The root and the server at the same priority: each blocks in turn, so
	 * neither preempts the other. (Both directions take the kernel's IPC
	 * fast path, which switches without a run queue: kernel/src/fastpath.c.)
	 */
	start_thread(server, bench_ep, PRIO_ROOT, as, 0);
	if (failed)
		return;
	if (cl_sys_call(bench_ep, cl_msginfo(0, 0, 0), 0, 0, 0, 0, 0).err != CL_OK) {
		fail("the first call to the server", 0);
		return;
	}
	op = best_of(loop_call);
	empty = best_of(loop_call_empty);
	report("ipc_call_replyrecv", &op, &empty);
}

/* --- fault_resume ----------------------------------------------------------------------- */

/* The fault handler: skip each undefined instruction (reply label 1, MR0 the next pc). */
static void fault_handler(uint64_t ep)
{
	struct cl_result r = cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);

	while (cl_msginfo_label(r.info) == CL_FAULT_UNDEFINED)
		r = cl_sys_reply_recv(ep, cl_msginfo(1, 1, 0), r.mr[CL_FAULT_UNDEFINED_PC] + 4, 0,
				      0, 0, 0);
	thread_error = cl_msginfo_label(r.info);
	finish();
}

static void __attribute__((noinline)) loop_udf(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		__asm__ volatile("udf #0" : : : "memory");
}

static void __attribute__((noinline)) loop_udf_empty(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		__asm__ volatile("nop" : : : "memory");
}

/* The faulting thread measures from its side: counters before the udf, after its resumption. */
static void faulter(uint64_t unused)
{
	(void)unused;
	result[0] = best_of(loop_udf);
	result[1] = best_of(loop_udf_empty);
	finish();
}

static void bench_fault(void)
{
	cl_cptr_t ep = make(CL_OBJ_ENDPOINT, 0);

	start_thread(fault_handler, ep, PRIO_HIGH, CL_SLOT_ASPACE, 0);
	start_thread(faulter, 0, PRIO_LOW, CL_SLOT_ASPACE, ep);
	if (failed)
		return;
	cl_sys_recv(done_ntfn, 0, 0, 0, 0, 0, 0);
	if (thread_error != 0) {
		fail("fault_resume: the handler got a fault it did not expect (label)",
		     thread_error);
		return;
	}
	report("fault_resume", &result[0], &result[1]);
}

/* --- irq_to_user ------------------------------------------------------------------------ */

/* The interrupt's handler thread: note the counters as it wakes, then ack and wait again. */
static void irq_thread(uint64_t unused)
{
	(void)unused;
	for (;;) {
		cl_sys_recv(irq_ntfn, 0, 0, 0, 0, 0, 0);
		pmu_read(&irq_seen);
		irq_count++;
		cl_irq_handler_ack(irq_cap);
	}
}

/* From the counters before the trigger to the handler thread's reading. */
static void __attribute__((noinline)) loop_irq(uint64_t n)
{
	struct cost *c = &result[0];
	cl_cptr_t handler = irq_cap;

	for (uint64_t i = 0; i < n; i++) {
		struct sample a;
		uint64_t before = irq_count;

		pmu_read(&a);
		cl_irq_handler_trigger(handler);
		add_delta(c, &a, &irq_seen);
		if (irq_count != before + 1)
			thread_error = irq_count - before;
	}
}

/* The same with the handler's reading taken at once, in place of trigger and wake-up. */
static void __attribute__((noinline)) loop_irq_empty(uint64_t n)
{
	struct cost *c = &result[0];

	for (uint64_t i = 0; i < n; i++) {
		struct sample a;
		uint64_t before = irq_count;

		pmu_read(&a);
		pmu_read(&irq_seen);
		add_delta(c, &a, &irq_seen);
		if (irq_count != before)
			thread_error = irq_count - before;
	}
}

/* Each round sums its iterations in result[0]; keep the cheapest round. */
static struct cost irq_best_of(loop_fn fn)
{
	struct cost best = {0, 0, 0};

	result[0] = best;
	fn(WARMUP);
	for (int r = 0; r < ROUNDS; r++) {
		result[0] = (struct cost){0, 0, 0};
		fn(ITERS);
		if (r == 0 || result[0].insns < best.insns)
			best = result[0];
	}
	return best;
}

static void irq_measurer(uint64_t unused)
{
	struct cost op;
	struct cost empty;

	(void)unused;
	op = irq_best_of(loop_irq);
	empty = irq_best_of(loop_irq_empty);
	result[0] = op;
	result[1] = empty;
	finish();
}

static void bench_irq(void)
{
	irq_ntfn = make(CL_OBJ_NOTIFICATION, 0);
	irq_cap = next_slot++;
	check("irq_control_get", cl_irq_control_get(CL_SLOT_IRQ_CONTROL, IRQ_LINE, irq_cap).err);
	check("irq_handler_set_notification",
	      cl_irq_handler_set_notification(irq_cap, irq_ntfn).err);
	/* The handler outranks the thread that triggers, so the interrupt preempts it. */
	start_thread(irq_thread, 0, PRIO_HIGH, CL_SLOT_ASPACE, 0);
	start_thread(irq_measurer, 0, PRIO_LOW, CL_SLOT_ASPACE, 0);
	if (failed)
		return;
	cl_sys_recv(done_ntfn, 0, 0, 0, 0, 0, 0);
	if (thread_error != 0) {
		fail("irq_to_user: the handler thread did not run once per trigger", thread_error);
		return;
	}
	report("irq_to_user", &result[0], &result[1]);
}

/* --- the run ---------------------------------------------------------------------------- */

static bool find_untyped(void)
{
	for (uint64_t i = 0; i < bi->untyped_count; i++) {
		if (!bi->untyped[i].device && bi->untyped[i].size_bits >= 20) {
			untyped = bi->untyped_first + i;
			return true;
		}
	}
	return false;
}

int main(uint64_t arg)
{
	bi = (const struct cl_bootinfo *)arg;
	if (bi->magic != CL_BOOTINFO_MAGIC || !find_untyped()) {
		fail("no bootinfo or no 1 MiB of untyped memory", 0);
		return 1;
	}
	next_slot = bi->first_free_slot;
	done_ntfn = make(CL_OBJ_NOTIFICATION, 0);
	park_ntfn = make(CL_OBJ_NOTIFICATION, 0);
	cl_printf("CLEAVE INIT OK\n");
	if (!pmu_start())
		return 1;
	cl_printf("bench: %u iterations per round, best of %u rounds, less an empty loop\n", ITERS,
		  ROUNDS);
	/* First, while the root is the only thread: later figures leave threads behind. */
	bench_null_syscall();
	if (!failed)
		bench_ipc();
	if (!failed)
		bench_fault();
	if (!failed)
		bench_irq();
	if (failed)
		return 1;
	cl_printf("BENCH DONE\n");
	return 0;
}
