/*
 * One test per rule of the cache model, with no spontaneous events except
 * those placed by hand (MODEL_SCHED_NONE), so each outcome is determined.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <model/guest.h>
#include <model/model.h>

#define BASE 0x40000000ull
#define A (BASE + 0x100)  /* word 0 of a line */
#define A1 (BASE + 0x108) /* word 1 of the same line */
#define B (BASE + 0x200)

static struct model *make(enum model_pou pou, unsigned l2_sets)
{
	struct model_config cfg;
	char err[160];
	struct model *m;

	model_config_default(&cfg);
	cfg.mem_bytes = 1024;
	cfg.pou = pou;
	cfg.l2_sets = l2_sets;
	m = model_new(&cfg, 1, err, sizeof(err));
	assert_non_null(m);
	return m;
}

static struct model *std_model(void)
{
	return make(MODEL_POU_L2, 8);
}

static struct model_read load(struct model *m, unsigned cpu, uint64_t a, enum model_type t)
{
	struct model_read r;

	assert_int_equal(model_load(m, cpu, a, t, &r), 0);
	return r;
}

static struct model_read fetch(struct model *m, unsigned cpu, uint64_t a, enum model_type t)
{
	struct model_read r;

	assert_int_equal(model_ifetch(m, cpu, a, t, &r), 0);
	return r;
}

static struct model_read walk(struct model *m, unsigned cpu, uint64_t a, enum model_type t)
{
	struct model_read r;

	assert_int_equal(model_walk(m, cpu, a, t, &r), 0);
	return r;
}

static void report_says(struct model *m, const char *text)
{
	if (strstr(model_report(m), text) == NULL)
		fail_msg("report lacks \"%s\":\n%s", text, model_report(m));
}

static void cacheable_reads_see_the_last_write(void **state)
{
	struct model *m = std_model();
	struct model_read r;

	(void)state;
	assert_int_equal(model_store(m, 0, A, 0x11, MODEL_NORMAL_WB), 0);
	r = load(m, 0, A, MODEL_NORMAL_WB);
	assert_false(r.stale);
	assert_int_equal(r.source, MODEL_SRC_L1D);
	/* Another CPU's cacheable read snoops the dirty line (coherence). */
	r = load(m, 1, A, MODEL_NORMAL_WB);
	assert_false(r.stale);
	assert_int_equal(r.value, 0x11);
	assert_int_equal(r.source, MODEL_SRC_PEER_L1D);
	/* A write by CPU1 removes CPU0's copy, so CPU0 sees it too. */
	assert_int_equal(model_store(m, 1, A, 0x12, MODEL_NORMAL_WB), 0);
	r = load(m, 0, A, MODEL_NORMAL_WB);
	assert_false(r.stale);
	assert_int_equal(r.value, 0x12);
	assert_int_equal(model_stale_count(m), 0);
	assert_string_equal(model_report(m), "");
	model_free(m);
}

static void never_written_memory_reads_its_initial_value(void **state)
{
	struct model *m = std_model();
	struct model_read r = load(m, 0, B, MODEL_DEVICE);

	(void)state;
	assert_false(r.stale);
	assert_int_equal(r.value, r.expected);
	assert_int_not_equal(r.value, 0);
	model_free(m);
}

/* B2.7/B2.8: a non-cacheable read does not look in the caches. */
static void nc_read_after_cacheable_write_is_stale(void **state)
{
	struct model *m = std_model();
	struct model_read r;

	(void)state;
	model_store(m, 0, A, 0x21, MODEL_NORMAL_WB);
	r = load(m, 1, A, MODEL_NORMAL_NC);
	assert_true(r.stale);
	assert_int_equal(r.expected, 0x21);
	assert_int_equal(r.source, MODEL_SRC_MEMORY);
	assert_int_equal(model_stale_count(m), 1);
	report_says(m, "stale data read by CPU1 at 0x40000100");
	report_says(m, "dirty line at 0x40000100 in CPU0's L1D was never cleaned to PoC before "
		       "a non-cacheable read");
	report_says(m, "CPU0 store Normal-WB 0x40000100 = 0x21");
	/* Device reads are the same as NC ones here. */
	assert_true(load(m, 0, A, MODEL_DEVICE).stale);
	model_free(m);
}

/* D4.4.7: with the PoU at the L2, a clean to PoU does not reach memory. */
static void clean_to_pou_is_not_enough_for_nc_reads(void **state)
{
	struct model *m = std_model();
	struct model_line_state st;

	(void)state;
	model_store(m, 0, A, 0x31, MODEL_NORMAL_WB);
	assert_int_equal(model_dc_va(m, 0, MODEL_DC_CVAU, A), 0);
	assert_int_equal(model_peek(m, MODEL_CACHE_L2, 0, A, &st), 0);
	assert_true(st.present && st.dirty);
	assert_int_equal(st.value, 0x31);
	assert_int_equal(model_peek(m, MODEL_CACHE_L1D, 0, A, &st), 0);
	assert_true(st.present && !st.dirty);
	assert_true(load(m, 1, A, MODEL_NORMAL_NC).stale);
	report_says(m, "cleaned only to the PoU (DC CVAU at #");
	report_says(m, "DC CVAC or DC CIVAC");
	model_free(m);
}

static void clean_to_pou_reaches_memory_when_pou_is_poc(void **state)
{
	struct model *m = make(MODEL_POU_MEMORY, 8);
	struct model *nol2 = make(MODEL_POU_L2, 0);

	(void)state;
	model_store(m, 0, A, 0x32, MODEL_NORMAL_WB);
	model_dc_va(m, 0, MODEL_DC_CVAU, A);
	assert_false(load(m, 1, A, MODEL_NORMAL_NC).stale);
	/* Without an L2 there is no cache between the L1s and memory either. */
	model_store(nol2, 0, A, 0x33, MODEL_NORMAL_WB);
	model_dc_va(nol2, 0, MODEL_DC_CVAU, A);
	assert_false(load(nol2, 1, A, MODEL_NORMAL_NC).stale);
	model_free(m);
	model_free(nol2);
}

/* D4.4.8: by-VA maintenance acts on every CPU's caches; CVAC/CIVAC reach memory. */
static void clean_to_poc_makes_nc_reads_fresh(void **state)
{
	struct model *m = std_model();
	struct model_line_state st;

	(void)state;
	model_store(m, 1, A, 0x41, MODEL_NORMAL_WB);
	/* CPU0 cleans a line that only CPU1's cache holds. */
	assert_int_equal(model_dc_va(m, 0, MODEL_DC_CVAC, A), 0);
	assert_false(load(m, 0, A, MODEL_NORMAL_NC).stale);
	model_peek(m, MODEL_CACHE_L1D, 1, A, &st);
	assert_true(st.present && !st.dirty);
	model_store(m, 1, B, 0x42, MODEL_NORMAL_WB);
	assert_int_equal(model_dc_range(m, 0, MODEL_DC_CIVAC, B, B + 8), 0);
	assert_false(load(m, 0, B, MODEL_NORMAL_NC).stale);
	model_peek(m, MODEL_CACHE_L1D, 1, B, &st);
	assert_false(st.present);
	model_peek(m, MODEL_CACHE_L2, 0, B, &st);
	assert_false(st.present);
	assert_int_equal(model_stale_count(m), 0);
	model_free(m);
}

/* Seed 002: an invalidate discards dirty data that never reached memory. */
static void invalidate_without_clean_loses_data(void **state)
{
	struct model *m = std_model();
	struct model_read r;

	(void)state;
	model_store(m, 0, A, 0x51, MODEL_NORMAL_WB);
	assert_int_equal(model_dc_va(m, 1, MODEL_DC_IVAC, A), 0);
	r = load(m, 1, A, MODEL_NORMAL_WB);
	assert_true(r.stale);
	assert_int_equal(r.source, MODEL_SRC_MEMORY);
	report_says(m, "the latest value was discarded at #");
	report_says(m, "DC IVAC at #");
	report_says(m, "use DC CIVAC");
	report_says(m, "DISCARDING DIRTY DATA");
	model_free(m);
}

/* HCR_EL2.VM: a guest's DC IVAC at EL1 cleans as well. */
static void guest_invalidate_cleans_under_stage2(void **state)
{
	struct model *m = std_model();
	struct model_regime r = {.sctlr_m = true, .sctlr_c = true, .hcr_vm = true};

	(void)state;
	model_set_regime(m, 0, &r);
	model_store(m, 1, A, 0x52, MODEL_NORMAL_WB); /* the hypervisor's data */
	assert_int_equal(model_guest_dc_va(m, 0, MODEL_DC_IVAC, A), 0);
	assert_false(load(m, 0, A, MODEL_NORMAL_NC).stale);
	/* DC ISW too. */
	model_store(m, 0, B, 0x53, MODEL_NORMAL_WB);
	for (unsigned s = 0; s < 4; s++)
		for (unsigned w = 0; w < 2; w++)
			assert_int_equal(model_guest_dc_sw(m, 0, MODEL_DC_ISW, 1, s, w), 0);
	assert_false(load(m, 0, B, MODEL_NORMAL_WB).stale);
	/* Without stage 2 (the hypervisor's own invalidate) nothing is upgraded. */
	r.hcr_vm = false;
	model_set_regime(m, 0, &r);
	model_store(m, 1, A, 0x54, MODEL_NORMAL_WB);
	model_guest_dc_va(m, 0, MODEL_DC_IVAC, A);
	assert_true(load(m, 0, A, MODEL_NORMAL_WB).stale);
	model_free(m);
}

/* B2.8: a non-cacheable write leaves cached copies (clean ones too) stale. */
static void nc_write_leaves_cached_copy_stale(void **state)
{
	struct model *m = std_model();
	struct model_read r;

	(void)state;
	load(m, 0, A, MODEL_NORMAL_WB); /* CPU0 caches the line */
	model_store(m, 1, A, 0x61, MODEL_NORMAL_NC);
	r = load(m, 0, A, MODEL_NORMAL_WB);
	assert_true(r.stale);
	assert_int_equal(r.source, MODEL_SRC_L1D);
	report_says(m, "stale clean line at 0x40000100 in own L1D (taken from memory by the demand "
		       "fill of CPU0 L1D at #");
	report_says(m, "not invalidated after the non-cacheable write");
	/* Invalidating after the write fixes it. */
	model_dc_va(m, 1, MODEL_DC_IVAC, A);
	r = load(m, 0, A, MODEL_NORMAL_WB);
	assert_false(r.stale);
	model_free(m);
}

/* D4.4.1: speculative fills bring clean lines of cacheable mappings only. */
static void speculative_fills_are_clean_and_need_a_cacheable_mapping(void **state)
{
	struct model *m = std_model();
	struct model_line_state st;

	(void)state;
	assert_int_equal(model_spont_count(m), 0);
	assert_int_equal(model_spont_fill(m, MODEL_CACHE_L1D, 0, A), MODEL_EINVAL);
	assert_non_null(strstr(model_error(m), "not mapped cacheable"));
	assert_int_equal(model_map(m, 0, A, A + 64, MODEL_NORMAL_NC, MODEL_DEVICE), 0);
	assert_int_equal(model_spont_count(m), 0);
	assert_int_equal(model_map(m, 0, A, A + 64, MODEL_NORMAL_WB, MODEL_DEVICE), 0);
	/* The L1D fill and an L2 prefetch of the one mapped line. */
	assert_int_equal(model_spont_count(m), 2);
	assert_int_equal(model_spont_fill(m, MODEL_CACHE_L1D, 0, A), 0);
	model_peek(m, MODEL_CACHE_L1D, 0, A, &st);
	assert_true(st.present && !st.dirty);
	/* Every valid line can now be evicted: CPU0 L1D and L2. */
	assert_int_equal(model_spont_count(m), 2);
	/* Unmapping stops further fills but does not remove the line. */
	model_map(m, 0, A, A + 64, MODEL_DEVICE, MODEL_DEVICE);
	model_peek(m, MODEL_CACHE_L1D, 0, A, &st);
	assert_true(st.present);
	model_free(m);
}

/*
 * A stale clean line dirtied by a cacheable write to another word of it
 * writes the stale word back over memory when evicted (whole-line writeback).
 */
static void partial_write_on_stale_line_corrupts_memory(void **state)
{
	struct model *m = std_model();

	(void)state;
	model_map(m, 0, A, A + 64, MODEL_NORMAL_WB, MODEL_DEVICE);
	model_spont_fill(m, MODEL_CACHE_L1D, 0, A);
	model_store(m, 1, A, 0x71, MODEL_NORMAL_NC);
	model_store(m, 0, A1, 0x72, MODEL_NORMAL_WB);
	model_spont_evict(m, MODEL_CACHE_L1D, 0, A);
	model_spont_evict(m, MODEL_CACHE_L2, 0, A);
	assert_true(load(m, 1, A, MODEL_NORMAL_NC).stale);
	assert_false(load(m, 1, A1, MODEL_NORMAL_NC).stale);
	report_says(m, "overwritten in memory at #");
	report_says(m, "speculative fill of line 0x40000100 into CPU0 L1D");
	model_free(m);
}

/* Evictions write dirty data back a level at a time; nothing is lost. */
static void evictions_write_back(void **state)
{
	struct model *m = std_model();
	struct model_line_state st;

	(void)state;
	model_store(m, 0, A, 0x81, MODEL_NORMAL_WB);
	model_spont_evict(m, MODEL_CACHE_L1D, 0, A);
	model_peek(m, MODEL_CACHE_L2, 0, A, &st);
	assert_true(st.present && st.dirty);
	assert_true(load(m, 1, A, MODEL_NORMAL_NC).stale);
	model_spont_evict(m, MODEL_CACHE_L2, 0, A);
	assert_false(load(m, 1, A, MODEL_NORMAL_NC).stale);
	model_free(m);
}

/* A full set evicts a victim to make room; the victim is written back. */
static void capacity_evictions_write_back(void **state)
{
	struct model_config cfg;
	char err[160];
	struct model *m;

	(void)state;
	model_config_default(&cfg);
	cfg.mem_bytes = 1024;
	cfg.l1_sets = 1;
	cfg.l1_ways = 1;
	cfg.l2_sets = 0;
	m = model_new(&cfg, 1, err, sizeof(err));
	assert_non_null(m);
	model_store(m, 0, A, 0x91, MODEL_NORMAL_WB);
	model_store(m, 0, B, 0x92, MODEL_NORMAL_WB); /* evicts A's line to memory */
	assert_false(load(m, 1, A, MODEL_NORMAL_NC).stale);
	assert_true(load(m, 1, B, MODEL_NORMAL_NC).stale);
	model_free(m);
}

static void write_through_stores_reach_memory(void **state)
{
	struct model *m = std_model();

	(void)state;
	model_store(m, 0, A, 0xa1, MODEL_NORMAL_WT);
	assert_false(load(m, 1, A, MODEL_NORMAL_NC).stale);
	assert_false(load(m, 0, A, MODEL_NORMAL_WB).stale);
	model_free(m);
}

/* D4.4.8: set/way operations act only on the local CPU's cache at one level. */
static void set_way_does_not_reach_other_cpus(void **state)
{
	struct model *m = std_model();

	(void)state;
	model_store(m, 1, A, 0xb1, MODEL_NORMAL_WB);
	assert_int_equal(model_dc_sw_all(m, 0, MODEL_DC_CISW, 1), 0);
	assert_int_equal(model_dc_sw_all(m, 0, MODEL_DC_CISW, 2), 0);
	assert_true(load(m, 0, A, MODEL_NORMAL_NC).stale);
	report_says(m, "in CPU1's L1D was never cleaned to PoC");
	/* CPU1 itself, level 1 then level 2, does reach memory. */
	model_dc_sw_all(m, 1, MODEL_DC_CISW, 1);
	model_dc_sw_all(m, 1, MODEL_DC_CISW, 2);
	assert_false(load(m, 0, A, MODEL_NORMAL_NC).stale);
	model_free(m);
}

static void set_way_clean_moves_one_level(void **state)
{
	struct model *m = std_model();
	struct model_line_state st;

	(void)state;
	model_store(m, 0, A, 0xb2, MODEL_NORMAL_WB);
	model_dc_sw_all(m, 0, MODEL_DC_CSW, 1);
	model_peek(m, MODEL_CACHE_L2, 0, A, &st);
	assert_true(st.present && st.dirty);
	assert_true(load(m, 1, A, MODEL_NORMAL_NC).stale);
	model_dc_sw_all(m, 0, MODEL_DC_CSW, 2);
	assert_false(load(m, 1, A, MODEL_NORMAL_NC).stale);
	model_free(m);
	/* DC ISW discards, like DC IVAC. */
	m = std_model();
	model_store(m, 0, B, 0xb3, MODEL_NORMAL_WB);
	model_dc_sw_all(m, 0, MODEL_DC_ISW, 1);
	assert_true(load(m, 0, B, MODEL_NORMAL_WB).stale);
	report_says(m, "DC ISW at #");
	report_says(m, "use DC CISW");
	model_free(m);
}

/* D4.4.5, D4.4.9: I-caches fill from the PoU and are not coherent with stores. */
static void icache_needs_dc_cvau_and_ic_ivau(void **state)
{
	struct model *m = std_model();
	struct model_read r;

	(void)state;
	fetch(m, 0, A, MODEL_NORMAL_WB); /* the old code in CPU0's I-cache */
	model_store(m, 0, A, 0xc1, MODEL_NORMAL_WB);
	r = fetch(m, 0, A, MODEL_NORMAL_WB);
	assert_true(r.stale);
	assert_int_equal(r.source, MODEL_SRC_L1I);
	report_says(m, "stale instruction fetch by CPU0");
	report_says(m, "IC IVAU (or IC IALLU/IALLUIS) missing");
	report_says(m, "DC CVAU missing too");
	/* IC IVAU alone: the refill comes from the L2, which has the old code. */
	model_ic(m, 1, MODEL_IC_IVAU, A);
	r = fetch(m, 0, A, MODEL_NORMAL_WB);
	assert_true(r.stale);
	assert_int_equal(r.source, MODEL_SRC_L2);
	/* DC CVAU then IC IVAU (broadcast: CPU1 issues both). */
	model_dc_va(m, 1, MODEL_DC_CVAU, A);
	model_ic(m, 1, MODEL_IC_IVAU, A);
	assert_false(fetch(m, 0, A, MODEL_NORMAL_WB).stale);
	model_free(m);
}

static void ic_iallu_is_local_and_iallu_is_is_not(void **state)
{
	struct model *m = std_model();

	(void)state;
	fetch(m, 1, A, MODEL_NORMAL_WB);
	model_store(m, 0, A, 0xc2, MODEL_NORMAL_WB);
	model_dc_va(m, 0, MODEL_DC_CVAU, A);
	model_ic(m, 0, MODEL_IC_IALLU, 0);
	assert_true(fetch(m, 1, A, MODEL_NORMAL_WB).stale);
	model_ic(m, 0, MODEL_IC_IALLUIS, 0);
	assert_false(fetch(m, 1, A, MODEL_NORMAL_WB).stale);
	model_free(m);
}

/* Non-cacheable fetches read memory, whatever the I-cache holds. */
static void nc_fetch_reads_memory(void **state)
{
	struct model *m = std_model();

	(void)state;
	fetch(m, 0, A, MODEL_NORMAL_WB);
	model_store(m, 0, A, 0xc3, MODEL_DEVICE);
	assert_false(fetch(m, 0, A, MODEL_NORMAL_NC).stale);
	assert_true(fetch(m, 0, A, MODEL_NORMAL_WT).stale);
	model_free(m);
}

/* Walks: NC ones read memory, cacheable ones see the data caches; TLBs keep entries. */
static void table_walks(void **state)
{
	struct model *m = std_model();
	struct model_read r;

	(void)state;
	model_store(m, 0, A, 0xd1, MODEL_NORMAL_WB);
	r = walk(m, 0, A, MODEL_NORMAL_NC);
	assert_true(r.stale);
	assert_int_equal(r.source, MODEL_SRC_MEMORY);
	report_says(m, "stale table walk by CPU0");
	/* The stale descriptor is now in the TLB, even for a cacheable walk. */
	r = walk(m, 0, A, MODEL_NORMAL_WB);
	assert_true(r.stale);
	assert_int_equal(r.source, MODEL_SRC_TLB);
	model_tlbi(m, 0, MODEL_TLBI_VA, A);
	r = walk(m, 0, A, MODEL_NORMAL_WB);
	assert_false(r.stale);
	assert_int_equal(r.source, MODEL_SRC_L1D);
	/* A rewrite is invisible until a TLBI; the local one leaves CPU1's TLB. */
	walk(m, 1, A, MODEL_NORMAL_WB);
	model_store(m, 0, A, 0xd2, MODEL_NORMAL_WB);
	assert_true(walk(m, 0, A, MODEL_NORMAL_WB).stale);
	model_tlbi(m, 0, MODEL_TLBI_ALL, 0);
	assert_false(walk(m, 0, A, MODEL_NORMAL_WB).stale);
	assert_true(walk(m, 1, A, MODEL_NORMAL_WB).stale);
	model_tlbi(m, 0, MODEL_TLBI_VAIS, A);
	assert_false(walk(m, 1, A, MODEL_NORMAL_WB).stale);
	model_free(m);
}

static void speculative_walks_fill_tlbs(void **state)
{
	struct model *m = std_model();

	(void)state;
	assert_int_equal(model_spont_walk(m, 0, A), MODEL_EINVAL);
	assert_non_null(strstr(model_error(m), "not a table"));
	model_map_walk(m, 0, A, A + 8, MODEL_NORMAL_WB);
	assert_int_equal(model_spont_count(m), 1);
	assert_int_equal(model_spont_walk(m, 0, A), 0);
	model_store(m, 0, A, 0xd3, MODEL_NORMAL_WB);
	assert_true(walk(m, 0, A, MODEL_NORMAL_WB).stale);
	report_says(m, "speculative Normal-WB walk of 0x40000100");
	report_says(m, "needs a TLBI");
	model_unmap_walk(m, 0, A, A + 8);
	model_tlbi(m, 1, MODEL_TLBI_ALLIS, 0);
	assert_int_equal(model_spont_count(m), 2); /* evictions only */
	model_free(m);
}

static void bad_configurations_are_refused(void **state)
{
	struct model_config cfg;
	char err[160];

	(void)state;
	model_config_default(&cfg);
	cfg.cpus = 0;
	assert_null(model_new(&cfg, 1, err, sizeof(err)));
	assert_non_null(strstr(err, "cpus must be 1 .. MODEL_MAX_CPUS"));
	model_config_default(&cfg);
	cfg.line_bytes = 48;
	assert_null(model_new(&cfg, 1, err, sizeof(err)));
	assert_non_null(strstr(err, "line_bytes must be a power of two"));
	model_config_default(&cfg);
	cfg.mem_bytes = 100;
	assert_null(model_new(&cfg, 1, err, sizeof(err)));
	assert_non_null(strstr(err, "multiple of line_bytes"));
	model_config_default(&cfg);
	cfg.l1_sets = 3;
	assert_null(model_new(&cfg, 1, err, sizeof(err)));
	assert_non_null(strstr(err, "l1_sets"));
	model_config_default(&cfg);
	cfg.sched = MODEL_SCHED_EXHAUSTIVE;
	assert_null(model_new(&cfg, 1, err, sizeof(err)));
	assert_non_null(strstr(err, "needs cfg->explore"));
	model_config_default(&cfg);
	cfg.mem_base = 0x1010;
	assert_null(model_new(&cfg, 1, err, sizeof(err)));
	assert_non_null(strstr(err, "line aligned"));
}

static void bad_arguments_are_refused(void **state)
{
	struct model *m = std_model();
	struct model *nol2 = make(MODEL_POU_L2, 0);
	struct model_read r;

	(void)state;
	assert_int_equal(model_store(m, 2, A, 1, MODEL_NORMAL_WB), MODEL_EINVAL);
	assert_string_equal(model_error(m), "model_store: cpu 2 does not exist (the model has 2)");
	assert_int_equal(model_load(m, 0, A + 4, MODEL_NORMAL_WB, &r), MODEL_EINVAL);
	assert_string_equal(model_error(m), "model_load: address 0x40000104 is not 8-byte aligned");
	assert_int_equal(model_load(m, 0, BASE - 8, MODEL_NORMAL_WB, &r), MODEL_EINVAL);
	assert_non_null(strstr(model_error(m), "is outside memory [0x40000000, 0x40000400)"));
	assert_int_equal(model_store(m, 0, A, 1, (enum model_type)7), MODEL_EINVAL);
	assert_non_null(strstr(model_error(m), "memory type 7 is not a model_type"));
	assert_int_equal(model_dc_sw(m, 0, MODEL_DC_CSW, 1, 4, 0), MODEL_EINVAL);
	assert_non_null(strstr(model_error(m), "set 4 way 0 outside the 4x2 level-1 cache"));
	assert_int_equal(model_dc_sw(nol2, 0, MODEL_DC_CSW, 2, 0, 0), MODEL_EINVAL);
	assert_non_null(strstr(model_error(nol2), "no data cache at level 2"));
	assert_int_equal(model_dc_range(m, 0, MODEL_DC_CVAC, A, A), MODEL_EINVAL);
	assert_non_null(strstr(model_error(m), "empty range"));
	assert_int_equal(model_map(m, 0, A, BASE + 0x800, MODEL_NORMAL_WB, MODEL_DEVICE),
			 MODEL_EINVAL);
	assert_non_null(strstr(model_error(m), "outside memory"));
	assert_int_equal(model_spont_do(m, 5), MODEL_EINVAL);
	assert_non_null(strstr(model_error(m), "event 5 of 0 does not exist"));
	assert_int_equal(model_tlbi(m, 0, MODEL_TLBI_VA, A + 1), MODEL_EINVAL);
	assert_int_equal(model_ic(m, 0, (enum model_ic_op)9, A), MODEL_EINVAL);
	assert_non_null(strstr(model_error(m), "9 is not a model_ic_op"));
	assert_int_equal(model_stale_count(m), 0);
	model_free(m);
	model_free(nol2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cacheable_reads_see_the_last_write),
		cmocka_unit_test(never_written_memory_reads_its_initial_value),
		cmocka_unit_test(nc_read_after_cacheable_write_is_stale),
		cmocka_unit_test(clean_to_pou_is_not_enough_for_nc_reads),
		cmocka_unit_test(clean_to_pou_reaches_memory_when_pou_is_poc),
		cmocka_unit_test(clean_to_poc_makes_nc_reads_fresh),
		cmocka_unit_test(invalidate_without_clean_loses_data),
		cmocka_unit_test(guest_invalidate_cleans_under_stage2),
		cmocka_unit_test(nc_write_leaves_cached_copy_stale),
		cmocka_unit_test(speculative_fills_are_clean_and_need_a_cacheable_mapping),
		cmocka_unit_test(partial_write_on_stale_line_corrupts_memory),
		cmocka_unit_test(evictions_write_back),
		cmocka_unit_test(capacity_evictions_write_back),
		cmocka_unit_test(write_through_stores_reach_memory),
		cmocka_unit_test(set_way_does_not_reach_other_cpus),
		cmocka_unit_test(set_way_clean_moves_one_level),
		cmocka_unit_test(icache_needs_dc_cvau_and_ic_ivau),
		cmocka_unit_test(ic_iallu_is_local_and_iallu_is_is_not),
		cmocka_unit_test(nc_fetch_reads_memory),
		cmocka_unit_test(table_walks),
		cmocka_unit_test(speculative_walks_fill_tlbs),
		cmocka_unit_test(bad_configurations_are_refused),
		cmocka_unit_test(bad_arguments_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
