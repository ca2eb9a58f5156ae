/* ESR_EL2 decoding for the VMM's exits (exit_decode.c), field by field. */
#include "vmm_test.h"

#define IL (1ULL << 25)

static uint64_t dabt(unsigned iss)
{
	return (0x24ULL << 26) | IL | iss;
}

#define ISV (1U << 24)
#define SAS(n) ((unsigned)(n) << 22)
#define SSE (1U << 21)
#define SRT(n) ((unsigned)(n) << 16)
#define SF (1U << 15)
#define AR (1U << 14)
#define EA (1U << 9)
#define CM (1U << 8)
#define S1PTW (1U << 7)
#define WNR (1U << 6)
#define TRANS_L3 0x07
#define TRANS_L1 0x05

static void mmio_accesses(void **state)
{
	struct vmm_exit x;

	(void)state;
	/* str w3, [x0]: a 32-bit store from w3. */
	x = vmm_exit_decode(dabt(ISV | SAS(2) | SRT(3) | WNR | TRANS_L3));
	assert_int_equal(x.kind, VMM_EXIT_MMIO);
	assert_int_equal(x.ec, 0x24);
	assert_true(x.insn32);
	assert_int_equal(x.mmio.size, 4);
	assert_int_equal(x.mmio.reg, 3);
	assert_true(x.mmio.write);
	assert_false(x.mmio.sign_extend);
	assert_false(x.mmio.reg64);

	/* ldrsb x5, [x1]: a sign-extending byte load into x5. */
	x = vmm_exit_decode(dabt(ISV | SAS(0) | SSE | SRT(5) | SF | TRANS_L1));
	assert_int_equal(x.kind, VMM_EXIT_MMIO);
	assert_int_equal(x.mmio.size, 1);
	assert_int_equal(x.mmio.reg, 5);
	assert_false(x.mmio.write);
	assert_true(x.mmio.sign_extend);
	assert_true(x.mmio.reg64);

	/* ldar x30: 64-bit load-acquire; and a halfword store of wzr (SRT 31). */
	x = vmm_exit_decode(dabt(ISV | SAS(3) | SRT(30) | SF | AR | TRANS_L3));
	assert_int_equal(x.mmio.size, 8);
	assert_int_equal(x.mmio.reg, 30);
	assert_true(x.mmio.acquire_release);
	x = vmm_exit_decode(dabt(ISV | SAS(1) | SRT(31) | WNR | TRANS_L3));
	assert_int_equal(x.mmio.size, 2);
	assert_int_equal(x.mmio.reg, 31);

	/* A 16-bit instruction (IL = 0) cannot be an A64 access but the bit is reported. */
	x = vmm_exit_decode(dabt(ISV | SAS(2) | TRANS_L3) & ~IL);
	assert_false(x.insn32);
}

static void mmio_refusals(void **state)
{
	static const struct {
		unsigned iss;
		const char *why;
	} bad[] = {
		{SAS(2) | SRT(3) | TRANS_L3,
		 "data abort without a valid instruction syndrome (ISV=0)"},
		{ISV | S1PTW | TRANS_L3, "stage-2 fault on a stage-1 translation table walk"},
		{ISV | CM | TRANS_L3, "cache maintenance on an emulated device"},
		{ISV | EA | TRANS_L3, "external abort"},
		{ISV | 0x0f, "data abort that is not a stage-2 translation fault"}, /* permission */
		{ISV | 0x0b,
		 "data abort that is not a stage-2 translation fault"}, /* access flag */
		{ISV | 0x21, "data abort that is not a stage-2 translation fault"}, /* alignment */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vmm_exit x = vmm_exit_decode(dabt(bad[i].iss));

		assert_int_equal(x.kind, VMM_EXIT_CANNOT_EMULATE);
		assert_string_equal(x.why, bad[i].why);
	}
}

static void other_classes(void **state)
{
	struct vmm_exit x;

	(void)state;
	x = vmm_exit_decode((0x16ULL << 26) | IL);
	assert_int_equal(x.kind, VMM_EXIT_HVC);
	assert_int_equal(x.imm, 0);
	x = vmm_exit_decode((0x16ULL << 26) | IL | 0x4711);
	assert_int_equal(x.imm, 0x4711);
	x = vmm_exit_decode((0x17ULL << 26) | IL | 0xffff);
	assert_int_equal(x.kind, VMM_EXIT_SMC);
	assert_int_equal(x.imm, 0xffff);

	x = vmm_exit_decode((0x01ULL << 26) | IL | 0);
	assert_int_equal(x.kind, VMM_EXIT_WFX);
	assert_int_equal(x.wfx, VMM_WFI);
	x = vmm_exit_decode((0x01ULL << 26) | IL | 1);
	assert_int_equal(x.wfx, VMM_WFE);
	x = vmm_exit_decode((0x01ULL << 26) | IL | 2);
	assert_int_equal(x.wfx, VMM_WFIT);
	x = vmm_exit_decode((0x01ULL << 26) | IL | 3);
	assert_int_equal(x.wfx, VMM_WFET);

	x = vmm_exit_decode((0x20ULL << 26) | IL | TRANS_L3);
	assert_int_equal(x.kind, VMM_EXIT_CANNOT_EMULATE);
	assert_string_equal(x.why, "instruction fetch from memory that is not guest RAM");
	x = vmm_exit_decode((0x00ULL << 26) | IL);
	assert_int_equal(x.kind, VMM_EXIT_CANNOT_EMULATE);
	assert_string_equal(x.why, "exception class the VMM does not emulate");
	x = vmm_exit_decode((0x07ULL << 26) | IL); /* FP trap: the kernel's business */
	assert_int_equal(x.kind, VMM_EXIT_CANNOT_EMULATE);
}

static void system_registers(void **state)
{
	static const struct {
		unsigned op0, op1, crn, crm, op2;
		enum vmm_sysreg reg;
		const char *name;
	} regs[] = {
		{3, 0, 1, 0, 0, VMM_SCTLR_EL1, "SCTLR_EL1"},
		{3, 0, 2, 0, 0, VMM_TTBR0_EL1, "TTBR0_EL1"},
		{3, 0, 2, 0, 1, VMM_TTBR1_EL1, "TTBR1_EL1"},
		{3, 0, 2, 0, 2, VMM_TCR_EL1, "TCR_EL1"},
		{3, 0, 5, 2, 0, VMM_ESR_EL1, "ESR_EL1"},
		{3, 0, 6, 0, 0, VMM_FAR_EL1, "FAR_EL1"},
		{3, 0, 5, 1, 0, VMM_AFSR0_EL1, "AFSR0_EL1"},
		{3, 0, 5, 1, 1, VMM_AFSR1_EL1, "AFSR1_EL1"},
		{3, 0, 10, 2, 0, VMM_MAIR_EL1, "MAIR_EL1"},
		{3, 0, 10, 3, 0, VMM_AMAIR_EL1, "AMAIR_EL1"},
		{3, 0, 13, 0, 1, VMM_CONTEXTIDR_EL1, "CONTEXTIDR_EL1"},
		{1, 0, 7, 6, 2, VMM_DC_ISW, "DC ISW"},
		{1, 0, 7, 10, 2, VMM_DC_CSW, "DC CSW"},
		{1, 0, 7, 14, 2, VMM_DC_CISW, "DC CISW"},
		{3, 0, 12, 11, 5, VMM_ICC_SGI1R_EL1, "ICC_SGI1R_EL1"},
		{3, 0, 12, 11, 6, VMM_ICC_ASGI1R_EL1, "ICC_ASGI1R_EL1"},
		{3, 0, 12, 11, 7, VMM_ICC_SGI0R_EL1, "ICC_SGI0R_EL1"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		for (unsigned rt = 0; rt < 32; rt += 31) {
			for (int read = 0; read < 2; read++) {
				struct vmm_exit x = vmm_exit_decode(
					esr_sys(regs[i].op0, regs[i].op1, regs[i].crn, regs[i].crm,
						regs[i].op2, rt, read));

				assert_int_equal(x.kind, VMM_EXIT_SYSREG);
				assert_int_equal(x.sysreg.reg, regs[i].reg);
				assert_int_equal(x.sysreg.op0, regs[i].op0);
				assert_int_equal(x.sysreg.op1, regs[i].op1);
				assert_int_equal(x.sysreg.crn, regs[i].crn);
				assert_int_equal(x.sysreg.crm, regs[i].crm);
				assert_int_equal(x.sysreg.op2, regs[i].op2);
				assert_int_equal(x.sysreg.rt, rt);
				assert_int_equal(x.sysreg.read, read);
			}
		}
		assert_string_equal(vmm_sysreg_name(regs[i].reg), regs[i].name);
	}
	/*
	 * CRn is ISS[13:10], all four bits: seed 003's Xen patch had to fix a
	 * mask that dropped bit 10, which turns SCTLR_EL1 (CRn 1) into MIDR_EL1
	 * (CRn 0) and CONTEXTIDR_EL1 (CRn 13) into CRn 12.
	 */
	assert_int_equal(vmm_exit_decode(esr_sys(3, 0, 0, 0, 0, 1, true)).sysreg.reg,
			 VMM_SYSREG_UNKNOWN);
	assert_int_equal(vmm_exit_decode(esr_sys(3, 0, 13, 0, 1, 1, true)).sysreg.crn, 13);
	/* Neighbours of known encodings are not mistaken for them. */
	assert_int_equal(vmm_sysreg_lookup(3, 0, 9, 0, 0), VMM_SYSREG_UNKNOWN);
	assert_int_equal(vmm_sysreg_lookup(3, 0, 1, 0, 1), VMM_SYSREG_UNKNOWN);	 /* ACTLR_EL1 */
	assert_int_equal(vmm_sysreg_lookup(3, 4, 1, 0, 0), VMM_SYSREG_UNKNOWN);	 /* SCTLR_EL2 */
	assert_int_equal(vmm_sysreg_lookup(1, 0, 7, 14, 1), VMM_SYSREG_UNKNOWN); /* DC CIVAC */
	assert_int_equal(vmm_exit_decode(esr_sys(3, 0, 9, 0, 0, 1, true)).sysreg.reg,
			 VMM_SYSREG_UNKNOWN);
	assert_string_equal(vmm_sysreg_name(VMM_SYSREG_UNKNOWN), "unknown");
}

static void mmio_values(void **state)
{
	struct vmm_exit_mmio m = {0};

	(void)state;
	/* ldrsb x5: 0x80 becomes -128 in 64 bits. */
	m.size = 1;
	m.sign_extend = true;
	m.reg64 = true;
	assert_int_equal(vmm_mmio_load_result(&m, 0xabcd80), 0xffffffffffffff80ULL);
	assert_int_equal(vmm_mmio_load_result(&m, 0x7f), 0x7f);
	/* ldrsh w5: sign-extended to 32 bits only. */
	m.size = 2;
	m.reg64 = false;
	assert_int_equal(vmm_mmio_load_result(&m, 0x8001), 0xffff8001ULL);
	/* ldr w5 and ldr x5: zero-extended, cut to the access. */
	m.sign_extend = false;
	m.size = 4;
	assert_int_equal(vmm_mmio_load_result(&m, 0x1122334455667788ULL), 0x55667788);
	m.size = 8;
	m.reg64 = true;
	assert_int_equal(vmm_mmio_load_result(&m, 0x1122334455667788ULL), 0x1122334455667788ULL);
	/* ldrsw x5 of a negative word. */
	m.size = 4;
	m.sign_extend = true;
	assert_int_equal(vmm_mmio_load_result(&m, 0x80000000), 0xffffffff80000000ULL);

	/* Stores write the low bytes; from XZR they write zero. */
	m.size = 1;
	m.reg = 3;
	assert_int_equal(vmm_mmio_store_data(&m, 0x1234), 0x34);
	m.size = 8;
	assert_int_equal(vmm_mmio_store_data(&m, ~0ULL), ~0ULL);
	m.reg = 31;
	assert_int_equal(vmm_mmio_store_data(&m, 0x1234), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mmio_accesses), cmocka_unit_test(mmio_refusals),
		cmocka_unit_test(other_classes), cmocka_unit_test(system_registers),
		cmocka_unit_test(mmio_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
