/*
 * The VMM's exit counts by cause (personalities/vmm/exit_stats.c): devices,
 * system registers by name (or by encoding when the VMM has no name for one),
 * calls by function, the table's overflow, and zero counts left out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <uapi/cleave/vcpu_abi.h>
#include <vmm/exit_stats.h>

static struct exit_stats s;
static struct exit_stats_word w[EXIT_STATS_WORDS_MAX];

static void words_in_order(void **state)
{
	unsigned n;

	(void)state;
	memset(&s, 0, sizeof(s));
	exit_stats_mmio(&s, EXIT_DEV_UART);
	exit_stats_mmio(&s, EXIT_DEV_UART);
	exit_stats_mmio(&s, EXIT_DEV_GICD);
	exit_stats_sysreg(&s, (uint32_t)CL_SYSREG(3, 0, 1, 0, 0)); /* SCTLR_EL1 */
	exit_stats_sysreg(&s, (uint32_t)CL_SYSREG(3, 0, 1, 0, 0));
	exit_stats_sysreg(&s, (uint32_t)CL_SYSREG(2, 0, 0, 2, 2));  /* no name here */
	exit_stats_sysreg(&s, (uint32_t)CL_SYSREG(1, 0, 7, 14, 2)); /* DC CISW: one word */
	exit_stats_call(&s, false, 0x84000000);
	exit_stats_call(&s, true, 0x84000008);
	s.maintenance = 5;
	n = exit_stats_words(&s, w, EXIT_STATS_WORDS_MAX);
	assert_int_equal(n, 8);
	assert_string_equal(w[0].name, "mmio.gicd");
	assert_int_equal(w[0].count, 1);
	assert_string_equal(w[1].name, "mmio.uart");
	assert_int_equal(w[1].count, 2);
	assert_string_equal(w[2].name, "sysreg.SCTLR_EL1");
	assert_int_equal(w[2].count, 2);
	assert_string_equal(w[3].name, "sysreg.S2_0_C0_C2_2");
	assert_string_equal(w[4].name, "sysreg.DC_CISW");
	assert_string_equal(w[5].name, "hvc.0x84000000");
	assert_string_equal(w[6].name, "smc.0x84000008");
	assert_string_equal(w[7].name, "maintenance");
	assert_int_equal(w[7].count, 5);
	/* A short array gets the first words only. */
	assert_int_equal(exit_stats_words(&s, w, 2), 2);
}

static void full_table_counts_the_rest(void **state)
{
	unsigned n;

	(void)state;
	memset(&s, 0, sizeof(s));
	for (uint32_t fn = 0; fn < EXIT_STATS_KEYS + 3; fn++)
		exit_stats_call(&s, false, fn);
	exit_stats_call(&s, false, 0); /* a known one still counts under its own name */
	n = exit_stats_words(&s, w, EXIT_STATS_WORDS_MAX);
	assert_int_equal(n, EXIT_STATS_KEYS + 1);
	assert_string_equal(w[0].name, "hvc.0x0");
	assert_int_equal(w[0].count, 2);
	assert_string_equal(w[EXIT_STATS_KEYS].name, "hvc.more");
	assert_int_equal(w[EXIT_STATS_KEYS].count, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(words_in_order),
		cmocka_unit_test(full_table_counts_the_rest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
