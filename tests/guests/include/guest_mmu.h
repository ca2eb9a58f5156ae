/*
 * Stage-1 identity map and cache control for the mmu and setway guests
 * (lib/mmu.c, lib/cache.S).
 */
#ifndef GUEST_MMU_H
#define GUEST_MMU_H

#include "guest.h"

#define SCTLR_M BIT(0)
#define SCTLR_C BIT(2)

struct guest_range {
	uint64_t start, end;
};

/* Build the identity map (guest RAM Normal write-back, the rest Device) and load
 * TTBR0/TCR/MAIR; NULL or why it cannot. The MMU stays off. */
const char *mmu_prepare(void);

/*
 * Set SCTLR_EL1.M and .C to `mc` (SCTLR_M | SCTLR_C bits) in one write,
 * after cleaning and invalidating the guest image (code, data, stacks,
 * tables) except [keep_start, keep_end): the test buffer, whose maintenance
 * is the test's own business. Returns what SCTLR_EL1 reads afterwards.
 */
uint64_t mmu_set(uint64_t mc, uint64_t keep_start, uint64_t keep_end);

/* Data cache maintenance by VA to the PoC over [start, end). */
void dcache_clean_inval(uint64_t start, uint64_t end);
void dcache_inval(uint64_t start, uint64_t end);

/* DC CISW over every set and way of every data or unified level up to LoC. */
void dcache_setway_clean_inval_all(void);
/* The cache levels as a line, for the log. */
void dcache_describe(char *buf, size_t size);

#endif
