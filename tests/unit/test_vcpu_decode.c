/*
 * Decoding guest exit syndromes (arch/aarch64/vcpu_decode.c): trapped
 * system registers and instructions, MMIO data aborts, the faulting IPA.
 * Syndromes are built from the field layout in the Arm ARM (D17.2.37) and
 * checked against values QEMU reports for known instructions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arch/vcpu_decode.h>
#include <uapi/cleave/vcpu_abi.h>

/* The ISS of an EC 0x18 trap, field by field. */
static uint32_t sys_iss(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2,
			unsigned rt, bool read)
{
	return (uint32_t)(op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 | rt << 5 | crm << 1 |
			  (read ? 1U : 0U));
}

static void sysreg_msr_sctlr(void **state)
{
	/* msr sctlr_el1, x3: S3_0_C1_C0_0, a write. */
	uint32_t iss = sys_iss(3, 0, 1, 0, 0, 3, false);

	(void)state;
	assert_int_equal(esr_sysreg_key(iss), CL_SYSREG(3, 0, 1, 0, 0));
	assert_int_equal(esr_sysreg_rt(iss), 3);
	assert_false(esr_sysreg_read(iss));
}

static void sysreg_mrs_and_every_field(void **state)
{
	/* mrs x30, S3_7_C15_C14_7: every field at its widest, so none can be misplaced. */
	uint32_t iss = sys_iss(3, 7, 15, 14, 7, 30, true);

	(void)state;
	assert_int_equal(esr_sysreg_key(iss), CL_SYSREG(3, 7, 15, 14, 7));
	assert_int_equal(esr_sysreg_rt(iss), 30);
	assert_true(esr_sysreg_read(iss));
	/* The key is bits [20:5] of the instruction: MRS x0, MPIDR_EL1 is 0xd53800a0. */
	assert_int_equal(CL_SYSREG(3, 0, 0, 0, 5), (0xd53800a0U >> 5) & 0xffff);
	/* The ESR of "msr ttbr0_el1, x1" trapped by TVM: EC 0x18, IL, op0 3, CRn 2, Rt 1. */
	assert_int_equal(esr_sysreg_key(0x62300820 & 0x1ffffff), CL_SYSREG(3, 0, 2, 0, 0));
	assert_int_equal(esr_sysreg_rt(0x62300820 & 0x1ffffff), 1);
}

static void sysreg_set_way(void **state)
{
	/* dc cisw, x5: SYS #0, C7, C14, #2 (op0 1), trapped by TSW. */
	uint32_t iss = sys_iss(1, 0, 7, 14, 2, 5, false);

	(void)state;
	assert_int_equal(esr_sysreg_key(iss), CL_SYSREG(1, 0, 7, 14, 2));
	assert_int_equal(esr_sysreg_rt(iss), 5);
}

/* A data abort ISS with a valid syndrome. */
static uint32_t dabt_iss(unsigned sas, bool sse, unsigned srt, bool sf, bool write)
{
	return (uint32_t)(1U << 24 | sas << 22 | (sse ? 1U << 21 : 0) | srt << 16 |
			  (sf ? 1U << 15 : 0) | (write ? 1U << 6 : 0));
}

static void mmio_loads(void **state)
{
	(void)state;
	/* ldr x5: 64-bit, the whole value. */
	assert_int_equal(
		esr_dabt_load_value(dabt_iss(3, false, 5, true, false), 0x8877665544332211),
		0x8877665544332211);
	/* ldr w5: 32-bit, the upper half cleared. */
	assert_int_equal(
		esr_dabt_load_value(dabt_iss(2, false, 5, false, false), 0x8877665544332211),
		0x44332211);
	/* ldrb w5: one byte. */
	assert_int_equal(esr_dabt_load_value(dabt_iss(0, false, 5, false, false), 0x1ff), 0xff);
	/* ldrsb x5: sign-extended to 64 bits. */
	assert_int_equal(esr_dabt_load_value(dabt_iss(0, true, 5, true, false), 0x80),
			 0xffffffffffffff80ULL);
	/* ldrsh w5: sign-extended to 32 bits only. */
	assert_int_equal(esr_dabt_load_value(dabt_iss(1, true, 5, false, false), 0x8001),
			 0xffff8001ULL);
	/* ldrsw x5 of a positive value: unchanged. */
	assert_int_equal(esr_dabt_load_value(dabt_iss(2, true, 5, true, false), 0x7fffffff),
			 0x7fffffff);
}

static void mmio_stores(void **state)
{
	uint32_t strh = dabt_iss(1, false, 9, false, true);

	(void)state;
	assert_true(esr_dabt_valid(strh));
	assert_true(esr_dabt_write(strh));
	assert_int_equal(esr_dabt_srt(strh), 9);
	assert_int_equal(esr_dabt_store_value(strh, 0x12345678), 0x5678);
	assert_int_equal(esr_dabt_store_value(dabt_iss(3, false, 9, true, true), ~0ULL), ~0ULL);
	/* Without ISV the access cannot be emulated from the syndrome alone. */
	assert_false(esr_dabt_valid(1U << 6));
}

static void fault_ipa(void **state)
{
	(void)state;
	/* HPFAR_EL2.FIPA holds IPA[51:12] in bits [43:4]; FAR supplies the page offset. */
	assert_int_equal(vcpu_fault_ipa(0x90000000ULL >> 8, 0xffff000012345678ULL), 0x90000678ULL);
	assert_int_equal(vcpu_fault_ipa((0xfffffffff000ULL >> 12) << 4, 0xabc), 0xfffffffffabcULL);
	/* Bits of HPFAR outside FIPA (NS, bit 63) are not part of the address. */
	assert_int_equal(vcpu_fault_ipa(1ULL << 63 | (0x40000000ULL >> 8), 0), 0x40000000ULL);
}

/* The kind each exception class counts under (vcpu read_exits). */
static void exit_kinds(void **state)
{
	(void)state;
	assert_int_equal(vcpu_exit_kind(0x24), CL_VCPU_EXIT_STAGE2); /* data abort, lower EL */
	assert_int_equal(vcpu_exit_kind(0x20), CL_VCPU_EXIT_STAGE2); /* instruction abort */
	assert_int_equal(vcpu_exit_kind(0x18), CL_VCPU_EXIT_SYSREG);
	assert_int_equal(vcpu_exit_kind(0x16), CL_VCPU_EXIT_HVC);
	assert_int_equal(vcpu_exit_kind(0x17), CL_VCPU_EXIT_SMC);
	assert_int_equal(vcpu_exit_kind(0x01), CL_VCPU_EXIT_WFX);
	assert_int_equal(vcpu_exit_kind(0x07), CL_VCPU_EXIT_FPSIMD);
	assert_int_equal(vcpu_exit_kind(0x00), CL_VCPU_EXIT_OTHER); /* undefined */
	assert_int_equal(vcpu_exit_kind(0x22), CL_VCPU_EXIT_OTHER); /* pc alignment */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sysreg_msr_sctlr), cmocka_unit_test(sysreg_mrs_and_every_field),
		cmocka_unit_test(sysreg_set_way),   cmocka_unit_test(mmio_loads),
		cmocka_unit_test(mmio_stores),	    cmocka_unit_test(fault_ipa),
		cmocka_unit_test(exit_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
