/*
 * A guest has no debug and no Performance Monitors (docs/vmm.md, "CPU
 * features"). Their state is not switched: the PMU's counters and controls
 * are shared with native components (arch.c opens them to EL0 for the
 * benchmark), and the breakpoints, watchpoints, MDSCR_EL1 and the OS lock
 * are one set per CPU that no world switch saves. So while a guest runs
 * MDCR_EL2 traps them to EL2 (TPM, TPMCR, TDA, TDOSA, TDRA; Arm ARM D17.3,
 * the MDCR_EL2 description; VCPU_MDCR_GUEST_TRAPS), and a trapped access
 * reads as zero and ignores a write: a guest sees a PMU with no counters
 * enabled (PMCR_EL0.N reads 0) and no breakpoint it set stays set. The
 * kernel answers these itself, as it answers the ID registers
 * (vcpu_idreg.c): it is the one that knows what it does not switch, and a
 * message to the VMM would cost a round trip for each (Linux writes two
 * dozen at boot).
 *
 * The registers, by encoding (op0, op1, CRn, CRm, op2; the register
 * descriptions in Arm ARM D17.3 and the Performance Monitors chapter), and
 * the MDCR_EL2 bit that traps each:
 *
 * - Debug, op0 2, op1 0 (EL1) or 3 (EL0):
 *   TDA: DBGBVR<n>_EL1, DBGBCR<n>_EL1, DBGWVR<n>_EL1, DBGWCR<n>_EL1 (CRn 0,
 *   CRm n, op2 4, 5, 6, 7); MDCCINT_EL1 (0, 2, 0); OSDTRRX_EL1, MDSCR_EL1,
 *   OSDTRTX_EL1, OSECCR_EL1 (CRn 0, CRm 0, 2, 3, 6, op2 2); DBGCLAIMSET_EL1,
 *   DBGCLAIMCLR_EL1, DBGAUTHSTATUS_EL1 (CRn 7, CRm 8, 9, 14, op2 6); and
 *   the debug communications channel at op1 3: MDCCSR_EL0, DBGDTR_EL0,
 *   DBGDTRRX_EL0/DBGDTRTX_EL0 (CRn 0, CRm 1, 4, 5, op2 0). The channel is
 *   an external debugger's, and there is none: nothing ever arrives and
 *   what a guest sends is dropped (a guest console on it stays silent).
 *   TDOSA: OSLAR_EL1, OSLSR_EL1, OSDLR_EL1, DBGPRCR_EL1 (CRn 1, CRm 0, 1,
 *   3, 4, op2 4). OSLSR_EL1 reads OSLM 0b00, as if there were no OS
 *   lock to unlock.
 *   TDRA: MDRAR_EL1 (1, 0, 0): no memory-mapped debug components.
 * - PMU, op0 3 (TPM; PMCR_EL0 also TPMCR):
 *   op1 3, CRn 9: PMCR_EL0, PMCNTENSET_EL0, PMCNTENCLR_EL0, PMOVSCLR_EL0,
 *   PMSWINC_EL0, PMSELR_EL0, PMCEID0_EL0, PMCEID1_EL0 (CRm 12, op2 0..7);
 *   PMCCNTR_EL0, PMXEVTYPER_EL0, PMXEVCNTR_EL0 (CRm 13, op2 0..2);
 *   PMUSERENR_EL0, PMOVSSET_EL0 (CRm 14, op2 0 and 3).
 *   op1 3, CRn 14: PMEVCNTR<n>_EL0 (CRm 8..11) and PMEVTYPER<n>_EL0 (CRm
 *   12..15), n = CRm[1:0]:op2 up to 30; PMCCFILTR_EL0 in PMEVTYPER31's
 *   place (CRm 15, op2 7).
 *   op1 0, CRn 9, CRm 14: PMINTENSET_EL1, PMINTENCLR_EL1 (op2 1, 2) and
 *   PMMIR_EL1 (op2 6, FEAT_PMUv3p4).
 *
 * Everything else stays a vcpu_sysreg exit to the VMM, as before:
 * - the neighbours these bits do not trap: the generic timer at op1 3,
 *   CRn 14, CRm 0..3 (CNTHCTL_EL2 traps the EL1 physical one), statistical
 *   profiling and the trace buffer at op1 0, CRn 9, CRm 9..11 (MDCR_EL2.TPMS,
 *   E2PB, E2TB, which this kernel does not set), the trace unit at op0 2,
 *   op1 1 (CPTR_EL2.TTA) and TRFCR_EL1 (MDCR_EL2.TTRF), the ID registers
 *   (vcpu_idreg.c);
 * - registers of later PMU and debug versions not named above (PMZR_EL0,
 *   PMICNTR_EL0, PMUACR_EL1, MDSELR_EL1...): where a CPU has them they
 *   trap too, and the VMM answers them as any register it does not know,
 *   read as zero and reported, so they show up instead of being hidden
 *   silently under a guess.
 * - AArch32: a guest's EL1 is AArch64 (HCR_EL2.RW), so only its EL0 can
 *   reach the PMU (cp15, EC 0x3 and 0x4) or debug (cp14, EC 0x5, 0x6 and
 *   0xC) as AArch32. Those syndromes have another layout and a condition
 *   code; they stay vcpu_other exits for the VMM.
 *
 * Accesses from a guest's EL0 get the same answer as from its EL1. The
 * guest reads PMUSERENR_EL0 as zero (no EL0 access), but the CPU's register
 * is the native components' (arch.c), so the guest's EL0 accesses are not
 * trapped to its EL1 (Arm ARM, PMUSERENR_EL0) and reach EL2 through TPM:
 * they read zero and write nothing, where the guest would expect an
 * undefined instruction. Nothing leaks either way.
 *
 * An MRS of a write-only register (OSLAR_EL1, PMSWINC_EL0) or an MSR to a
 * read-only one (OSLSR_EL1, PMCEID0_EL0...) is an unallocated encoding,
 * undefined at EL1 before any trap to EL2 (Arm ARM D1, "Synchronous
 * exception prioritization"): it never arrives here.
 */
#include <arch/vcpu_mdcr.h>

/* n is in the set of 16 bits `set`. */
static bool in(unsigned n, unsigned set)
{
	return n < 16 && ((set >> n) & 1) != 0;
}

static bool debug_reg(unsigned op1, unsigned crn, unsigned crm, unsigned op2)
{
	if (op1 == 0 && crn == 0) {
		if (op2 >= 4)
			return true; /* DBGBVR/BCR/WVR/WCR<CRm>_EL1 */
		if (op2 == 0)
			return crm == 2; /* MDCCINT_EL1 */
		/* OSDTRRX_EL1, MDSCR_EL1, OSDTRTX_EL1, OSECCR_EL1 */
		return op2 == 2 && in(crm, BIT(0) | BIT(2) | BIT(3) | BIT(6));
	}
	if (op1 == 0 && crn == 1) {
		if (crm == 0 && op2 == 0)
			return true; /* MDRAR_EL1 */
		/* OSLAR_EL1, OSLSR_EL1, OSDLR_EL1, DBGPRCR_EL1 */
		return op2 == 4 && in(crm, BIT(0) | BIT(1) | BIT(3) | BIT(4));
	}
	if (op1 == 0 && crn == 7) /* DBGCLAIMSET_EL1, DBGCLAIMCLR_EL1, DBGAUTHSTATUS_EL1 */
		return op2 == 6 && in(crm, BIT(8) | BIT(9) | BIT(14));
	if (op1 == 3 && crn == 0) /* MDCCSR_EL0, DBGDTR_EL0, DBGDTRRX_EL0/DBGDTRTX_EL0 */
		return op2 == 0 && in(crm, BIT(1) | BIT(4) | BIT(5));
	return false;
}

static bool pmu_reg(unsigned op1, unsigned crn, unsigned crm, unsigned op2)
{
	if (op1 == 3 && crn == 9) {
		if (crm == 12)
			return true; /* PMCR_EL0 .. PMCEID1_EL0 */
		if (crm == 13)
			return op2 <= 2; /* PMCCNTR_EL0, PMXEVTYPER_EL0, PMXEVCNTR_EL0 */
		return crm == 14 && (op2 == 0 || op2 == 3); /* PMUSERENR_EL0, PMOVSSET_EL0 */
	}
	if (op1 == 3 && crn == 14) /* PMEVCNTR<n>, PMEVTYPER<n>, PMCCFILTR; no PMEVCNTR31 */
		return crm >= 8 && !(crm == 11 && op2 == 7);
	if (op1 == 0 && crn == 9 && crm == 14) /* PMINTENSET_EL1, PMINTENCLR_EL1, PMMIR_EL1 */
		return op2 == 1 || op2 == 2 || op2 == 6;
	return false;
}

bool vcpu_mdcr_hides(uint64_t key)
{
	/* CL_SYSREG: op0 [15:14], op1 [13:11], CRn [10:7], CRm [6:3], op2 [2:0]. */
	unsigned op0 = (unsigned)FIELD(key, 15, 14);
	unsigned op1 = (unsigned)FIELD(key, 13, 11);
	unsigned crn = (unsigned)FIELD(key, 10, 7);
	unsigned crm = (unsigned)FIELD(key, 6, 3);
	unsigned op2 = (unsigned)FIELD(key, 2, 0);

	if ((key >> 16) != 0)
		return false;
	if (op0 == 2)
		return debug_reg(op1, crn, crm, op2);
	return op0 == 3 && pmu_reg(op1, crn, crm, op2);
}
