/*
 * The big kernel lock. Object code runs with it held, on one CPU at a time:
 * from the entry of a trap from user level to the return, and around
 * interrupt work done while a CPU idles. It is recursive for the CPU that
 * holds it, so the interrupt path can take it whether or not the CPU
 * already does. (Finer locking can come once the object code is proven.)
 *
 * Inline: every kernel entry takes and drops it, and as calls they were a
 * visible share of the IPC round trip.
 */
#ifndef CLEAVE_KLOCK_H
#define CLEAVE_KLOCK_H

#include <cleave/arch.h>
#include <cleave/spinlock.h>

#define KLOCK_NO_OWNER 0xffffffffU

struct klock {
	struct spinlock lock;
	unsigned owner; /* the CPU holding it, or KLOCK_NO_OWNER */
	unsigned depth; /* how often that CPU took it */
};

/* Only through kernel_lock() and kernel_unlock() (klock.c defines it). */
extern struct klock kernel_klock;

static inline void kernel_lock(void)
{
	unsigned me = arch_cpu_index();

	if (__atomic_load_n(&kernel_klock.owner, __ATOMIC_RELAXED) == me) {
		kernel_klock.depth++;
		return;
	}
	spin_lock(&kernel_klock.lock);
	__atomic_store_n(&kernel_klock.owner, me, __ATOMIC_RELAXED);
	kernel_klock.depth = 1;
}

static inline void kernel_unlock(void)
{
	if (--kernel_klock.depth != 0)
		return;
	__atomic_store_n(&kernel_klock.owner, KLOCK_NO_OWNER, __ATOMIC_RELAXED);
	spin_unlock(&kernel_klock.lock);
}

#endif
