/*
 * The debug and PMU registers the kernel answers for a guest
 * (arch/aarch64/vcpu_mdcr.c): every AArch64 register MDCR_EL2's TPM, TPMCR,
 * TDA, TDOSA and TDRA trap, by its encoding in the Arm ARM, and none of
 * their neighbours, which stay the VMM's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arch/vcpu_decode.h>
#include <arch/vcpu_mdcr.h>
#include <uapi/cleave/vcpu_abi.h>

struct reg {
	const char *name;
	uint64_t key;
};

#define R(name, op0, op1, crn, crm, op2)                 \
	{                                                \
		name, CL_SYSREG(op0, op1, crn, crm, op2) \
	}

/* Answered by the kernel: read as zero, writes ignored. */
static const struct reg hidden[] = {
	/* TDA */
	R("DBGBVR0_EL1", 2, 0, 0, 0, 4),
	R("DBGBCR0_EL1", 2, 0, 0, 0, 5),
	R("DBGWVR0_EL1", 2, 0, 0, 0, 6),
	R("DBGWCR0_EL1", 2, 0, 0, 0, 7),
	R("DBGBVR5_EL1", 2, 0, 0, 5, 4),
	R("DBGWCR15_EL1", 2, 0, 0, 15, 7),
	R("OSDTRRX_EL1", 2, 0, 0, 0, 2),
	R("MDCCINT_EL1", 2, 0, 0, 2, 0),
	R("MDSCR_EL1", 2, 0, 0, 2, 2),
	R("OSDTRTX_EL1", 2, 0, 0, 3, 2),
	R("OSECCR_EL1", 2, 0, 0, 6, 2),
	R("DBGCLAIMSET_EL1", 2, 0, 7, 8, 6),
	R("DBGCLAIMCLR_EL1", 2, 0, 7, 9, 6),
	R("DBGAUTHSTATUS_EL1", 2, 0, 7, 14, 6),
	R("MDCCSR_EL0", 2, 3, 0, 1, 0),
	R("DBGDTR_EL0", 2, 3, 0, 4, 0),
	R("DBGDTRRX_EL0", 2, 3, 0, 5, 0),
	/* TDOSA */
	R("OSLAR_EL1", 2, 0, 1, 0, 4),
	R("OSLSR_EL1", 2, 0, 1, 1, 4),
	R("OSDLR_EL1", 2, 0, 1, 3, 4),
	R("DBGPRCR_EL1", 2, 0, 1, 4, 4),
	/* TDRA */
	R("MDRAR_EL1", 2, 0, 1, 0, 0),
	/* TPM (and TPMCR for PMCR_EL0) */
	R("PMCR_EL0", 3, 3, 9, 12, 0),
	R("PMCNTENSET_EL0", 3, 3, 9, 12, 1),
	R("PMCNTENCLR_EL0", 3, 3, 9, 12, 2),
	R("PMOVSCLR_EL0", 3, 3, 9, 12, 3),
	R("PMSWINC_EL0", 3, 3, 9, 12, 4),
	R("PMSELR_EL0", 3, 3, 9, 12, 5),
	R("PMCEID0_EL0", 3, 3, 9, 12, 6),
	R("PMCEID1_EL0", 3, 3, 9, 12, 7),
	R("PMCCNTR_EL0", 3, 3, 9, 13, 0),
	R("PMXEVTYPER_EL0", 3, 3, 9, 13, 1),
	R("PMXEVCNTR_EL0", 3, 3, 9, 13, 2),
	R("PMUSERENR_EL0", 3, 3, 9, 14, 0),
	R("PMOVSSET_EL0", 3, 3, 9, 14, 3),
	R("PMINTENSET_EL1", 3, 0, 9, 14, 1),
	R("PMINTENCLR_EL1", 3, 0, 9, 14, 2),
	R("PMMIR_EL1", 3, 0, 9, 14, 6),
	R("PMEVCNTR0_EL0", 3, 3, 14, 8, 0),
	R("PMEVCNTR30_EL0", 3, 3, 14, 11, 6),
	R("PMEVTYPER0_EL0", 3, 3, 14, 12, 0),
	R("PMEVTYPER30_EL0", 3, 3, 14, 15, 6),
	R("PMCCFILTR_EL0", 3, 3, 14, 15, 7),
};

/* The VMM's: neighbours of the set above, and what other trap bits catch. */
static const struct reg forwarded[] = {
	/* Debug space, not TDA/TDOSA/TDRA registers. */
	R("unallocated S2_0_C0_C1_2", 2, 0, 0, 1, 2),
	R("unallocated S2_0_C0_C2_1", 2, 0, 0, 2, 1),
	R("MDSELR_EL1 (Debugv8p9)", 2, 0, 0, 4, 2),
	R("unallocated S2_0_C1_C2_4", 2, 0, 1, 2, 4),
	R("unallocated S2_0_C1_C0_1", 2, 0, 1, 0, 1),
	R("unallocated S2_0_C7_C10_6", 2, 0, 7, 10, 6),
	R("unallocated S2_3_C0_C2_0", 2, 3, 0, 2, 0),
	R("TRCPRGCTLR_EL1 (trace unit, CPTR_EL2.TTA)", 2, 1, 0, 1, 0),
	R("BRBCR_EL1 (BRBE)", 2, 1, 9, 0, 0),
	R("SPMCR_EL0 (System PMU)", 2, 3, 9, 12, 0),
	R("DBGVCR32_EL2", 2, 4, 0, 7, 0),
	/* PMU space, not TPM registers. */
	R("PMZR_EL0 (PMUv3p9)", 3, 3, 9, 13, 4),
	R("PMICNTR_EL0 (PMUv3_ICNTR)", 3, 3, 9, 4, 0),
	R("unallocated S3_3_C9_C14_1", 3, 3, 9, 14, 1),
	R("PMEVCNTR31 does not exist", 3, 3, 14, 11, 7),
	R("CNTFRQ_EL0", 3, 3, 14, 0, 0),
	R("CNTP_CTL_EL0 (CNTHCTL_EL2)", 3, 3, 14, 2, 1),
	R("CNTV_CVAL_EL0", 3, 3, 14, 3, 2),
	R("unallocated S3_0_C9_C14_0", 3, 0, 9, 14, 0),
	R("PMUACR_EL1 (PMUv3p9)", 3, 0, 9, 14, 4),
	R("PMSCR_EL1 (SPE, MDCR_EL2.TPMS)", 3, 0, 9, 9, 0),
	R("PMBLIMITR_EL1 (SPE, E2PB)", 3, 0, 9, 10, 0),
	R("TRBLIMITR_EL1 (TRBE, E2TB)", 3, 0, 9, 11, 0),
	R("TRFCR_EL1 (MDCR_EL2.TTRF)", 3, 0, 1, 2, 1),
	R("PMINTENSET_EL1 at op1 3", 3, 3, 9, 14, 2),
	R("PMUSERENR_EL0 at op1 0", 3, 0, 9, 14, 0),
	/* Elsewhere. */
	R("ID_AA64DFR0_EL1", 3, 0, 0, 5, 0),
	R("ID_DFR0_EL1", 3, 0, 0, 1, 2),
	R("SCTLR_EL1", 3, 0, 1, 0, 0),
	R("MAIR_EL1", 3, 0, 10, 2, 0),
	R("ICC_SGI1R_EL1", 3, 0, 12, 11, 5),
	R("DC CISW", 1, 0, 7, 14, 2),
	R("MDSCR_EL1 encoding at op0 0", 0, 0, 0, 2, 2),
};

static void hidden_registers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		if (!vcpu_mdcr_hides(hidden[i].key))
			fail_msg("%s should be answered by the kernel", hidden[i].name);
	}
}

static void forwarded_registers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
		if (vcpu_mdcr_hides(forwarded[i].key))
			fail_msg("%s should go to the VMM", forwarded[i].name);
	}
}

/* Every DBGBVR/BCR/WVR/WCR<n>_EL1 (n 0..15), every PMEVCNTR/PMEVTYPER<n>_EL0 (n 0..30). */
static void indexed_registers(void **state)
{
	(void)state;
	for (unsigned n = 0; n < 16; n++)
		for (unsigned op2 = 4; op2 <= 7; op2++)
			assert_true(vcpu_mdcr_hides(CL_SYSREG(2, 0, 0, n, op2)));
	for (unsigned n = 0; n <= 30; n++) {
		assert_true(vcpu_mdcr_hides(CL_SYSREG(3, 3, 14, 8 + n / 8, n % 8)));
		assert_true(vcpu_mdcr_hides(CL_SYSREG(3, 3, 14, 12 + n / 8, n % 8)));
	}
}

/* Only the 16-bit encoding: anything above it is not a register. */
static void wider_keys_are_not_registers(void **state)
{
	(void)state;
	assert_false(vcpu_mdcr_hides(CL_SYSREG(2, 0, 0, 2, 2) | 1ULL << 16));
	assert_false(vcpu_mdcr_hides(CL_SYSREG(3, 3, 9, 12, 0) | 1ULL << 63));
}

/*
 * From the syndrome, as the exit path decodes it: the accesses Linux makes at
 * boot that used to reach the VMM ("cannot emulate MSR to S2_0_C0_C2_2 (x1)").
 */
static void from_syndromes(void **state)
{
	/* ISS of EC 0x18 (Arm ARM D17.2.37): Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn
	 * [13:10], Rt [9:5], CRm [4:1], Direction [0]. */
	static const struct {
		unsigned op0, op1, crn, crm, op2;
		bool hidden;
	} acc[] = {
		{2, 0, 0, 2, 2, true},	 /* msr mdscr_el1, x1 */
		{2, 0, 1, 0, 4, true},	 /* msr oslar_el1, xzr */
		{2, 0, 1, 3, 4, true},	 /* msr osdlr_el1, x0 */
		{3, 3, 9, 14, 0, true},	 /* msr pmuserenr_el0, xzr */
		{3, 0, 1, 0, 0, false},	 /* msr sctlr_el1 (TVM): the VMM's */
		{3, 0, 0, 5, 0, false},	 /* mrs id_aa64dfr0_el1: vcpu_idreg.c's */
		{3, 3, 14, 2, 1, false}, /* mrs cntp_ctl_el0: the VMM's */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(acc) / sizeof(acc[0]); i++) {
		uint32_t iss = acc[i].op0 << 20 | acc[i].op2 << 17 | acc[i].op1 << 14 |
			       acc[i].crn << 10 | 1U << 5 | acc[i].crm << 1;

		assert_int_equal(vcpu_mdcr_hides(esr_sysreg_key(iss)), acc[i].hidden);
		assert_int_equal(vcpu_mdcr_hides(esr_sysreg_key(iss | 1)), acc[i].hidden);
	}
}

/* The trap bits a guest runs with (Arm ARM D17.3, MDCR_EL2). */
static void guest_trap_bits(void **state)
{
	(void)state;
	assert_int_equal(VCPU_MDCR_GUEST_TRAPS, 1U << 5 | 1U << 6 | 1U << 9 | 1U << 10 | 1U << 11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hidden_registers),  cmocka_unit_test(forwarded_registers),
		cmocka_unit_test(indexed_registers), cmocka_unit_test(wider_keys_are_not_registers),
		cmocka_unit_test(from_syndromes),    cmocka_unit_test(guest_trap_bits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
