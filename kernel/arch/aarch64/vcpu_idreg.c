/*
 * The CPU a guest sees: its ID registers with the features hidden whose
 * state the world switch does not carry (docs/vmm.md, "CPU features").
 *
 * A guest's use of such a feature is already trapped: SVE and SME by
 * CPTR_EL2.TZ and TSM (Arm ARM D17.2.30), the MTE registers by HCR_EL2.ATA
 * left clear (D17.2.48). That keeps isolation, but a guest
 * that believes the ID registers (Linux does) would then stop at its
 * first SVE instruction. So on a CPU with such features every guest runs
 * with HCR_EL2.TID3 and reads ID group 3 (D17.2.48, "TID3") through the
 * kernel, which clears the fields below. The answer costs no message: the
 * kernel knows what it switches, the VMM does not need to.
 *
 * Two registers of these features cannot be trapped from EL2 without
 * FEAT_FGT, so they are switched instead: TPIDR2_EL0 (SME; Arm ARM, the
 * register description of TPIDR2_EL0) and DISR_EL1, which a guest reaches
 * as VDISR_EL2 while HCR_EL2.AMO is set (RAS; the descriptions of DISR_EL1
 * and VDISR_EL2). The LORegion registers (LORSA_EL1 and the others) and the
 * RAS error records (ERRSELR_EL1, ERX*_EL1) would be shared state too:
 * HCR_EL2.TLOR and TERR trap them to the VMM, and LO reads as zero.
 *
 * Pointer authentication is switched, not hidden: its state is five 128-bit
 * keys, loaded only when a CPU changes guests (not on an exit to the VMM
 * and back), so on a CPU with it every guest runs with HCR_EL2.API and APK
 * set (D17.2.48: its PAC instructions and key registers do not trap) and
 * sees the ID fields as the CPU has them.
 */
#include <arch/vcpu_idreg.h>
#include <uapi/cleave/vcpu_abi.h>

#define IDREG(crm, op2) CL_SYSREG(3, 0, 0, crm, op2)
#define ID_AA64PFR0 IDREG(4, 0)
#define ID_AA64PFR1 IDREG(4, 1)
#define ID_AA64ZFR0 IDREG(4, 4)
#define ID_AA64SMFR0 IDREG(4, 5)
#define ID_AA64DFR0 IDREG(5, 0)
#define ID_AA64MMFR1 IDREG(7, 1)

/* A 4-bit field at bit `lo`. */
#define F4(lo) (0xfULL << (lo))

/*
 * The fields a guest reads as zero, per register (field positions from the
 * Arm ARM D17.2 register descriptions): features with state this kernel
 * does not switch.
 */
/* ID_AA64PFR0_EL1: SVE [35:32], MPAM [43:40], AMU [47:44]. */
#define PFR0_HIDDEN (F4(32) | F4(40) | F4(44))
/* ID_AA64PFR1_EL1: MTE [11:8], MPAM_frac [19:16], SME [27:24], NMI [39:36]. */
#define PFR1_HIDDEN (F4(8) | F4(16) | F4(24) | F4(36))
/*
 * Pointer authentication (switched): ID_AA64ISAR1_EL1 APA [7:4], API [11:8],
 * GPA [27:24], GPI [31:28]; ID_AA64ISAR2_EL1 GPA3 [11:8], APA3 [15:12] (QARMA3).
 */
#define ISAR1_PAUTH (F4(4) | F4(8) | F4(24) | F4(28))
#define ISAR2_PAUTH (F4(8) | F4(12))
/* ID_AA64MMFR1_EL1: LO [19:16] (LORegions). */
#define MMFR1_HIDDEN F4(16)
/* ID_AA64DFR0_EL1: PMSVer [35:32] (SPE), TraceFilt [43:40], TraceBuffer [47:44]. */
#define DFR0_HIDDEN (F4(32) | F4(40) | F4(44))

static uint64_t hidden(uint64_t key)
{
	switch (key) {
	case ID_AA64PFR0:
		return PFR0_HIDDEN;
	case ID_AA64PFR1:
		return PFR1_HIDDEN;
	case ID_AA64ZFR0:
	case ID_AA64SMFR0:
		return ~0ULL; /* the SVE and SME feature registers: no SVE, no SME */
	case ID_AA64MMFR1:
		return MMFR1_HIDDEN;
	case ID_AA64DFR0:
		return DFR0_HIDDEN;
	default:
		return 0;
	}
}

bool vcpu_idreg_is_group3(uint64_t key)
{
	/* op0 3, op1 0, CRn 0, CRm 1..7, any op2 (Arm ARM D17.2.48, "TID3"; D18.3). */
	return (key & ~0x3fULL) == CL_SYSREG(3, 0, 0, 0, 0) && FIELD(key, 6, 3) != 0;
}

uint64_t vcpu_idreg_value(uint64_t key, uint64_t raw)
{
	return raw & ~hidden(key);
}

struct vcpu_cpu_caps vcpu_idreg_caps(const struct vcpu_idregs *id)
{
	struct vcpu_cpu_caps caps = {0};
	bool hide = (id->pfr0 & PFR0_HIDDEN) != 0 || (id->pfr1 & PFR1_HIDDEN) != 0 ||
		    (id->mmfr1 & MMFR1_HIDDEN) != 0 || (id->dfr0 & DFR0_HIDDEN) != 0;

	/* Without anything to hide no ID register traps: a Cortex-A57 guest pays nothing. */
	if (hide)
		caps.hcr_forced |= CL_HCR_TID3;
	if ((id->mmfr1 & MMFR1_HIDDEN) != 0)
		caps.hcr_forced |= CL_HCR_TLOR;
	/* ID_AA64PFR0_EL1.RAS [31:28]: the error records and DISR_EL1. */
	if (FIELD(id->pfr0, 31, 28) != 0) {
		caps.hcr_forced |= CL_HCR_TERR;
		caps.vdisr = true;
	}
	/* ID_AA64PFR1_EL1.SME [27:24]: TPIDR2_EL0 exists. */
	caps.tpidr2 = FIELD(id->pfr1, 27, 24) != 0;
	/* Any pointer-authentication algorithm: the keys exist and are switched. */
	if ((id->isar1 & ISAR1_PAUTH) != 0 || (id->isar2 & ISAR2_PAUTH) != 0) {
		caps.hcr_forced |= CL_HCR_API | CL_HCR_APK;
		caps.pauth = true;
	}
	return caps;
}
