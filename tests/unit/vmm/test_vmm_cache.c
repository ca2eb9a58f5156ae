/*
 * The coherence state machine (cache_policy.c) driven through the trapped
 * register emulation (sysreg_emul.c), asserting the exact backend calls:
 * M then C, C then M, M+C at once, caches off again, set/way loops before
 * and after MMU-on, the loader's cleaning under both policies, and reset.
 */
#include <vmm/cache_policy.h>
#include <vmm/sysreg_emul.h>

#include "vmm_test.h"

#define M VMM_SCTLR_M
#define C VMM_SCTLR_C
#define RESET VMM_SCTLR_RESET
#define DC VMM_HCR_DC
#define TVM VMM_HCR_TVM
#define TRVM VMM_HCR_TRVM
#define TSW VMM_HCR_TSW
/* TCR_EL1 as Linux sets it: 39-bit spaces, Write-Back walks for TTBR0 and TTBR1. */
#define TCR_WB_WALKS (25ULL | 25ULL << 16 | 1ULL << 8 | 1ULL << 10 | 1ULL << 24 | 1ULL << 26)

static struct vmm_guest g;
static struct vmm_error err;

/* The encodings of the Arm ARM register descriptions, independent of exit_decode.c's table. */
static const struct {
	enum vmm_sysreg reg;
	unsigned op0, op1, crn, crm, op2;
} enc[] = {
	{VMM_SCTLR_EL1, 3, 0, 1, 0, 0},	      {VMM_TTBR0_EL1, 3, 0, 2, 0, 0},
	{VMM_TTBR1_EL1, 3, 0, 2, 0, 1},	      {VMM_TCR_EL1, 3, 0, 2, 0, 2},
	{VMM_ESR_EL1, 3, 0, 5, 2, 0},	      {VMM_FAR_EL1, 3, 0, 6, 0, 0},
	{VMM_AFSR0_EL1, 3, 0, 5, 1, 0},	      {VMM_AFSR1_EL1, 3, 0, 5, 1, 1},
	{VMM_MAIR_EL1, 3, 0, 10, 2, 0},	      {VMM_AMAIR_EL1, 3, 0, 10, 3, 0},
	{VMM_CONTEXTIDR_EL1, 3, 0, 13, 0, 1}, {VMM_DC_ISW, 1, 0, 7, 6, 2},
	{VMM_DC_CSW, 1, 0, 7, 10, 2},	      {VMM_DC_CISW, 1, 0, 7, 14, 2},
	{VMM_ICC_SGI1R_EL1, 3, 0, 12, 11, 5},
};

/* Trap, decode and emulate one access as the exit loop will. */
static enum sysreg_emul_result access(unsigned vcpu, enum vmm_sysreg reg, bool read,
				      uint64_t *value)
{
	for (size_t i = 0; i < sizeof(enc) / sizeof(enc[0]); i++) {
		if (enc[i].reg == reg) {
			struct vmm_exit x =
				vmm_exit_decode(esr_sys(enc[i].op0, enc[i].op1, enc[i].crn,
							enc[i].crm, enc[i].op2, 2, read));

			assert_int_equal(x.kind, VMM_EXIT_SYSREG);
			assert_int_equal(x.sysreg.reg, reg);
			return sysreg_emul_access(&g, vcpu, &x.sysreg, value, &err);
		}
	}
	fail_msg("no encoding for register %d", reg);
	return SYSREG_EMUL_FAILED;
}

static void write_reg(unsigned vcpu, enum vmm_sysreg reg, uint64_t v)
{
	assert_int_equal(access(vcpu, reg, false, &v), SYSREG_EMUL_DONE);
}

static uint64_t read_reg(unsigned vcpu, enum vmm_sysreg reg)
{
	uint64_t v = 0xdead;

	assert_int_equal(access(vcpu, reg, true, &v), SYSREG_EMUL_DONE);
	return v;
}

static void sctlr(unsigned vcpu, uint64_t v)
{
	write_reg(vcpu, VMM_SCTLR_EL1, v);
}

static void set_way(unsigned vcpu, enum vmm_sysreg op)
{
	write_reg(vcpu, op, 0x2 /* level 2, set 0, way 0 */);
}

/* A guest under policy, its vCPUs reset, the recorder then cleared. */
static void boot(unsigned vcpus, enum vmm_cache_policy policy, bool trap_reads)
{
	std_guest(&g, vcpus, policy);
	g.trap_reads = trap_reads;
	for (unsigned v = 0; v < vcpus; v++)
		assert_int_equal(sysreg_emul_vcpu_reset(&g, v), 0);
	rec_reset();
}

static void expect_flush(unsigned i)
{
	rec_expect_cache(i, RAM_BASE, RAM_SIZE, VMM_CACHE_CLEAN_INVALIDATE, VMM_POC);
}

static void initial_traps(void **state)
{
	(void)state;
	std_guest(&g, 2, VMM_POLICY_DC);
	assert_int_equal(sysreg_emul_vcpu_reset(&g, 1), 0);
	assert_int_equal(rec_count, 2);
	rec_expect_sysreg(0, 1, VMM_SCTLR_EL1, RESET);
	rec_expect_traps(1, 1, DC | TVM | TSW);

	std_guest(&g, 1, VMM_POLICY_CLEAN);
	assert_int_equal(sysreg_emul_vcpu_reset(&g, 0), 0);
	assert_int_equal(rec_count, 2);
	rec_expect_traps(1, 0, TSW);

	std_guest(&g, 1, VMM_POLICY_DC);
	g.trap_reads = true;
	assert_int_equal(sysreg_emul_vcpu_reset(&g, 0), 0);
	rec_expect_traps(1, 0, DC | TVM | TRVM | TSW);
}

/* FreeBSD's order: M first. Xen's first DC patch lost the DC-era dirty lines here. */
static void dc_m_then_c(void **state)
{
	(void)state;
	boot(1, VMM_POLICY_DC, false);
	sctlr(0, RESET | M);
	assert_int_equal(rec_count, 3);
	rec_expect_sysreg(0, 0, VMM_SCTLR_EL1, RESET | M);
	rec_expect_traps(1, 0, TVM | TSW); /* DC gone in the write that set M, TVM kept */
	expect_flush(2);		   /* cached (DC) -> uncached (M without C) */

	sctlr(0, RESET | M | C);
	assert_int_equal(rec_count, 6);
	rec_expect_sysreg(3, 0, VMM_SCTLR_EL1, RESET | M | C);
	rec_expect_traps(4, 0, TSW); /* both on: stop trapping */
	expect_flush(5);	     /* uncached -> cached */
	assert_int_equal(g.vcpu[0].ram_flushes, 2);
}

static void dc_c_then_m(void **state)
{
	(void)state;
	boot(1, VMM_POLICY_DC, false);
	sctlr(0, RESET | C); /* still DC: the view stays cached, nothing to do */
	assert_int_equal(rec_count, 1);
	rec_expect_sysreg(0, 0, VMM_SCTLR_EL1, RESET | C);
	write_reg(0, VMM_TCR_EL1, TCR_WB_WALKS);

	sctlr(0, RESET | C | M); /* DC -> M+C, cacheable walks: cached all along, no flush */
	assert_int_equal(rec_count, 4);
	rec_expect_traps(3, 0, TSW);
	assert_int_equal(g.vcpu[0].ram_flushes, 0);
}

static void dc_m_and_c_at_once(void **state)
{
	(void)state;
	boot(1, VMM_POLICY_DC, true);
	write_reg(0, VMM_TTBR0_EL1, 0x40100000);
	write_reg(0, VMM_MAIR_EL1, 0xff00);
	write_reg(0, VMM_TCR_EL1, TCR_WB_WALKS);
	sctlr(0, RESET | M | C | VMM_SCTLR_I);
	assert_int_equal(rec_count, 5);
	rec_expect_sysreg(0, 0, VMM_TTBR0_EL1, 0x40100000);
	rec_expect_sysreg(1, 0, VMM_MAIR_EL1, 0xff00);
	rec_expect_sysreg(2, 0, VMM_TCR_EL1, TCR_WB_WALKS);
	rec_expect_sysreg(3, 0, VMM_SCTLR_EL1, RESET | M | C | VMM_SCTLR_I);
	rec_expect_traps(4, 0, TSW); /* DC, TVM and TRVM all go in the one write */
}

/*
 * Seed 000 under DC: tables the guest wrote with caches "off" (cacheably,
 * under DC) are dirty where a Non-cacheable walker does not look, so leaving
 * DC for M+C flushes when TCR_EL1 says the walks are Non-cacheable; walks
 * disabled by EPDn do not count.
 */
static void dc_nc_walks_flush(void **state)
{
	static const uint64_t nc_tcrs[] = {
		0,					 /* never written: IRGN/ORGN 00 */
		TCR_WB_WALKS & ~(3ULL << 8),		 /* TTBR0 inner Non-cacheable */
		TCR_WB_WALKS & ~(3ULL << 26),		 /* TTBR1 outer Non-cacheable */
		(TCR_WB_WALKS & ~(3ULL << 24)) | BIT(7), /* TTBR0 walks off, TTBR1 NC */
	};
	static const uint64_t cached_tcrs[] = {
		TCR_WB_WALKS,
		(TCR_WB_WALKS & ~(3ULL << 24)) | BIT(23), /* TTBR1 NC but its walks disabled */
		25ULL | 25ULL << 16 | 2ULL << 8 | 3ULL << 10 | 2ULL << 24 | 3ULL << 26, /* WT, WB */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(nc_tcrs); i++) {
		boot(1, VMM_POLICY_DC, false);
		assert_false(cache_policy_walks_cached(nc_tcrs[i]));
		write_reg(0, VMM_TCR_EL1, nc_tcrs[i]);
		sctlr(0, RESET | M | C);
		assert_int_equal(rec_count, 4);
		rec_expect_traps(2, 0, TSW);
		expect_flush(3);
		assert_int_equal(g.vcpu[0].ram_flushes, 1);
	}
	for (size_t i = 0; i < ARRAY_SIZE(cached_tcrs); i++) {
		boot(1, VMM_POLICY_DC, false);
		assert_true(cache_policy_walks_cached(cached_tcrs[i]));
		write_reg(0, VMM_TCR_EL1, cached_tcrs[i]);
		sctlr(0, RESET | M | C);
		assert_int_equal(rec_count, 3);
		assert_int_equal(g.vcpu[0].ram_flushes, 0);
	}
	/* Under `clean` there is no DC to leave: nothing to flush on M+C. */
	boot(1, VMM_POLICY_CLEAN, false);
	set_way(0, VMM_DC_CISW);
	sctlr(0, RESET | M);
	rec_reset();
	sctlr(0, RESET | M | C); /* uncached -> cached flushes, once */
	assert_int_equal(rec_count, 3);
	expect_flush(2);
}

static void dc_unrelated_sctlr_bits(void **state)
{
	(void)state;
	boot(1, VMM_POLICY_DC, false);
	sctlr(0, RESET | VMM_SCTLR_I);
	sctlr(0, RESET);
	assert_int_equal(rec_count, 2);
	assert_int_equal(g.vcpu[0].hcr, DC | TVM | TSW);
}

/* Caches on, a set/way loop re-arms TVM, the guest turns caches off and on again. */
static void caches_off_again(void **state)
{
	(void)state;
	boot(1, VMM_POLICY_DC, false);
	sctlr(0, RESET | M | C);
	rec_reset();

	set_way(0, VMM_DC_CISW);
	assert_int_equal(rec_count, 2);
	rec_expect_traps(0, 0, TVM | TSW); /* re-armed, DC stays off */
	expect_flush(1);
	for (int i = 0; i < 500; i++)
		set_way(0, VMM_DC_CSW); /* the rest of the loop costs nothing */
	assert_int_equal(rec_count, 2);
	assert_int_equal(g.vcpu[0].setway_ops, 501);

	sctlr(0, RESET); /* cached -> uncached */
	assert_int_equal(rec_count, 4);
	rec_expect_sysreg(2, 0, VMM_SCTLR_EL1, RESET);
	expect_flush(3);
	assert_int_equal(g.vcpu[0].hcr, TVM | TSW);

	set_way(0, VMM_DC_ISW); /* caches off, TVM on: the next toggle flushes */
	assert_int_equal(rec_count, 4);

	sctlr(0, RESET | M | C); /* uncached -> cached, stop trapping */
	assert_int_equal(rec_count, 7);
	rec_expect_traps(5, 0, TSW);
	expect_flush(6);
}

/* With reads trapped too, TRVM comes and goes with TVM. */
static void trap_reads_follow_tvm(void **state)
{
	(void)state;
	boot(1, VMM_POLICY_CLEAN, true);
	set_way(0, VMM_DC_CSW);
	rec_expect_traps(0, 0, TVM | TRVM | TSW);
	write_reg(0, VMM_TCR_EL1, 0x25);
	assert_int_equal(read_reg(0, VMM_TCR_EL1), 0x25);
	sctlr(0, RESET | M | C);
	assert_int_equal(g.vcpu[0].hcr, TSW);
}

/* Under `dc` a set/way loop with the MMU off needs nothing: every access is cached. */
static void dc_set_way_before_mmu(void **state)
{
	(void)state;
	boot(1, VMM_POLICY_DC, false);
	for (int i = 0; i < 1000; i++)
		set_way(0, VMM_DC_CISW);
	assert_int_equal(rec_count, 0);
	assert_int_equal(g.vcpu[0].setway_ops, 1000);
	write_reg(0, VMM_TCR_EL1, TCR_WB_WALKS);
	sctlr(0, RESET | M | C);
	assert_int_equal(rec_count, 3);
	rec_expect_traps(2, 0, TSW);
}

/* Under `clean` (KVM's way) the first set/way op flushes and starts watching SCTLR. */
static void clean_set_way_before_and_after_mmu(void **state)
{
	(void)state;
	boot(1, VMM_POLICY_CLEAN, false);
	set_way(0, VMM_DC_CISW);
	assert_int_equal(rec_count, 2);
	rec_expect_traps(0, 0, TVM | TSW);
	expect_flush(1);
	for (int i = 0; i < 100; i++)
		set_way(0, VMM_DC_ISW);
	assert_int_equal(rec_count, 2);

	sctlr(0, RESET | M); /* M without C: still uncached, keep watching */
	assert_int_equal(rec_count, 3);
	sctlr(0, RESET | M | C); /* uncached -> cached */
	assert_int_equal(rec_count, 6);
	rec_expect_traps(4, 0, TSW);
	expect_flush(5);

	set_way(0, VMM_DC_CISW); /* after MMU-on: flush once more and re-arm */
	assert_int_equal(rec_count, 8);
	rec_expect_traps(6, 0, TVM | TSW);
	expect_flush(7);
}

static void vcpus_are_independent(void **state)
{
	(void)state;
	boot(2, VMM_POLICY_DC, false);
	sctlr(1, RESET | M | C);
	assert_int_equal(g.vcpu[1].hcr, TSW);
	assert_int_equal(g.vcpu[0].hcr, DC | TVM | TSW);
	rec_expect_traps(1, 1, TSW);
	assert_int_equal(read_reg(0, VMM_SCTLR_EL1), RESET);
	assert_int_equal(read_reg(1, VMM_SCTLR_EL1), RESET | M | C);
}

/* Every TVM register keeps what the guest wrote and is written through. */
static void tvm_registers_keep_values(void **state)
{
	(void)state;
	boot(1, VMM_POLICY_DC, true);
	for (int r = VMM_TTBR0_EL1; r < VMM_TVM_COUNT; r++)
		write_reg(0, (enum vmm_sysreg)r, 0x1000ULL * (unsigned)r + 0x5a);
	assert_int_equal(rec_count, VMM_TVM_COUNT - 1);
	for (int r = VMM_TTBR0_EL1; r < VMM_TVM_COUNT; r++) {
		rec_expect_sysreg((unsigned)r - 1, 0, (enum vmm_sysreg)r,
				  0x1000ULL * (unsigned)r + 0x5a);
		assert_int_equal(read_reg(0, (enum vmm_sysreg)r), 0x1000ULL * (unsigned)r + 0x5a);
	}
	assert_int_equal(read_reg(0, VMM_SCTLR_EL1), RESET);
	assert_int_equal(rec_count, VMM_TVM_COUNT - 1); /* reads need no backend call */
}

static void loader_writes(void)
{
	static uint8_t kernel[0x2800], initrd[0x1000], dtb[0x400];

	assert_int_equal(vmm_guest_write(&g, RAM_BASE, kernel, sizeof(kernel), true, &err), 0);
	assert_int_equal(
		vmm_guest_write(&g, RAM_BASE + 0x3000000, initrd, sizeof(initrd), false, &err), 0);
	/* A second write next to the initrd merges with it. */
	assert_int_equal(vmm_guest_write(&g, RAM_BASE + 0x3001000, dtb, sizeof(dtb), false, &err),
			 0);
}

static void clean_before_first_run(void **state)
{
	(void)state;
	boot(1, VMM_POLICY_CLEAN, false);
	loader_writes();
	assert_int_equal(g.nr_written, 2);
	rec_reset();
	assert_int_equal(cache_policy_before_first_run(&g), 0);
	assert_int_equal(rec_count, 3);
	rec_expect_cache(0, RAM_BASE, 0x3000, VMM_CACHE_CLEAN_INVALIDATE, VMM_POC);
	rec_expect_cache(1, RAM_BASE + 0x3000000, 0x2000, VMM_CACHE_CLEAN_INVALIDATE, VMM_POC);
	rec_expect_cache(2, RAM_BASE, 0x3000, VMM_CACHE_UNIFY_I, VMM_POU);
	/* Once per boot. */
	assert_int_equal(cache_policy_before_first_run(&g), 0);
	assert_int_equal(rec_count, 3);
}

static void dc_before_first_run(void **state)
{
	(void)state;
	boot(1, VMM_POLICY_DC, false);
	loader_writes();
	rec_reset();
	assert_int_equal(cache_policy_before_first_run(&g), 0);
	assert_int_equal(rec_count, 1); /* data is seen through DC; only code needs the I-cache */
	rec_expect_cache(0, RAM_BASE, 0x3000, VMM_CACHE_UNIFY_I, VMM_POU);
}

static void reset_flushes_and_cleans_again(void **state)
{
	(void)state;
	boot(1, VMM_POLICY_CLEAN, false);
	loader_writes();
	assert_int_equal(cache_policy_before_first_run(&g), 0);
	sctlr(0, RESET | M | C); /* not trapped under clean, but emulating it is harmless */
	rec_reset();

	assert_int_equal(cache_policy_guest_reset(&g), 0);
	assert_int_equal(sysreg_emul_vcpu_reset(&g, 0), 0);
	assert_int_equal(rec_count, 3);
	expect_flush(0);
	rec_expect_sysreg(1, 0, VMM_SCTLR_EL1, RESET);
	rec_expect_traps(2, 0, TSW);
	assert_int_equal(g.nr_written, 0);
	assert_int_equal(read_reg(0, VMM_SCTLR_EL1), RESET);

	loader_writes();
	rec_reset();
	assert_int_equal(cache_policy_before_first_run(&g), 0);
	assert_int_equal(rec_count, 3);
	rec_expect_cache(0, RAM_BASE, 0x3000, VMM_CACHE_CLEAN_INVALIDATE, VMM_POC);
}

static void dc_reset_rearms_dc(void **state)
{
	(void)state;
	boot(1, VMM_POLICY_DC, false);
	sctlr(0, RESET | M | C);
	rec_reset();
	assert_int_equal(cache_policy_guest_reset(&g), 0);
	assert_int_equal(sysreg_emul_vcpu_reset(&g, 0), 0);
	assert_int_equal(rec_count, 3);
	expect_flush(0);
	rec_expect_traps(2, 0, DC | TVM | TSW);
}

static void backend_failure_is_reported(void **state)
{
	uint64_t v = RESET | M;
	struct vmm_exit x = vmm_exit_decode(esr_sys(3, 0, 1, 0, 0, 0, false));

	(void)state;
	boot(1, VMM_POLICY_DC, false);
	rec_fail_at = 2; /* the flush */
	assert_int_equal(sysreg_emul_access(&g, 0, &x.sysreg, &v, &err), SYSREG_EMUL_FAILED);
	assert_string_equal(err.msg, "guest 'g1': vCPU 0: cache maintenance for SCTLR_EL1 failed");

	boot(1, VMM_POLICY_DC, false);
	rec_fail_at = 0; /* the write-through */
	assert_int_equal(sysreg_emul_access(&g, 0, &x.sysreg, &v, &err), SYSREG_EMUL_FAILED);
	assert_string_equal(err.msg, "guest 'g1': vCPU 0: writing SCTLR_EL1 failed");

	boot(1, VMM_POLICY_CLEAN, false);
	x = vmm_exit_decode(esr_sys(1, 0, 7, 14, 2, 0, false));
	rec_fail_at = 0;
	assert_int_equal(sysreg_emul_access(&g, 0, &x.sysreg, &v, &err), SYSREG_EMUL_FAILED);
	assert_string_equal(err.msg, "guest 'g1': vCPU 0: emulating DC CISW failed");

	boot(1, VMM_POLICY_CLEAN, false);
	loader_writes();
	rec_reset();
	rec_fail_at = 1;
	assert_int_equal(cache_policy_before_first_run(&g), -1);
}

static void refusals(void **state)
{
	uint64_t v = 0;
	struct vmm_exit x;

	(void)state;
	boot(2, VMM_POLICY_DC, false);
	/* MRS x3, S3_0_C15_C0_0: an implementation-defined register nobody emulates. */
	x = vmm_exit_decode(esr_sys(3, 0, 15, 0, 0, 3, true));
	assert_int_equal(x.sysreg.reg, VMM_SYSREG_UNKNOWN);
	assert_int_equal(sysreg_emul_access(&g, 1, &x.sysreg, &v, &err), SYSREG_EMUL_FAILED);
	assert_string_equal(err.msg,
			    "guest 'g1': vCPU 1: cannot emulate MRS of S3_0_C15_C0_0 (x3)");

	x = vmm_exit_decode(esr_sys(3, 0, 1, 0, 0, 0, false));
	assert_int_equal(sysreg_emul_access(&g, 2, &x.sysreg, &v, &err), SYSREG_EMUL_FAILED);
	assert_string_equal(err.msg, "guest 'g1': system register access from vCPU 2 of 2");

	/* A read of DC CISW does not exist: refused. */
	x = vmm_exit_decode(esr_sys(1, 0, 7, 14, 2, 0, true));
	assert_int_equal(sysreg_emul_access(&g, 0, &x.sysreg, &v, &err), SYSREG_EMUL_FAILED);
	assert_string_equal(err.msg,
			    "guest 'g1': vCPU 0: cannot emulate MRS of S1_0_C7_C14_2 (x0)");

	/* The GICv3 SGI register belongs to the vGIC. */
	x = vmm_exit_decode(esr_sys(3, 0, 12, 11, 5, 0, false));
	assert_int_equal(sysreg_emul_access(&g, 0, &x.sysreg, &v, &err), SYSREG_EMUL_NOT_MINE);
	assert_int_equal(rec_count, 0);
}

static void guest_refusals(void **state)
{
	uint8_t b[16] = {0};

	(void)state;
	assert_int_equal(vmm_guest_init(&g, "linux1", RAM_BASE, RAM_SIZE, 0, VMM_POLICY_DC, &err),
			 -1);
	assert_string_equal(err.msg, "guest 'linux1': 0 vCPUs: a guest has 1 to 4");
	assert_int_equal(vmm_guest_init(&g, "linux1", RAM_BASE, RAM_SIZE, 5, VMM_POLICY_DC, &err),
			 -1);
	assert_string_equal(err.msg, "guest 'linux1': 5 vCPUs: a guest has 1 to 4");
	assert_int_equal(vmm_guest_init(&g, "linux1", RAM_BASE, 0, 1, VMM_POLICY_DC, &err), -1);
	assert_string_equal(err.msg,
			    "guest 'linux1': guest RAM at 0x40000000 of 0x0 bytes is not a window");
	assert_int_equal(
		vmm_guest_init(&g, "linux1", RAM_BASE + 1, RAM_SIZE, 1, VMM_POLICY_DC, &err), -1);
	assert_string_equal(
		err.msg,
		"guest 'linux1': guest RAM at 0x40000001 of 0x4000000 bytes is not page aligned");

	std_guest(&g, 1, VMM_POLICY_CLEAN);
	assert_int_equal(vmm_guest_write(&g, RAM_BASE + RAM_SIZE - 8, b, sizeof(b), false, &err),
			 -1);
	assert_string_equal(err.msg,
			    "guest 'g1': write of 16 bytes at 0x43fffff8 is outside guest RAM");
	assert_int_equal(vmm_guest_write(&g, RAM_BASE - 16, b, sizeof(b), false, &err), -1);
	assert_int_equal(rec_count, 0);
	rec_fail_at = 0;
	assert_int_equal(vmm_guest_write(&g, RAM_BASE, b, sizeof(b), false, &err), -1);
	assert_string_equal(err.msg, "guest 'g1': writing 16 bytes at 0x40000000 failed");
	assert_int_equal(g.nr_written, 0);
	rec_reset();
	for (unsigned i = 0; i < VMM_MAX_WRITTEN; i++)
		assert_int_equal(
			vmm_guest_write(&g, RAM_BASE + 0x10000 * i, b, sizeof(b), false, &err), 0);
	assert_int_equal(vmm_guest_write(&g, RAM_BASE + 0x10000 * VMM_MAX_WRITTEN, b, sizeof(b),
					 false, &err),
			 -1);
	assert_string_equal(err.msg, "guest 'g1': more than 16 separate ranges written");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(initial_traps),
		cmocka_unit_test(dc_m_then_c),
		cmocka_unit_test(dc_c_then_m),
		cmocka_unit_test(dc_m_and_c_at_once),
		cmocka_unit_test(dc_nc_walks_flush),
		cmocka_unit_test(dc_unrelated_sctlr_bits),
		cmocka_unit_test(caches_off_again),
		cmocka_unit_test(trap_reads_follow_tvm),
		cmocka_unit_test(dc_set_way_before_mmu),
		cmocka_unit_test(clean_set_way_before_and_after_mmu),
		cmocka_unit_test(vcpus_are_independent),
		cmocka_unit_test(tvm_registers_keep_values),
		cmocka_unit_test(clean_before_first_run),
		cmocka_unit_test(dc_before_first_run),
		cmocka_unit_test(reset_flushes_and_cleans_again),
		cmocka_unit_test(dc_reset_rearms_dc),
		cmocka_unit_test(backend_failure_is_reported),
		cmocka_unit_test(refusals),
		cmocka_unit_test(guest_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
