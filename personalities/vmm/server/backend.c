/*
 * The real backend of the VMM's pure modules (vmm/backend.h): every call is a
 * kernel invocation on a capability the loader gave this VMM (slots from the
 * info page), or a write through the VMM's own mapping of the guest's RAM.
 *
 * In the audit build (vmm-audit, CLEAVE_AUDIT) every write into guest RAM is
 * also noted in the kernel's record (vmm/audit.h); the kernel records the rest
 * of what the VMM does for the guest (cache maintenance, trap and register
 * writes: the M/C/DC transitions cache_policy.c emulates) by itself. In the
 * normal build the hook is an empty inline function.
 */
#include <cleave/runtime.h>
#include <cleave/vcpu_abi.h>
#include <string.h>
#include <vmm/audit.h>
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
	uint64_t kop = ops[op];
	struct cl_result r;

	(void)g;
	/*
	 * The kernel's clean, invalidate and clean+invalidate reach the PoC, which
	 * is at or beyond the PoU (Arm ARM D4.4.7), so they serve either point. Its
	 * one operation that stops at the PoU is unify (DC CVAU, then IC IVAU):
	 * a clean to the PoU is done as that, which is what was asked plus an
	 * I-cache invalidation, and the audit's record shows it for what it is.
	 * No instruction invalidates to the PoU only (D4.4.8).
	 */
	if (point == VMM_POU && op == VMM_CACHE_CLEAN)
		kop = OP_UNIFY;
	else if (point == VMM_POU && op != VMM_CACHE_UNIFY_I)
		return -(int)CL_INVALID_ARG;
	r = cl_aspace_cache_range(the_vmm.info->slot_guest_aspace, kop, ipa, size);
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
	/*
	 * The audit build notes the write once the bytes are in (they may sit dirty
	 * in this CPU's cache: the VMM's mapping is Normal Write-Back). A note the
	 * kernel refused would leave the record silently incomplete: fail instead.
	 */
	return -vmm_audit_guest_write(the_vmm.info->slot_guest_aspace, ipa, len);
}

bool vmm_be_console_partial(struct vmm_guest *g, const char *text, size_t len)
{
	(void)g;
	/*
	 * The console server shows an unfinished line when asked (flush) and finishes it
	 * when its newline comes; the kernel's console has no such thing, so without the
	 * server the line waits for its end.
	 */
	if (!vmm_console_connected(&the_vmm))
		return false;
	vmm_console_write(&the_vmm, text, len);
	vmm_console_flush(&the_vmm);
	return true;
}

void vmm_be_console_line(struct vmm_guest *g, const char *line, size_t len)
{
	char buf[CL_VMM_NAME_MAX + VUART_LINE_MAX + 4];
	size_t n = strlen(g->name);

	if (len > VUART_LINE_MAX)
		len = VUART_LINE_MAX;
	if (vmm_console_connected(&the_vmm)) {
		/* The console server prefixes it: the line and its newline, 24 bytes a call. */
		memcpy(buf, line, len);
		buf[len] = '\n';
		vmm_console_write(&the_vmm, buf, len + 1);
		vmm_console_line_seen(&the_vmm, line, len);
		return;
	}

	/* One write per line, so that lines of different guests never interleave. */
	memcpy(buf, g->name, n);
	buf[n++] = ':';
	buf[n++] = ' ';
	memcpy(buf + n, line, len);
	n += len;
	buf[n++] = '\n';
	cl_write(buf, n);
	vmm_console_line_seen(&the_vmm, line, len);
}
