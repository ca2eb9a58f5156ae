/* Creating the model, checking arguments, mappings, inspection. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"

void model_config_default(struct model_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->cpus = 2;
	cfg->line_bytes = 64;
	cfg->mem_base = 0x40000000;
	cfg->mem_bytes = 4096;
	cfg->l1_sets = 4;
	cfg->l1_ways = 2;
	cfg->l2_sets = 8;
	cfg->l2_ways = 4;
	cfg->pou = MODEL_POU_L2;
	cfg->sched = MODEL_SCHED_NONE;
	cfg->spont_max = 2;
	cfg->spont_bound = 2;
}

static bool pow2(uint64_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

/* The reason a configuration is unusable, or NULL. */
static const char *config_problem(const struct model_config *c)
{
	if (c->cpus < 1 || c->cpus > MODEL_MAX_CPUS)
		return "cpus must be 1 .. MODEL_MAX_CPUS";
	if (!pow2(c->line_bytes) || c->line_bytes < MODEL_WORD_BYTES ||
	    c->line_bytes > MAX_LINE_WORDS * MODEL_WORD_BYTES)
		return "line_bytes must be a power of two from 8 to 512";
	if (c->mem_bytes == 0 || c->mem_bytes % c->line_bytes != 0)
		return "mem_bytes must be a non-zero multiple of line_bytes";
	if (c->mem_bytes > (64u << 20))
		return "mem_bytes is above the model's 64 MiB limit";
	if (c->mem_base % c->line_bytes != 0)
		return "mem_base must be line aligned";
	if (c->mem_base + c->mem_bytes < c->mem_base)
		return "mem_base + mem_bytes overflows";
	if (!pow2(c->l1_sets) || c->l1_ways == 0)
		return "l1_sets must be a power of two and l1_ways non-zero";
	if (c->l2_sets != 0 && (!pow2(c->l2_sets) || c->l2_ways == 0))
		return "l2_sets must be 0 or a power of two, with l2_ways non-zero";
	if (c->pou != MODEL_POU_L2 && c->pou != MODEL_POU_MEMORY)
		return "pou must be MODEL_POU_L2 or MODEL_POU_MEMORY";
	if (c->sched == MODEL_SCHED_EXHAUSTIVE && c->explore == NULL)
		return "the exhaustive scheduler needs cfg->explore";
	if (c->sched > MODEL_SCHED_EXHAUSTIVE)
		return "sched must be NONE, RANDOM or EXHAUSTIVE";
	return NULL;
}

static bool cache_init(struct mcache *c, unsigned sets, unsigned ways, unsigned wpl)
{
	c->sets = sets;
	c->ways = ways;
	if (sets == 0)
		return true;
	c->lines = calloc((size_t)sets * ways, sizeof(*c->lines));
	c->data = calloc((size_t)sets * ways * wpl, sizeof(*c->data));
	return c->lines != NULL && c->data != NULL;
}

static void cache_fini(struct mcache *c)
{
	free(c->lines);
	free(c->data);
}

static bool alloc_arrays(struct model *m)
{
	size_t per_line = (size_t)m->cfg.cpus * m->nlines;
	size_t per_word = (size_t)m->cfg.cpus * m->nwords;

	m->mem = calloc(m->nwords, sizeof(*m->mem));
	m->latest = calloc(m->nwords, sizeof(*m->latest));
	m->latest_seq = calloc(m->nwords, sizeof(*m->latest_seq));
	m->map_d = calloc(per_line, 1);
	m->map_i = calloc(per_line, 1);
	m->map_w = calloc(per_word, 1);
	m->tlb_valid = calloc(per_word, sizeof(*m->tlb_valid));
	m->tlb_val = calloc(per_word, sizeof(*m->tlb_val));
	m->tlb_seq = calloc(per_word, sizeof(*m->tlb_seq));
	if (!m->mem || !m->latest || !m->latest_seq || !m->map_d || !m->map_i || !m->map_w ||
	    !m->tlb_valid || !m->tlb_val || !m->tlb_seq)
		return false;
	for (unsigned c = 0; c < m->cfg.cpus; c++) {
		if (!cache_init(&m->l1d[c], m->cfg.l1_sets, m->cfg.l1_ways, m->wpl) ||
		    !cache_init(&m->l1i[c], m->cfg.l1_sets, m->cfg.l1_ways, m->wpl))
			return false;
	}
	return cache_init(&m->l2, m->cfg.l2_sets, m->cfg.l2_ways, m->wpl);
}

/*
 * Memory starts with a pattern (not zero) so that a read of never-written
 * memory is told apart from a read of zeroes; the oracle starts equal to it
 * and the caches start empty, as after the reset-time invalidation the
 * architecture lets an implementation require (Arm ARM D4.4.4, "Behavior of
 * caches at reset").
 */
static void init_memory(struct model *m)
{
	for (uint64_t w = 0; w < m->nwords; w++) {
		m->mem[w] = 0x5eed000000000000ull | (m->cfg.mem_base + w * MODEL_WORD_BYTES);
		m->latest[w] = m->mem[w];
	}
}

/*
 * How busy the random scheduler is in one run: the percentage of program
 * steps before which it injects events. Runs differ, so that both stormy
 * schedules (everything evicted all the time) and quiet ones (a stale line
 * survives long enough to be read) are tried.
 */
static const unsigned spont_rates[] = {100, 30, 10, 3};

struct model *model_new(const struct model_config *cfg, uint64_t seed, char *err, size_t errlen)
{
	const char *why = config_problem(cfg);
	struct model *m;

	if (why != NULL) {
		snprintf(err, errlen, "model_new: bad configuration: %s", why);
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		snprintf(err, errlen, "model_new: out of memory");
		return NULL;
	}
	m->cfg = *cfg;
	m->wpl = cfg->line_bytes / MODEL_WORD_BYTES;
	m->nlines = cfg->mem_bytes / cfg->line_bytes;
	m->nwords = cfg->mem_bytes / MODEL_WORD_BYTES;
	m->has_l2 = cfg->l2_sets != 0;
	m->rng = seed * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;
	m->spont_left = cfg->spont_bound;
	m->spont_rate = spont_rates[seed % (sizeof(spont_rates) / sizeof(spont_rates[0]))];
	if (!alloc_arrays(m)) {
		model_free(m);
		snprintf(err, errlen, "model_new: out of memory");
		return NULL;
	}
	init_memory(m);
	return m;
}

void model_free(struct model *m)
{
	if (m == NULL)
		return;
	for (unsigned c = 0; c < MODEL_MAX_CPUS; c++) {
		cache_fini(&m->l1d[c]);
		cache_fini(&m->l1i[c]);
	}
	cache_fini(&m->l2);
	free(m->mem);
	free(m->latest);
	free(m->latest_seq);
	free(m->map_d);
	free(m->map_i);
	free(m->map_w);
	free(m->tlb_valid);
	free(m->tlb_val);
	free(m->tlb_seq);
	free(m);
}

const char *model_error(const struct model *m)
{
	return m->error;
}

const struct model_config *model_config(const struct model *m)
{
	return &m->cfg;
}

int model_fail(struct model *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->error, sizeof(m->error), fmt, ap);
	va_end(ap);
	m->errors++;
	return MODEL_EINVAL;
}

int model_check_cpu(struct model *m, const char *fn, unsigned cpu)
{
	if (cpu >= m->cfg.cpus)
		return model_fail(m, "%s: cpu %u does not exist (the model has %u)", fn, cpu,
				  m->cfg.cpus);
	return 0;
}

int model_check_addr(struct model *m, const char *fn, uint64_t addr)
{
	if (addr < m->cfg.mem_base || addr - m->cfg.mem_base >= m->cfg.mem_bytes)
		return model_fail(m, "%s: address 0x%llx is outside memory [0x%llx, 0x%llx)", fn,
				  (unsigned long long)addr, (unsigned long long)m->cfg.mem_base,
				  (unsigned long long)(m->cfg.mem_base + m->cfg.mem_bytes));
	if (addr % MODEL_WORD_BYTES != 0)
		return model_fail(m, "%s: address 0x%llx is not 8-byte aligned", fn,
				  (unsigned long long)addr);
	return 0;
}

int model_check_type(struct model *m, const char *fn, enum model_type t)
{
	if ((unsigned)t > MODEL_NORMAL_WB)
		return model_fail(m, "%s: memory type %u is not a model_type", fn, (unsigned)t);
	return 0;
}

uint64_t model_line_of(const struct model *m, uint64_t addr)
{
	return (addr - m->cfg.mem_base) / m->cfg.line_bytes;
}

uint64_t model_word_of(const struct model *m, uint64_t addr)
{
	return (addr - m->cfg.mem_base) / MODEL_WORD_BYTES;
}

uint64_t model_line_addr(const struct model *m, uint64_t line)
{
	return m->cfg.mem_base + line * m->cfg.line_bytes;
}

/* xorshift64*: small, seedable, good enough to pick events. */
static uint64_t rng_next(struct model *m)
{
	m->rng ^= m->rng >> 12;
	m->rng ^= m->rng << 25;
	m->rng ^= m->rng >> 27;
	return m->rng * 0x2545f4914f6cdd1dull;
}

/*
 * Every non-deterministic decision goes through here: without a scheduler
 * the first option, with the random one a seeded pick, with the exhaustive
 * one the enumerator's.
 */
unsigned model_choose(struct model *m, unsigned n)
{
	if (n <= 1)
		return 0;
	switch (m->cfg.sched) {
	case MODEL_SCHED_RANDOM:
		return (unsigned)(rng_next(m) % n);
	case MODEL_SCHED_EXHAUSTIVE:
		return model_explore_choose(m->cfg.explore, n);
	case MODEL_SCHED_NONE:
		break;
	}
	return 0;
}

/* [lo, hi) inside memory, non-empty. */
static int check_range(struct model *m, const char *fn, uint64_t lo, uint64_t hi)
{
	if (hi <= lo)
		return model_fail(m, "%s: empty range [0x%llx, 0x%llx)", fn, (unsigned long long)lo,
				  (unsigned long long)hi);
	if (lo < m->cfg.mem_base || hi - m->cfg.mem_base > m->cfg.mem_bytes)
		return model_fail(m, "%s: range [0x%llx, 0x%llx) is outside memory", fn,
				  (unsigned long long)lo, (unsigned long long)hi);
	return 0;
}

int model_map(struct model *m, unsigned cpu, uint64_t lo, uint64_t hi, enum model_type data,
	      enum model_type ifetch)
{
	int err = model_check_cpu(m, "model_map", cpu);

	if (!err)
		err = check_range(m, "model_map", lo, hi);
	if (!err)
		err = model_check_type(m, "model_map", data);
	if (!err)
		err = model_check_type(m, "model_map", ifetch);
	if (err)
		return err;
	for (uint64_t l = model_line_of(m, lo); l <= model_line_of(m, hi - 1); l++) {
		m->map_d[cpu * m->nlines + l] = (uint8_t)data;
		m->map_i[cpu * m->nlines + l] = (uint8_t)ifetch;
	}
	return 0;
}

static int map_walk(struct model *m, const char *fn, unsigned cpu, uint64_t lo, uint64_t hi,
		    uint8_t v)
{
	int err = model_check_cpu(m, fn, cpu);

	if (!err)
		err = check_range(m, fn, lo, hi);
	if (err)
		return err;
	for (uint64_t w = model_word_of(m, lo); w <= model_word_of(m, hi - 1); w++)
		m->map_w[cpu * m->nwords + w] = v;
	return 0;
}

int model_map_walk(struct model *m, unsigned cpu, uint64_t lo, uint64_t hi, enum model_type walk)
{
	int err = model_check_type(m, "model_map_walk", walk);

	return err ? err : map_walk(m, "model_map_walk", cpu, lo, hi, (uint8_t)(walk + 1));
}

int model_unmap_walk(struct model *m, unsigned cpu, uint64_t lo, uint64_t hi)
{
	return map_walk(m, "model_unmap_walk", cpu, lo, hi, 0);
}

static struct mcache *peek_cache(struct model *m, enum model_cache c, unsigned cpu)
{
	switch (c) {
	case MODEL_CACHE_L1D:
		return &m->l1d[cpu];
	case MODEL_CACHE_L1I:
		return &m->l1i[cpu];
	case MODEL_CACHE_L2:
		return m->has_l2 ? &m->l2 : NULL;
	case MODEL_CACHE_MEMORY:
		break;
	}
	return NULL;
}

int model_peek(const struct model *cm, enum model_cache c, unsigned cpu, uint64_t addr,
	       struct model_line_state *out)
{
	/* Inspection does not change the model, but error reporting does. */
	struct model *m = (struct model *)cm;
	uint64_t w;
	struct mcache *cache;
	struct mline *l;
	int err = model_check_cpu(m, "model_peek", cpu);

	if (!err)
		err = model_check_addr(m, "model_peek", addr);
	if (err)
		return err;
	w = model_word_of(m, addr);
	memset(out, 0, sizeof(*out));
	if (c == MODEL_CACHE_MEMORY) {
		out->present = true;
		out->value = m->mem[w];
		return 0;
	}
	cache = peek_cache(m, c, cpu);
	if (cache == NULL)
		return c == MODEL_CACHE_L2 ? 0 : model_fail(m, "model_peek: no such cache %d", c);
	l = cache_find(cache, m->wpl, model_line_of(m, addr));
	if (l != NULL) {
		out->present = true;
		out->dirty = l->dirty;
		out->value = cache_data(cache, m->wpl, l)[w % m->wpl];
	}
	return 0;
}

unsigned long model_stale_count(const struct model *m)
{
	return m->stale;
}

const char *model_report(const struct model *m)
{
	return m->report;
}

unsigned long model_event_count(const struct model *m)
{
	return m->seq;
}
