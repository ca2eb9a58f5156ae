/* The memory-type rules: stage 1 from SCTLR_EL1 and HCR_EL2.DC, combined with stage 2. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <model/attr.h>

static const struct model_regime mmu_off = {0};
static const struct model_regime mmu_off_dc = {.hcr_dc = true, .hcr_vm = true};
static const struct model_regime mmu_off_icache = {.sctlr_i = true};
static const struct model_regime mmu_on_nocache = {.sctlr_m = true};
static const struct model_regime mmu_on = {.sctlr_m = true, .sctlr_c = true, .sctlr_i = true};

/* D5.5.5: Device beats Normal; NC beats WT beats WB. */
static void combine_is_the_more_restrictive(void **state)
{
	(void)state;
	assert_int_equal(model_combine(MODEL_NORMAL_WB, MODEL_NORMAL_WB), MODEL_NORMAL_WB);
	assert_int_equal(model_combine(MODEL_NORMAL_WB, MODEL_NORMAL_NC), MODEL_NORMAL_NC);
	assert_int_equal(model_combine(MODEL_NORMAL_NC, MODEL_NORMAL_WB), MODEL_NORMAL_NC);
	assert_int_equal(model_combine(MODEL_NORMAL_WT, MODEL_NORMAL_WB), MODEL_NORMAL_WT);
	assert_int_equal(model_combine(MODEL_NORMAL_WB, MODEL_DEVICE), MODEL_DEVICE);
	assert_int_equal(model_combine(MODEL_DEVICE, MODEL_NORMAL_WB), MODEL_DEVICE);
}

/* D5.2.9: stage 1 off makes data accesses Device, whatever stage 2 says. */
static void mmu_off_data_is_device(void **state)
{
	(void)state;
	assert_int_equal(model_guest_data_type(&mmu_off, MODEL_NORMAL_WB, MODEL_NORMAL_WB),
			 MODEL_DEVICE);
	assert_false(model_type_cacheable(
		model_guest_data_type(&mmu_off, MODEL_NORMAL_WB, MODEL_NORMAL_WB)));
}

/* HCR_EL2.DC: stage 1 behaves as Normal WB while the guest's MMU is off. */
static void hcr_dc_makes_mmu_off_cacheable(void **state)
{
	(void)state;
	assert_int_equal(model_guest_data_type(&mmu_off_dc, MODEL_DEVICE, MODEL_NORMAL_WB),
			 MODEL_NORMAL_WB);
	assert_int_equal(model_guest_ifetch_type(&mmu_off_dc, MODEL_DEVICE, MODEL_NORMAL_WB),
			 MODEL_NORMAL_WB);
	/* Stage 2 still wins when it is more restrictive. */
	assert_int_equal(model_guest_data_type(&mmu_off_dc, MODEL_DEVICE, MODEL_NORMAL_NC),
			 MODEL_NORMAL_NC);
	/* DC also hides SCTLR_EL1.M = 1 (the PE behaves as if M were 0). */
	struct model_regime m_and_dc = mmu_on;
	m_and_dc.hcr_dc = true;
	assert_int_equal(model_guest_data_type(&m_and_dc, MODEL_NORMAL_NC, MODEL_NORMAL_WB),
			 MODEL_NORMAL_WB);
}

/* Fetches with stage 1 off: WT cacheable with SCTLR_EL1.I set, NC without. */
static void mmu_off_ifetch_follows_sctlr_i(void **state)
{
	(void)state;
	assert_int_equal(model_guest_ifetch_type(&mmu_off, MODEL_NORMAL_WB, MODEL_NORMAL_WB),
			 MODEL_NORMAL_NC);
	assert_int_equal(model_guest_ifetch_type(&mmu_off_icache, MODEL_NORMAL_WB, MODEL_NORMAL_WB),
			 MODEL_NORMAL_WT);
	assert_int_equal(model_guest_ifetch_type(&mmu_off_icache, MODEL_NORMAL_WB, MODEL_DEVICE),
			 MODEL_DEVICE);
}

/* SCTLR_EL1.C = 0 with the MMU on: Normal data accesses and walks are NC. */
static void c_clear_makes_normal_noncacheable(void **state)
{
	(void)state;
	assert_int_equal(model_guest_data_type(&mmu_on_nocache, MODEL_NORMAL_WB, MODEL_NORMAL_WB),
			 MODEL_NORMAL_NC);
	assert_int_equal(model_guest_data_type(&mmu_on_nocache, MODEL_DEVICE, MODEL_NORMAL_WB),
			 MODEL_DEVICE);
	assert_int_equal(model_guest_walk_type(&mmu_on_nocache, MODEL_NORMAL_WB, MODEL_NORMAL_WB),
			 MODEL_NORMAL_NC);
	assert_int_equal(model_guest_ifetch_type(&mmu_on_nocache, MODEL_NORMAL_WB, MODEL_NORMAL_WB),
			 MODEL_NORMAL_NC);
}

static void mmu_on_uses_descriptors(void **state)
{
	(void)state;
	assert_int_equal(model_guest_data_type(&mmu_on, MODEL_NORMAL_WB, MODEL_NORMAL_WB),
			 MODEL_NORMAL_WB);
	assert_int_equal(model_guest_data_type(&mmu_on, MODEL_NORMAL_WT, MODEL_NORMAL_WB),
			 MODEL_NORMAL_WT);
	assert_int_equal(model_guest_walk_type(&mmu_on, MODEL_NORMAL_WB, MODEL_NORMAL_WB),
			 MODEL_NORMAL_WB);
	/* Seed 000: a cacheable walk of a table stage 2 maps NC is an NC walk. */
	assert_int_equal(model_guest_walk_type(&mmu_on, MODEL_NORMAL_WB, MODEL_NORMAL_NC),
			 MODEL_NORMAL_NC);
	assert_int_equal(model_s1_walk(&mmu_off, MODEL_NORMAL_WB), MODEL_DEVICE);
}

static void names(void **state)
{
	(void)state;
	assert_string_equal(model_type_name(MODEL_DEVICE), "Device");
	assert_string_equal(model_type_name(MODEL_NORMAL_WB), "Normal-WB");
	assert_string_equal(model_type_name((enum model_type)9), "?");
	assert_true(model_type_cacheable(MODEL_NORMAL_WT));
	assert_false(model_type_cacheable(MODEL_NORMAL_NC));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(combine_is_the_more_restrictive),
		cmocka_unit_test(mmu_off_data_is_device),
		cmocka_unit_test(hcr_dc_makes_mmu_off_cacheable),
		cmocka_unit_test(mmu_off_ifetch_follows_sctlr_i),
		cmocka_unit_test(c_clear_makes_normal_noncacheable),
		cmocka_unit_test(mmu_on_uses_descriptors),
		cmocka_unit_test(names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
