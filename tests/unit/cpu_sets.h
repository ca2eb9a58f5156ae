/*
 * ID register sets of real cores, as their TRMs give them, for the CPU
 * check tests. GIC fields are for a GICv3 system (ID_AA64PFR0_EL1.GIC = 1).
 */
#ifndef TEST_CPU_SETS_H
#define TEST_CPU_SETS_H

#include <cleave/cpu_features.h>

/* Cortex-A53 r0p4: 40-bit PA, 8-bit VMID, 64-byte lines. */
static const struct cpu_id_regs cortex_a53 = {
	.midr = 0x410fd034,
	.mpidr = 0x80000000,
	.pfr0 = 0x01002222,
	.mmfr0 = 0x1122,
	.mmfr1 = 0x0,
	.ctr = 0x84448004,
	.gic_cpuif = true,
};

/* Cortex-A72 r0p3: 44-bit PA, 64-byte lines (the "big" half of an A53/A72 pair). */
static const struct cpu_id_regs cortex_a72 = {
	.midr = 0x410fd083,
	.mpidr = 0x80000100,
	.pfr0 = 0x01002222,
	.mmfr0 = 0x1124,
	.mmfr1 = 0x0,
	.ctr = 0x8444c004,
	.gic_cpuif = true,
};

/* Cortex-A57 r1p0 as QEMU models it. */
static const struct cpu_id_regs cortex_a57 = {
	.midr = 0x411fd070,
	.mpidr = 0x80000000,
	.pfr0 = 0x01002222,
	.mmfr0 = 0x1124,
	.mmfr1 = 0x0,
	.ctr = 0x8444c004,
	.gic_cpuif = true,
};

/*
 * Samsung Exynos M1: 128-byte I-cache lines beside the A53's 64 bytes on the
 * same chip (Exynos 8890), the big.LITTLE mismatch that broke JITs which
 * read CTR_EL0 once on one core.
 */
static const struct cpu_id_regs exynos_m1 = {
	.midr = 0x531f0010,
	.mpidr = 0x80000100,
	.pfr0 = 0x01002222,
	.mmfr0 = 0x1124,
	.mmfr1 = 0x0,
	.ctr = 0x84448005,
	.gic_cpuif = true,
};

/* A recent core: explicit TGran4_2 = 0b0010, 16-bit VMIDs, 48-bit PA. */
static const struct cpu_id_regs neoverse_n1 = {
	.midr = 0x414fd0c1,
	.mpidr = 0x81000000,
	.pfr0 = 0x1100000011112222,
	.mmfr0 = 0x20000101125,
	.mmfr1 = 0x10212122,
	.ctr = 0x84448004,
	.gic_cpuif = true,
};

#endif
