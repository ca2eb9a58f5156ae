/*
 * The per-CPU feature check (see cpu_features.h). Register fields are from
 * the Arm ARM (DDI 0487), section D17.2: ID_AA64PFR0_EL1, ID_AA64MMFR0_EL1,
 * ID_AA64MMFR1_EL1, CTR_EL0 and MIDR_EL1.
 */
#include <cleave/cpu_features.h>

/* ID_AA64MMFR0_EL1.PARange encodings to bits. */
static const unsigned pa_range_bits[] = {32, 36, 40, 42, 44, 48, 52};

static unsigned pa_bits(uint64_t mmfr0)
{
	uint64_t r = FIELD(mmfr0, 3, 0);

	return r < ARRAY_SIZE(pa_range_bits) ? pa_range_bits[r] : 0;
}

/* ID_AA64MMFR0_EL1.TGran4 [31:28]: 0b0000 supported, 0b0001 with 52-bit, 0b1111 not. */
static bool s1_4k(uint64_t mmfr0)
{
	uint64_t t = FIELD(mmfr0, 31, 28);

	return t == 0 || t == 1;
}

/*
 * ID_AA64MMFR0_EL1.TGran4_2 [43:40]: 0b0000 means "as TGran4" (Armv8.0 CPUs
 * report this), 0b0001 not supported at stage 2, 0b0010/0b0011 supported.
 */
static bool s2_4k(uint64_t mmfr0)
{
	uint64_t t = FIELD(mmfr0, 43, 40);

	if (t == 0)
		return s1_4k(mmfr0);
	return t == 2 || t == 3;
}

/* ID_AA64MMFR1_EL1.VMIDBits [7:4]: 0b0000 8 bits, 0b0010 16 bits. */
static unsigned vmid_bits(uint64_t mmfr1)
{
	switch (FIELD(mmfr1, 7, 4)) {
	case 0:
		return 8;
	case 2:
		return 16;
	default:
		return 0;
	}
}

enum cpu_check_result cpu_features_check(const struct cpu_id_regs *regs,
					 const struct cpu_requirements *req,
					 struct cpu_features *out)
{
	/* ID_AA64PFR0_EL1.EL2 [11:8] and .EL1 [7:4]: 0 absent, 1 AArch64, 2 both states. */
	if (FIELD(regs->pfr0, 11, 8) == 0)
		return CPU_NO_EL2_AARCH64;
	if (FIELD(regs->pfr0, 7, 4) == 0)
		return CPU_NO_EL1_AARCH64;
	if (!s1_4k(regs->mmfr0))
		return CPU_NO_S1_4K;
	if (!s2_4k(regs->mmfr0))
		return CPU_NO_S2_4K;
	out->pa_bits = pa_bits(regs->mmfr0);
	if (out->pa_bits < req->pa_bits_min)
		return CPU_PA_TOO_SMALL;
	out->vmid_bits = vmid_bits(regs->mmfr1);
	if (out->vmid_bits == 0)
		return CPU_VMID_UNKNOWN;
	/* ID_AA64PFR0_EL1.GIC [27:24]: nonzero when the GICv3 system registers exist. */
	if (req->gic_version == 3 && FIELD(regs->pfr0, 27, 24) == 0)
		return CPU_NO_GICV3_SYSREGS;
	if (!regs->gic_cpuif)
		return CPU_NO_GIC_CPUIF;
	out->midr = (uint32_t)regs->midr;
	/* CTR_EL0.DminLine [19:16] and IminLine [3:0]: log2 of the line in 4-byte words. */
	out->dline = 4U << FIELD(regs->ctr, 19, 16);
	out->iline = 4U << FIELD(regs->ctr, 3, 0);
	return CPU_OK;
}

const char *cpu_check_reason(enum cpu_check_result r)
{
	switch (r) {
	case CPU_OK:
		return "ok";
	case CPU_NO_EL2_AARCH64:
		return "missing EL2 in AArch64 (ID_AA64PFR0_EL1.EL2)";
	case CPU_NO_EL1_AARCH64:
		return "missing EL1 in AArch64 (ID_AA64PFR0_EL1.EL1)";
	case CPU_NO_S1_4K:
		return "missing 4 KiB translation granule (ID_AA64MMFR0_EL1.TGran4)";
	case CPU_NO_S2_4K:
		return "missing 4 KiB stage-2 granule (ID_AA64MMFR0_EL1.TGran4_2)";
	case CPU_PA_TOO_SMALL:
		return "PA range too small for the platform (ID_AA64MMFR0_EL1.PARange)";
	case CPU_VMID_UNKNOWN:
		return "unknown VMID width (ID_AA64MMFR1_EL1.VMIDBits)";
	case CPU_NO_GICV3_SYSREGS:
		return "missing GICv3 system register interface (ID_AA64PFR0_EL1.GIC)";
	case CPU_NO_GIC_CPUIF:
		return "missing GIC CPU interface (no answer from it)";
	}
	return "unknown check result";
}

struct part {
	uint32_t implementer_part; /* MIDR_EL1 [31:24] << 12 | [15:4] */
	const char *name;
};

static const struct part parts[] = {
	{0x41c07, "Cortex-A7"},	  {0x41c0f, "Cortex-A15"},  {0x41d03, "Cortex-A53"},
	{0x41d04, "Cortex-A35"},  {0x41d05, "Cortex-A55"},  {0x41d07, "Cortex-A57"},
	{0x41d08, "Cortex-A72"},  {0x41d09, "Cortex-A73"},  {0x41d0b, "Cortex-A76"},
	{0x41d0c, "Neoverse-N1"}, {0x41d40, "Neoverse-V1"}, {0x41d49, "Neoverse-N2"},
	{0x53001, "Exynos-M1"},
};

const char *cpu_part_name(uint32_t midr)
{
	uint32_t key = (uint32_t)(FIELD(midr, 31, 24) << 12 | FIELD(midr, 15, 4));

	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		if (parts[i].implementer_part == key)
			return parts[i].name;
	}
	return "unknown";
}

void cpu_system_init(struct cpu_system *sys)
{
	*sys = (struct cpu_system){0};
}

void cpu_system_add(struct cpu_system *sys, const struct cpu_features *f)
{
	if (sys->ncpus == 0) {
		sys->guest_midr = f->midr;
		sys->min_dline = f->dline;
		sys->min_iline = f->iline;
		sys->pa_bits = f->pa_bits;
		sys->vmid_bits = f->vmid_bits;
	} else {
		sys->midr_mixed |= f->midr != sys->guest_midr;
		sys->lines_mixed |= f->dline != sys->min_dline || f->iline != sys->min_iline;
		sys->min_dline = f->dline < sys->min_dline ? f->dline : sys->min_dline;
		sys->min_iline = f->iline < sys->min_iline ? f->iline : sys->min_iline;
		sys->pa_bits = f->pa_bits < sys->pa_bits ? f->pa_bits : sys->pa_bits;
		sys->vmid_bits = f->vmid_bits < sys->vmid_bits ? f->vmid_bits : sys->vmid_bits;
	}
	sys->ncpus++;
}
