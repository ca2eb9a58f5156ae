/* The per-CPU feature check and the system-wide summary, on real cores' ID registers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "cpu_sets.h"

static const struct cpu_requirements req_v3 = {.pa_bits_min = 32, .gic_version = 3};
static const struct cpu_requirements req_v2 = {.pa_bits_min = 32, .gic_version = 2};

static enum cpu_check_result check(struct cpu_id_regs r, const struct cpu_requirements *req)
{
	struct cpu_features f;

	return cpu_features_check(&r, req, &f);
}

static void a53_passes(void **state)
{
	struct cpu_features f;

	(void)state;
	assert_int_equal(cpu_features_check(&cortex_a53, &req_v3, &f), CPU_OK);
	assert_int_equal(f.midr, 0x410fd034);
	assert_int_equal(f.pa_bits, 40);
	assert_int_equal(f.vmid_bits, 8);
	assert_int_equal(f.dline, 64);
	assert_int_equal(f.iline, 64);
}

static void recent_core_fields(void **state)
{
	struct cpu_features f;

	(void)state;
	assert_int_equal(cpu_features_check(&neoverse_n1, &req_v3, &f), CPU_OK);
	assert_int_equal(f.pa_bits, 48);
	assert_int_equal(f.vmid_bits, 16);
}

static void each_missing_feature_is_named(void **state)
{
	struct cpu_id_regs r;
	struct cpu_requirements big_pa = {.pa_bits_min = 42, .gic_version = 3};

	(void)state;
	r = cortex_a53;
	r.pfr0 &= ~0xf00ULL; /* EL2 not implemented */
	assert_int_equal(check(r, &req_v3), CPU_NO_EL2_AARCH64);
	r = cortex_a53;
	r.pfr0 &= ~0xf0ULL;
	assert_int_equal(check(r, &req_v3), CPU_NO_EL1_AARCH64);
	r = cortex_a53;
	r.mmfr0 |= 0xfULL << 28; /* TGran4 = 0b1111: no 4 KiB granule at all */
	assert_int_equal(check(r, &req_v3), CPU_NO_S1_4K);
	r = cortex_a53;
	r.mmfr0 |= 1ULL << 40; /* TGran4_2 = 0b0001: not at stage 2 */
	assert_int_equal(check(r, &req_v3), CPU_NO_S2_4K);
	assert_int_equal(check(cortex_a53, &big_pa), CPU_PA_TOO_SMALL); /* 40 < 42 */
	assert_int_equal(check(cortex_a72, &big_pa), CPU_OK);		/* 44 bits */
	r = cortex_a53;
	r.mmfr1 |= 1ULL << 4; /* VMIDBits = 0b0001 is reserved */
	assert_int_equal(check(r, &req_v3), CPU_VMID_UNKNOWN);
	r = cortex_a53;
	r.pfr0 &= ~(0xfULL << 24);
	assert_int_equal(check(r, &req_v3), CPU_NO_GICV3_SYSREGS);
	assert_int_equal(check(r, &req_v2), CPU_OK); /* GICv2 needs no system registers */
	r = cortex_a53;
	r.gic_cpuif = false;
	assert_int_equal(check(r, &req_v2), CPU_NO_GIC_CPUIF);
}

static void reasons_are_distinct(void **state)
{
	(void)state;
	for (int a = CPU_NO_EL2_AARCH64; a <= CPU_NO_GIC_CPUIF; a++) {
		assert_null(strstr(cpu_check_reason(a), "unknown check"));
		for (int b = a + 1; b <= CPU_NO_GIC_CPUIF; b++)
			assert_string_not_equal(cpu_check_reason(a), cpu_check_reason(b));
	}
	assert_non_null(strstr(cpu_check_reason(CPU_NO_S2_4K), "stage-2"));
}

static struct cpu_system system_of(const struct cpu_id_regs *const *set, int n)
{
	struct cpu_system sys;
	struct cpu_features f;

	cpu_system_init(&sys);
	for (int i = 0; i < n; i++) {
		assert_int_equal(cpu_features_check(set[i], &req_v3, &f), CPU_OK);
		cpu_system_add(&sys, &f);
	}
	return sys;
}

static void homogeneous_system(void **state)
{
	const struct cpu_id_regs *set[] = {&cortex_a57, &cortex_a57, &cortex_a57, &cortex_a57};
	struct cpu_system sys = system_of(set, 4);

	(void)state;
	assert_int_equal(sys.ncpus, 4);
	assert_false(sys.midr_mixed);
	assert_false(sys.lines_mixed);
	assert_int_equal(sys.guest_midr, 0x411fd070);
}

/* A53 + A72 (big.LITTLE): one identity for guests, the smaller PA range. */
static void little_big_pair(void **state)
{
	const struct cpu_id_regs *set[] = {&cortex_a53, &cortex_a53, &cortex_a72, &cortex_a72};
	struct cpu_system sys = system_of(set, 4);

	(void)state;
	assert_true(sys.midr_mixed);
	assert_int_equal(sys.guest_midr, 0x410fd034);
	assert_false(sys.lines_mixed);
	assert_int_equal(sys.pa_bits, 40);
}

/* The boot CPU is big this time: the guest identity follows the boot CPU. */
static void big_boots_first(void **state)
{
	const struct cpu_id_regs *set[] = {&cortex_a72, &cortex_a53};
	struct cpu_system sys = system_of(set, 2);

	(void)state;
	assert_true(sys.midr_mixed);
	assert_int_equal(sys.guest_midr, 0x410fd083);
	assert_int_equal(sys.pa_bits, 40);
}

/* Exynos M1 + A53: I-cache lines differ; maintenance must use the smallest. */
static void line_size_mismatch(void **state)
{
	const struct cpu_id_regs *set[] = {&exynos_m1, &cortex_a53};
	struct cpu_system sys = system_of(set, 2);

	(void)state;
	assert_true(sys.lines_mixed);
	assert_int_equal(sys.min_iline, 64);
	assert_int_equal(sys.min_dline, 64);
}

/* A pair where the little core lacks EL2: it fails alone, the big core passes. */
static void pair_with_incapable_core(void **state)
{
	struct cpu_id_regs little = cortex_a53;

	(void)state;
	little.pfr0 &= ~0xf00ULL;
	assert_int_equal(check(cortex_a72, &req_v3), CPU_OK);
	assert_int_equal(check(little, &req_v3), CPU_NO_EL2_AARCH64);
}

static void part_names(void **state)
{
	(void)state;
	assert_string_equal(cpu_part_name(0x410fd034), "Cortex-A53");
	assert_string_equal(cpu_part_name(0x411fd070), "Cortex-A57");
	assert_string_equal(cpu_part_name(0x410fd083), "Cortex-A72");
	assert_string_equal(cpu_part_name(0x412fc0f0), "Cortex-A15");
	assert_string_equal(cpu_part_name(0x410fc075), "Cortex-A7");
	assert_string_equal(cpu_part_name(0x000f0510), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a53_passes),
		cmocka_unit_test(recent_core_fields),
		cmocka_unit_test(each_missing_feature_is_named),
		cmocka_unit_test(reasons_are_distinct),
		cmocka_unit_test(homogeneous_system),
		cmocka_unit_test(little_big_pair),
		cmocka_unit_test(big_boots_first),
		cmocka_unit_test(line_size_mismatch),
		cmocka_unit_test(pair_with_incapable_core),
		cmocka_unit_test(part_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
