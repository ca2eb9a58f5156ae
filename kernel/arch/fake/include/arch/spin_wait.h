/* The fake arch's wait for a spinlock's word to read 0: a plain load loop. */
#ifndef ARCH_SPIN_WAIT_H
#define ARCH_SPIN_WAIT_H

#include <stdint.h>

static inline void arch_spin_wait_zero(uint32_t *word)
{
	while (__atomic_load_n(word, __ATOMIC_RELAXED) != 0) {
	}
}

#endif
