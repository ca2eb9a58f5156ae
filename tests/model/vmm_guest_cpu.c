/*
 * The hardware running a guest's vCPU, in terms of the cache model
 * (vmm_model.h): accesses with the memory types the vCPU's SCTLR_EL1,
 * TCR_EL1 and HCR_EL2.DC imply (model/attr.h), and the instructions
 * HCR_EL2.TVM and TSW trap, which go to the VMM's real sysreg_emul.c as an
 * ESR_EL2 syndrome decoded by the real exit_decode.c, exactly when the trap
 * bits the policy chose say so.
 */
#include <vmm/exit_decode.h>
#include <vmm/sysreg_emul.h>

#include "vmm_model.h"

#define WB MODEL_NORMAL_WB

/* Encodings (op0, op1, CRn, CRm, op2) from the Arm ARM register descriptions (D17.2). */
static const struct {
	enum vmm_sysreg reg;
	unsigned op0, op1, crn, crm, op2;
} encodings[] = {
	{VMM_SCTLR_EL1, 3, 0, 1, 0, 0},	      {VMM_TTBR0_EL1, 3, 0, 2, 0, 0},
	{VMM_TTBR1_EL1, 3, 0, 2, 0, 1},	      {VMM_TCR_EL1, 3, 0, 2, 0, 2},
	{VMM_ESR_EL1, 3, 0, 5, 2, 0},	      {VMM_FAR_EL1, 3, 0, 6, 0, 0},
	{VMM_AFSR0_EL1, 3, 0, 5, 1, 0},	      {VMM_AFSR1_EL1, 3, 0, 5, 1, 1},
	{VMM_MAIR_EL1, 3, 0, 10, 2, 0},	      {VMM_AMAIR_EL1, 3, 0, 10, 3, 0},
	{VMM_CONTEXTIDR_EL1, 3, 0, 13, 0, 1}, {VMM_DC_CISW, 1, 0, 7, 14, 2},
};

/* ESR_EL2 of a trapped MSR or SYS (EC 0x18, IL = 1; ISS as in Arm ARM D17.2.37). */
static uint64_t esr_of(enum vmm_sysreg reg, unsigned rt)
{
	for (size_t i = 0; i < ARRAY_SIZE(encodings); i++) {
		if (encodings[i].reg != reg)
			continue;
		return (0x18ULL << 26) | (1ULL << 25) | ((uint64_t)encodings[i].op0 << 20) |
		       ((uint64_t)encodings[i].op2 << 17) | ((uint64_t)encodings[i].op1 << 14) |
		       ((uint64_t)encodings[i].crn << 10) | ((uint64_t)rt << 5) |
		       ((uint64_t)encodings[i].crm << 1);
	}
	return 0;
}

/* The trap: decode the syndrome as the exit loop does and hand it to the emulation. */
static int trap(struct vmm_guest *g, unsigned vcpu, enum vmm_sysreg reg, uint64_t value,
		struct vmm_error *err)
{
	struct vmm_exit x = vmm_exit_decode(esr_of(reg, 3));
	enum sysreg_emul_result res;

	if (x.kind != VMM_EXIT_SYSREG || x.sysreg.reg != reg)
		return vmm_model_fail("exit_decode did not see %s", vmm_sysreg_name(reg));
	/* The vCPU is stopped while its VMM handles the exit, and resumes after the reply. */
	vmm_model_pause(vcpu);
	res = sysreg_emul_access(g, vcpu, &x.sysreg, &value, err);
	vmm_model_resume(vcpu);
	if (res != SYSREG_EMUL_DONE)
		return -1;
	return vmm_model_errors() ? -1 : 0;
}

int vmm_model_guest_msr(struct vmm_guest *g, unsigned vcpu, enum vmm_sysreg reg, uint64_t value,
			struct vmm_error *err)
{
	struct vmm_model_vcpu *v = vmm_model_vcpu(vcpu);

	if (v == NULL || vcpu >= g->nr_vcpus || reg >= VMM_TVM_COUNT)
		return vmm_model_fail("MSR of register %d by vCPU %u", (int)reg, vcpu);
	/* HCR_EL2.TVM traps writes of the whole group (Arm ARM D17.2.48). */
	if (v->hcr & VMM_HCR_TVM)
		return trap(g, vcpu, reg, value, err);
	v->regs[reg] = value;
	vmm_model_sync(vcpu);
	return vmm_model_errors() ? -1 : 0;
}

/* Rt of DC CISW (Arm ARM D17.3, "DC CISW"): way in the top bits, set from bit L, level - 1. */
static uint64_t set_way_operand(unsigned level, unsigned set, unsigned way, unsigned ways,
				unsigned line_bytes)
{
	unsigned a = 0, l = 0;

	while ((1u << a) < ways)
		a++;
	while ((1u << l) < line_bytes)
		l++;
	return (a ? (uint64_t)way << (32 - a) : 0) | ((uint64_t)set << l) | ((level - 1) << 1);
}

int vmm_model_guest_set_way_loop(struct vmm_guest *g, unsigned vcpu, struct vmm_error *err)
{
	struct model *m = vmm_model_model();
	const struct model_config *c = model_config(m);
	struct vmm_model_vcpu *v = vmm_model_vcpu(vcpu);
	unsigned levels = c->l2_sets ? 2 : 1;

	for (unsigned level = 1; level <= levels; level++) {
		unsigned sets = level == 1 ? c->l1_sets : c->l2_sets;
		unsigned ways = level == 1 ? c->l1_ways : c->l2_ways;

		for (unsigned set = 0; set < sets; set++) {
			for (unsigned way = 0; way < ways; way++) {
				int rc;

				/* HCR_EL2.TSW traps DC ISW, CSW and CISW (D17.2.48). */
				if (v->hcr & VMM_HCR_TSW)
					rc = trap(g, vcpu, VMM_DC_CISW,
						  set_way_operand(level, set, way, ways,
								  c->line_bytes),
						  err);
				else
					rc = model_guest_dc_sw(m, v->cpu, MODEL_DC_CISW, level, set,
							       way) == 0
						     ? 0
						     : vmm_model_fail("model: %s", model_error(m));
				if (rc != 0)
					return -1;
			}
		}
	}
	return 0;
}

static int placed(unsigned vcpu, const struct vmm_model_vcpu **v)
{
	*v = vmm_model_vcpu(vcpu);
	if (*v == NULL || !(*v)->placed)
		return vmm_model_fail("vCPU %u runs nowhere", vcpu);
	return 0;
}

static int model_rc(int rc)
{
	return rc == 0 ? 0 : vmm_model_fail("model: %s", model_error(vmm_model_model()));
}

/* Guest RAM is Normal WB in the guest's stage-1 tables and in the kernel's stage 2. */
int vmm_model_guest_store(unsigned vcpu, uint64_t ipa, uint64_t value)
{
	const struct vmm_model_vcpu *v;
	uint64_t pa;

	if (placed(vcpu, &v) != 0 || !vmm_model_pa(ipa, &pa))
		return -1;
	return model_rc(model_guest_store(vmm_model_model(), v->cpu, pa, value, WB, WB));
}

int vmm_model_guest_load(unsigned vcpu, uint64_t ipa, struct model_read *out)
{
	const struct vmm_model_vcpu *v;
	uint64_t pa;

	if (placed(vcpu, &v) != 0 || !vmm_model_pa(ipa, &pa))
		return -1;
	return model_rc(model_guest_load(vmm_model_model(), v->cpu, pa, WB, WB, out));
}

int vmm_model_guest_ifetch(unsigned vcpu, uint64_t ipa, struct model_read *out)
{
	const struct vmm_model_vcpu *v;
	uint64_t pa;

	if (placed(vcpu, &v) != 0 || !vmm_model_pa(ipa, &pa))
		return -1;
	return model_rc(model_guest_ifetch(vmm_model_model(), v->cpu, pa, WB, WB, out));
}

int vmm_model_guest_walk(unsigned vcpu, uint64_t desc_ipa, struct model_read *out)
{
	const struct vmm_model_vcpu *v;
	uint64_t pa;

	if (placed(vcpu, &v) != 0 || !vmm_model_pa(desc_ipa, &pa))
		return -1;
	return model_rc(model_guest_walk(vmm_model_model(), v->cpu, pa,
					 vmm_model_tcr_walk(v->regs[VMM_TCR_EL1]), WB, out));
}

int vmm_model_guest_dc_range(unsigned vcpu, enum model_dc_op op, uint64_t ipa, uint64_t size)
{
	struct model *m = vmm_model_model();
	unsigned line = model_config(m)->line_bytes;
	const struct vmm_model_vcpu *v;

	if (placed(vcpu, &v) != 0)
		return -1;
	for (uint64_t a = ALIGN_DOWN(ipa, line); a < ipa + size; a += line) {
		uint64_t pa;

		if (!vmm_model_pa(a, &pa) || model_rc(model_guest_dc_va(m, v->cpu, op, pa)) != 0)
			return -1;
	}
	return 0;
}

int vmm_model_guest_tlbi(unsigned vcpu)
{
	const struct vmm_model_vcpu *v;
	struct model *m = vmm_model_model();

	if (placed(vcpu, &v) != 0)
		return -1;
	return model_rc(model_tlbi(m, v->cpu, MODEL_TLBI_ALLIS, model_config(m)->mem_base));
}
