/*
 * What generic kernel code needs from the architecture. The build picks the
 * implementation: kernel/arch/aarch64 for images, kernel/arch/fake for the
 * host unit tests. No function pointers.
 */
#ifndef CLEAVE_ARCH_H
#define CLEAVE_ARCH_H

#include <arch/cpu_index.h> /* arch_cpu_index(): the CPU this runs on, inline */
#include <cleave/cpu_features.h>

/* Sets up this CPU's EL2 controls (interrupt routing, traps); every CPU, once. */
void arch_cpu_init(void);
uint64_t arch_cpu_mpidr(void);
/* Reads this CPU's ID registers (and probes the GIC CPU interface). */
void arch_cpu_read_id(struct cpu_id_regs *out, unsigned gic_version);
/*
 * arch_cpu_index() (arch/cpu_index.h), safe at any exception level: for the
 * panic path (a boot at EL1 panics).
 */
unsigned arch_cpu_index_any_el(void);
uint64_t arch_counter_read(void);
uint64_t arch_counter_freq(void);
/* Masks interrupts and returns the previous mask state. */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);
void arch_irq_enable(void);
/* Waits for an event or interrupt: the idle and spin-wait hint. */
void arch_wait(void);
/* Makes another CPU enter the kernel and look at its run queue (an IPI). */
void arch_kick_cpu(unsigned cpu);
/*
 * An address space is being destroyed: every other CPU that has it loaded
 * is made to leave it (enter the kernel) before this returns, so no CPU
 * walks its tables once their memory can be reused.
 */
void arch_evict_aspace(uintptr_t aspace);
struct tcb;
/*
 * A thread is being destroyed: every other CPU running it at EL0 is made to
 * enter the kernel before this returns, so none writes its registers into
 * the thread's memory once that can be reused.
 */
void arch_evict_thread(struct tcb *t);
/* A thread is being destroyed: arch state that points at it (FP/SIMD owner) lets go. */
void arch_thread_gone(struct tcb *t);
/* Stops this CPU for good with interrupts masked. */
NORETURN void arch_halt(void);

/* Cache maintenance by kernel VA (RAM is mapped 1:1): the CL frame cache ops 0..3. */
enum cache_op { CACHE_CLEAN = 0, CACHE_INVAL = 1, CACHE_CLEAN_INVAL = 2, CACHE_UNIFY = 3 };
void arch_cache_op(enum cache_op op, uintptr_t va, size_t size);
/*
 * Zeroes [va, va + size) of RAM (kernel VA, MMU on): a new object's memory. The
 * zeroes are cacheable writes like memset's; with clean they are also cleaned to
 * PoC before it returns, as arch_cache_op(CACHE_CLEAN, va, size) would.
 */
void arch_zero(uintptr_t va, size_t size, bool clean);
/* Translation table entries were written: make them visible to the table walkers. */
void arch_pt_written(void);
/* Stage-2 TLB maintenance for one address space (its VMID), all CPUs (inner shareable). */
void arch_s2_flush_ipa(unsigned vmid, uint64_t ipa, uint64_t size);
void arch_s2_flush_vmid(unsigned vmid);

#endif
