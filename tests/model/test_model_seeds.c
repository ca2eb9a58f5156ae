/*
 * Every seed's failing configuration must be detected by the model as a
 * stale read, and its fix must never read stale data: with no spontaneous
 * events, under thousands of random schedules, and under every schedule with
 * up to three spontaneous events on a tiny configuration.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <model/explore.h>
#include <model/model.h>

#include "scenarios.h"

#define RANDOM_RUNS 1500ul
#define EXHAUSTIVE_MAX_RUNS 400000ul

struct seed_case {
	const char *name;
	model_scenario_fn fn;
	/* What the report must say about the naive policy (NULL: nothing checked). */
	const char *naive_says;
	/* The naive policy is caught without any spontaneous event. */
	bool naive_deterministic;
	bool has_alt; /* POLICY_FIXED_ALT exists */
};

/* Small enough to be quick, big enough for capacity evictions: 2 lines of image. */
static void random_config(struct model_config *cfg)
{
	model_config_default(cfg);
	cfg->line_bytes = 32;
	cfg->mem_bytes = 256;
	cfg->l1_sets = 2;
	cfg->l1_ways = 2;
	cfg->l2_sets = 4;
	cfg->l2_ways = 2;
	cfg->spont_max = 2;
}

/* Tiny: one line of image, exhaustive over up to three spontaneous events. */
static void tiny_config(struct model_config *cfg)
{
	model_config_default(cfg);
	cfg->line_bytes = 16;
	cfg->mem_bytes = 64;
	cfg->l1_sets = 1;
	cfg->l1_ways = 2;
	cfg->l2_sets = 2;
	cfg->l2_ways = 2;
	cfg->spont_bound = 3;
}

static void check_run(int err, const struct model_run_stats *st)
{
	if (err)
		fail_msg("run failed: %s", st->error);
}

/* cmocka cuts long failure messages: the report goes out first, whole. */
static void report_says(const char *report, const char *text)
{
	if (text == NULL || strstr(report, text) != NULL)
		return;
	print_message("%s", report);
	fail_msg("the report above lacks \"%s\"", text);
}

static void naive_is_detected(void **state)
{
	const struct seed_case *c = *state;
	struct scen big = {POLICY_NAIVE, 8}, small = {POLICY_NAIVE, 2};
	struct model_config cfg;
	struct model_run_stats st;
	char err[160];

	if (c->naive_deterministic) {
		struct model *m;

		random_config(&cfg);
		m = model_new(&cfg, 0, err, sizeof(err));
		assert_non_null(m);
		c->fn(m, &big);
		assert_true(model_stale_count(m) > 0);
		report_says(model_report(m), c->naive_says);
		model_free(m);
	}
	random_config(&cfg);
	check_run(model_run_random(&cfg, c->fn, &big, 1, RANDOM_RUNS, &st), &st);
	print_message("# %s naive: %lu of %lu random schedules read stale data\n", c->name,
		      st.stale_runs, st.runs);
	assert_true(st.stale_runs > 0);
	tiny_config(&cfg);
	check_run(model_run_exhaustive(&cfg, c->fn, &small, EXHAUSTIVE_MAX_RUNS, &st), &st);
	print_message("# %s naive: %lu of %lu exhaustive schedules read stale data\n", c->name,
		      st.stale_runs, st.runs);
	assert_true(st.stale_runs > 0);
	report_says(st.first_report, c->naive_says);
}

static void fix_is_never_stale(const struct seed_case *c, enum scen_policy p)
{
	struct scen big = {p, 8}, small = {p, 2};
	struct model_config cfg;
	struct model_run_stats st;

	random_config(&cfg);
	check_run(model_run_random(&cfg, c->fn, &big, 1, RANDOM_RUNS, &st), &st);
	if (st.stale_runs) {
		print_message("%s", st.first_report);
		fail_msg("%lu of %lu random schedules stale; the first, seed %llu, above",
			 st.stale_runs, st.runs, (unsigned long long)st.first_stale_seed);
	}
	tiny_config(&cfg);
	check_run(model_run_exhaustive(&cfg, c->fn, &small, EXHAUSTIVE_MAX_RUNS, &st), &st);
	print_message("# %s fix %d: %lu exhaustive schedules, none stale\n", c->name, (int)p,
		      st.runs);
	if (st.stale_runs) {
		print_message("%s", st.first_report);
		fail_msg("%lu of %lu exhaustive schedules stale; the first, run %lu, above",
			 st.stale_runs, st.runs, st.first_stale_run);
	}
}

static void fixed_is_coherent(void **state)
{
	const struct seed_case *c = *state;

	fix_is_never_stale(c, POLICY_FIXED);
	if (c->has_alt)
		fix_is_never_stale(c, POLICY_FIXED_ALT);
}

static const struct seed_case cases[] = {
	{"seed004", scen_seed004_clean_to_pou, "cleaned only to the PoU (DC CVAU at #", true,
	 false},
	{"seed003", scen_seed003_cacheable_alias, "taken from memory by the speculative fill",
	 false, true},
	{"seed002", scen_seed002_invalidate_without_clean, "DC IVAC at #", true, true},
	{"seed000_walk", scen_seed000_walk_attributes, "cleaned only to the PoU", true, true},
	{"seed000_tlbi", scen_seed000_tlbi, "needs a TLBI", true, false},
	{"seed000_s2", scen_seed000_stage2_tables, "never cleaned to PoC", true, false},
	{"seed001", scen_seed001_stale_icache, "IC IVAU (or IC IALLU/IALLUIS) missing", true,
	 false},
	{"m_before_c", scen_dc_policy_m_before_c, "never cleaned to PoC", true, false},
	{"set_way", scen_set_way_after_migration, "in CPU1's L1D was never cleaned to PoC", true,
	 false},
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* Two tests per case, named after it. */
int main(void)
{
	static char names[2 * NCASES][64];
	struct CMUnitTest tests[2 * NCASES];

	for (size_t i = 0; i < NCASES; i++) {
		snprintf(names[2 * i], sizeof(names[0]), "%s_naive_is_detected", cases[i].name);
		snprintf(names[2 * i + 1], sizeof(names[0]), "%s_fix_is_coherent", cases[i].name);
		tests[2 * i] = (struct CMUnitTest){names[2 * i], naive_is_detected, NULL, NULL,
						   (void *)&cases[i]};
		tests[2 * i + 1] = (struct CMUnitTest){names[2 * i + 1], fixed_is_coherent, NULL,
						       NULL, (void *)&cases[i]};
	}
	return _cmocka_run_group_tests("test_model_seeds", tests, 2 * NCASES, NULL, NULL);
}
