/* Running scenarios under many schedules: seeded random, and exhaustive. */
#include <stdio.h>
#include <string.h>

#include "model_int.h"

void model_explore_begin(struct model_explore *x)
{
	memset(x, 0, sizeof(*x));
}

/*
 * Depth-first enumeration of choice sequences: a run replays the path of
 * the previous one up to its last advanced choice, then takes choice 0 at
 * every new decision.
 */
unsigned model_explore_choose(struct model_explore *x, unsigned n)
{
	unsigned i = x->len;

	if (i >= MODEL_EXPLORE_DEPTH) {
		x->overflow = true;
		return 0;
	}
	x->len++;
	if (i < x->prefix && x->arity[i] == n)
		return x->choice[i];
	x->choice[i] = 0;
	x->arity[i] = n;
	x->prefix = i; /* from here on the path is new */
	return 0;
}

bool model_explore_next(struct model_explore *x)
{
	unsigned i = x->len;

	while (i > 0 && x->choice[i - 1] + 1 >= x->arity[i - 1])
		i--;
	if (i == 0 || x->overflow)
		return false;
	x->choice[i - 1]++;
	x->prefix = i;
	x->len = 0;
	return true;
}

static int one_run(const struct model_config *cfg, uint64_t seed, model_scenario_fn fn, void *ctx,
		   struct model_run_stats *st)
{
	char err[160];
	struct model *m = model_new(cfg, seed, err, sizeof(err));

	if (m == NULL) {
		snprintf(st->error, sizeof(st->error), "%.200s", err);
		return MODEL_EINVAL;
	}
	fn(m, ctx);
	if (m->errors) {
		snprintf(st->error, sizeof(st->error), "run %lu: %.200s", st->runs, m->error);
		model_free(m);
		return MODEL_EINVAL;
	}
	if (m->stale) {
		if (st->stale_runs == 0) {
			st->first_stale_seed = seed;
			st->first_stale_run = st->runs;
			memcpy(st->first_report, m->report, sizeof(st->first_report));
		}
		st->stale_runs++;
	}
	st->runs++;
	model_free(m);
	return 0;
}

int model_run_random(const struct model_config *cfg, model_scenario_fn fn, void *ctx,
		     uint64_t seed0, unsigned long n, struct model_run_stats *st)
{
	struct model_config c = *cfg;

	memset(st, 0, sizeof(*st));
	c.sched = MODEL_SCHED_RANDOM;
	for (unsigned long i = 0; i < n; i++) {
		int err = one_run(&c, seed0 + i, fn, ctx, st);

		if (err)
			return err;
	}
	return 0;
}

int model_run_exhaustive(const struct model_config *cfg, model_scenario_fn fn, void *ctx,
			 unsigned long max_runs, struct model_run_stats *st)
{
	struct model_config c = *cfg;
	struct model_explore x;

	memset(st, 0, sizeof(*st));
	model_explore_begin(&x);
	c.sched = MODEL_SCHED_EXHAUSTIVE;
	c.explore = &x;
	do {
		int err;

		if (st->runs >= max_runs) {
			snprintf(st->error, sizeof(st->error),
				 "more than %lu runs; lower spont_bound or shrink the scenario",
				 max_runs);
			return MODEL_EINVAL;
		}
		err = one_run(&c, st->runs, fn, ctx, st);
		if (err)
			return err;
	} while (model_explore_next(&x));
	if (x.overflow) {
		snprintf(st->error, sizeof(st->error), "a run made more than %u choices",
			 MODEL_EXPLORE_DEPTH);
		return MODEL_EINVAL;
	}
	return 0;
}
