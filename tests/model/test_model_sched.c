/* The schedulers: the exhaustive enumerator, seeded random runs, the run drivers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <model/explore.h>
#include <model/model.h>

#include "scenarios.h"

/* A choice tree of arities 2, then 3 (after choice 0) or 1 (after choice 1). */
static void explore_visits_every_path_once(void **state)
{
	struct model_explore x;
	unsigned seen[4] = {0};
	unsigned paths = 0;

	(void)state;
	model_explore_begin(&x);
	do {
		unsigned a = model_explore_choose(&x, 2);
		unsigned b = a == 0 ? model_explore_choose(&x, 3) : 3;

		seen[b]++;
		paths++;
	} while (model_explore_next(&x));
	assert_int_equal(paths, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(seen[i], 1);
	assert_false(x.overflow);
}

static void explore_counts_bounded_event_placements(void **state)
{
	struct model_explore x;
	unsigned runs = 0;

	(void)state;
	/* Three steps, at most two events among two kinds: 1 + 3*2 + 6*4 = 31 paths. */
	model_explore_begin(&x);
	do {
		unsigned left = 2;

		for (unsigned step = 0; step < 3; step++) {
			while (left > 0 && model_explore_choose(&x, 3) != 0)
				left--;
		}
		runs++;
	} while (model_explore_next(&x));
	assert_int_equal(runs, 31);
}

/* A scenario with spontaneous events: the loader's clean-to-PoU image. */
static void seed004(struct model *m, void *ctx)
{
	scen_seed004_clean_to_pou(m, ctx);
}

static void random_runs_are_reproducible(void **state)
{
	struct model_config cfg;
	struct scen s = {POLICY_NAIVE, 8};
	struct model_run_stats a, b;
	char err[160];
	struct model *m1, *m2;

	(void)state;
	model_config_default(&cfg);
	cfg.mem_bytes = 256;
	cfg.line_bytes = 32;
	assert_int_equal(model_run_random(&cfg, seed004, &s, 7, 200, &a), 0);
	assert_int_equal(model_run_random(&cfg, seed004, &s, 7, 200, &b), 0);
	assert_int_equal(a.runs, 200);
	assert_int_equal(a.stale_runs, b.stale_runs);
	assert_int_equal(a.first_stale_seed, b.first_stale_seed);
	assert_string_equal(a.first_report, b.first_report);
	/* One seed, one schedule; another seed, another schedule. */
	cfg.sched = MODEL_SCHED_RANDOM;
	m1 = model_new(&cfg, 1, err, sizeof(err));
	m2 = model_new(&cfg, 1, err, sizeof(err));
	seed004(m1, &s);
	seed004(m2, &s);
	assert_int_equal(model_event_count(m1), model_event_count(m2));
	model_free(m2);
	for (uint64_t seed = 2; seed < 40; seed++) {
		m2 = model_new(&cfg, seed, err, sizeof(err));
		seed004(m2, &s);
		if (model_event_count(m2) != model_event_count(m1)) {
			model_free(m2);
			break;
		}
		model_free(m2);
		assert_true(seed < 39);
	}
	model_free(m1);
}

static void no_scheduler_no_events(void **state)
{
	struct model_config cfg;
	struct scen s = {POLICY_FIXED, 8};
	char err[160];
	struct model *m;

	(void)state;
	model_config_default(&cfg);
	m = model_new(&cfg, 3, err, sizeof(err));
	seed004(m, &s);
	/* 8 stores (2 fills each line: L2 and L1D), 1 clean, 8 loads: nothing spontaneous. */
	assert_int_equal(model_stale_count(m), 0);
	assert_true(model_event_count(m) < 40);
	model_free(m);
}

static void exhaustive_stops_at_max_runs(void **state)
{
	struct model_config cfg;
	struct scen s = {POLICY_NAIVE, 8};
	struct model_run_stats st;

	(void)state;
	model_config_default(&cfg);
	cfg.mem_bytes = 256;
	cfg.spont_bound = 3;
	assert_int_equal(model_run_exhaustive(&cfg, seed004, &s, 50, &st), MODEL_EINVAL);
	assert_non_null(strstr(st.error, "more than 50 runs"));
	assert_int_equal(st.runs, 50);
}

static void bad_call(struct model *m, void *ctx)
{
	struct model_read r;

	(void)ctx;
	model_load(m, 3, 0, MODEL_NORMAL_WB, &r);
}

static void run_errors_are_reported(void **state)
{
	struct model_config cfg;
	struct model_run_stats st;

	(void)state;
	model_config_default(&cfg);
	assert_int_equal(model_run_random(&cfg, bad_call, NULL, 1, 10, &st), MODEL_EINVAL);
	assert_string_equal(st.error, "run 0: model_load: cpu 3 does not exist (the model has 2)");
	cfg.cpus = 9;
	assert_int_equal(model_run_random(&cfg, bad_call, NULL, 1, 10, &st), MODEL_EINVAL);
	assert_non_null(strstr(st.error, "bad configuration: cpus"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(explore_visits_every_path_once),
		cmocka_unit_test(explore_counts_bounded_event_placements),
		cmocka_unit_test(random_runs_are_reproducible),
		cmocka_unit_test(no_scheduler_no_events),
		cmocka_unit_test(exhaustive_stops_at_max_runs),
		cmocka_unit_test(run_errors_are_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
