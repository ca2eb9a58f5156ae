/*
 * Trapped system-register accesses of a guest: the TVM register file
 * (SCTLR, TTBR0/1, TCR, ESR, FAR, AFSR0/1, MAIR, AMAIR, CONTEXTIDR; HCR_EL2.TVM
 * and TRVM in Arm ARM D17.2.48) and the set/way instructions (HCR_EL2.TSW).
 */
#ifndef VMM_SYSREG_EMUL_H
#define VMM_SYSREG_EMUL_H

#include <vmm/exit_decode.h>
#include <vmm/guest.h>

enum sysreg_emul_result {
	SYSREG_EMUL_DONE,     /* emulated; on a read, *value holds the result for Rt */
	SYSREG_EMUL_NOT_MINE, /* another module's register (the GICv3 SGI registers) */
	SYSREG_EMUL_FAILED,   /* refused or a backend call failed: err says why */
};

/*
 * Reset one vCPU's register file (SCTLR_EL1 to its MMU-off, caches-off value,
 * written through, the others 0) and give it the policy's initial traps.
 */
int sysreg_emul_vcpu_reset(struct vmm_guest *g, unsigned vcpu);

/*
 * Emulate one decoded access. A write stores *value, writes it through to
 * the vCPU (so the guest keeps it once the trap is gone) and, for SCTLR_EL1,
 * runs the cache policy.
 */
enum sysreg_emul_result sysreg_emul_access(struct vmm_guest *g, unsigned vcpu,
					   const struct vmm_exit_sysreg *acc, uint64_t *value,
					   struct vmm_error *err);

#endif
