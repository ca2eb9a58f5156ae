/*
 * What a guest sees of the CPU (arch/aarch64/vcpu_idreg.c): the ID fields of
 * features whose state is not switched read as zero, everything else as the
 * CPU has it; the trap bits and switched registers follow from the boot
 * CPU's ID registers. The values are QEMU 7.2's for -cpu cortex-a57 and
 * -cpu max,pauth-impdef=on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arch/vcpu_idreg.h>
#include <uapi/cleave/vcpu_abi.h>

#define PFR0 CL_SYSREG(3, 0, 0, 4, 0)
#define PFR1 CL_SYSREG(3, 0, 0, 4, 1)
#define ZFR0 CL_SYSREG(3, 0, 0, 4, 4)
#define SMFR0 CL_SYSREG(3, 0, 0, 4, 5)
#define DFR0 CL_SYSREG(3, 0, 0, 5, 0)
#define ISAR0 CL_SYSREG(3, 0, 0, 6, 0)
#define ISAR1 CL_SYSREG(3, 0, 0, 6, 1)
#define ISAR2 CL_SYSREG(3, 0, 0, 6, 2)
#define MMFR0 CL_SYSREG(3, 0, 0, 7, 0)
#define MMFR1 CL_SYSREG(3, 0, 0, 7, 1)

/* A 4-bit field of v at bit lo. */
static unsigned f4(uint64_t v, unsigned lo)
{
	return (unsigned)(v >> lo) & 0xf;
}

/* Cortex-A57: nothing to hide. */
static const struct vcpu_idregs a57 = {
	.pfr0 = 0x1122, .pfr1 = 0, .isar1 = 0, .isar2 = 0, .mmfr1 = 0, .dfr0 = 0x10305106};
/* max: SVE, RAS, SME, MTE (insns), pointer authentication (IMPDEF), LOR, SPE absent. */
static const struct vcpu_idregs max = {.pfr0 = 0x1201111111111112ULL,
				       .pfr1 = 0x1000121ULL,
				       .isar1 = 0x0011212111111f10ULL | 0x100,
				       .isar2 = 0x1000ULL,
				       .mmfr1 = 0x11212ULL | 0x10000,
				       .dfr0 = 0x10305409ULL};

static void cortex_a57_needs_no_traps(void **state)
{
	struct vcpu_cpu_caps c = vcpu_idreg_caps(&a57);

	(void)state;
	assert_int_equal(c.hcr_forced, 0);
	assert_false(c.tpidr2);
	assert_false(c.vdisr);
	assert_false(c.pauth);
}

static void max_traps_id_registers_lor_and_error_records(void **state)
{
	struct vcpu_cpu_caps c = vcpu_idreg_caps(&max);

	(void)state;
	assert_int_equal(c.hcr_forced,
			 CL_HCR_TID3 | CL_HCR_TLOR | CL_HCR_TERR | CL_HCR_API | CL_HCR_APK);
	assert_true(c.tpidr2); /* SME */
	assert_true(c.vdisr);  /* RAS */
	assert_true(c.pauth);  /* its keys are switched */
}

/* Pointer authentication alone: its keys are switched, nothing is hidden or trapped. */
static void pointer_authentication_is_switched_not_hidden(void **state)
{
	static const struct {
		unsigned which, lo;
	} one[] = {{0, 4}, {0, 8}, {0, 24}, {0, 28}, {1, 8}, {1, 12}};

	(void)state;
	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		struct vcpu_idregs id = a57;
		uint64_t *r[] = {&id.isar1, &id.isar2};
		struct vcpu_cpu_caps c;

		*r[one[i].which] |= 1ULL << one[i].lo;
		c = vcpu_idreg_caps(&id);
		assert_int_equal(c.hcr_forced, CL_HCR_API | CL_HCR_APK);
		assert_true(c.pauth);
	}
	assert_int_equal(vcpu_idreg_value(ISAR1, max.isar1), max.isar1);
	assert_int_equal(vcpu_idreg_value(ISAR2, 0xff00ULL), 0xff00ULL);
}

static void each_feature_alone_asks_for_tid3(void **state)
{
	static const struct {
		unsigned which, lo;
	} one[] = {{0, 32}, {0, 40}, {0, 44}, {1, 8}, {1, 24}, {4, 16}, {5, 32}, {5, 44}, {5, 40}};

	(void)state;
	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		struct vcpu_idregs id = a57;
		uint64_t *r[] = {&id.pfr0, &id.pfr1, &id.isar1, &id.isar2, &id.mmfr1, &id.dfr0};

		*r[one[i].which] |= 1ULL << one[i].lo;
		assert_true((vcpu_idreg_caps(&id).hcr_forced & CL_HCR_TID3) != 0);
	}
}

static void hidden_fields_read_as_zero(void **state)
{
	(void)state;
	assert_int_equal(f4(vcpu_idreg_value(PFR0, max.pfr0), 32), 0); /* SVE */
	assert_int_equal(f4(vcpu_idreg_value(PFR0, max.pfr0), 28), 1); /* RAS stays */
	assert_int_equal(f4(vcpu_idreg_value(PFR0, max.pfr0), 24), 1); /* GIC stays */
	assert_int_equal(f4(vcpu_idreg_value(PFR1, max.pfr1), 24), 0); /* SME */
	assert_int_equal(f4(vcpu_idreg_value(PFR1, max.pfr1), 8), 0);  /* MTE */
	assert_int_equal(f4(vcpu_idreg_value(PFR1, max.pfr1), 0), 1);  /* BTI stays */
	assert_int_equal(vcpu_idreg_value(ZFR0, ~0ULL), 0);
	assert_int_equal(vcpu_idreg_value(SMFR0, ~0ULL), 0);
	assert_int_equal(f4(vcpu_idreg_value(MMFR1, max.mmfr1), 16), 0); /* LO */
	assert_int_equal(f4(vcpu_idreg_value(MMFR1, max.mmfr1), 8), 2);	 /* VH stays */
	assert_int_equal(f4(vcpu_idreg_value(DFR0, ~0ULL), 32), 0);	 /* PMSVer */
	assert_int_equal(f4(vcpu_idreg_value(DFR0, max.dfr0), 0), 9);	 /* DebugVer stays */
	/* Registers with nothing to hide pass unchanged. */
	assert_int_equal(vcpu_idreg_value(ISAR0, 0x1221111110212120ULL), 0x1221111110212120ULL);
	assert_int_equal(vcpu_idreg_value(MMFR0, 0x1122ULL), 0x1122ULL);
}

static void group3_is_crm_1_to_7(void **state)
{
	(void)state;
	assert_true(vcpu_idreg_is_group3(PFR0));
	assert_true(vcpu_idreg_is_group3(CL_SYSREG(3, 0, 0, 1, 0))); /* ID_PFR0_EL1 */
	assert_true(vcpu_idreg_is_group3(CL_SYSREG(3, 0, 0, 7, 7)));
	assert_false(vcpu_idreg_is_group3(CL_SYSREG(3, 0, 0, 0, 0))); /* MIDR_EL1 */
	assert_false(vcpu_idreg_is_group3(CL_SYSREG(3, 0, 0, 0, 5))); /* MPIDR_EL1 */
	assert_false(vcpu_idreg_is_group3(CL_SYSREG(3, 1, 0, 0, 1))); /* CLIDR_EL1 */
	assert_false(vcpu_idreg_is_group3(CL_SYSREG(3, 0, 1, 0, 0))); /* SCTLR_EL1 */
	assert_false(vcpu_idreg_is_group3(CL_SYSREG(3, 3, 0, 0, 1))); /* CTR_EL0 */
	assert_false(vcpu_idreg_is_group3(CL_SYSREG(2, 0, 0, 4, 0)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cortex_a57_needs_no_traps),
		cmocka_unit_test(max_traps_id_registers_lor_and_error_records),
		cmocka_unit_test(each_feature_alone_asks_for_tid3),
		cmocka_unit_test(pointer_authentication_is_switched_not_hidden),
		cmocka_unit_test(hidden_fields_read_as_zero),
		cmocka_unit_test(group3_is_crm_1_to_7),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
