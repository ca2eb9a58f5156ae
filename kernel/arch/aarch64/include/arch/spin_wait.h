/*
 * Waiting for a spinlock's word to read 0, for spin_lock() between its
 * attempts. LDXR arms this CPU's exclusive monitor on the word; the holder's
 * release is a store to it, which clears the monitor, and that is an event
 * for this CPU (Arm ARM B2.9, the global monitor, and D1.6, Wait For Event):
 * the CPU sleeps in WFE until then instead of spinning. SEVL
 * makes the first WFE return at once. Under QEMU a WFE also gives the host
 * thread to the next virtual CPU, which matters with -icount, where every
 * CPU runs in turn in one thread: a plain spin there burned the waiter's
 * whole time slice each time the holder paused, and the holder paused at
 * every broadcast TLB invalidation (docs/bench.md).
 */
#ifndef ARCH_SPIN_WAIT_H
#define ARCH_SPIN_WAIT_H

#include <stdint.h>

static inline void arch_spin_wait_zero(uint32_t *word)
{
	uint32_t v;

	__asm__ volatile("sevl\n"
			 "1:\twfe\n\t"
			 "ldxr %w0, [%1]\n\t"
			 "cbnz %w0, 1b"
			 : "=&r"(v)
			 : "r"(word)
			 : "memory");
}

#endif
