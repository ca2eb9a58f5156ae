/*
 * The running CPU's logical index, inline: the kernel asks for it on every
 * entry (the lock, the scheduler, the per-CPU state), and a call per query
 * cost more than the read. TPIDR_EL2 holds it from head.S on and never
 * changes; kernel code never moves between CPUs, so the read may be shared
 * by the compiler (the asm is not volatile). Only at EL2.
 */
#ifndef ARCH_CPU_INDEX_H
#define ARCH_CPU_INDEX_H

static inline unsigned arch_cpu_index(void)
{
	unsigned long v;

	__asm__("mrs %0, tpidr_el2" : "=r"(v));
	return (unsigned)v;
}

#endif
