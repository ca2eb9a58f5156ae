/*
 * PSCI 1.0 over HVC (Arm DEN0022D) and SMCCC 1.1's architecture calls
 * (Arm DEN0028). Functions not listed answer NOT_SUPPORTED (DEN0022 5.2.2).
 */
#include <vmm/psci.h>

#define FID_SMC64 BIT(30)

static struct psci_result ret(int64_t v)
{
	struct psci_result r = {0};

	r.x0 = (uint64_t)v;
	r.write_x0 = true;
	return r;
}

/*
 * The vCPU an MPIDR argument names, or -1. Only the affinity fields may be
 * set (DEN0022 5.1.4) and the vCPUs have Aff3-Aff1 = 0, Aff0 = index, so
 * any bit above Aff0 names no vCPU. (SMC32 forms were cut to 32 bits.)
 */
static int vcpu_of(const struct psci_config *cfg, uint64_t mpidr)
{
	if (mpidr > 0xff || mpidr >= cfg->nr_vcpus)
		return -1;
	return (int)mpidr;
}

static bool is_supported(uint32_t fid)
{
	switch (fid) {
	case PSCI_VERSION:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON32:
	case PSCI_CPU_ON64:
	case PSCI_AFFINITY_INFO32:
	case PSCI_AFFINITY_INFO64:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
	case SMCCC_VERSION:
		return true;
	default:
		return false;
	}
}

static struct psci_result cpu_on(const struct psci_config *cfg, enum psci_vcpu_state *states,
				 const uint64_t *a)
{
	struct psci_result r;
	int target = vcpu_of(cfg, a[0]);

	if (target < 0)
		return ret(PSCI_INVALID_PARAMETERS);
	if (states[target] == PSCI_STATE_ON)
		return ret(PSCI_ALREADY_ON);
	if (states[target] == PSCI_STATE_ON_PENDING)
		return ret(PSCI_ON_PENDING);
	/* The entry point is an address in the guest's RAM holding A64 code. */
	if ((a[1] & 3) != 0 || a[1] < cfg->ram_base || a[1] - cfg->ram_base >= cfg->ram_size)
		return ret(PSCI_INVALID_ADDRESS);
	states[target] = PSCI_STATE_ON_PENDING;
	r = ret(PSCI_SUCCESS);
	r.action.kind = PSCI_ACT_CPU_ON;
	r.action.target = (unsigned)target;
	r.action.entry = a[1];
	r.action.context_id = a[2];
	return r;
}

static struct psci_result affinity_info(const struct psci_config *cfg,
					const enum psci_vcpu_state *states, const uint64_t *a)
{
	int target = vcpu_of(cfg, a[0]);

	/* Levels above 0 are optional in PSCI 1.0 and not offered here. */
	if (target < 0 || a[1] != 0)
		return ret(PSCI_INVALID_PARAMETERS);
	switch (states[target]) {
	case PSCI_STATE_ON:
		return ret(PSCI_AFF_ON);
	case PSCI_STATE_ON_PENDING:
		return ret(PSCI_AFF_ON_PENDING);
	default:
		return ret(PSCI_AFF_OFF);
	}
}

static struct psci_result act(enum psci_action_kind kind, unsigned target)
{
	struct psci_result r = {0};

	r.action.kind = kind;
	r.action.target = target;
	return r;
}

static struct psci_result dispatch(const struct psci_config *cfg, enum psci_vcpu_state *states,
				   unsigned caller, uint32_t fid, const uint64_t *a)
{
	switch (fid) {
	case PSCI_VERSION:
		return ret(PSCI_VERSION_1_0);
	case PSCI_FEATURES:
		/* 0 for a function offered (CPU_SUSPEND, whose flags differ, is not). */
		return ret(is_supported((uint32_t)a[0]) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED);
	case PSCI_CPU_ON32:
	case PSCI_CPU_ON64:
		return cpu_on(cfg, states, a);
	case PSCI_CPU_OFF:
		states[caller] = PSCI_STATE_OFF;
		return act(PSCI_ACT_CPU_OFF, caller);
	case PSCI_AFFINITY_INFO32:
	case PSCI_AFFINITY_INFO64:
		return affinity_info(cfg, states, a);
	case PSCI_MIGRATE_INFO_TYPE:
		return ret(PSCI_MIGRATE_NOT_REQUIRED);
	case PSCI_SYSTEM_OFF:
		return act(PSCI_ACT_SYSTEM_OFF, caller);
	case PSCI_SYSTEM_RESET:
		return act(PSCI_ACT_SYSTEM_RESET, caller);
	case SMCCC_VERSION:
		return ret(SMCCC_VERSION_1_1);
	case SMCCC_ARCH_FEATURES:
		/*
		 * No architectural workaround (WORKAROUND_1/2/3) is offered:
		 * the VMM cannot forward them to firmware, and saying so lets
		 * the guest report itself unmitigated rather than believe a lie.
		 */
		return ret(PSCI_NOT_SUPPORTED);
	default:
		return ret(PSCI_NOT_SUPPORTED);
	}
}

struct psci_result psci_call(const struct psci_config *cfg, enum psci_vcpu_state *states,
			     unsigned caller, bool smc, uint16_t imm, const uint64_t regs[4])
{
	struct psci_result r;
	/* SMCCC: the function ID is W0; SMC32/HVC32 arguments are W1-W3. */
	uint32_t fid = (uint32_t)regs[0];
	uint64_t a[3];

	for (unsigned i = 0; i < 3; i++)
		a[i] = (fid & FID_SMC64) ? regs[i + 1] : (uint32_t)regs[i + 1];
	if (caller >= cfg->nr_vcpus || imm != 0 || (smc && !cfg->smc_emulated))
		r = ret(PSCI_NOT_SUPPORTED);
	else
		r = dispatch(cfg, states, caller, fid, a);
	r.advance_pc = smc;
	return r;
}

void psci_cpu_running(enum psci_vcpu_state *states, unsigned vcpu)
{
	states[vcpu] = PSCI_STATE_ON;
}
