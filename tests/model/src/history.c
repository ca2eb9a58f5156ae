/*
 * The event history and the stale-read report: what happened to the line,
 * and which maintenance operation would have prevented the stale read.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model_int.h"

#define REPORT_EVENTS 40u

uint32_t hist_add(struct model *m, enum ev_kind kind, unsigned cpu, enum ev_where where,
		  uint64_t addr, uint64_t value, unsigned aux, enum model_type type)
{
	struct event *e = &m->hist[++m->seq % HIST_CAP];

	e->seq = m->seq;
	e->kind = (uint8_t)kind;
	e->cpu = (uint8_t)cpu;
	e->where = (uint8_t)where;
	e->aux = (uint8_t)aux;
	e->type = (uint8_t)type;
	e->spont = m->in_spont;
	e->addr = addr;
	e->value = value;
	return m->seq;
}

const char *model_source_name(enum model_source s)
{
	static const char *const names[] = {"own L1D", "another CPU's L1D", "L2", "memory", "L1I",
					    "TLB"};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

struct out {
	char *buf;
	size_t len, cap;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len + 1 >= o->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len = o->len + (size_t)n < o->cap ? o->len + (size_t)n : o->cap - 1;
}

static void where_name(struct out *o, enum ev_where w, unsigned cpu)
{
	static const char *const names[] = {"L1D", "L1I", "L2", "memory", "TLB", "-"};

	if (w == AT_L1D || w == AT_L1I || w == AT_TLB)
		put(o, "CPU%u %s", cpu, names[w]);
	else
		put(o, "%s", names[w <= AT_NONE ? w : AT_NONE]);
}

static const char *sw_name(unsigned op)
{
	return op == MODEL_DC_CSW ? "DC CSW" : op == MODEL_DC_ISW ? "DC ISW" : "DC CISW";
}

static const char *ic_name(unsigned op)
{
	return op == MODEL_IC_IVAU ? "IC IVAU" : op == MODEL_IC_IALLU ? "IC IALLU" : "IC IALLUIS";
}

static const char *tlbi_name(unsigned op)
{
	static const char *const names[] = {"TLBI VA", "TLBI VAIS", "TLBI ALL", "TLBI ALLIS"};

	return op < 4 ? names[op] : "TLBI ?";
}

static void access_text(struct out *o, const struct event *e)
{
	static const char *const verbs[] = {"store", "load", "ifetch", "walk"};

	put(o, "CPU%u %s %s 0x%llx ", e->cpu, verbs[e->kind], model_type_name(e->type),
	    (unsigned long long)e->addr);
	if (e->kind == EV_STORE) {
		put(o, "= 0x%llx -> ", (unsigned long long)e->value);
		where_name(o, (enum ev_where)e->where, e->cpu);
	} else {
		put(o, "-> 0x%llx from %s", (unsigned long long)e->value,
		    model_source_name((enum model_source)e->aux));
	}
}

static void event_text(struct out *o, const struct event *e)
{
	put(o, "  #%u %s", e->seq, e->spont ? "(spontaneous) " : "");
	switch ((enum ev_kind)e->kind) {
	case EV_STORE:
	case EV_LOAD:
	case EV_IFETCH:
	case EV_WALK:
		access_text(o, e);
		break;
	case EV_FILL:
		put(o, "%sfill of line 0x%llx into ", e->spont ? "speculative " : "",
		    (unsigned long long)e->addr);
		where_name(o, (enum ev_where)e->where, e->cpu);
		put(o, " from %s", model_source_name((enum model_source)e->aux));
		break;
	case EV_WRITEBACK:
		put(o, "writeback of line 0x%llx from ", (unsigned long long)e->addr);
		where_name(o, (enum ev_where)e->where, e->cpu);
		put(o, " to %s", e->aux == AT_L2 ? "L2" : "memory");
		break;
	case EV_DROP:
		put(o, "line 0x%llx leaves ", (unsigned long long)e->addr);
		where_name(o, (enum ev_where)e->where, e->cpu);
		put(o, "%s", e->aux ? " DISCARDING DIRTY DATA" : "");
		break;
	case EV_DC_VA:
		put(o, "CPU%u %s 0x%llx", e->cpu, model_dc_op_name((enum model_dc_op)e->aux),
		    (unsigned long long)e->addr);
		break;
	case EV_DC_SW:
		put(o, "CPU%u %s level %u set %u way %u (line 0x%llx)", e->cpu, sw_name(e->aux),
		    e->where == AT_L1D ? 1 : 2, (unsigned)(e->value >> 16),
		    (unsigned)(e->value & 0xffff), (unsigned long long)e->addr);
		break;
	case EV_IC:
		put(o, "CPU%u %s", e->cpu, ic_name(e->aux));
		if (e->addr != UINT64_MAX)
			put(o, " 0x%llx", (unsigned long long)e->addr);
		break;
	case EV_TLBI:
		put(o, "CPU%u %s", e->cpu, tlbi_name(e->aux));
		if (e->addr != UINT64_MAX)
			put(o, " 0x%llx", (unsigned long long)e->addr);
		break;
	case EV_TLB_FILL:
		put(o, "%s%s walk of 0x%llx fills CPU%u TLB with 0x%llx",
		    e->aux ? "speculative " : "", model_type_name(e->type),
		    (unsigned long long)e->addr, e->cpu, (unsigned long long)e->value);
		break;
	case EV_OVERWRITE:
		put(o,
		    "memory 0x%llx := 0x%llx replaces the latest value (stale words written back)",
		    (unsigned long long)e->addr, (unsigned long long)e->value);
		break;
	}
	put(o, "\n");
}

/* The event with this number, if the history still holds it. */
static const struct event *hist_get(const struct model *m, uint32_t seq)
{
	const struct event *e = &m->hist[seq % HIST_CAP];

	return seq != NO_SEQ && e->seq == seq ? e : NULL;
}

static bool on_line(const struct model *m, const struct event *e, uint64_t line_addr)
{
	return e->addr >= line_addr && e->addr - line_addr < m->cfg.line_bytes;
}

/* The latest event after `after` of this kind on the line (aux matched if >= 0). */
static const struct event *last_on_line(const struct model *m, uint64_t line_addr, uint32_t after,
					enum ev_kind kind, int aux)
{
	uint32_t first = m->seq > HIST_CAP ? m->seq - HIST_CAP + 1 : 1;

	for (uint32_t s = m->seq; s >= first && s > after; s--) {
		const struct event *e = hist_get(m, s);

		if (e && e->kind == kind && on_line(m, e, line_addr) && (aux < 0 || e->aux == aux))
			return e;
	}
	return NULL;
}

/* The maintenance operation that caused an effect (the last one before it). */
static const struct event *cause_of(const struct model *m, uint32_t seq)
{
	for (uint32_t s = seq - 1; s > 0 && seq - s < 64; s--) {
		const struct event *e = hist_get(m, s);

		if (e == NULL)
			return NULL;
		if (e->kind == EV_DC_VA || e->kind == EV_DC_SW)
			return e;
		if (e->kind <= EV_WALK)
			return NULL;
	}
	return NULL;
}

/* Where the latest value of a word still is. */
struct holders {
	int l1d_dirty, l1d_clean; /* a CPU, or -1 */
	bool l2_dirty, l2_clean, mem;
};

static struct holders find_latest(struct model *m, uint64_t w)
{
	struct holders h = {-1, -1, false, false, m->mem[w] == m->latest[w]};
	uint64_t line = w / m->wpl;

	for (unsigned p = 0; p < m->cfg.cpus; p++) {
		struct mline *l = cache_find(&m->l1d[p], m->wpl, line);

		if (l && cache_data(&m->l1d[p], m->wpl, l)[w % m->wpl] == m->latest[w]) {
			if (l->dirty)
				h.l1d_dirty = (int)p;
			else
				h.l1d_clean = (int)p;
		}
	}
	if (m->has_l2) {
		struct mline *l = cache_find(&m->l2, m->wpl, line);

		if (l && cache_data(&m->l2, m->wpl, l)[w % m->wpl] == m->latest[w]) {
			h.l2_dirty = l->dirty;
			h.l2_clean = !l->dirty;
		}
	}
	return h;
}

struct stale_ctx {
	struct model *m;
	enum model_kind kind;
	unsigned cpu;
	uint64_t addr, w, line_addr;
	enum model_type type;
	const struct model_read *r;
	const struct event *store; /* the latest store, if still in the history */
	uint32_t store_seq;
};

static bool diagnose_lost(struct out *o, const struct stale_ctx *s, const struct holders *h)
{
	const struct event *ow, *drop, *op;

	if (h->l1d_dirty >= 0 || h->l1d_clean >= 0 || h->l2_dirty || h->l2_clean || h->mem)
		return false;
	ow = last_on_line(s->m, s->addr, s->store_seq, EV_OVERWRITE, -1);
	drop = last_on_line(s->m, s->line_addr, s->store_seq, EV_DROP, 1);
	if (ow && (!drop || ow->seq > drop->seq)) {
		put(o,
		    "the latest value was overwritten in memory at #%u by the writeback of a line "
		    "holding a stale copy of this word (a stale clean line was dirtied by a "
		    "cacheable write to another word of it): that line should have been "
		    "invalidated (DC IVAC/DC CIVAC) after the non-cacheable write, or the "
		    "cacheable alias removed before the last clean",
		    ow->seq);
		return true;
	}
	if (drop) {
		op = cause_of(s->m, drop->seq);
		put(o, "the latest value was discarded at #%u: ", drop->seq);
		if (op && op->kind == EV_DC_VA)
			put(o,
			    "%s at #%u invalidated a dirty line without cleaning it; use DC CIVAC "
			    "(clean and invalidate), or clean to PoC first",
			    model_dc_op_name((enum model_dc_op)op->aux), op->seq);
		else if (op)
			put(o,
			    "%s at #%u invalidated a dirty line without cleaning it; use DC CISW "
			    "or a clean first",
			    sw_name(op->aux), op->seq);
		else
			put(o, "a dirty line was dropped without a writeback");
		return true;
	}
	put(o, "the latest value is nowhere in the caches or memory");
	return true;
}

static bool diagnose_uncached(struct out *o, const struct stale_ctx *s, const struct holders *h)
{
	const struct event *cvau;

	if (model_type_cacheable(s->type) || s->r->source != MODEL_SRC_MEMORY)
		return false;
	if (h->l1d_dirty >= 0) {
		put(o,
		    "dirty line at 0x%llx in CPU%d's L1D was never cleaned to PoC before a "
		    "non-cacheable read: DC CVAC or DC CIVAC missing",
		    (unsigned long long)s->line_addr, h->l1d_dirty);
		return true;
	}
	if (!h->l2_dirty)
		return false;
	cvau = last_on_line(s->m, s->line_addr, s->store_seq, EV_DC_VA, MODEL_DC_CVAU);
	if (cvau)
		put(o,
		    "line at 0x%llx was cleaned only to the PoU (DC CVAU at #%u) and is still "
		    "dirty in the L2: PoU is not PoC, a non-cacheable read needs DC CVAC or DC "
		    "CIVAC",
		    (unsigned long long)s->line_addr, cvau->seq);
	else
		put(o,
		    "dirty line at 0x%llx in the L2 was never cleaned to PoC before a "
		    "non-cacheable read: DC CVAC or DC CIVAC missing",
		    (unsigned long long)s->line_addr);
	return true;
}

/* The last fill of the line from memory before seq: when a copy was taken. */
static const struct event *fill_before(const struct model *m, uint64_t line_addr, uint32_t seq)
{
	uint32_t first = m->seq > HIST_CAP ? m->seq - HIST_CAP + 1 : 1;

	for (uint32_t q = seq; q >= first && q > 0; q--) {
		const struct event *e = hist_get(m, q);

		if (e && e->kind == EV_FILL && e->aux == MODEL_SRC_MEMORY &&
		    on_line(m, e, line_addr))
			return e;
	}
	return NULL;
}

static bool diagnose_stale_copy(struct out *o, const struct stale_ctx *s, const struct holders *h)
{
	const struct event *fill;

	if (s->r->source == MODEL_SRC_MEMORY || !(h->mem || h->l2_dirty))
		return false;
	put(o, "stale clean line at 0x%llx in %s", (unsigned long long)s->line_addr,
	    model_source_name(s->r->source));
	/* Where the copy came into the caches: the last fill from memory before the write. */
	fill = fill_before(s->m, s->line_addr, s->store_seq);
	if (fill) {
		put(o, " (taken from memory by the %s fill of ",
		    fill->spont ? "speculative" : "demand");
		where_name(o, (enum ev_where)fill->where, fill->cpu);
		put(o, " at #%u)", fill->seq);
	}
	if (s->store && !model_type_cacheable((enum model_type)s->store->type))
		put(o,
		    " was not invalidated after the non-cacheable write at #%u: DC IVAC/DC CIVAC "
		    "missing after the write, or the cacheable alias that let it be filled should "
		    "have been removed before the last clean",
		    s->store->seq);
	else
		put(o, " was not invalidated after the write at #%u", s->store_seq);
	return true;
}

static void diagnose(struct out *o, const struct stale_ctx *s)
{
	struct holders h = find_latest(s->m, s->w);

	put(o, "  cause: ");
	if (s->kind == MODEL_KIND_WALK && s->r->source == MODEL_SRC_TLB) {
		put(o,
		    "CPU%u's TLB still holds the old descriptor; the write at #%u needs a TLBI "
		    "(TLBI VA/VAIS or ALL) after it",
		    s->cpu, s->store_seq);
	} else if (s->kind == MODEL_KIND_IFETCH && s->r->source == MODEL_SRC_L1I) {
		put(o,
		    "stale line in CPU%u's L1I after the code write at #%u: IC IVAU (or IC "
		    "IALLU/IALLUIS) missing after the write",
		    s->cpu, s->store_seq);
		if (h.l1d_dirty >= 0)
			put(o, ", and DC CVAU missing too: the code is still dirty in CPU%d's L1D",
			    h.l1d_dirty);
	} else if (s->kind == MODEL_KIND_IFETCH && h.l1d_dirty >= 0) {
		put(o,
		    "the code written at #%u is still dirty in CPU%d's L1D: DC CVAU missing before "
		    "the instruction fetch (I-caches fill from the PoU)",
		    s->store_seq, h.l1d_dirty);
	} else if (!diagnose_lost(o, s, &h) && !diagnose_uncached(o, s, &h) &&
		   !diagnose_stale_copy(o, s, &h)) {
		put(o, "no single missing operation derived; see the history");
	}
	put(o, "\n");
}

void stale_report(struct model *m, enum model_kind kind, unsigned cpu, uint64_t addr,
		  enum model_type type, const struct model_read *r)
{
	static const char *const kinds[] = {"data read", "instruction fetch", "table walk"};
	struct out o = {m->report, 0, sizeof(m->report)};
	struct stale_ctx s = {m, kind, cpu, addr, model_word_of(m, addr), 0, type, r, NULL, 0};
	uint32_t first = m->seq > HIST_CAP ? m->seq - HIST_CAP + 1 : 1;
	unsigned shown = 0;
	uint32_t from;

	s.line_addr = model_line_addr(m, model_line_of(m, addr));
	s.store_seq = m->latest_seq[s.w];
	s.store = hist_get(m, s.store_seq);
	put(&o, "stale %s by CPU%u at 0x%llx (%s): got 0x%llx from %s; last written 0x%llx",
	    kinds[kind], cpu, (unsigned long long)addr, model_type_name(type),
	    (unsigned long long)r->value, model_source_name(r->source),
	    (unsigned long long)r->expected);
	if (s.store)
		put(&o, " by CPU%u (%s store, #%u)\n", s.store->cpu,
		    model_type_name((enum model_type)s.store->type), s.store->seq);
	else
		put(&o, s.store_seq == NO_SEQ ? " (initial contents)\n" : "\n");
	diagnose(&o, &s);
	put(&o, "  history of line 0x%llx:\n", (unsigned long long)s.line_addr);
	/* The last REPORT_EVENTS events on the line, oldest first. */
	for (from = m->seq; from > first && shown < REPORT_EVENTS; from--) {
		const struct event *e = hist_get(m, from);

		if (e && (on_line(m, e, s.line_addr) || e->addr == UINT64_MAX))
			shown++;
	}
	for (uint32_t q = from; q <= m->seq; q++) {
		const struct event *e = hist_get(m, q);

		if (e &&
		    (on_line(m, e, s.line_addr) || (e->addr == UINT64_MAX && e->kind != EV_DC_SW)))
			event_text(&o, e);
	}
}
