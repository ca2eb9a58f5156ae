/*
 * Data cache maintenance by set/way (DC CISW over every level up to LoC,
 * from CLIDR_EL1 and CCSIDR_EL1; Arm ARM D7.5.9.2), the way 32-bit Linux
 * and many boot loaders flush. A VMM traps these (HCR_EL2.TSW) because a
 * guest's set/way operations cannot reach the caches of other CPUs, and
 * emulates them by cleaning the guest's RAM by address. Checked here:
 *
 * - geometry: CLIDR/CCSIDR describe at least one data level, sanely;
 * - caches-off: the loop with the MMU off leaves uncached data intact;
 * - caches-on: the loop with caches on loses no dirty data (an
 *   invalidate-only emulation would);
 * - power-down: data written cached, C cleared (the buffer not cleaned by
 *   VA), then the set/way loop: it must push the data to memory, where the
 *   uncached reads find it. That is the sequence set/way is meant for.
 *
 * QEMU models no caches, so the data checks bite only on hardware or under
 * a VMM that drops data; the loops themselves run everywhere.
 */
#include <cleave/print.h>

#include "guest_mmu.h"

const char guest_name[] = "setway";

#define WORDS 2048
#define GOLDEN 0x9e3779b97f4a7c15ULL

static uint64_t buffer[WORDS] __attribute__((aligned(4096)));

static void fill(uint64_t seed)
{
	for (unsigned i = 0; i < WORDS; i++)
		buffer[i] = seed ^ (i * GOLDEN);
}

static bool verify(const char *name, uint64_t seed)
{
	for (unsigned i = 0; i < WORDS; i++) {
		if (buffer[i] != (seed ^ (i * GOLDEN))) {
			guest_fail(name, "word %u is %#llx, expected %#llx", i,
				   (unsigned long long)buffer[i],
				   (unsigned long long)(seed ^ (i * GOLDEN)));
			return false;
		}
	}
	return true;
}

static void check_geometry(void)
{
	char line[200];
	uint64_t clidr = read_sysreg(clidr_el1);
	unsigned loc = (unsigned)FIELD(clidr, 26, 24);
	unsigned l1type = (unsigned)FIELD(clidr, 2, 0);

	dcache_describe(line, sizeof(line));
	guest_printf("GUEST setway: CLIDR_EL1 %#llx: %s\n", (unsigned long long)clidr, line);
	guest_check(loc >= 1 && l1type >= 2 && l1type <= 4, "setway/geometry",
		    "CLIDR_EL1 %#llx: LoC %u, L1 type %u (no data cache to maintain)",
		    (unsigned long long)clidr, loc, l1type);
}

static void check_caches_off(void)
{
	uint64_t start = read_sysreg(cntvct_el0);

	fill(0x1111);
	dcache_setway_clean_inval_all();
	guest_printf("GUEST setway: one pass with caches off took %llu ticks\n",
		     (unsigned long long)(read_sysreg(cntvct_el0) - start));
	if (verify("setway/caches-off", 0x1111))
		guest_pass("setway/caches-off");
}

static void check_caches_on(void)
{
	uint64_t keep = (uint64_t)buffer;
	bool ok;

	mmu_set(SCTLR_M | SCTLR_C, keep, keep);
	fill(0x2222);
	dcache_setway_clean_inval_all();
	ok = verify("setway/caches-on", 0x2222);
	mmu_set(0, keep, keep);
	if (ok)
		guest_pass("setway/caches-on");
}

static void check_power_down(void)
{
	uint64_t keep = (uint64_t)buffer;
	bool ok;

	dcache_inval(keep, keep + sizeof(buffer));
	mmu_set(SCTLR_M | SCTLR_C, keep, keep);
	fill(0x3333);
	/* Everything but the buffer is cleaned by VA: only set/way may save its data. */
	mmu_set(SCTLR_M, keep, keep + sizeof(buffer));
	dcache_setway_clean_inval_all();
	ok = verify("setway/power-down", 0x3333);
	mmu_set(0, keep, keep);
	if (ok)
		guest_pass("setway/power-down");
}

void guest_main(void)
{
	const char *err = mmu_prepare();

	if (err != NULL) {
		guest_fail("setway/prepare", "%s", err);
		return;
	}
	check_geometry();
	check_caches_off();
	check_caches_on();
	check_power_down();
}
