/*
 * The mechanics of the hierarchy: finding, filling, writing back and
 * dropping lines. L1 caches are per CPU; the L2 is shared and neither
 * inclusive nor exclusive of them; memory is the Point of Coherency.
 */
#include <string.h>

#include "model_int.h"

struct mline *cache_find(struct mcache *c, unsigned wpl, uint64_t line)
{
	struct mline *set;

	(void)wpl;
	if (c->sets == 0)
		return NULL;
	set = &c->lines[(line % c->sets) * c->ways];
	for (unsigned w = 0; w < c->ways; w++) {
		if (set[w].valid && set[w].line == line)
			return &set[w];
	}
	return NULL;
}

uint64_t *cache_data(struct mcache *c, unsigned wpl, const struct mline *l)
{
	return &c->data[(size_t)(l - c->lines) * wpl];
}

/*
 * A free way for the line, evicting a victim the scheduler picks when the
 * set is full (replacement policy is IMPLEMENTATION DEFINED; any way may go).
 */
struct mline *cache_slot(struct model *m, struct mcache *c, enum ev_where where, unsigned cpu,
			 uint64_t line)
{
	struct mline *set = &c->lines[(line % c->sets) * c->ways];
	struct mline *victim;

	for (unsigned w = 0; w < c->ways; w++) {
		if (!set[w].valid)
			return &set[w];
	}
	victim = &set[model_choose(m, c->ways)];
	cache_evict(m, c, where, cpu, victim);
	return victim;
}

/*
 * A writeback replaces memory a whole line at a time, so a line that was
 * dirtied by one word carries its other, possibly stale, words down with it.
 * When that replaces the latest value of a word, the history says so: it is
 * how a stale line "re-dirtied" by a partial write destroys data.
 */
void mem_write_line(struct model *m, uint64_t line, const uint64_t *words)
{
	for (unsigned i = 0; i < m->wpl; i++) {
		uint64_t w = line * m->wpl + i;

		if (m->mem[w] == m->latest[w] && words[i] != m->latest[w])
			hist_add(m, EV_OVERWRITE, 0, AT_MEM, m->cfg.mem_base + w * MODEL_WORD_BYTES,
				 words[i], 0, MODEL_DEVICE);
		m->mem[w] = words[i];
	}
}

/*
 * A dirty line's data goes to the next level: from an L1 to the L2 (which
 * allocates it) when there is one, else to memory. The line stays valid and
 * becomes clean.
 */
void cache_writeback(struct model *m, struct mcache *c, enum ev_where where, unsigned cpu,
		     struct mline *l)
{
	uint64_t *data = cache_data(c, m->wpl, l);
	uint64_t line = l->line;

	if (!l->dirty)
		return;
	l->dirty = false;
	if (where == AT_L1D && m->has_l2) {
		struct mline *l2 = cache_find(&m->l2, m->wpl, line);

		if (l2 == NULL) {
			l2 = cache_slot(m, &m->l2, AT_L2, 0, line);
			l2->valid = true;
			l2->line = line;
			l2->spec = false;
			l2->fill_seq = m->seq + 1;
		}
		memcpy(cache_data(&m->l2, m->wpl, l2), data, m->wpl * sizeof(*data));
		l2->dirty = true;
		hist_add(m, EV_WRITEBACK, cpu, where, model_line_addr(m, line), data[0], AT_L2,
			 MODEL_NORMAL_WB);
		return;
	}
	hist_add(m, EV_WRITEBACK, cpu, where, model_line_addr(m, line), data[0], AT_MEM,
		 MODEL_NORMAL_WB);
	mem_write_line(m, line, data);
}

/* Drop without writing back; the history notes whether dirty data went. */
void cache_drop(struct model *m, struct mcache *c, enum ev_where where, unsigned cpu,
		struct mline *l)
{
	(void)c;
	hist_add(m, EV_DROP, cpu, where, model_line_addr(m, l->line), 0, l->dirty ? 1 : 0,
		 MODEL_NORMAL_WB);
	l->valid = false;
	l->dirty = false;
}

/*
 * An eviction: clean lines are dropped, dirty ones written back first
 * (Arm ARM D4.4.1: a cache may evict any line at any time).
 */
void cache_evict(struct model *m, struct mcache *c, enum ev_where where, unsigned cpu,
		 struct mline *l)
{
	cache_writeback(m, c, where, cpu, l);
	cache_drop(m, c, where, cpu, l);
}

static struct mline *install(struct model *m, struct mcache *c, enum ev_where where, unsigned cpu,
			     uint64_t line, const uint64_t *words, bool spec, enum model_source src)
{
	struct mline *l = cache_slot(m, c, where, cpu, line);

	l->valid = true;
	l->dirty = false;
	l->line = line;
	l->spec = spec;
	memcpy(cache_data(c, m->wpl, l), words, m->wpl * sizeof(*words));
	l->fill_seq = hist_add(m, EV_FILL, cpu, where, model_line_addr(m, line), words[0],
			       (unsigned)src, MODEL_NORMAL_WB);
	return l;
}

/*
 * Fill from memory into the L2 (a prefetch, or the L2 allocating on the way
 * to an L1). Memory is what the L2 sees below it.
 */
struct mline *l2_fill(struct model *m, uint64_t line, bool spec)
{
	struct mline *l = cache_find(&m->l2, m->wpl, line);

	if (l != NULL)
		return l;
	return install(m, &m->l2, AT_L2, 0, line, &m->mem[line * m->wpl], spec, MODEL_SRC_MEMORY);
}

/*
 * What a cacheable data access of this CPU sees when its own L1D misses.
 * Data caches of the inner shareable domain are kept coherent by hardware
 * for cacheable accesses (Arm ARM B2.4, "Caches and memory hierarchy";
 * D4.4.1), so another CPU's L1D copy is found first (a dirty one preferred,
 * as the owner), then the L2, then memory, which allocates in the L2.
 */
enum model_source coherent_read(struct model *m, unsigned cpu, uint64_t line, uint64_t *words)
{
	struct mline *found = NULL;
	struct mcache *from = NULL;
	struct mline *l2;

	for (unsigned p = 0; p < m->cfg.cpus; p++) {
		struct mline *l = p == cpu ? NULL : cache_find(&m->l1d[p], m->wpl, line);

		if (l != NULL && (found == NULL || (l->dirty && !found->dirty))) {
			found = l;
			from = &m->l1d[p];
		}
	}
	if (found != NULL) {
		memcpy(words, cache_data(from, m->wpl, found), m->wpl * sizeof(*words));
		return MODEL_SRC_PEER_L1D;
	}
	l2 = m->has_l2 ? cache_find(&m->l2, m->wpl, line) : NULL;
	if (l2 != NULL) {
		memcpy(words, cache_data(&m->l2, m->wpl, l2), m->wpl * sizeof(*words));
		return MODEL_SRC_L2;
	}
	if (m->has_l2) {
		l2 = l2_fill(m, line, false);
		memcpy(words, cache_data(&m->l2, m->wpl, l2), m->wpl * sizeof(*words));
		return MODEL_SRC_MEMORY;
	}
	memcpy(words, &m->mem[line * m->wpl], m->wpl * sizeof(*words));
	return MODEL_SRC_MEMORY;
}

struct mline *l1d_fill_from(struct model *m, unsigned cpu, uint64_t line, bool spec,
			    enum model_source *src)
{
	uint64_t words[MAX_LINE_WORDS];

	*src = coherent_read(m, cpu, line, words);
	return install(m, &m->l1d[cpu], AT_L1D, cpu, line, words, spec, *src);
}

struct mline *l1d_fill(struct model *m, unsigned cpu, uint64_t line, bool spec)
{
	enum model_source src;

	return l1d_fill_from(m, cpu, line, spec, &src);
}

/*
 * Instruction caches fill from the Point of Unification and do not snoop
 * data caches: that is what makes DC CVAU + IC IVAU necessary after writing
 * code (Arm ARM D4.4.7, PoU; D4.4.5 "Non-cacheable accesses and instruction
 * caches"). With the PoU at the L2, an L2 miss allocates there (it is
 * unified); with the PoU at memory the fetch reads memory.
 */
struct mline *l1i_fill(struct model *m, unsigned cpu, uint64_t line, bool spec,
		       enum model_source *srcp)
{
	const uint64_t *words = &m->mem[line * m->wpl];
	enum model_source src = MODEL_SRC_MEMORY;
	struct mline *l;

	if (m->cfg.pou == MODEL_POU_L2 && m->has_l2) {
		struct mline *l2 = cache_find(&m->l2, m->wpl, line);

		if (l2 != NULL)
			src = MODEL_SRC_L2;
		else
			l2 = l2_fill(m, line, false);
		words = cache_data(&m->l2, m->wpl, l2);
	}
	l = install(m, &m->l1i[cpu], AT_L1I, cpu, line, words, spec, src);
	if (srcp != NULL)
		*srcp = src;
	return l;
}

/*
 * Clean every copy of the line in the data caches (every CPU's L1D: by-VA
 * maintenance is broadcast in the inner shareable domain) to the L2, and
 * with to_memory also the L2 to memory (Arm ARM D4.4.8, "Data cache
 * maintenance instructions": clean to PoU / to PoC).
 */
void clean_line_to(struct model *m, uint64_t line, bool to_memory)
{
	for (unsigned p = 0; p < m->cfg.cpus; p++) {
		struct mline *l = cache_find(&m->l1d[p], m->wpl, line);

		if (l != NULL && l->dirty)
			cache_writeback(m, &m->l1d[p], AT_L1D, p, l);
	}
	if (to_memory && m->has_l2) {
		struct mline *l = cache_find(&m->l2, m->wpl, line);

		if (l != NULL && l->dirty)
			cache_writeback(m, &m->l2, AT_L2, 0, l);
	}
}

/* Drop every data-cache copy of the line, dirty or not (to PoC). */
void invalidate_line(struct model *m, uint64_t line)
{
	for (unsigned p = 0; p < m->cfg.cpus; p++) {
		struct mline *l = cache_find(&m->l1d[p], m->wpl, line);

		if (l != NULL)
			cache_drop(m, &m->l1d[p], AT_L1D, p, l);
	}
	if (m->has_l2) {
		struct mline *l = cache_find(&m->l2, m->wpl, line);

		if (l != NULL)
			cache_drop(m, &m->l2, AT_L2, 0, l);
	}
}

/*
 * A table walk that misses the TLB. A cacheable walk is coherent with the
 * data caches (the walker sees what a cacheable load would, without
 * allocating in the L1D); a Non-cacheable one reads memory (TCR_EL1 and
 * VTCR_EL2 IRGNn/ORGNn descriptions). The descriptor stays in the TLB until
 * a TLBI removes it (Arm ARM D5.10, "TLB maintenance requirements").
 */
bool tlb_fill(struct model *m, unsigned cpu, uint64_t word, enum model_type type, bool spec,
	      struct model_read *out)
{
	uint64_t line = word / m->wpl;
	uint64_t words[MAX_LINE_WORDS];
	size_t t = (size_t)cpu * m->nwords + word;

	if (model_type_cacheable(type)) {
		struct mline *own = cache_find(&m->l1d[cpu], m->wpl, line);

		if (own != NULL) {
			memcpy(words, cache_data(&m->l1d[cpu], m->wpl, own),
			       m->wpl * sizeof(*words));
			out->source = MODEL_SRC_L1D;
		} else {
			out->source = coherent_read(m, cpu, line, words);
		}
		out->value = words[word % m->wpl];
	} else {
		out->source = MODEL_SRC_MEMORY;
		out->value = m->mem[word];
	}
	m->tlb_valid[t] = true;
	m->tlb_val[t] = out->value;
	m->tlb_seq[t] =
		hist_add(m, EV_TLB_FILL, cpu, AT_TLB, m->cfg.mem_base + word * MODEL_WORD_BYTES,
			 out->value, spec ? 1 : 0, type);
	return true;
}
