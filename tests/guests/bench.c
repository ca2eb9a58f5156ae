/*
 * The cost of a guest's exits, measured from inside the guest: an HVC round
 * trip (PSCI_VERSION, answered by the VMM under Cleave) and an MMIO-read round
 * trip (a read of an emulated device register: the PL011's UARTFR, and the
 * GIC distributor's GICD_TYPER), each against the same loop with a `nop` in
 * place of the instruction that exits.
 *
 * The clock is the virtual counter (CNTVCT_EL0). Under QEMU's
 * `-icount shift=0` the virtual clock advances 1 ns per instruction executed,
 * at every exception level and on every CPU, and the counter follows it: a
 * difference in nanoseconds is a count of instructions, the guest's, the
 * kernel's and the VMM's (docs/bench.md, "Exits from a test guest"). On bare
 * QEMU the HVC is QEMU's own PSCI and the device is QEMU's model: neither runs
 * an instruction, so the difference is 0 there, the floor a hypervisor adds to.
 *
 * Each figure is the fewest nanoseconds of ROUNDS rounds of ITERS operations
 * after a warm-up round (a timer tick landing in a round adds to that round
 * only), printed as
 *   GUEST BENCH <name> iters=<n> ns=<total> empty_ns=<same loop with nop>
 * for tools/cleave/bench_guest.py, which divides. Without -icount the counter
 * is host time and the figures mean little; the guest still runs.
 */
#include "guest.h"

const char guest_name[] = "bench";

#define ITERS 1000
#define ROUNDS 5
#define UARTFR 0x018
#define GICD_TYPER 0x004

/* The counter between two ISBs, so that nothing around it is reordered (Arm ARM D11.2.2). */
static inline uint64_t now(void)
{
	uint64_t v;

	__asm__ volatile("isb\n\tmrs %0, cntvct_el0\n\tisb" : "=r"(v)::"memory");
	return v;
}

/* SMC Calling Convention (Arm DEN 0028): x0-x17 may change across the call. */
#define CALL_CLOBBERS                                                                            \
	"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x10", "x11", "x12", "x13", "x14", \
		"x15", "x16", "x17", "memory", "cc"

/*
 * One loop of `n` iterations: x0 = PSCI_VERSION, the conduit (or a nop),
 * count down. Both loops have the same four instructions per iteration.
 */
static void loop_hvc(uint64_t n)
{
	register uint64_t x9 __asm__("x9") = n;

	__asm__ volatile("1:\tmovz w0, #0x8400, lsl #16\n\t"
			 "hvc #0\n\t"
			 "subs x9, x9, #1\n\t"
			 "b.ne 1b"
			 : "+r"(x9)
			 :
			 : CALL_CLOBBERS);
}

static void loop_smc(uint64_t n)
{
	register uint64_t x9 __asm__("x9") = n;

	__asm__ volatile("1:\tmovz w0, #0x8400, lsl #16\n\t"
			 "smc #0\n\t"
			 "subs x9, x9, #1\n\t"
			 "b.ne 1b"
			 : "+r"(x9)
			 :
			 : CALL_CLOBBERS);
}

static void loop_call_empty(uint64_t n)
{
	register uint64_t x9 __asm__("x9") = n;

	__asm__ volatile("1:\tmovz w0, #0x8400, lsl #16\n\t"
			 "nop\n\t"
			 "subs x9, x9, #1\n\t"
			 "b.ne 1b"
			 : "+r"(x9)
			 :
			 : CALL_CLOBBERS);
}

/*
 * A single 32-bit load with no writeback, as Linux's readl() makes it, so a
 * hypervisor gets a valid syndrome (ESR_EL2.ISV) to emulate it with.
 */
static void loop_read(uint64_t n, uint64_t addr)
{
	uint64_t v;

	__asm__ volatile("1:\tldr %w1, [%2]\n\t"
			 "subs %0, %0, #1\n\t"
			 "b.ne 1b"
			 : "+r"(n), "=&r"(v)
			 : "r"(addr)
			 : "memory", "cc");
}

static void loop_read_empty(uint64_t n, uint64_t addr)
{
	uint64_t v = 0;

	__asm__ volatile("1:\tnop\n\t"
			 "subs %0, %0, #1\n\t"
			 "b.ne 1b"
			 : "+r"(n), "+r"(v)
			 : "r"(addr)
			 : "memory", "cc");
}

enum loop { HVC, CALL_EMPTY, READ, READ_EMPTY };

static void run(enum loop which, uint64_t n, uint64_t addr)
{
	switch (which) {
	case HVC:
		if (guest_dt.psci_smc)
			loop_smc(n);
		else
			loop_hvc(n);
		break;
	case CALL_EMPTY:
		loop_call_empty(n);
		break;
	case READ:
		loop_read(n, addr);
		break;
	case READ_EMPTY:
		loop_read_empty(n, addr);
		break;
	}
}

/* The fewest counter ticks of ROUNDS rounds of ITERS, after one warm-up round. */
static uint64_t best_ticks(enum loop which, uint64_t addr)
{
	uint64_t best = UINT64_MAX;

	run(which, ITERS, addr);
	for (unsigned r = 0; r < ROUNDS; r++) {
		uint64_t t0 = now();

		run(which, ITERS, addr);
		uint64_t t = now() - t0;
		best = t < best ? t : best;
	}
	return best;
}

static uint64_t ticks_to_ns(uint64_t ticks, uint64_t freq)
{
	return ticks * 1000000000ULL / freq;
}

static void figure(const char *name, enum loop op, enum loop empty, uint64_t addr)
{
	uint64_t freq = read_sysreg(cntfrq_el0);
	uint64_t ns = ticks_to_ns(best_ticks(op, addr), freq);
	uint64_t empty_ns = ticks_to_ns(best_ticks(empty, addr), freq);

	guest_printf("GUEST BENCH %s iters=%u ns=%llu empty_ns=%llu\n", name, ITERS,
		     (unsigned long long)ns, (unsigned long long)empty_ns);
	guest_check(ns > 0 && empty_ns > 0, name, "the counter did not move (ns=%llu, empty %llu)",
		    (unsigned long long)ns, (unsigned long long)empty_ns);
}

void guest_main(void)
{
	uint64_t freq = read_sysreg(cntfrq_el0);
	/* PSCI_VERSION must answer, or the loop measures something else. */
	uint64_t version = smccc_call(PSCI_VERSION, 0, 0, 0);

	if (!guest_check(freq != 0 && version < 0x80000000ULL, "bench/setup",
			 "CNTFRQ_EL0 %llu, PSCI_VERSION %#llx", (unsigned long long)freq,
			 (unsigned long long)version))
		return;
	figure("bench/hvc", HVC, CALL_EMPTY, 0);
	figure("bench/mmio-uartfr", READ, READ_EMPTY, guest_dt.uart + UARTFR);
	if (guest_dt.gicd != 0)
		figure("bench/mmio-gicd", READ, READ_EMPTY, guest_dt.gicd + GICD_TYPER);
	else
		guest_fail("bench/mmio-gicd", "the device tree names no GIC distributor");
}
