/*
 * PSCI 1.0 (Arm DEN0022) and the SMCCC architecture calls (Arm DEN0028) a
 * guest makes by HVC (or SMC, when configured). Pure: the call's registers
 * and the vCPU state table in, result registers and one action out.
 */
#ifndef VMM_PSCI_H
#define VMM_PSCI_H

#include <cleave/compiler.h>

/* Function IDs (DEN0022 5.1; DEN0028 7). 0xC4... are the SMC64 forms. */
#define PSCI_VERSION 0x84000000U
#define PSCI_CPU_SUSPEND32 0x84000001U
#define PSCI_CPU_OFF 0x84000002U
#define PSCI_CPU_ON32 0x84000003U
#define PSCI_CPU_ON64 0xc4000003U
#define PSCI_AFFINITY_INFO32 0x84000004U
#define PSCI_AFFINITY_INFO64 0xc4000004U
#define PSCI_MIGRATE32 0x84000005U
#define PSCI_MIGRATE_INFO_TYPE 0x84000006U
#define PSCI_SYSTEM_OFF 0x84000008U
#define PSCI_SYSTEM_RESET 0x84000009U
#define PSCI_FEATURES 0x8400000aU
#define SMCCC_VERSION 0x80000000U
#define SMCCC_ARCH_FEATURES 0x80000001U
#define SMCCC_ARCH_WORKAROUND_1 0x80008000U

/* Return codes (DEN0022 5.2.2). */
#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED (-3)
#define PSCI_ALREADY_ON (-4)
#define PSCI_ON_PENDING (-5)
#define PSCI_INVALID_ADDRESS (-9)

/* AFFINITY_INFO results. */
#define PSCI_AFF_ON 0
#define PSCI_AFF_OFF 1
#define PSCI_AFF_ON_PENDING 2

/* What this PSCI reports: version 1.0, SMCCC 1.1, no migration needed (2). */
#define PSCI_VERSION_1_0 0x00010000U
#define SMCCC_VERSION_1_1 0x00010001U
#define PSCI_MIGRATE_NOT_REQUIRED 2

enum psci_vcpu_state {
	PSCI_STATE_OFF,
	PSCI_STATE_ON,
	PSCI_STATE_ON_PENDING, /* CPU_ON accepted, the vCPU has not run yet */
};

struct psci_config {
	unsigned nr_vcpus; /* vCPU i has MPIDR affinity Aff0 = i, the rest 0 */
	uint64_t ram_base; /* CPU_ON entry points must lie in guest RAM */
	uint64_t ram_size;
	bool smc_emulated; /* false: SMC answers NOT_SUPPORTED whatever the function */
};

enum psci_action_kind {
	PSCI_ACT_NONE,
	PSCI_ACT_CPU_ON,       /* start target at entry with x0 = context_id, MMU and caches off */
	PSCI_ACT_CPU_OFF,      /* stop the calling vCPU; the call does not return */
	PSCI_ACT_SYSTEM_OFF,   /* stop the guest */
	PSCI_ACT_SYSTEM_RESET, /* reset the guest */
};

struct psci_action {
	enum psci_action_kind kind;
	unsigned target;
	uint64_t entry;
	uint64_t context_id;
};

struct psci_result {
	uint64_t x0; /* the result; not written back for CPU_OFF, SYSTEM_OFF/RESET */
	bool write_x0;
	bool advance_pc; /* SMC traps leave ELR at the SMC (HCR_EL2.TSC); HVC does not */
	struct psci_action action;
};

/*
 * One call from vCPU caller: regs are x0-x3 at the trap, smc says which
 * conduit, imm is the HVC/SMC immediate (SMCCC calls use 0). CPU_ON marks
 * its target ON_PENDING, CPU_OFF marks the caller OFF, in states[].
 */
struct psci_result psci_call(const struct psci_config *cfg, enum psci_vcpu_state *states,
			     unsigned caller, bool smc, uint16_t imm, const uint64_t regs[4]);

/* The VMM started a vCPU it was asked to (ON_PENDING -> ON). */
void psci_cpu_running(enum psci_vcpu_state *states, unsigned vcpu);

#endif
