/*
 * Running a scenario under many schedules.
 *
 * A scenario is a function that drives one struct model through a sequence
 * of program steps. model_run_random runs it once per seed with the
 * MODEL_SCHED_RANDOM scheduler; model_run_exhaustive runs it again and again,
 * each time taking a different path through every choice the model makes
 * (which spontaneous event, if any, happens before each step; which way a
 * fill evicts), depth first, until all paths up to the configured bound of
 * spontaneous events are covered. Runs are independent: each gets a fresh
 * model, so a scenario must not keep state between runs except in ctx.
 */
#ifndef MODEL_EXPLORE_H
#define MODEL_EXPLORE_H

#include <stdbool.h>
#include <stdint.h>

#include <model/model.h>

#define MODEL_EXPLORE_DEPTH 4096

struct model_explore {
	unsigned len;			      /* choices made so far in this run */
	unsigned prefix;		      /* choices replayed from the previous run */
	unsigned choice[MODEL_EXPLORE_DEPTH]; /* the path */
	unsigned arity[MODEL_EXPLORE_DEPTH];
	bool overflow; /* a run made more choices than MODEL_EXPLORE_DEPTH */
};

void model_explore_begin(struct model_explore *x);
/* The next choice among n (n >= 1). */
unsigned model_explore_choose(struct model_explore *x, unsigned n);
/* After a run: move to the next path; false when every path is done. */
bool model_explore_next(struct model_explore *x);

typedef void (*model_scenario_fn)(struct model *m, void *ctx);

struct model_run_stats {
	unsigned long runs;
	unsigned long stale_runs;  /* runs with at least one stale read */
	uint64_t first_stale_seed; /* RANDOM: the seed of the first stale run */
	unsigned long first_stale_run;
	char first_report[MODEL_REPORT_BYTES];
	char error[256]; /* set when a run failed (bad config, API error) */
};

/* Seeds seed0 .. seed0 + n - 1; cfg->sched is forced to RANDOM. */
int model_run_random(const struct model_config *cfg, model_scenario_fn fn, void *ctx,
		     uint64_t seed0, unsigned long n, struct model_run_stats *st);
/*
 * Every path with at most cfg->spont_bound spontaneous events; stops with
 * MODEL_EINVAL after max_runs runs (so a mistaken bound cannot hang a test).
 */
int model_run_exhaustive(const struct model_config *cfg, model_scenario_fn fn, void *ctx,
			 unsigned long max_runs, struct model_run_stats *st);

#endif
