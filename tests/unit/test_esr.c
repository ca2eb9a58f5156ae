/* ESR_EL2 decoding for the exception dump. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <arch/esr.h>

static void classes(void **state)
{
	(void)state;
	/* Values as QEMU reports them for the fault-test image. */
	assert_int_equal(ESR_EC(0x02000000), EC_UNKNOWN);
	assert_int_equal(ESR_EC(0x97c08005), EC_DABT_CUR);
	assert_int_equal(ESR_ISS(0x97c08005), 0x1c08005);
	assert_non_null(strstr(esr_class_name(EC_UNKNOWN), "unknown reason"));
	assert_string_equal(esr_class_name(EC_DABT_CUR), "data abort, same EL");
	assert_string_equal(esr_class_name(EC_HVC64), "HVC from AArch64");
	assert_string_equal(esr_class_name(EC_SYS64), "system register access");
	assert_string_equal(esr_class_name(0x3f), "unknown class");
}

static void far_validity(void **state)
{
	(void)state;
	assert_true(esr_far_valid(0x97c08005));		      /* data abort, FnV = 0 */
	assert_false(esr_far_valid(0x97c08005 | (1U << 10))); /* FnV = 1 */
	assert_false(esr_far_valid(0x02000000));	      /* undefined instruction */
	/* Translation faults at levels 2 and 3, from a lower EL only (lazy_zero.h). */
	assert_true(esr_lower_leaf_translation_fault(0x93c08007));  /* data abort, level 3 */
	assert_true(esr_lower_leaf_translation_fault(0x82000006));  /* instruction abort, level 2 */
	assert_false(esr_lower_leaf_translation_fault(0x82000004)); /* level 0: no table */
	assert_false(esr_lower_leaf_translation_fault(0x92000005)); /* level 1: no table */
	assert_false(esr_lower_leaf_translation_fault(0x9200000f)); /* permission fault, level 3 */
	assert_false(esr_lower_leaf_translation_fault(0x9200000b)); /* access flag fault */
	assert_false(esr_lower_leaf_translation_fault(0x96000007)); /* data abort at EL2 itself */
	assert_true(esr_far_valid((uint64_t)EC_PC_ALIGN << 26));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classes),
		cmocka_unit_test(far_validity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
