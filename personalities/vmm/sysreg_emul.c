/*
 * The guest's TVM-trapped register file and set/way traps (sysreg_emul.h).
 * Under the `dc` policy Linux writes about half a dozen of these before its
 * MMU is on (seed 003); each is kept, written through, and SCTLR_EL1 drives
 * cache_policy.c.
 */
#include <string.h>

#include <vmm/backend.h>
#include <vmm/cache_policy.h>
#include <vmm/sysreg_emul.h>

int sysreg_emul_vcpu_reset(struct vmm_guest *g, unsigned vcpu)
{
	struct vmm_vcpu *v = &g->vcpu[vcpu];

	memset(v->tvm_regs, 0, sizeof(v->tvm_regs));
	v->tvm_regs[VMM_SCTLR_EL1] = VMM_SCTLR_RESET;
	if (vmm_be_write_sysreg(g, vcpu, VMM_SCTLR_EL1, VMM_SCTLR_RESET) != 0)
		return -1;
	return cache_policy_vcpu_init(g, vcpu);
}

static enum sysreg_emul_result failed(struct vmm_guest *g, unsigned vcpu,
				      const struct vmm_exit_sysreg *acc, const char *what,
				      struct vmm_error *err)
{
	vmm_fail(err, g->name, "vCPU %u: %s %s failed", vcpu, what, vmm_sysreg_name(acc->reg));
	return SYSREG_EMUL_FAILED;
}

static enum sysreg_emul_result tvm_access(struct vmm_guest *g, unsigned vcpu,
					  const struct vmm_exit_sysreg *acc, uint64_t *value,
					  struct vmm_error *err)
{
	struct vmm_vcpu *v = &g->vcpu[vcpu];
	uint64_t old = v->tvm_regs[acc->reg];

	if (acc->read) {
		*value = old;
		return SYSREG_EMUL_DONE;
	}
	v->tvm_regs[acc->reg] = *value;
	if (vmm_be_write_sysreg(g, vcpu, acc->reg, *value) != 0)
		return failed(g, vcpu, acc, "writing", err);
	if (acc->reg == VMM_SCTLR_EL1 && cache_policy_sctlr_write(g, vcpu, old, *value) != 0)
		return failed(g, vcpu, acc, "cache maintenance for", err);
	return SYSREG_EMUL_DONE;
}

enum sysreg_emul_result sysreg_emul_access(struct vmm_guest *g, unsigned vcpu,
					   const struct vmm_exit_sysreg *acc, uint64_t *value,
					   struct vmm_error *err)
{
	if (vcpu >= g->nr_vcpus) {
		vmm_fail(err, g->name, "system register access from vCPU %u of %u", vcpu,
			 g->nr_vcpus);
		return SYSREG_EMUL_FAILED;
	}
	if (acc->reg < VMM_TVM_COUNT)
		return tvm_access(g, vcpu, acc, value, err);
	switch (acc->reg) {
	case VMM_DC_ISW:
	case VMM_DC_CSW:
	case VMM_DC_CISW:
		/* DC xSW are writes only (SYS instructions); Rt holds set, way and level. */
		if (acc->read)
			break;
		if (cache_policy_set_way(g, vcpu) != 0)
			return failed(g, vcpu, acc, "emulating", err);
		return SYSREG_EMUL_DONE;
	case VMM_ICC_SGI1R_EL1:
	case VMM_ICC_ASGI1R_EL1:
	case VMM_ICC_SGI0R_EL1:
		return SYSREG_EMUL_NOT_MINE;
	default:
		break;
	}
	vmm_fail(err, g->name, "vCPU %u: cannot emulate %s S%u_%u_C%u_C%u_%u (x%u)", vcpu,
		 acc->read ? "MRS of" : "MSR to", acc->op0, acc->op1, acc->crn, acc->crm, acc->op2,
		 acc->rt);
	return SYSREG_EMUL_FAILED;
}
