/* 2 MiB frames zeroed at their first touch (see lazy_zero.h): one bit per 2 MiB of RAM. */
#include <cleave/arch.h>
#include <cleave/audit.h>
#include <cleave/kobjects.h>
#include <cleave/lazy_zero.h>

#include <plat_config.h>

#define LAZY_BITS 21
#define LAZY_SPAN (64ULL << 30) /* RAM above PLAT_RAM_BASE this covers; beyond, eager */
#define LAZY_WORDS (LAZY_SPAN >> LAZY_BITS >> 6)

static uint64_t pending[LAZY_WORDS];

/* The bit of the 2 MiB block at pa, or false when pa lies outside the span. */
static bool bit_of(uintptr_t pa, uint64_t *word, uint64_t *mask)
{
	uint64_t n;

	if (pa < PLAT_RAM_BASE || pa - PLAT_RAM_BASE >= LAZY_SPAN)
		return false;
	n = (pa - PLAT_RAM_BASE) >> LAZY_BITS;
	*word = n >> 6;
	*mask = 1ULL << (n & 63);
	return true;
}

bool lazy_zero_defer(uintptr_t pa, unsigned size_bits)
{
	uint64_t w, m;

	if (size_bits != LAZY_BITS || !bit_of(pa, &w, &m))
		return false;
	pending[w] |= m;
	return true;
}

void lazy_zero_forget(uintptr_t pa, uint64_t size)
{
	uint64_t w, m;

	for (uintptr_t p = pa & ~((1ULL << LAZY_BITS) - 1); p < pa + size; p += 1ULL << LAZY_BITS)
		if (bit_of(p, &w, &m))
			pending[w] &= ~m;
}

bool lazy_zero_pending(uintptr_t pa)
{
	uint64_t w, m;

	return bit_of(pa, &w, &m) && (pending[w] & m) != 0;
}

void lazy_zero_now(uintptr_t pa)
{
	uint64_t w, m;

	pa &= ~((1ULL << LAZY_BITS) - 1);
	if (!bit_of(pa, &w, &m) || (pending[w] & m) == 0)
		return;
	/* What creation would have done (object.c): zero, and clean to PoC in one pass. */
	arch_zero(pa, 1ULL << LAZY_BITS, true);
	audit_zero(CL_OBJ_FRAME, pa, 1ULL << LAZY_BITS);
	audit_cache(CACHE_CLEAN, CL_AUDIT_SRC_KERNEL, 0, pa, 1ULL << LAZY_BITS, 0);
	pending[w] &= ~m;
}
