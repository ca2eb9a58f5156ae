/*
 * What the kernel needs of every CPU, decided from its ID registers alone.
 * The check is pure: arch code reads the registers on the CPU itself and
 * hands them here, so the host unit tests drive it with fake register sets
 * (including mixed big.LITTLE pairs). Field positions are from the Arm ARM
 * (DDI 0487), D17.2 "General system control registers".
 */
#ifndef CLEAVE_CPU_FEATURES_H
#define CLEAVE_CPU_FEATURES_H

#include <cleave/compiler.h>

struct cpu_id_regs {
	uint64_t midr;	/* MIDR_EL1 */
	uint64_t mpidr; /* MPIDR_EL1 */
	uint64_t pfr0;	/* ID_AA64PFR0_EL1 */
	uint64_t mmfr0; /* ID_AA64MMFR0_EL1 */
	uint64_t mmfr1; /* ID_AA64MMFR1_EL1 */
	uint64_t ctr;	/* CTR_EL0 */
	/* Probed by the GIC driver: the CPU interface answered (GICC_IIDR for
	 * GICv2, ICC_SRE_EL2.SRE stuck for GICv3). */
	bool gic_cpuif;
};

struct cpu_requirements {
	unsigned pa_bits_min; /* enough to reach all of the platform's memory and devices */
	unsigned gic_version;
};

enum cpu_check_result {
	CPU_OK = 0,
	CPU_NO_EL2_AARCH64,
	CPU_NO_EL1_AARCH64,
	CPU_NO_S1_4K,
	CPU_NO_S2_4K,
	CPU_PA_TOO_SMALL,
	CPU_VMID_UNKNOWN,
	CPU_NO_GICV3_SYSREGS,
	CPU_NO_GIC_CPUIF,
};

struct cpu_features {
	uint32_t midr;
	unsigned pa_bits;
	unsigned vmid_bits;
	unsigned dline; /* smallest D-cache line, bytes (CTR_EL0.DminLine) */
	unsigned iline; /* smallest I-cache line, bytes (CTR_EL0.IminLine) */
};

enum cpu_check_result cpu_features_check(const struct cpu_id_regs *regs,
					 const struct cpu_requirements *req,
					 struct cpu_features *out);
/* A phrase naming the missing feature, for the "cpuN: offline: ..." line. */
const char *cpu_check_reason(enum cpu_check_result r);
/* "Cortex-A53" and friends; "unknown" when the part is not in the table. */
const char *cpu_part_name(uint32_t midr);

/*
 * What all online CPUs have in common. Guests must see one identity and one
 * set of cache line sizes whichever physical CPU runs them (seed 001): the
 * VMM uses guest_midr for VPIDR_EL2 and the smallest line sizes for cache
 * maintenance strides.
 */
struct cpu_system {
	unsigned ncpus;
	uint32_t guest_midr; /* the boot CPU's MIDR */
	bool midr_mixed;
	bool lines_mixed;
	unsigned min_dline;
	unsigned min_iline;
	unsigned pa_bits;   /* smallest PA range */
	unsigned vmid_bits; /* smallest VMID width */
};

void cpu_system_init(struct cpu_system *sys);
void cpu_system_add(struct cpu_system *sys, const struct cpu_features *f);

#endif
