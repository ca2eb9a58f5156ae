/* PSCI 1.0 and SMCCC over HVC/SMC (psci.c): every function, every error. */
#include <vmm/psci.h>

#include "vmm_test.h"

static struct psci_config cfg = {4, RAM_BASE, RAM_SIZE, false};
static enum psci_vcpu_state st[4];

static struct psci_result call(unsigned caller, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	uint64_t regs[4] = {x0, x1, x2, x3};

	return psci_call(&cfg, st, caller, false, 0, regs);
}

static void expect_ret(struct psci_result r, int64_t v)
{
	assert_true(r.write_x0);
	assert_int_equal(r.x0, (uint64_t)v);
	assert_int_equal(r.action.kind, PSCI_ACT_NONE);
	assert_false(r.advance_pc);
}

static void setup_states(void)
{
	st[0] = PSCI_STATE_ON;
	st[1] = st[2] = st[3] = PSCI_STATE_OFF;
	cfg.smc_emulated = false;
}

static void versions_and_features(void **state)
{
	(void)state;
	setup_states();
	expect_ret(call(0, PSCI_VERSION, 0, 0, 0), 0x10000);
	expect_ret(call(0, SMCCC_VERSION, 0, 0, 0), 0x10001);
	expect_ret(call(0, PSCI_MIGRATE_INFO_TYPE, 0, 0, 0), 2);
	/* The function ID is W0: upper bits are ignored. */
	expect_ret(call(0, 0xffffffff00000000ULL | PSCI_VERSION, 0, 0, 0), 0x10000);

	static const uint32_t offered[] = {
		PSCI_VERSION,	      PSCI_CPU_OFF,	    PSCI_CPU_ON32,	    PSCI_CPU_ON64,
		PSCI_AFFINITY_INFO32, PSCI_AFFINITY_INFO64, PSCI_MIGRATE_INFO_TYPE, PSCI_SYSTEM_OFF,
		PSCI_SYSTEM_RESET,    PSCI_FEATURES,	    SMCCC_VERSION,
	};
	for (size_t i = 0; i < sizeof(offered) / sizeof(offered[0]); i++)
		expect_ret(call(0, PSCI_FEATURES, offered[i], 0, 0), PSCI_SUCCESS);
	expect_ret(call(0, PSCI_FEATURES, PSCI_CPU_SUSPEND32, 0, 0), PSCI_NOT_SUPPORTED);
	expect_ret(call(0, PSCI_FEATURES, PSCI_MIGRATE32, 0, 0), PSCI_NOT_SUPPORTED);
	expect_ret(call(0, PSCI_FEATURES, 0x12345678, 0, 0), PSCI_NOT_SUPPORTED);

	expect_ret(call(0, SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1, 0, 0), PSCI_NOT_SUPPORTED);
	expect_ret(call(0, SMCCC_ARCH_FEATURES, 0x80007fff, 0, 0), PSCI_NOT_SUPPORTED);
}

static void not_supported(void **state)
{
	(void)state;
	setup_states();
	expect_ret(call(0, PSCI_CPU_SUSPEND32, 0, 0, 0), PSCI_NOT_SUPPORTED);
	expect_ret(call(0, PSCI_MIGRATE32, 1, 0, 0), PSCI_NOT_SUPPORTED);
	expect_ret(call(0, 0xc4000012 /* SYSTEM_RESET2 */, 0, 0, 0), PSCI_NOT_SUPPORTED);
	expect_ret(call(0, 0x86000000 /* a SiP service */, 0, 0, 0), PSCI_NOT_SUPPORTED);
	expect_ret(call(0, 0, 0, 0, 0), PSCI_NOT_SUPPORTED);
	expect_ret(call(0, 0xc0000000 /* no SMC64 SMCCC_VERSION */, 0, 0, 0), PSCI_NOT_SUPPORTED);
	/* An HVC immediate other than 0 is not an SMCCC call. */
	{
		uint64_t regs[4] = {PSCI_VERSION, 0, 0, 0};

		expect_ret(psci_call(&cfg, st, 0, false, 1, regs), PSCI_NOT_SUPPORTED);
	}
	/* A caller that is no vCPU of this guest. */
	expect_ret(call(4, PSCI_VERSION, 0, 0, 0), PSCI_NOT_SUPPORTED);
}

static void cpu_on_and_affinity(void **state)
{
	struct psci_result r;

	(void)state;
	setup_states();
	expect_ret(call(0, PSCI_AFFINITY_INFO64, 1, 0, 0), PSCI_AFF_OFF);
	r = call(0, PSCI_CPU_ON64, 1, RAM_BASE + 0x1000, 0xc0ffee);
	assert_int_equal(r.x0, PSCI_SUCCESS);
	assert_true(r.write_x0);
	assert_int_equal(r.action.kind, PSCI_ACT_CPU_ON);
	assert_int_equal(r.action.target, 1);
	assert_int_equal(r.action.entry, RAM_BASE + 0x1000);
	assert_int_equal(r.action.context_id, 0xc0ffee);
	assert_int_equal(st[1], PSCI_STATE_ON_PENDING);

	expect_ret(call(0, PSCI_AFFINITY_INFO64, 1, 0, 0), PSCI_AFF_ON_PENDING);
	expect_ret(call(0, PSCI_CPU_ON64, 1, RAM_BASE, 0), PSCI_ON_PENDING);
	psci_cpu_running(st, 1);
	expect_ret(call(0, PSCI_AFFINITY_INFO64, 1, 0, 0), PSCI_AFF_ON);
	expect_ret(call(1, PSCI_CPU_ON64, 1, RAM_BASE, 0), PSCI_ALREADY_ON);
	expect_ret(call(1, PSCI_CPU_ON64, 0, RAM_BASE, 0), PSCI_ALREADY_ON);

	/* The SMC32 form takes W1-W3: upper halves are ignored. */
	r = call(0, PSCI_CPU_ON32, 0xffffffff00000002ULL, 0xdead00004000a000ULL, 0x1100000022ULL);
	assert_int_equal(r.action.kind, PSCI_ACT_CPU_ON);
	assert_int_equal(r.action.target, 2);
	assert_int_equal(r.action.entry, 0x4000a000);
	assert_int_equal(r.action.context_id, 0x22);
	expect_ret(call(0, PSCI_AFFINITY_INFO32, 0xab00000002ULL, 0, 0), PSCI_AFF_ON_PENDING);
}

static void cpu_on_refusals(void **state)
{
	(void)state;
	setup_states();
	/* MPIDRs naming no vCPU: Aff0 beyond the last, Aff1-Aff3 set, non-affinity bits. */
	expect_ret(call(0, PSCI_CPU_ON64, 4, RAM_BASE, 0), PSCI_INVALID_PARAMETERS);
	expect_ret(call(0, PSCI_CPU_ON64, 0x100, RAM_BASE, 0), PSCI_INVALID_PARAMETERS);
	expect_ret(call(0, PSCI_CPU_ON64, 0x10000, RAM_BASE, 0), PSCI_INVALID_PARAMETERS);
	expect_ret(call(0, PSCI_CPU_ON64, 1ULL << 32, RAM_BASE, 0), PSCI_INVALID_PARAMETERS);
	expect_ret(call(0, PSCI_CPU_ON64, 1ULL << 31 | 1, RAM_BASE, 0), PSCI_INVALID_PARAMETERS);
	/* Entry points outside guest RAM or not word aligned. */
	expect_ret(call(0, PSCI_CPU_ON64, 1, RAM_BASE - 4, 0), PSCI_INVALID_ADDRESS);
	expect_ret(call(0, PSCI_CPU_ON64, 1, RAM_BASE + RAM_SIZE, 0), PSCI_INVALID_ADDRESS);
	expect_ret(call(0, PSCI_CPU_ON64, 1, RAM_BASE + 2, 0), PSCI_INVALID_ADDRESS);
	expect_ret(call(0, PSCI_CPU_ON64, 1, 0, 0), PSCI_INVALID_ADDRESS);
	assert_int_equal(st[1], PSCI_STATE_OFF); /* nothing changed */

	expect_ret(call(0, PSCI_AFFINITY_INFO64, 7, 0, 0), PSCI_INVALID_PARAMETERS);
	expect_ret(call(0, PSCI_AFFINITY_INFO64, 0, 1, 0), PSCI_INVALID_PARAMETERS);
}

static void off_and_system(void **state)
{
	struct psci_result r;

	(void)state;
	setup_states();
	st[2] = PSCI_STATE_ON;
	r = call(2, PSCI_CPU_OFF, 0, 0, 0);
	assert_false(r.write_x0); /* CPU_OFF does not return on success */
	assert_int_equal(r.action.kind, PSCI_ACT_CPU_OFF);
	assert_int_equal(r.action.target, 2);
	assert_int_equal(st[2], PSCI_STATE_OFF);
	expect_ret(call(0, PSCI_AFFINITY_INFO64, 2, 0, 0), PSCI_AFF_OFF);

	r = call(0, PSCI_SYSTEM_OFF, 0, 0, 0);
	assert_false(r.write_x0);
	assert_int_equal(r.action.kind, PSCI_ACT_SYSTEM_OFF);
	r = call(0, PSCI_SYSTEM_RESET, 0, 0, 0);
	assert_false(r.write_x0);
	assert_int_equal(r.action.kind, PSCI_ACT_SYSTEM_RESET);
}

static void smc_conduit(void **state)
{
	uint64_t regs[4] = {PSCI_VERSION, 0, 0, 0};
	struct psci_result r;

	(void)state;
	setup_states();
	/* Refused: NOT_SUPPORTED, and the PC moves past the SMC (ELR points at it). */
	r = psci_call(&cfg, st, 0, true, 0, regs);
	assert_int_equal(r.x0, (uint64_t)PSCI_NOT_SUPPORTED);
	assert_true(r.write_x0);
	assert_true(r.advance_pc);
	regs[0] = PSCI_SYSTEM_OFF;
	r = psci_call(&cfg, st, 0, true, 0, regs);
	assert_int_equal(r.action.kind, PSCI_ACT_NONE);

	cfg.smc_emulated = true;
	regs[0] = PSCI_VERSION;
	r = psci_call(&cfg, st, 0, true, 0, regs);
	assert_int_equal(r.x0, 0x10000);
	assert_true(r.advance_pc);
	regs[0] = PSCI_SYSTEM_OFF;
	r = psci_call(&cfg, st, 0, true, 0, regs);
	assert_int_equal(r.action.kind, PSCI_ACT_SYSTEM_OFF);
	cfg.smc_emulated = false;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(versions_and_features), cmocka_unit_test(not_supported),
		cmocka_unit_test(cpu_on_and_affinity),	 cmocka_unit_test(cpu_on_refusals),
		cmocka_unit_test(off_and_system),	 cmocka_unit_test(smc_conduit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
