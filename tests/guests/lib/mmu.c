/*
 * The identity map the cache tests run on: 4 KiB granule, 48-bit VA
 * starting at level 0 (Arm ARM D8.2). Guest RAM is Normal write-back
 * (2 MiB blocks), every other GiB of the first 512 GiB Device-nGnRnE
 * (1 GiB blocks), so the UART and GIC stay reachable with the MMU on.
 */
#include <cleave/print.h>

#include "guest_mmu.h"

#define PAGE 4096ULL
#define GIB (1ULL << 30)
#define MIB2 (2ULL << 20)
#define ENTRIES 512
#define RAM_TABLES 4 /* level-2 tables: guest RAM up to 4 GiB mapped */

/* Descriptor bits (D8.3). */
#define DESC_BLOCK 1ULL
#define DESC_TABLE 3ULL
#define DESC_ATTR(i) ((uint64_t)(i) << 2)
#define DESC_SH_INNER (3ULL << 8)
#define DESC_AF BIT(10)
#define DESC_PXN BIT(53)
#define DESC_UXN BIT(54)

/* MAIR_EL1: attribute 0 Device-nGnRnE, 1 Normal write-back read/write-allocate. */
#define ATTR_DEVICE 0
#define ATTR_NORMAL 1
#define MAIR_VALUE 0xff00ULL

/* TCR_EL1: T0SZ 16, walks write-back inner shareable, 4 KiB, no TTBR1 walks. */
#define TCR_BASE (16ULL | 1ULL << 8 | 1ULL << 10 | 3ULL << 12 | 1ULL << 23)
#define TCR_IPS_SHIFT 32

static uint64_t l0[ENTRIES] __attribute__((aligned(PAGE)));
static uint64_t l1[ENTRIES] __attribute__((aligned(PAGE)));
static uint64_t l2[RAM_TABLES][ENTRIES] __attribute__((aligned(PAGE)));

extern char _head[], __bss_end[];
void guest_sctlr_write(uint64_t sctlr, const struct guest_range *ranges, unsigned n);

static void map_ram_gib(uint64_t gib, uint64_t *table)
{
	uint64_t ram_end = guest_dt.ram_base + guest_dt.ram_size;

	for (unsigned i = 0; i < ENTRIES; i++) {
		uint64_t pa = gib * GIB + i * MIB2;

		table[i] = 0;
		if (pa >= ALIGN_DOWN(guest_dt.ram_base, MIB2) && pa < ram_end)
			table[i] =
				pa | DESC_BLOCK | DESC_ATTR(ATTR_NORMAL) | DESC_SH_INNER | DESC_AF;
	}
	l1[gib] = (uint64_t)table | DESC_TABLE;
}

const char *mmu_prepare(void)
{
	uint64_t first = guest_dt.ram_base / GIB;
	uint64_t last = (guest_dt.ram_base + guest_dt.ram_size - 1) / GIB;
	uint64_t parange = FIELD(read_sysreg(id_aa64mmfr0_el1), 3, 0);

	if (last >= ENTRIES)
		return "guest RAM above 512 GiB";
	for (uint64_t gib = 0; gib < ENTRIES; gib++)
		l1[gib] = gib * GIB | DESC_BLOCK | DESC_ATTR(ATTR_DEVICE) | DESC_AF | DESC_PXN |
			  DESC_UXN;
	for (uint64_t gib = first; gib <= last && gib - first < RAM_TABLES; gib++)
		map_ram_gib(gib, l2[gib - first]);
	l0[0] = (uint64_t)l1 | DESC_TABLE;
	write_sysreg(mair_el1, MAIR_VALUE);
	/* IPS: the implemented PA size, at most 48 bits (0b101) for 4 KiB pages. */
	write_sysreg(tcr_el1, TCR_BASE | (parange > 5 ? 5 : parange) << TCR_IPS_SHIFT);
	write_sysreg(ttbr0_el1, (uint64_t)l0);
	isb();
	__asm__ volatile("tlbi vmalle1\n\tdsb nsh\n\tisb" ::: "memory");
	return NULL;
}

uint64_t mmu_set(uint64_t mc, uint64_t keep_start, uint64_t keep_end)
{
	struct guest_range ranges[2] = {
		{(uint64_t)_head, keep_start},
		{keep_end, (uint64_t)__bss_end},
	};
	uint64_t sctlr = (read_sysreg(sctlr_el1) & ~(SCTLR_M | SCTLR_C)) | mc;

	if (keep_start == keep_end)
		ranges[0].end = (uint64_t)__bss_end;
	guest_sctlr_write(sctlr, ranges, keep_start == keep_end ? 1 : 2);
	return read_sysreg(sctlr_el1);
}

static uint64_t dline(void)
{
	return 4ULL << FIELD(read_sysreg(ctr_el0), 19, 16);
}

void dcache_clean_inval(uint64_t start, uint64_t end)
{
	for (uint64_t a = ALIGN_DOWN(start, dline()); a < end; a += dline())
		__asm__ volatile("dc civac, %0" ::"r"(a) : "memory");
	dsb(sy);
}

void dcache_inval(uint64_t start, uint64_t end)
{
	for (uint64_t a = ALIGN_DOWN(start, dline()); a < end; a += dline())
		__asm__ volatile("dc ivac, %0" ::"r"(a) : "memory");
	dsb(sy);
}

struct level_geometry {
	unsigned line_log2, ways, sets;
};

/* CCSIDR_EL1 of the data cache at `level` (0-based), in either format (FEAT_CCIDX). */
static struct level_geometry geometry(unsigned level)
{
	bool ccidx = FIELD(read_sysreg(id_aa64mmfr2_el1), 23, 20) != 0;
	struct level_geometry g;
	uint64_t ccsidr;

	write_sysreg(csselr_el1, level << 1);
	isb();
	ccsidr = read_sysreg(ccsidr_el1);
	g.line_log2 = (unsigned)FIELD(ccsidr, 2, 0) + 4;
	if (ccidx) {
		g.ways = (unsigned)FIELD(ccsidr, 23, 3) + 1;
		g.sets = (unsigned)FIELD(ccsidr, 55, 32) + 1;
	} else {
		g.ways = (unsigned)FIELD(ccsidr, 12, 3) + 1;
		g.sets = (unsigned)FIELD(ccsidr, 27, 13) + 1;
	}
	return g;
}

/* CLIDR_EL1: Ctype<n> (3 bits per level), LoC in [26:24]; types 2-4 hold data. */
static bool has_data_cache(uint64_t clidr, unsigned level)
{
	return FIELD(clidr, 3 * level + 2, 3 * level) >= 2;
}

void dcache_setway_clean_inval_all(void)
{
	uint64_t clidr = read_sysreg(clidr_el1);
	unsigned loc = (unsigned)FIELD(clidr, 26, 24);

	for (unsigned level = 0; level < loc; level++) {
		struct level_geometry g;
		unsigned way_shift;

		if (!has_data_cache(clidr, level))
			continue;
		g = geometry(level);
		/* DC CISW operand (D7.5.9): way in the top bits, set above the line offset. */
		way_shift = g.ways > 1 ? (unsigned)__builtin_clz(g.ways - 1) : 0;
		for (unsigned way = 0; way < g.ways; way++) {
			for (unsigned set = 0; set < g.sets; set++) {
				uint64_t op = (uint64_t)way << way_shift |
					      (uint64_t)set << g.line_log2 | level << 1;

				__asm__ volatile("dc cisw, %0" ::"r"(op) : "memory");
			}
		}
	}
	dsb(sy);
	isb();
}

void dcache_describe(char *buf, size_t size)
{
	uint64_t clidr = read_sysreg(clidr_el1);
	unsigned loc = (unsigned)FIELD(clidr, 26, 24);
	size_t at = ksnprintf(buf, size, "LoC %u", loc);

	for (unsigned level = 0; level < loc && at < size; level++) {
		struct level_geometry g;

		if (!has_data_cache(clidr, level))
			continue;
		g = geometry(level);
		at += ksnprintf(buf + at, size - at, ", L%u %u sets x %u ways x %u bytes",
				level + 1, g.sets, g.ways, 1U << g.line_log2);
	}
}
