/*
 * Waiting for a spinlock's word to read 0, for spin_lock() between its
 * attempts: SPIN_LOADS plain loads first (most holds are short), then one
 * WFE. Before it, LDXR arms this CPU's exclusive monitor on the word; the
 * holder's release is a store to it, which clears the monitor, and that is
 * an event for this CPU (Arm ARM B2.9, the global monitor, and D1.6, Wait
 * For Event), so a release between the LDXR and the WFE is not missed. On
 * hardware the CPU sleeps through a long hold. Under QEMU a WFE gives the
 * host thread to the next virtual CPU, which matters with -icount, where
 * every CPU runs in turn in one thread: a plain spin there burned the
 * waiter's whole time slice each time the holder paused, and the holder
 * paused at every broadcast TLB invalidation (docs/bench.md). The loads come
 * first because each WFE is a trip through QEMU's main loop (and its global
 * lock) without -icount, where a WFE-only wait slowed exits by a third.
 */
#ifndef ARCH_SPIN_WAIT_H
#define ARCH_SPIN_WAIT_H

#include <stdint.h>

#define SPIN_LOADS 4096U

static inline void arch_spin_wait_zero(uint32_t *word)
{
	uint32_t v;

	for (;;) {
		for (unsigned i = 0; i < SPIN_LOADS; i++)
			if (__atomic_load_n(word, __ATOMIC_RELAXED) == 0)
				return;
		__asm__ volatile("ldxr %w0, [%1]\n\t"
				 "cbz %w0, 1f\n\t"
				 "wfe\n"
				 "1:"
				 : "=&r"(v)
				 : "r"(word)
				 : "memory");
		if (v == 0)
			return;
	}
}

#endif
