/*
 * The model backend (vmm_backend_model.c) and the guest CPU
 * (vmm_guest_cpu.c) pinned one rule at a time, with no spontaneous events:
 * the IPA projection, the loader's cacheable writes, each cache operation
 * as the kernel performs it, trap bits and registers becoming the guest's
 * memory types only while the vCPU runs, traps taken exactly when the trap
 * bits say, and the refusals.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <vmm/backend.h>
#include <vmm/sysreg_emul.h>

#include "vmm_scenarios.h"

static struct model *m;
static struct vmm_guest g;
static struct vmm_error err;

static void start(enum vmm_cache_policy policy, enum vmm_model_alias alias)
{
	struct model_config cfg;
	struct vmm_model_config mc = {VS_PA, VS_WINDOW, 1, alias};
	char why[160];

	vs_config(&cfg);
	cfg.sched = MODEL_SCHED_NONE;
	m = model_new(&cfg, 0, why, sizeof(why));
	assert_non_null(m);
	assert_int_equal(
		vmm_guest_init(&g, "b", VS_RAM, VS_PAGES * VMM_MODEL_PAGE, 1, policy, &err), 0);
	assert_int_equal(vmm_model_attach(&g, m, &mc), 0);
	assert_int_equal(sysreg_emul_vcpu_reset(&g, 0), 0);
}

static int teardown(void **state)
{
	(void)state;
	vmm_model_detach();
	model_free(m);
	m = NULL;
	return 0;
}

static uint64_t pa(uint64_t ipa)
{
	uint64_t p = 0;

	assert_true(vmm_model_pa(ipa, &p));
	return p;
}

static struct model_line_state peek(enum model_cache c, unsigned cpu, uint64_t ipa)
{
	struct model_line_state s;

	assert_int_equal(model_peek(m, c, cpu, pa(ipa), &s), 0);
	return s;
}

static void error_says(const char *text)
{
	assert_true(vmm_model_errors() > 0);
	if (strstr(vmm_model_error(), text) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", vmm_model_error(), text);
}

/* Page p, offset o < window is pa_base + p * window + o; the rest of a page is not modelled. */
static void projection(void **state)
{
	uint64_t p;

	(void)state;
	start(VMM_POLICY_CLEAN, VMM_MODEL_ALIAS_NONE);
	assert_int_equal(pa(VS_RAM + 8), VS_PA + 8);
	assert_int_equal(pa(VS_RAM + 0x2010), VS_PA + 2 * VS_WINDOW + 0x10);
	assert_int_equal(vmm_model_ipa(VS_PA + 3 * VS_WINDOW + 0x18), VS_RAM + 0x3018);
	assert_int_equal(vmm_model_errors(), 0);
	assert_false(vmm_model_pa(VS_RAM + VS_WINDOW, &p));
	error_says("outside the first 256 bytes of its page the model holds");
	assert_false(vmm_model_pa(VS_RAM - 8, &p));
}

/* The loader writes cacheably on the VMM's CPU: dirty in its L1D, memory untouched. */
static void loader_writes_cacheably(void **state)
{
	static const uint8_t bytes[] = {1, 2, 3};
	uint64_t word = 0x1122334455667788ULL;

	(void)state;
	start(VMM_POLICY_CLEAN, VMM_MODEL_ALIAS_NONE);
	assert_int_equal(vmm_be_write_guest(&g, VS_DATA, &word, sizeof(word)), 0);
	/* Three bytes in the middle of the next word: merged with what was there. */
	assert_int_equal(vmm_be_write_guest(&g, VS_DATA + 8 + 5, bytes, sizeof(bytes)), 0);
	assert_true(peek(MODEL_CACHE_L1D, 1, VS_DATA).dirty);
	assert_int_equal(peek(MODEL_CACHE_L1D, 1, VS_DATA).value, word);
	/* Memory starts as 0x5eed << 48 | address; bytes 5-7 are now 1, 2, 3. */
	assert_int_equal(peek(MODEL_CACHE_L1D, 1, VS_DATA + 8).value,
			 (pa(VS_DATA + 8) & 0xffffffffffULL) | 0x0302010000000000ULL);
	assert_int_not_equal(peek(MODEL_CACHE_MEMORY, 0, VS_DATA).value, word);
	/* Past the modelled part of a page: refused, nothing written. */
	assert_int_equal(vmm_be_write_guest(&g, VS_DATA + VS_WINDOW - 64, &word, 8), -1);
	error_says("reach past the 256 bytes of a page the model holds");
}

/* The kernel's cache_range ops, by address over the modelled windows. */
static void cache_ops(void **state)
{
	uint64_t word = 0xabcdULL;

	(void)state;
	start(VMM_POLICY_CLEAN, VMM_MODEL_ALIAS_NONE);
	assert_int_equal(vmm_be_write_guest(&g, VS_INITRD, &word, 8), 0);
	/* To the PoU (here the L2): still not in memory. */
	assert_int_equal(vmm_be_cache_range(&g, VS_INITRD, 4096, VMM_CACHE_CLEAN, VMM_POU), 0);
	assert_true(peek(MODEL_CACHE_L2, 0, VS_INITRD).dirty);
	assert_int_not_equal(peek(MODEL_CACHE_MEMORY, 0, VS_INITRD).value, word);
	/* To the PoC: memory. A whole-RAM range is every window. */
	assert_int_equal(vmm_be_cache_range(&g, VS_RAM, VS_PAGES * VMM_MODEL_PAGE,
					    VMM_CACHE_CLEAN_INVALIDATE, VMM_POC),
			 0);
	assert_int_equal(peek(MODEL_CACHE_MEMORY, 0, VS_INITRD).value, word);
	assert_false(peek(MODEL_CACHE_L1D, 1, VS_INITRD).present);
	assert_false(peek(MODEL_CACHE_L2, 0, VS_INITRD).present);
	assert_int_equal(vmm_model_errors(), 0);
	/* No instruction invalidates or clean+invalidates by VA to the PoU. */
	assert_int_equal(vmm_be_cache_range(&g, VS_RAM, 4096, VMM_CACHE_INVALIDATE, VMM_POU), -1);
	error_says("to the PoU: no such instruction");
	assert_int_equal(vmm_be_cache_range(&g, VS_RAM, 1ULL << 20, VMM_CACHE_CLEAN, VMM_POC), -1);
}

/* Unify: DC CVAU then IC IVAU, so a stale I-cache line goes and the code reaches the PoU. */
static void unify_i(void **state)
{
	struct model_read r;
	uint64_t code = 0xc0deULL;

	(void)state;
	start(VMM_POLICY_CLEAN, VMM_MODEL_ALIAS_NONE);
	assert_int_equal(vmm_model_place(0, 0), 0);
	assert_int_equal(
		vmm_model_guest_msr(&g, 0, VMM_SCTLR_EL1, VMM_SCTLR_RESET | VMM_SCTLR_I, &err), 0);
	assert_int_equal(vmm_model_guest_ifetch(0, VS_CODE, &r), 0);
	assert_true(peek(MODEL_CACHE_L1I, 0, VS_CODE).present);
	assert_int_equal(vmm_be_write_guest(&g, VS_CODE, &code, 8), 0);
	assert_int_equal(vmm_be_cache_range(&g, VS_RAM, 4096, VMM_CACHE_UNIFY_I, VMM_POU), 0);
	assert_false(peek(MODEL_CACHE_L1I, 0, VS_CODE).present);
	assert_int_equal(peek(MODEL_CACHE_L2, 0, VS_CODE).value, code);
	assert_int_equal(vmm_model_guest_ifetch(0, VS_CODE, &r), 0);
	assert_int_equal(r.value, code);
	assert_int_equal(model_stale_count(m), 0);
}

/* Trap bits and SCTLR_EL1 become the running CPU's regime; a paused vCPU's wait. */
static void regime_follows_the_vcpu(void **state)
{
	const struct model_regime *r;

	(void)state;
	start(VMM_POLICY_DC, VMM_MODEL_ALIAS_NONE);
	assert_int_equal(vmm_model_place(0, 0), 0);
	r = model_get_regime(m, 0);
	assert_true(r->hcr_dc && r->hcr_vm && !r->sctlr_m);
	vmm_model_pause(0);
	assert_int_equal(vmm_be_write_sysreg(&g, 0, VMM_SCTLR_EL1,
					     VMM_SCTLR_RESET | VMM_SCTLR_M | VMM_SCTLR_C),
			 0);
	assert_int_equal(vmm_be_set_traps(&g, 0, VMM_HCR_TSW), 0);
	assert_true(r->hcr_dc && !r->sctlr_m); /* not before it runs again */
	vmm_model_resume(0);
	assert_true(!r->hcr_dc && r->sctlr_m && r->sctlr_c);
	/* Migrated: CPU 1 takes the regime. */
	assert_int_equal(vmm_model_place(0, 1), 0);
	assert_true(model_get_regime(m, 1)->sctlr_m);
	assert_int_equal(vmm_model_errors(), 0);
}

/* MSRs trap to sysreg_emul.c exactly while HCR_EL2.TVM is set. */
static void msr_traps_only_with_tvm(void **state)
{
	(void)state;
	start(VMM_POLICY_DC, VMM_MODEL_ALIAS_NONE);
	assert_int_equal(vmm_model_place(0, 0), 0);
	assert_int_equal(vmm_model_guest_msr(&g, 0, VMM_TCR_EL1, 0x25, &err), 0);
	assert_int_equal(g.vcpu[0].tvm_regs[VMM_TCR_EL1], 0x25); /* the VMM saw it */
	assert_int_equal(vmm_model_vcpu(0)->regs[VMM_TCR_EL1], 0x25);
	assert_int_equal(vmm_model_guest_msr(&g, 0, VMM_SCTLR_EL1,
					     VMM_SCTLR_RESET | VMM_SCTLR_M | VMM_SCTLR_C, &err),
			 0);
	assert_int_equal(g.vcpu[0].hcr & VMM_HCR_TVM, 0);
	/* TVM off: the write goes to the vCPU only; the VMM's copy keeps the old value. */
	assert_int_equal(vmm_model_guest_msr(&g, 0, VMM_TCR_EL1, 0x35, &err), 0);
	assert_int_equal(g.vcpu[0].tvm_regs[VMM_TCR_EL1], 0x25);
	assert_int_equal(vmm_model_vcpu(0)->regs[VMM_TCR_EL1], 0x35);
}

/* With TSW a set/way loop is the VMM's business; its first operation flushes by address. */
static void set_way_traps_with_tsw(void **state)
{
	(void)state;
	start(VMM_POLICY_CLEAN, VMM_MODEL_ALIAS_NONE);
	assert_int_equal(vmm_model_place(0, 0), 0);
	assert_int_equal(vmm_model_guest_set_way_loop(&g, 0, &err), 0);
	/* Two levels: 2 x 2 L1 lines and 4 x 2 L2 lines, each trapped. */
	assert_int_equal(g.vcpu[0].setway_ops, 12);
	assert_int_equal(g.vcpu[0].ram_flushes, 1);
	assert_true(vmm_model_vcpu(0)->hcr & VMM_HCR_TVM);
}

/* Without TSW the loop runs on the local CPU only (Arm ARM D4.4.8). */
static void set_way_local_without_tsw(void **state)
{
	uint64_t word = 7;

	(void)state;
	start(VMM_POLICY_CLEAN, VMM_MODEL_ALIAS_NONE);
	assert_int_equal(vmm_model_place(0, 0), 0);
	assert_int_equal(vmm_be_set_traps(&g, 0, 0), 0);
	assert_int_equal(vmm_be_write_guest(&g, VS_DATA, &word, 8), 0); /* dirty in CPU 1 */
	assert_int_equal(vmm_model_guest_set_way_loop(&g, 0, &err), 0);
	assert_int_equal(g.vcpu[0].setway_ops, 0);
	assert_true(peek(MODEL_CACHE_L1D, 1, VS_DATA).dirty);
}

/* The backend serves only the attached guest. */
static void refusals(void **state)
{
	struct vmm_guest other;
	uint64_t word = 0;

	(void)state;
	start(VMM_POLICY_CLEAN, VMM_MODEL_ALIAS_NONE);
	assert_int_equal(
		vmm_guest_init(&other, "x", VS_RAM, VMM_MODEL_PAGE, 1, VMM_POLICY_DC, &err), 0);
	assert_int_equal(vmm_be_write_guest(&other, VS_RAM, &word, 8), -1);
	error_says("guest x is not attached to a model");
	assert_int_equal(vmm_be_set_traps(&g, 3, 0), -1);
	assert_int_equal(vmm_model_place(0, 2), -1);
	assert_int_equal(vmm_model_guest_store(0, VS_RAM, 1), -1); /* not placed */
}

static void bad_attach(void **state)
{
	struct model_config cfg;
	struct vmm_model_config mc = {VS_PA, 48, 1, VMM_MODEL_ALIAS_NONE};
	char why[160];

	(void)state;
	vs_config(&cfg);
	m = model_new(&cfg, 0, why, sizeof(why));
	assert_int_equal(
		vmm_guest_init(&g, "b", VS_RAM, 8 * VMM_MODEL_PAGE, 1, VMM_POLICY_DC, &err), 0);
	assert_int_equal(vmm_model_attach(&g, m, &mc), -1);
	error_says("a multiple of the 32-byte line");
	mc.window = VS_WINDOW;
	assert_int_equal(vmm_model_attach(&g, m, &mc), -1);
	error_says("guest RAM of 8 pages needs 2048 bytes of model memory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(projection, teardown),
		cmocka_unit_test_teardown(loader_writes_cacheably, teardown),
		cmocka_unit_test_teardown(cache_ops, teardown),
		cmocka_unit_test_teardown(unify_i, teardown),
		cmocka_unit_test_teardown(regime_follows_the_vcpu, teardown),
		cmocka_unit_test_teardown(msr_traps_only_with_tvm, teardown),
		cmocka_unit_test_teardown(set_way_traps_with_tsw, teardown),
		cmocka_unit_test_teardown(set_way_local_without_tsw, teardown),
		cmocka_unit_test_teardown(refusals, teardown),
		cmocka_unit_test_teardown(bad_attach, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
