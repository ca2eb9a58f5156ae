/*
 * A ticket-free test-and-set spinlock on C11-style atomics. Taken only with
 * the MMU on: exclusive accesses need Normal cacheable memory to work on
 * real hardware (Arm ARM B2.9, exclusive monitors).
 */
#ifndef CLEAVE_SPINLOCK_H
#define CLEAVE_SPINLOCK_H

#include <arch/spin_wait.h>
#include <cleave/compiler.h>

struct spinlock {
	uint32_t locked;
};

#define SPINLOCK_INIT \
	{             \
		0     \
	}

static inline bool spin_trylock(struct spinlock *l)
{
	return __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) == 0;
}

/* Contended: out of line, so the common path is the one exchange it was before. */
static __attribute__((noinline, cold)) void spin_lock_wait(struct spinlock *l)
{
	do
		arch_spin_wait_zero(&l->locked); /* sleeps until the word may have changed */
	while (!spin_trylock(l));
}

static inline void spin_lock(struct spinlock *l)
{
	if (!spin_trylock(l))
		spin_lock_wait(l);
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif
