/* Loads, stores, instruction fetches and table walks, checked against the oracle. */
#include <string.h>

#include "model_int.h"

static int check_access(struct model *m, const char *fn, unsigned cpu, uint64_t addr,
			enum model_type type)
{
	int err = model_check_cpu(m, fn, cpu);

	if (!err)
		err = model_check_addr(m, fn, addr);
	if (!err)
		err = model_check_type(m, fn, type);
	return err;
}

/* Compare a read with the oracle; count and describe it when it is stale. */
static void judge(struct model *m, enum model_kind kind, unsigned cpu, uint64_t addr,
		  enum model_type type, struct model_read *r)
{
	uint64_t w = model_word_of(m, addr);
	static const enum ev_kind ev[] = {EV_LOAD, EV_IFETCH, EV_WALK};

	r->expected = m->latest[w];
	r->stale = r->value != r->expected;
	hist_add(m, ev[kind], cpu, AT_NONE, addr, r->value, (unsigned)r->source, type);
	if (r->stale) {
		if (m->stale == 0)
			stale_report(m, kind, cpu, addr, type, r);
		m->stale++;
	}
}

/* Another CPU's copies go when this one writes (Arm ARM B2.4: coherence). */
static void take_ownership(struct model *m, unsigned cpu, uint64_t line)
{
	for (unsigned p = 0; p < m->cfg.cpus; p++) {
		struct mline *l = p == cpu ? NULL : cache_find(&m->l1d[p], m->wpl, line);

		if (l != NULL) {
			/* The data moved to the writer's line: not a loss. */
			l->dirty = false;
			cache_drop(m, &m->l1d[p], AT_L1D, p, l);
		}
	}
}

int model_store(struct model *m, unsigned cpu, uint64_t addr, uint64_t value, enum model_type type)
{
	int err = check_access(m, "model_store", cpu, addr, type);
	uint64_t w, line;

	if (err)
		return err;
	model_sched_point(m);
	w = model_word_of(m, addr);
	line = model_line_of(m, addr);
	if (model_type_cacheable(type)) {
		/* Write-allocate: the line is read for ownership, then written. */
		struct mline *l = cache_find(&m->l1d[cpu], m->wpl, line);

		if (l == NULL)
			l = l1d_fill(m, cpu, line, false);
		take_ownership(m, cpu, line);
		cache_data(&m->l1d[cpu], m->wpl, l)[w % m->wpl] = value;
		l->dirty = true;
		m->latest_seq[w] = hist_add(m, EV_STORE, cpu, AT_L1D, addr, value, 0, type);
		/* Write-Through: the write also goes on to memory. */
		if (type == MODEL_NORMAL_WT)
			clean_line_to(m, line, true);
	} else {
		/*
		 * Device and Normal Non-cacheable stores go to memory and do not
		 * look in any cache; copies cached through a cacheable alias are
		 * left as they are (Arm ARM B2.8, "Mismatched memory attributes").
		 */
		m->mem[w] = value;
		m->latest_seq[w] = hist_add(m, EV_STORE, cpu, AT_MEM, addr, value, 0, type);
	}
	m->latest[w] = value;
	return 0;
}

int model_load(struct model *m, unsigned cpu, uint64_t addr, enum model_type type,
	       struct model_read *out)
{
	int err = check_access(m, "model_load", cpu, addr, type);
	uint64_t w, line;

	if (err)
		return err;
	model_sched_point(m);
	memset(out, 0, sizeof(*out));
	w = model_word_of(m, addr);
	line = model_line_of(m, addr);
	if (model_type_cacheable(type)) {
		struct mline *l = cache_find(&m->l1d[cpu], m->wpl, line);

		out->source = MODEL_SRC_L1D;
		if (l == NULL)
			l = l1d_fill_from(m, cpu, line, false, &out->source);
		out->value = cache_data(&m->l1d[cpu], m->wpl, l)[w % m->wpl];
	} else {
		/* Non-cacheable: memory, whatever any cache holds. */
		out->source = MODEL_SRC_MEMORY;
		out->value = m->mem[w];
	}
	judge(m, MODEL_KIND_DATA, cpu, addr, type, out);
	return 0;
}

int model_ifetch(struct model *m, unsigned cpu, uint64_t addr, enum model_type type,
		 struct model_read *out)
{
	int err = check_access(m, "model_ifetch", cpu, addr, type);
	uint64_t w, line;

	if (err)
		return err;
	model_sched_point(m);
	memset(out, 0, sizeof(*out));
	w = model_word_of(m, addr);
	line = model_line_of(m, addr);
	if (model_type_cacheable(type)) {
		struct mline *l = cache_find(&m->l1i[cpu], m->wpl, line);

		out->source = MODEL_SRC_L1I;
		if (l == NULL)
			l = l1i_fill(m, cpu, line, false, &out->source);
		out->value = cache_data(&m->l1i[cpu], m->wpl, l)[w % m->wpl];
	} else {
		out->source = MODEL_SRC_MEMORY;
		out->value = m->mem[w];
	}
	judge(m, MODEL_KIND_IFETCH, cpu, addr, type, out);
	return 0;
}

int model_walk(struct model *m, unsigned cpu, uint64_t desc_addr, enum model_type type,
	       struct model_read *out)
{
	int err = check_access(m, "model_walk", cpu, desc_addr, type);
	uint64_t w;
	size_t t;

	if (err)
		return err;
	model_sched_point(m);
	memset(out, 0, sizeof(*out));
	w = model_word_of(m, desc_addr);
	t = (size_t)cpu * m->nwords + w;
	if (m->tlb_valid[t]) {
		out->source = MODEL_SRC_TLB;
		out->value = m->tlb_val[t];
	} else {
		tlb_fill(m, cpu, w, type, false, out);
	}
	judge(m, MODEL_KIND_WALK, cpu, desc_addr, type, out);
	return 0;
}
