/*
 * Spontaneous events: what the memory system may do on its own at any
 * moment, and the scheduler that injects them between program steps.
 *
 * Arm ARM D4.4.1, "General behavior of the caches", and B2.7.2 (Normal
 * memory): any location mapped with a cacheable Normal type, by any PE, may
 * be allocated into a cache at any time, whether or not a program accesses
 * it (speculative fills, prefetching); any line may be evicted at any time.
 * Device memory is never accessed speculatively. Translation table walks may
 * also be made speculatively and their results cached in TLBs.
 */
#include "model_int.h"

static bool mapped_cacheable(const struct model *m, const uint8_t *map, unsigned cpu, uint64_t line)
{
	return model_type_cacheable((enum model_type)map[(size_t)cpu * m->nlines + line]);
}

static bool any_cpu_maps(const struct model *m, uint64_t line)
{
	for (unsigned c = 0; c < m->cfg.cpus; c++) {
		if (mapped_cacheable(m, m->map_d, c, line) ||
		    mapped_cacheable(m, m->map_i, c, line))
			return true;
	}
	return false;
}

/* Evictions of every valid line of one cache: counted, or the target done. */
static unsigned evictions(struct model *m, struct mcache *c, enum ev_where where, unsigned cpu,
			  unsigned n, unsigned target, bool *done)
{
	for (unsigned i = 0; i < c->sets * c->ways && !*done; i++) {
		if (!c->lines[i].valid)
			continue;
		if (n++ == target) {
			cache_evict(m, c, where, cpu, &c->lines[i]);
			*done = true;
		}
	}
	return n;
}

static unsigned fills(struct model *m, unsigned n, unsigned target, bool *done)
{
	for (unsigned c = 0; c < m->cfg.cpus && !*done; c++) {
		for (uint64_t l = 0; l < m->nlines && !*done; l++) {
			if (!mapped_cacheable(m, m->map_d, c, l) ||
			    cache_find(&m->l1d[c], m->wpl, l))
				continue;
			if (n++ == target) {
				l1d_fill(m, c, l, true);
				*done = true;
			}
		}
		for (uint64_t l = 0; l < m->nlines && !*done; l++) {
			if (!mapped_cacheable(m, m->map_i, c, l) ||
			    cache_find(&m->l1i[c], m->wpl, l))
				continue;
			if (n++ == target) {
				l1i_fill(m, c, l, true, NULL);
				*done = true;
			}
		}
	}
	for (uint64_t l = 0; m->has_l2 && l < m->nlines && !*done; l++) {
		if (!any_cpu_maps(m, l) || cache_find(&m->l2, m->wpl, l))
			continue;
		if (n++ == target) {
			l2_fill(m, l, true);
			*done = true;
		}
	}
	return n;
}

static unsigned walks(struct model *m, unsigned n, unsigned target, bool *done)
{
	for (unsigned c = 0; c < m->cfg.cpus && !*done; c++) {
		for (uint64_t w = 0; w < m->nwords && !*done; w++) {
			size_t t = (size_t)c * m->nwords + w;
			struct model_read r;

			if (m->map_w[t] == 0 || m->tlb_valid[t])
				continue;
			if (n++ == target) {
				tlb_fill(m, c, w, (enum model_type)(m->map_w[t] - 1), true, &r);
				*done = true;
			}
		}
	}
	return n;
}

/*
 * The possible events in a fixed order: speculative fills (each CPU's L1D,
 * then L1I; then L2 prefetches), evictions (each CPU's L1D and L1I, then the
 * L2), speculative walks. With target below the count, that event is done.
 */
unsigned spont_enumerate(struct model *m, unsigned target, bool *done)
{
	unsigned n;

	*done = false;
	m->in_spont = true;
	n = fills(m, 0, target, done);
	for (unsigned c = 0; c < m->cfg.cpus && !*done; c++) {
		n = evictions(m, &m->l1d[c], AT_L1D, c, n, target, done);
		n = evictions(m, &m->l1i[c], AT_L1I, c, n, target, done);
	}
	if (m->has_l2 && !*done)
		n = evictions(m, &m->l2, AT_L2, 0, n, target, done);
	if (!*done)
		n = walks(m, n, target, done);
	m->in_spont = false;
	return n;
}

unsigned model_spont_count(struct model *m)
{
	bool done;

	return spont_enumerate(m, UINT32_MAX, &done);
}

int model_spont_do(struct model *m, unsigned index)
{
	bool done;
	unsigned n = spont_enumerate(m, index, &done);

	if (!done)
		return model_fail(m, "model_spont_do: event %u of %u does not exist", index, n);
	return 0;
}

void model_sched_point(struct model *m)
{
	unsigned n;

	switch (m->cfg.sched) {
	case MODEL_SCHED_NONE:
		break;
	case MODEL_SCHED_RANDOM:
		if (model_choose(m, 100) >= m->spont_rate)
			break;
		n = model_choose(m, m->cfg.spont_max + 1);
		for (unsigned i = 0; i < n; i++) {
			unsigned count = model_spont_count(m);

			if (count == 0)
				break;
			model_spont_do(m, model_choose(m, count));
		}
		break;
	case MODEL_SCHED_EXHAUSTIVE:
		/* Choice 0 is "no more events here"; k is the (k-1)th event. */
		while (m->spont_left > 0) {
			unsigned k = model_choose(m, model_spont_count(m) + 1);

			if (k == 0)
				break;
			model_spont_do(m, k - 1);
			m->spont_left--;
		}
		break;
	}
}

static struct mcache *cache_of(struct model *m, enum model_cache c, unsigned cpu,
			       enum ev_where *where)
{
	switch (c) {
	case MODEL_CACHE_L1D:
		*where = AT_L1D;
		return &m->l1d[cpu];
	case MODEL_CACHE_L1I:
		*where = AT_L1I;
		return &m->l1i[cpu];
	case MODEL_CACHE_L2:
		*where = AT_L2;
		return m->has_l2 ? &m->l2 : NULL;
	case MODEL_CACHE_MEMORY:
		break;
	}
	return NULL;
}

static int check_spont(struct model *m, const char *fn, enum model_cache c, unsigned cpu,
		       uint64_t addr)
{
	enum ev_where where;
	int err = model_check_cpu(m, fn, cpu);

	if (!err)
		err = model_check_addr(m, fn, addr & ~(uint64_t)(MODEL_WORD_BYTES - 1));
	if (!err && cache_of(m, c, cpu, &where) == NULL)
		err = model_fail(m, "%s: the model has no such cache (%d)", fn, (int)c);
	return err;
}

int model_spont_fill(struct model *m, enum model_cache c, unsigned cpu, uint64_t addr)
{
	int err = check_spont(m, "model_spont_fill", c, cpu, addr);
	uint64_t line;
	bool ok;

	if (err)
		return err;
	line = model_line_of(m, addr);
	ok = c == MODEL_CACHE_L2
		     ? any_cpu_maps(m, line)
		     : mapped_cacheable(m, c == MODEL_CACHE_L1D ? m->map_d : m->map_i, cpu, line);
	if (!ok)
		return model_fail(m,
				  "model_spont_fill: 0x%llx is not mapped cacheable for cpu %u; "
				  "nothing may fill it speculatively",
				  (unsigned long long)addr, cpu);
	m->in_spont = true;
	if (c == MODEL_CACHE_L1D && !cache_find(&m->l1d[cpu], m->wpl, line))
		l1d_fill(m, cpu, line, true);
	else if (c == MODEL_CACHE_L1I && !cache_find(&m->l1i[cpu], m->wpl, line))
		l1i_fill(m, cpu, line, true, NULL);
	else if (c == MODEL_CACHE_L2)
		l2_fill(m, line, true);
	m->in_spont = false;
	return 0;
}

int model_spont_evict(struct model *m, enum model_cache c, unsigned cpu, uint64_t addr)
{
	int err = check_spont(m, "model_spont_evict", c, cpu, addr);
	enum ev_where where;
	struct mcache *cache;
	struct mline *l;

	if (err)
		return err;
	cache = cache_of(m, c, cpu, &where);
	l = cache_find(cache, m->wpl, model_line_of(m, addr));
	if (l != NULL) {
		m->in_spont = true;
		cache_evict(m, cache, where, cpu, l);
		m->in_spont = false;
	}
	return 0;
}

int model_spont_walk(struct model *m, unsigned cpu, uint64_t desc_addr)
{
	int err = model_check_cpu(m, "model_spont_walk", cpu);
	uint64_t w;
	struct model_read r;

	if (!err)
		err = model_check_addr(m, "model_spont_walk", desc_addr);
	if (err)
		return err;
	w = model_word_of(m, desc_addr);
	if (m->map_w[(size_t)cpu * m->nwords + w] == 0)
		return model_fail(m, "model_spont_walk: 0x%llx is not a table cpu %u may walk",
				  (unsigned long long)desc_addr, cpu);
	m->in_spont = true;
	tlb_fill(m, cpu, w, (enum model_type)(m->map_w[(size_t)cpu * m->nwords + w] - 1), true, &r);
	m->in_spont = false;
	return 0;
}
