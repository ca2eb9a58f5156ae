/*
 * The generic bring-up path (kernel/src/cpu.c) on the fake arch: each CPU
 * reads its own ID registers, a failing CPU stays offline with a line naming
 * the missing feature, and a big.LITTLE mix is reported.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <arch/fake.h>
#include <cleave/cpu.h>

#include "cpu_sets.h"

static const struct cpu_requirements req = {.pa_bits_min = 32, .gic_version = 3};

static int reset(void **state)
{
	(void)state;
	memset(cpus, 0, sizeof(cpus));
	cpu_system_init(&cpu_sys);
	fake_uart_reset();
	return 0;
}

static void bring_up(unsigned idx, const struct cpu_id_regs *regs)
{
	fake_cpu = idx;
	fake_id_regs[idx] = *regs;
	if (cpu_bringup_check(idx, &req))
		cpu_mark_online(idx);
}

static void failing_cpu_stays_offline(void **state)
{
	struct cpu_id_regs no_s2 = cortex_a53;

	(void)state;
	no_s2.mmfr0 |= 1ULL << 40;
	bring_up(0, &cortex_a53);
	bring_up(1, &no_s2);
	assert_int_equal(cpus[0].state, CPU_ONLINE);
	assert_int_equal(cpus[1].state, CPU_OFFLINE);
	assert_int_equal(cpus[1].check, CPU_NO_S2_4K);
	assert_non_null(strstr(
		fake_uart_output(),
		"cpu1: offline: missing 4 KiB stage-2 granule (ID_AA64MMFR0_EL1.TGran4_2)\n"));
	assert_int_equal(cpu_sys.ncpus, 1); /* the offline CPU does not shape the system */
}

static void online_line_names_the_core(void **state)
{
	(void)state;
	bring_up(0, &cortex_a53);
	assert_non_null(strstr(fake_uart_output(),
			       "cpu0: online: mpidr 0x80000000, Cortex-A53 r0p4 (midr 0x410fd034), "
			       "D/I line 64/64 B, PA 40 bits, VMID 8 bits\n"));
}

static void big_little_is_reported(void **state)
{
	(void)state;
	bring_up(0, &cortex_a53);
	bring_up(1, &cortex_a53);
	bring_up(2, &cortex_a72);
	bring_up(3, &exynos_m1);
	fake_uart_reset();
	cpu_report_system();
	assert_non_null(strstr(fake_uart_output(), "cpus: 4 online; guests see midr 0x410fd034"));
	assert_non_null(strstr(fake_uart_output(), "heterogeneous: MIDR differs"));
	assert_non_null(strstr(fake_uart_output(), "cache line sizes differ"));
}

static void homogeneous_is_quiet(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 4; i++)
		bring_up(i, &cortex_a57);
	fake_uart_reset();
	cpu_report_system();
	assert_null(strstr(fake_uart_output(), "heterogeneous"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(failing_cpu_stays_offline, reset),
		cmocka_unit_test_setup(online_line_names_the_core, reset),
		cmocka_unit_test_setup(big_little_is_reported, reset),
		cmocka_unit_test_setup(homogeneous_is_quiet, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
