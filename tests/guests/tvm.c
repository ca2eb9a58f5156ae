/*
 * The registers HCR_EL2.TVM traps (Arm ARM D13.2.48: SCTLR_EL1, TTBR0_EL1,
 * TTBR1_EL1, TCR_EL1, MAIR_EL1, AMAIR_EL1, CONTEXTIDR_EL1, ESR_EL1, FAR_EL1,
 * AFSR0_EL1, AFSR1_EL1) must keep exactly what the guest wrote, whether the
 * write reached the register (bare hardware) or a VMM emulated it (Cleave's
 * `dc` policy). Each register gets patterns that are architecturally valid
 * values (so hardware keeps them too), then all are written with distinct
 * values at once and read back, which catches a write landing in the wrong
 * register. The MMU stays off: SCTLR_EL1.M and .C are the mmu guest's.
 *
 * Bootarg `mutate=tvm` compares each read with the written value plus one:
 * every exact check must then fail (the mutation check of docs/guests.md).
 */
#include <cleave/print.h>

#include "guest.h"

const char guest_name[] = "tvm";

#define MAX_PATTERNS 3

/* SCTLR_EL1 bits that are safe to flip with the MMU off (Arm ARM D17.2.118). */
#define SCTLR_SA0 BIT(4)
#define SCTLR_I BIT(12)
#define SCTLR_DZE BIT(14)
#define SCTLR_UCT BIT(15)
#define SCTLR_NTWI BIT(16)
#define SCTLR_NTWE BIT(18)
#define SCTLR_WXN BIT(19)
#define SCTLR_UCI BIT(26)

/* TCR_EL1 fields (D17.2.131), 4 KiB granules. */
#define TCR_T0SZ(n) ((uint64_t)(n))
#define TCR_EPD0 BIT(7)
#define TCR_IRGN0_WBWA (1ULL << 8)
#define TCR_ORGN0_WBWA (1ULL << 10)
#define TCR_SH0_INNER (3ULL << 12)
#define TCR_T1SZ(n) ((uint64_t)(n) << 16)
#define TCR_A1 BIT(22)
#define TCR_EPD1 BIT(23)
#define TCR_IRGN1_WBWA (1ULL << 24)
#define TCR_ORGN1_WBWA (1ULL << 26)
#define TCR_SH1_INNER (3ULL << 28)
#define TCR_TG1_4K (2ULL << 30)
#define TCR_IPS(n) ((uint64_t)(n) << 32)
#define TCR_TBI0 BIT(37)
#define TCR_TBI1 BIT(38)

struct reg {
	const char *name;
	uint64_t (*read)(void);
	void (*write)(uint64_t);
	/*
	 * Contents IMPLEMENTATION DEFINED (AMAIR, AFSRn): the register may be
	 * RAZ/WI, so a read may also give back what it held before the write.
	 */
	bool impdef;
	uint64_t patterns[MAX_PATTERNS];
};

#define ACCESSORS(r)                      \
	static uint64_t read_##r(void)    \
	{                                 \
		return read_sysreg(r);    \
	}                                 \
	static void write_##r(uint64_t v) \
	{                                 \
		write_sysreg(r, v);       \
		isb();                    \
	}

ACCESSORS(sctlr_el1)
ACCESSORS(ttbr0_el1)
ACCESSORS(ttbr1_el1)
ACCESSORS(tcr_el1)
ACCESSORS(mair_el1)
ACCESSORS(amair_el1)
ACCESSORS(contextidr_el1)
ACCESSORS(esr_el1)
ACCESSORS(far_el1)
ACCESSORS(afsr0_el1)
ACCESSORS(afsr1_el1)

#define REG(r, impdef) #r, read_##r, write_##r, impdef

static struct reg regs[] = {
	{REG(sctlr_el1, false), {0}}, /* patterns from the reset value: RES1 bits vary */
	{REG(ttbr0_el1, false), {0}}, /* patterns inside guest RAM */
	{REG(ttbr1_el1, false), {0}},
	{REG(tcr_el1, false), {0}},
	{REG(mair_el1, false), {0x000c080444ffbbeeULL, 0x44ff0400eebb0c08ULL, 0}},
	{REG(amair_el1, true), {0x0123456789abcdefULL, 0xffffffffffffffffULL, 0}},
	{REG(contextidr_el1, false), {0xcafef00dULL, 0x12345678ULL, 0}},
	{REG(esr_el1, false), {0x96000045ULL, 0x5a00a5a5ULL, 0}},
	{REG(far_el1, false), {0xffff0000deadbee8ULL, 0x0000123456789abcULL, 0}},
	{REG(afsr0_el1, true), {0x5555aaaaULL, 0xffffffffULL, 0}},
	{REG(afsr1_el1, true), {0xaaaa5555ULL, 0xffffffffULL, 0}},
};

static bool mutate;

static void make_patterns(void)
{
	uint64_t sctlr = read_sysreg(sctlr_el1);
	uint64_t ram = ALIGN_UP(guest_dt.ram_base, 0x10000ULL);
	/* TCR_EL1.AS (16-bit ASIDs) only where ID_AA64MMFR0_EL1.ASIDBits says 16. */
	uint64_t as = FIELD(read_sysreg(id_aa64mmfr0_el1), 7, 4) == 2 ? BIT(36) : 0;

	regs[0].patterns[0] = sctlr ^ (SCTLR_SA0 | SCTLR_DZE | SCTLR_UCT | SCTLR_UCI);
	regs[0].patterns[1] = sctlr ^ (SCTLR_I | SCTLR_NTWI | SCTLR_NTWE | SCTLR_WXN);
	regs[0].patterns[2] = sctlr;
	/* BADDR 64 KiB aligned in RAM; an 8-bit ASID in [55:48] (any ASID size keeps it). */
	regs[1].patterns[0] = 0x5aULL << 48 | (ram + 0x10000);
	regs[1].patterns[1] = 0xa5ULL << 48 | (ram + 0x230000);
	regs[2].patterns[0] = 0x3cULL << 48 | (ram + 0x40000);
	regs[2].patterns[1] = 0xc3ULL << 48 | (ram + 0x570000);
	regs[3].patterns[0] = TCR_T0SZ(25) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
			      TCR_T1SZ(25) | TCR_IRGN1_WBWA | TCR_ORGN1_WBWA | TCR_SH1_INNER |
			      TCR_TG1_4K | TCR_IPS(1) | as | TCR_TBI0;
	regs[3].patterns[1] = TCR_T0SZ(16) | TCR_EPD0 | TCR_A1 | TCR_EPD1 | TCR_TG1_4K |
			      TCR_IPS(2) | TCR_TBI1 | TCR_T1SZ(39);
	regs[3].patterns[2] = read_sysreg(tcr_el1);
}

static uint64_t expected(uint64_t written)
{
	return mutate ? written + 1 : written;
}

static bool matches(const struct reg *r, uint64_t written, uint64_t before, uint64_t got)
{
	return got == expected(written) || (r->impdef && got == before);
}

static void check_reg(struct reg *r)
{
	char name[40];
	uint64_t original = r->read();

	ksnprintf(name, sizeof(name), "tvm/%s", r->name);
	for (unsigned i = 0; i < MAX_PATTERNS; i++) {
		uint64_t before = r->read(), got;

		r->write(r->patterns[i]);
		got = r->read();
		if (!matches(r, r->patterns[i], before, got)) {
			r->write(original);
			guest_fail(name, "wrote %#llx, expected %#llx, read back %#llx",
				   (unsigned long long)r->patterns[i],
				   (unsigned long long)expected(r->patterns[i]),
				   (unsigned long long)got);
			return;
		}
		if (r->impdef && i == 0 && got != r->patterns[i])
			guest_printf("GUEST tvm: %s ignores writes here (RAZ/WI)\n", r->name);
	}
	r->write(original);
	guest_check(r->read() == original, name, "restoring %#llx read back %#llx",
		    (unsigned long long)original, (unsigned long long)r->read());
}

/* Every register written before any is read: a write that lands elsewhere shows. */
static void check_all_at_once(void)
{
	uint64_t original[ARRAY_SIZE(regs)], before[ARRAY_SIZE(regs)];
	unsigned bad = ARRAY_SIZE(regs);
	uint64_t got_bad = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++)
		original[i] = before[i] = regs[i].read();
	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++)
		regs[i].write(regs[i].patterns[i % 2]);
	for (unsigned i = 0; i < ARRAY_SIZE(regs) && bad == ARRAY_SIZE(regs); i++) {
		uint64_t got = regs[i].read();

		if (!matches(&regs[i], regs[i].patterns[i % 2], before[i], got)) {
			bad = i;
			got_bad = got;
		}
	}
	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++)
		regs[i].write(original[i]);
	if (bad == ARRAY_SIZE(regs))
		guest_pass("tvm/all-at-once");
	else
		guest_fail("tvm/all-at-once", "%s: wrote %#llx, expected %#llx, read back %#llx",
			   regs[bad].name, (unsigned long long)regs[bad].patterns[bad % 2],
			   (unsigned long long)expected(regs[bad].patterns[bad % 2]),
			   (unsigned long long)got_bad);
}

void guest_main(void)
{
	mutate = guest_bootarg("mutate=tvm");
	if (mutate)
		guest_printf("GUEST tvm: mutate=tvm: comparing with the wrong values\n");
	make_patterns();
	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++)
		check_reg(&regs[i]);
	check_all_at_once();
}
