/*
 * The real backend of the VMM's pure modules (vmm/backend.h): every call is a
 * kernel invocation on a capability the loader gave this VMM (slots from the
 * info page), or a write through the VMM's own mapping of the guest's RAM.
 */
#include <cleave/runtime.h>
#include <cleave/vcpu_abi.h>
#include <string.h>
#include <vmm/backend.h>

#include "vmm.h"

/* Kernel cache operations (aspace cache_range, docs/abi.md): all but unify reach PoC. */
enum { OP_CLEAN = 0, OP_INVALIDATE = 1, OP_CLEAN_INVALIDATE = 2, OP_UNIFY = 3 };

int vmm_be_cache_range(struct vmm_guest *g, uint64_t ipa, uint64_t size, enum vmm_cache_op op,
		       enum vmm_cache_point point)
{
	static const uint64_t ops[] = {[VMM_CACHE_CLEAN] = OP_CLEAN,
				       [VMM_CACHE_INVALIDATE] = OP_INVALIDATE,
				       [VMM_CACHE_CLEAN_INVALIDATE] = OP_CLEAN_INVALIDATE,
				       [VMM_CACHE_UNIFY_I] = OP_UNIFY};
	struct cl_result r;

	/* The kernel's clean and invalidate go to PoC, which includes PoU. */
	(void)point;
	(void)g;
	r = cl_aspace_cache_range(the_vmm.info->slot_guest_aspace, ops[op], ipa, size);
	return r.err == CL_OK ? 0 : -(int)r.err;
}

int vmm_be_set_traps(struct vmm_guest *g, unsigned vcpu, uint64_t hcr_bits)
{
	struct cl_result r;

	(void)g;
	r = cl_vcpu_set_traps(the_vmm.info->slot_vcpu[vcpu], CL_HCR_GUEST_FORCED | hcr_bits);
	return r.err == CL_OK ? 0 : -(int)r.err;
}

static int vcpu_reg(enum vmm_sysreg reg)
{
	switch (reg) {
	case VMM_SCTLR_EL1:
		return CL_VCPU_SCTLR_EL1;
	case VMM_TTBR0_EL1:
		return CL_VCPU_TTBR0_EL1;
	case VMM_TTBR1_EL1:
		return CL_VCPU_TTBR1_EL1;
	case VMM_TCR_EL1:
		return CL_VCPU_TCR_EL1;
	case VMM_ESR_EL1:
		return CL_VCPU_ESR_EL1;
	case VMM_FAR_EL1:
		return CL_VCPU_FAR_EL1;
	case VMM_AFSR0_EL1:
		return CL_VCPU_AFSR0_EL1;
	case VMM_AFSR1_EL1:
		return CL_VCPU_AFSR1_EL1;
	case VMM_MAIR_EL1:
		return CL_VCPU_MAIR_EL1;
	case VMM_AMAIR_EL1:
		return CL_VCPU_AMAIR_EL1;
	case VMM_CONTEXTIDR_EL1:
		return CL_VCPU_CONTEXTIDR_EL1;
	default:
		return -1;
	}
}

int vmm_be_write_sysreg(struct vmm_guest *g, unsigned vcpu, enum vmm_sysreg reg, uint64_t value)
{
	int n = vcpu_reg(reg);
	struct cl_result r;

	(void)g;
	if (n < 0)
		return -(int)CL_INVALID_ARG;
	r = cl_vcpu_write_sysreg(the_vmm.info->slot_vcpu[vcpu], (uint64_t)n, value);
	return r.err == CL_OK ? 0 : -(int)r.err;
}

int vmm_be_write_guest(struct vmm_guest *g, uint64_t ipa, const void *src, size_t len)
{
	/* guest.c checked the range against guest RAM; check again, it is our memory. */
	if (!vmm_guest_ram_contains(g, ipa, len))
		return -(int)CL_INVALID_ARG;
	memcpy((uint8_t *)the_vmm.info->ram_vaddr + (ipa - g->ram_base), src, len);
	return 0;
}

void vmm_be_console_line(struct vmm_guest *g, const char *line, size_t len)
{
	char buf[CL_VMM_NAME_MAX + VUART_LINE_MAX + 4];
	size_t n = strlen(g->name);

	/* One write per line, so that lines of different guests never interleave. */
	memcpy(buf, g->name, n);
	buf[n++] = ':';
	buf[n++] = ' ';
	if (len > VUART_LINE_MAX)
		len = VUART_LINE_MAX;
	memcpy(buf + n, line, len);
	n += len;
	buf[n++] = '\n';
	cl_write(buf, n);
	vmm_console_line_seen(&the_vmm, line, len);
}
