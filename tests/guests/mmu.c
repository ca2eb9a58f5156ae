/*
 * SCTLR_EL1.M and .C switched in every order, on an identity map, with the
 * data a correct guest expects to survive each switch (Arm ARM D5.2.10:
 * with M or C clear, data accesses are Non-cacheable or Device):
 *
 * - on: the buffer is invalidated, then filled with the caches off; after
 *   every step towards M+C (M then C, which FreeBSD does and which broke
 *   Xen's first HCR_EL2.DC support; C then M; both in one write) it must
 *   read back as written. A VMM running the guest with HCR_EL2.DC set holds
 *   that data in the cache, and must clean it to the PoC when the guest's
 *   view turns uncached (M set, C clear) or cached.
 * - off: the buffer is filled with caches on, cleaned to the PoC by VA (what
 *   a guest must do), then M and C are cleared in every order; it must read
 *   back after every step.
 *
 * Every SCTLR_EL1 write must also read back exactly (a TVM-trapped write).
 * QEMU does not model caches: there the data checks pass whatever the
 * maintenance, so they bite only on hardware or under a VMM that gets it
 * wrong. Bootarg `mutate=mmu` leaves out the clean before turning off.
 */
#include <cleave/print.h>

#include "guest_mmu.h"

const char guest_name[] = "mmu";

#define WORDS 1024
#define GOLDEN 0x9e3779b97f4a7c15ULL

static uint64_t buffer[WORDS] __attribute__((aligned(4096)));

struct step {
	const char *name;
	uint64_t mc;
};

struct order {
	const char *name;
	struct step steps[2];
	unsigned n;
};

static const struct order on_orders[] = {
	{"M-then-C", {{"M", SCTLR_M}, {"M+C", SCTLR_M | SCTLR_C}}, 2},
	{"C-then-M", {{"C", SCTLR_C}, {"M+C", SCTLR_M | SCTLR_C}}, 2},
	{"MC-together", {{"M+C", SCTLR_M | SCTLR_C}}, 1},
};

static const struct order off_orders[] = {
	{"C-then-M", {{"M", SCTLR_M}, {"off", 0}}, 2},
	{"M-then-C", {{"C", SCTLR_C}, {"off", 0}}, 2},
	{"MC-together", {{"off", 0}}, 1},
};

static bool mutate;

static uint64_t word(uint64_t seed, unsigned i)
{
	return seed ^ (i * GOLDEN);
}

static void fill(uint64_t seed)
{
	for (unsigned i = 0; i < WORDS; i++)
		buffer[i] = word(seed, i);
}

/* NULL, or what differs (in a static buffer). */
static const char *verify(uint64_t seed)
{
	static char why[96];

	for (unsigned i = 0; i < WORDS; i++) {
		if (buffer[i] != word(seed, i)) {
			ksnprintf(why, sizeof(why), "word %u is %#llx, expected %#llx", i,
				  (unsigned long long)buffer[i], (unsigned long long)word(seed, i));
			return why;
		}
	}
	return NULL;
}

/*
 * With M set the identity map must really be in use: AT S1E1R (Arm ARM
 * C6.2.17) gives the buffer's own address and the Normal write-back
 * attribute from MAIR_EL1 (PAR_EL1, D17.2.102). A fault or a wrong address
 * means the walk did not use the guest's tables.
 */
static const char *translation_live(bool cached)
{
	static char why[96];
	uint64_t va = (uint64_t)buffer, par, attr;

	__asm__ volatile("at s1e1r, %0\n\tisb" ::"r"(va) : "memory");
	par = read_sysreg(par_el1);
	attr = FIELD(par, 63, 56);
	/* With C clear an implementation may report the Non-cacheable it applies (0x44). */
	if ((par & 1) || FIELD(par, 47, 12) != va >> 12 ||
	    (attr != 0xff && (cached || attr != 0x44))) {
		ksnprintf(why, sizeof(why), "AT S1E1R %#llx gave PAR_EL1 %#llx",
			  (unsigned long long)va, (unsigned long long)par);
		return why;
	}
	return NULL;
}

static bool switch_to(const char *name, const struct step *s, uint64_t seed)
{
	uint64_t keep = (uint64_t)buffer, want, got;
	const char *why;

	want = (read_sysreg(sctlr_el1) & ~(SCTLR_M | SCTLR_C)) | s->mc;
	got = mmu_set(s->mc, keep, keep + sizeof(buffer));
	if (got != want) {
		mmu_set(0, keep, keep);
		guest_fail(name, "SCTLR_EL1 written %#llx, read back %#llx",
			   (unsigned long long)want, (unsigned long long)got);
		return false;
	}
	why = s->mc & SCTLR_M ? translation_live(s->mc & SCTLR_C) : NULL;
	if (why == NULL)
		why = verify(seed);
	if (why != NULL) {
		mmu_set(0, keep, keep);
		guest_fail(name, "after switching to %s: %s", s->name, why);
		return false;
	}
	return true;
}

static bool run_order(const char *name, const struct order *o, uint64_t seed)
{
	for (unsigned i = 0; i < o->n; i++) {
		if (!switch_to(name, &o->steps[i], seed))
			return false;
	}
	return true;
}

static void run_case(const struct order *on, const struct order *off, uint64_t seed)
{
	char name[48];
	uint64_t keep = (uint64_t)buffer;

	ksnprintf(name, sizeof(name), "mmu/on-%s/off-%s", on->name, off->name);
	/* Stale lines of the buffer would hide what is written with the caches off. */
	dcache_inval(keep, keep + sizeof(buffer));
	fill(seed);
	if (!run_order(name, on, seed))
		return;
	fill(~seed);
	if (!mutate)
		dcache_clean_inval(keep, keep + sizeof(buffer));
	if (!run_order(name, off, ~seed))
		return;
	guest_pass(name);
}

void guest_main(void)
{
	const char *err = mmu_prepare();
	unsigned n = 0;

	mutate = guest_bootarg("mutate=mmu");
	if (mutate)
		guest_printf("GUEST mmu: mutate=mmu: no clean before the caches go off\n");
	if (err != NULL) {
		guest_fail("mmu/prepare", "%s", err);
		return;
	}
	if (read_sysreg(sctlr_el1) & (SCTLR_M | SCTLR_C)) {
		guest_fail("mmu/entry",
			   "entered with SCTLR_EL1 %#llx: the boot protocol wants M "
			   "and C off",
			   (unsigned long long)read_sysreg(sctlr_el1));
		return;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(on_orders); i++) {
		for (unsigned j = 0; j < ARRAY_SIZE(off_orders); j++)
			run_case(&on_orders[i], &off_orders[j], 0x1234567800000000ULL + n++);
	}
}
