/* Replaying an audit record through the cache model (audit_replay.h). */
#include "audit_replay.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cleave/vcpu_abi.h>
#include <model/guest.h>
#include <model/model.h>

#define SCTLR_M (1ULL << 0)
#define SCTLR_C (1ULL << 2)
#define SCTLR_I (1ULL << 12)
#define HCR_DC (1ULL << 12)
#define MAX_SEGMENTS (1u << 20)

enum who {
	W_NONE,		/* the memory's first contents */
	W_KERNEL,	/* the kernel zeroing a new object */
	W_USER_FRAME,	/* user level through a frame it maps (frame audit_write) */
	W_USER_ASPACE,	/* the VMM into guest memory (aspace audit_write) */
	W_GUEST_CACHED, /* the guest, as the replay lets it, with caches on */
	W_GUEST_NC,	/* the guest, as the replay lets it, with caches off */
};

struct writer {
	enum who who;
	size_t at;
	unsigned cpu;
	enum model_type type;
};

/* One model line: a physical range every record treats as a whole. */
struct seg {
	uint64_t lo, hi;
	struct writer w;   /* who wrote the latest value */
	size_t pou_at;	   /* a clean to PoU only after that write (0: none) */
	size_t inval_at;   /* an invalidate without clean after it (0: none) */
	size_t cleaned_at; /* a clean to PoC after it (0: none) */
	bool spec_filled;  /* the replay placed a speculative fill before the guest's write */
};

struct mapping {
	unsigned vmid;
	uint64_t ipa, pa, size, desc;
};

struct vcpu_st {
	uint32_t id;
	unsigned vmid, cpu;
	uint64_t sctlr, tcr, hcr;
	bool tcr_known; /* no TCR_EL1 recorded yet: its walks are taken as cacheable */
	bool ran, was_uncached;
	bool ever_ran;	       /* it entered its guest before, in this or an earlier boot */
	bool changed_by_guest; /* the last change of its view was the guest's own write */
	size_t changed_at, last_run_at;
};

struct replay {
	const struct audit_opts *opts;
	struct audit_result *out;
	struct model *m;
	unsigned cpus;
	struct seg *segs;
	size_t nsegs;
	struct mapping *maps;
	size_t nmaps, capmaps;
	struct vcpu_st *vcpus;
	size_t nvcpus, capvcpus;
	uint64_t token;
};

void audit_opts_default(struct audit_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->line_bytes = 64;
}

void audit_result_free(struct audit_result *r)
{
	free(r->problems);
	memset(r, 0, sizeof(*r));
}

static int refuse(struct audit_result *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->error, sizeof(out->error), fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- Segments --------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The physical range a record names, or false. */
static bool rec_range(const struct cl_audit_rec *r, uint64_t *lo, uint64_t *hi)
{
	switch (r->kind) {
	case CL_AUDIT_CACHE:
	case CL_AUDIT_WRITE:
	case CL_AUDIT_ZERO:
		*lo = r->a, *hi = r->a + r->b;
		return r->b != 0;
	case CL_AUDIT_S2_MAP:
	case CL_AUDIT_S2_REMAP:
		*lo = r->b, *hi = r->b + r->c;
		return r->c != 0;
	default:
		return false;
	}
}

static int make_segments(struct replay *rp, const struct cl_audit_rec *recs, size_t n)
{
	uint64_t line = rp->opts->line_bytes;
	uint64_t *b = malloc(2 * (n + 1) * sizeof(*b));
	size_t nb = 0, k = 0;

	if (b == NULL)
		return refuse(rp->out, "out of memory");
	for (size_t i = 0; i < n; i++) {
		uint64_t lo, hi;

		if (!rec_range(&recs[i], &lo, &hi))
			continue;
		if (hi < lo)
			return free(b), refuse(rp->out, "record #%zu: its range wraps around", i);
		b[nb++] = lo & ~(line - 1);
		b[nb++] = (hi + line - 1) & ~(line - 1);
	}
	qsort(b, nb, sizeof(*b), cmp_u64);
	for (size_t i = 0; i < nb; i++) {
		if (k == 0 || b[k - 1] != b[i])
			b[k++] = b[i];
	}
	rp->nsegs = k > 1 ? k - 1 : 0;
	if (rp->nsegs > MAX_SEGMENTS)
		return free(b), refuse(rp->out,
				       "the record cuts memory into %zu pieces, more than "
				       "the replay's %u",
				       rp->nsegs, MAX_SEGMENTS);
	rp->segs = calloc(rp->nsegs + 1, sizeof(*rp->segs));
	if (rp->segs == NULL)
		return free(b), refuse(rp->out, "out of memory");
	for (size_t i = 0; i < rp->nsegs; i++) {
		rp->segs[i].lo = b[i];
		rp->segs[i].hi = b[i + 1];
	}
	free(b);
	rp->out->segments = rp->nsegs;
	return 0;
}

/* The first segment at or after pa (nsegs if none). */
static size_t seg_at(const struct replay *rp, uint64_t pa)
{
	size_t lo = 0, hi = rp->nsegs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (rp->segs[mid].hi <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static uint64_t addr_of(size_t seg)
{
	return (uint64_t)seg * MODEL_WORD_BYTES;
}

static unsigned pow2_at_least(size_t n)
{
	unsigned p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

static int make_model(struct replay *rp, const struct cl_audit_rec *recs, size_t n)
{
	struct model_config cfg;
	char err[200];
	unsigned maxcpu = 0;

	for (size_t i = 0; i < n; i++)
		maxcpu = recs[i].cpu > maxcpu ? recs[i].cpu : maxcpu;
	model_config_default(&cfg);
	/* More CPUs than the model has share its caches (cpu % MODEL_MAX_CPUS): by-address
	 * maintenance reaches every cache anyway, and the kernel does no set/way. */
	cfg.cpus = maxcpu + 1 < MODEL_MAX_CPUS ? maxcpu + 1 : MODEL_MAX_CPUS;
	cfg.line_bytes = MODEL_WORD_BYTES;
	cfg.mem_base = 0;
	cfg.mem_bytes = (uint64_t)(rp->nsegs ? rp->nsegs : 1) * MODEL_WORD_BYTES;
	/* Direct mapped and as large as the memory: no capacity eviction hides anything. */
	cfg.l1_sets = cfg.l2_sets = pow2_at_least(rp->nsegs ? rp->nsegs : 1);
	cfg.l1_ways = cfg.l2_ways = 1;
	cfg.sched = MODEL_SCHED_NONE;
	rp->cpus = cfg.cpus;
	rp->m = model_new(&cfg, 1, err, sizeof(err));
	if (rp->m == NULL)
		return refuse(rp->out, "the cache model refused the replay's configuration: %s",
			      err);
	/* The kernel maps all RAM cacheable on every CPU: speculation may touch any line. */
	for (unsigned c = 0; c < cfg.cpus; c++)
		model_map(rp->m, c, 0, cfg.mem_bytes, MODEL_NORMAL_WB, MODEL_NORMAL_WB);
	return 0;
}

/* ---- Memory types ------------------------------------------------------- */

/* A stage-2 descriptor's MemAttr[5:2] (Arm ARM D8.5.5) as the model's type. */
static enum model_type s2_type(uint64_t desc)
{
	unsigned attr = (unsigned)(desc >> 2) & 0xf;

	if ((attr & 0xc) == 0)
		return MODEL_DEVICE;
	if ((attr & 0x3) == 0x1 || (attr & 0xc) == 0x4)
		return MODEL_NORMAL_NC; /* Non-cacheable inner or outer: the weaker one wins */
	if ((attr & 0x3) == 0x2 || (attr & 0xc) == 0x8)
		return MODEL_NORMAL_WT;
	return MODEL_NORMAL_WB;
}

/* One stage-1 table's walk attribute from TCR_EL1 IRGNn/ORGNn (0 = Non-cacheable). */
static enum model_type walk_attr(unsigned irgn, unsigned orgn)
{
	if (irgn == 0 || orgn == 0)
		return MODEL_NORMAL_NC;
	return irgn == 2 || orgn == 2 ? MODEL_NORMAL_WT : MODEL_NORMAL_WB;
}

/* The most restrictive walk of the tables TCR_EL1 enables (EPD0 bit 7, EPD1 bit 23). */
static enum model_type tcr_walk(uint64_t tcr)
{
	enum model_type t = MODEL_NORMAL_WB;

	if (((tcr >> 7) & 1) == 0)
		t = model_combine(t, walk_attr((tcr >> 8) & 3, (tcr >> 10) & 3));
	if (((tcr >> 23) & 1) == 0)
		t = model_combine(t, walk_attr((tcr >> 24) & 3, (tcr >> 26) & 3));
	return t;
}

static struct model_regime regime_of(const struct vcpu_st *v)
{
	struct model_regime r = {
		.sctlr_m = (v->sctlr & SCTLR_M) != 0,
		.sctlr_c = (v->sctlr & SCTLR_C) != 0,
		.sctlr_i = (v->sctlr & SCTLR_I) != 0,
		.hcr_dc = (v->hcr & HCR_DC) != 0,
		.hcr_vm = true,
	};

	return r;
}

/* Whether the guest's data accesses or table walks to RAM of type s2 bypass the caches. */
static bool uncached_data(const struct vcpu_st *v, enum model_type s2)
{
	struct model_regime r = regime_of(v);

	return !model_type_cacheable(model_guest_data_type(&r, MODEL_NORMAL_WB, s2));
}

static bool uncached_walks(const struct vcpu_st *v, enum model_type s2)
{
	struct model_regime r = regime_of(v);

	return r.sctlr_m && !r.hcr_dc && v->tcr_known &&
	       !model_type_cacheable(model_guest_walk_type(&r, tcr_walk(v->tcr), s2));
}

static bool uncached_view(const struct vcpu_st *v)
{
	return uncached_data(v, MODEL_NORMAL_WB) || uncached_walks(v, MODEL_NORMAL_WB);
}

/* ---- Writers and maintenance -------------------------------------------- */

static void store(struct replay *rp, size_t s, unsigned cpu, enum model_type type, enum who who,
		  size_t at)
{
	struct seg *g = &rp->segs[s];

	model_store(rp->m, cpu, addr_of(s), ++rp->token, type);
	g->w = (struct writer){.who = who, .at = at, .cpu = cpu, .type = type};
	g->pou_at = g->inval_at = g->cleaned_at = 0;
	g->spec_filled = false;
}

static void write_range(struct replay *rp, size_t at, const struct cl_audit_rec *r, enum who who,
			enum model_type type)
{
	unsigned cpu = r->cpu % rp->cpus;

	for (size_t s = seg_at(rp, r->a); s < rp->nsegs && rp->segs[s].lo < r->a + r->b; s++)
		store(rp, s, cpu, type, who, at);
}

static void cache_op(struct replay *rp, size_t at, const struct cl_audit_rec *r)
{
	unsigned cpu = r->cpu % rp->cpus;

	for (size_t s = seg_at(rp, r->a); s < rp->nsegs && rp->segs[s].lo < r->a + r->b; s++) {
		struct seg *g = &rp->segs[s];
		struct model_line_state st = {0};
		bool dirty = false;

		for (unsigned c = 0; c < rp->cpus && !dirty; c++) {
			model_peek(rp->m, MODEL_CACHE_L1D, c, addr_of(s), &st);
			dirty = st.present && st.dirty;
		}
		model_peek(rp->m, MODEL_CACHE_L2, 0, addr_of(s), &st);
		dirty = dirty || (st.present && st.dirty);
		switch (r->op) {
		case 0: /* clean to PoC: DC CVAC */
			model_dc_va(rp->m, cpu, MODEL_DC_CVAC, addr_of(s));
			g->cleaned_at = at;
			break;
		case 1: /* invalidate to PoC: DC IVAC (a dirty line is lost) */
			model_dc_va(rp->m, cpu, MODEL_DC_IVAC, addr_of(s));
			if (dirty && g->inval_at == 0)
				g->inval_at = at;
			break;
		case 2: /* clean+invalidate to PoC: DC CIVAC */
			model_dc_va(rp->m, cpu, MODEL_DC_CIVAC, addr_of(s));
			g->cleaned_at = at;
			g->spec_filled = false;
			break;
		default: /* unify: DC CVAU then IC IVAU (cache.S) */
			model_dc_va(rp->m, cpu, MODEL_DC_CVAU, addr_of(s));
			model_ic(rp->m, cpu, MODEL_IC_IVAU, addr_of(s));
			if (g->cleaned_at == 0 && dirty)
				g->pou_at = at;
			break;
		}
	}
}

/* ---- Mappings and vCPUs ------------------------------------------------- */

static int map_add(struct replay *rp, const struct cl_audit_rec *r)
{
	if (rp->nmaps == rp->capmaps) {
		size_t cap = rp->capmaps ? 2 * rp->capmaps : 64;
		struct mapping *p = realloc(rp->maps, cap * sizeof(*p));

		if (p == NULL)
			return refuse(rp->out, "out of memory");
		rp->maps = p;
		rp->capmaps = cap;
	}
	rp->maps[rp->nmaps++] = (struct mapping){
		.vmid = r->id, .ipa = r->a, .pa = r->b, .size = r->c, .desc = r->d};
	return 0;
}

static void map_remove(struct replay *rp, const struct cl_audit_rec *r)
{
	for (size_t i = 0; i < rp->nmaps;) {
		struct mapping *mp = &rp->maps[i];

		if (mp->vmid == r->id && ((r->flags & CL_AUDIT_ALL) || mp->ipa == r->a))
			*mp = rp->maps[--rp->nmaps];
		else
			i++;
	}
}

static void map_remap(struct replay *rp, const struct cl_audit_rec *r)
{
	for (size_t i = 0; i < rp->nmaps; i++) {
		if (rp->maps[i].vmid == r->id && rp->maps[i].ipa == r->a)
			rp->maps[i].desc = r->d;
	}
}

static struct vcpu_st *vcpu_get(struct replay *rp, uint32_t id)
{
	for (size_t i = 0; i < rp->nvcpus; i++) {
		if (rp->vcpus[i].id == id)
			return &rp->vcpus[i];
	}
	if (rp->nvcpus == rp->capvcpus) {
		size_t cap = rp->capvcpus ? 2 * rp->capvcpus : 16;
		struct vcpu_st *p = realloc(rp->vcpus, cap * sizeof(*p));

		if (p == NULL)
			return NULL;
		rp->vcpus = p;
		rp->capvcpus = cap;
	}
	rp->vcpus[rp->nvcpus] = (struct vcpu_st){.id = id, .sctlr = 0x30d00800};
	return &rp->vcpus[rp->nvcpus++];
}

static void guest_seen(struct audit_result *out, unsigned vmid)
{
	for (unsigned i = 0; i < out->nguests; i++) {
		if (out->vmids[i] == vmid)
			return;
	}
	if (out->nguests < AUDIT_MAX_GUESTS)
		out->vmids[out->nguests++] = vmid;
}

/* A register or trap change of v: remember who changed its view, and when. */
static void view_change(struct vcpu_st *v, struct vcpu_st *before, bool by_guest, size_t at)
{
	if (uncached_view(v) != uncached_view(before)) {
		v->changed_by_guest = by_guest;
		v->changed_at = at;
	}
}

/* ---- Problems ----------------------------------------------------------- */

static const char *who_text(enum who w)
{
	switch (w) {
	case W_KERNEL:
		return "zeroed by the kernel";
	case W_USER_FRAME:
		return "written by user level through a frame";
	case W_USER_ASPACE:
		return "written by the VMM into guest memory";
	case W_GUEST_CACHED:
		return "written by the guest with its caches on (as it may)";
	case W_GUEST_NC:
		return "written by the guest with its caches off (as it may)";
	default:
		return "never written";
	}
}

static struct audit_problem *problem_new(struct replay *rp)
{
	struct audit_result *out = rp->out;

	if (out->nproblems == out->cap) {
		size_t cap = out->cap ? 2 * out->cap : 16;
		struct audit_problem *p = realloc(out->problems, cap * sizeof(*p));

		if (p == NULL)
			return NULL;
		out->problems = p;
		out->cap = cap;
	}
	return &out->problems[out->nproblems++];
}

/* What should have been done, from the segment's history since its latest write. */
static void missing_op(const struct seg *g, const struct vcpu_st *v, bool cached_read, char *buf,
		       size_t len)
{
	const char *by = v->changed_by_guest ? "the guest" : "the VMM";

	if (g->inval_at != 0)
		snprintf(buf, len,
			 "invalidated without clean at #%zu, which discarded it: needs "
			 "clean+invalidate to PoC (DC CIVAC) instead",
			 g->inval_at);
	else if (cached_read)
		snprintf(buf, len,
			 "a line of it filled through a cacheable alias (the kernel's map of RAM) "
			 "before that write survives: needs invalidate to PoC (DC CIVAC) after "
			 "the caches-off run, when %s changed the view at #%zu",
			 by, v->changed_at);
	else if (g->w.who == W_GUEST_CACHED)
		snprintf(buf, len,
			 "still dirty in a cache when %s turned the view uncached at #%zu: needs "
			 "clean to PoC (DC CIVAC) of guest RAM at that change",
			 by, v->changed_at);
	else if (g->pou_at != 0)
		snprintf(buf, len, "cleaned only to the PoU at #%zu: needs clean to PoC",
			 g->pou_at);
	else
		snprintf(buf, len, "never cleaned to PoC after it: needs clean to PoC");
}

/* Record a stale read as a problem; true when it is the guest's duty, not the VMM's. */
static bool add_problem(struct replay *rp, size_t s, const struct mapping *mp,
			const struct vcpu_st *v, size_t at, bool cached_read, bool walk)
{
	const struct seg *g = &rp->segs[s];
	bool duty = (cached_read || g->w.who == W_GUEST_CACHED) && g->inval_at == 0 &&
		    v->changed_by_guest;
	uint64_t ipa = mp->ipa + (g->lo - mp->pa);
	struct audit_problem *last =
		rp->out->nproblems ? &rp->out->problems[rp->out->nproblems - 1] : NULL;
	struct audit_problem *p;
	char miss[300];

	/* A neighbour with the same story: one problem for the whole range. */
	if (last != NULL && last->at == at && last->vmid == mp->vmid &&
	    last->ipa + last->size == ipa && last->pa + last->size == g->lo &&
	    (last->cls == AUDIT_GUEST_DUTY) == duty && s > 0 && rp->segs[s - 1].w.at == g->w.at &&
	    rp->segs[s - 1].pou_at == g->pou_at && rp->segs[s - 1].inval_at == g->inval_at) {
		last->size += g->hi - g->lo;
		return duty;
	}
	if ((p = problem_new(rp)) == NULL)
		return duty;
	p->cls = duty ? AUDIT_GUEST_DUTY : AUDIT_STALE;
	p->vmid = mp->vmid;
	p->ipa = ipa;
	p->pa = g->lo;
	p->size = g->hi - g->lo;
	p->at = at;
	missing_op(g, v, cached_read, miss, sizeof(miss));
	snprintf(p->text, sizeof(p->text),
		 "%s at #%zu (%s, CPU %u), %s; a %s at %s of vCPU %#x (#%zu) may see stale data",
		 who_text(g->w.who), g->w.at, model_type_name(g->w.type), g->w.cpu, miss,
		 cached_read ? "caches-on read"
		 : walk	     ? "Non-cacheable table walk"
			     : "caches-off read",
		 v->ran ? "a run" : "the first run", v->id, at);
	if (duty)
		rp->out->duties++;
	else
		rp->out->stale++;
	return duty;
}

/* ---- A run of a vCPU: its reads, then its writes ------------------------ */

static void guest_run(struct replay *rp, struct vcpu_st *v, size_t at)
{
	bool uncached = uncached_view(v);
	unsigned cpu = v->cpu % rp->cpus;

	guest_seen(rp->out, v->vmid);
	for (size_t i = 0; i < rp->nmaps; i++) {
		const struct mapping *mp = &rp->maps[i];
		enum model_type s2 = s2_type(mp->desc);
		size_t first = seg_at(rp, mp->pa), end = first;

		if (mp->vmid != v->vmid || s2 == MODEL_DEVICE)
			continue;
		while (end < rp->nsegs && rp->segs[end].lo < mp->pa + mp->size)
			end++;
		/* Its reads of the whole mapping first, then its writes. */
		for (size_t s = first; s < end; s++) {
			bool nc_data = uncached_data(v, s2), nc_walk = uncached_walks(v, s2);
			bool check_cached = !nc_data && v->ran && v->was_uncached;
			struct model_read rd;

			if (!nc_data && !nc_walk && !check_cached)
				continue;
			model_load(rp->m, cpu, addr_of(s),
				   nc_data || nc_walk ? MODEL_NORMAL_NC : MODEL_NORMAL_WB, &rd);
			/*
			 * A problem that is the guest's duty is reported once; the guest is
			 * then taken to have done it (what "relies on the guest" means), so
			 * its maintenance by address to PoC: otherwise the lines it left
			 * dirty would later be written back over what it writes uncached now,
			 * and the VMM's next flush (a set/way loop it emulates) blamed for it.
			 */
			if (rd.stale && add_problem(rp, s, mp, v, at, check_cached && !nc_walk,
						    !nc_data && nc_walk))
				model_dc_va(rp->m, cpu, MODEL_DC_CIVAC, addr_of(s));
		}
		for (size_t s = first; s < end; s++) {
			if (uncached_data(v, s2)) {
				/* The worst case for later caches-on reads: a speculative fill
				 * through the kernel's alias just before the guest's write. */
				model_spont_fill(rp->m, MODEL_CACHE_L2, 0, addr_of(s));
				store(rp, s, cpu, MODEL_NORMAL_NC, W_GUEST_NC, at);
				rp->segs[s].spec_filled = true;
			} else {
				store(rp, s, cpu, MODEL_NORMAL_WB, W_GUEST_CACHED, at);
			}
		}
	}
	v->was_uncached = uncached;
	v->ran = true;
	v->ever_ran = true;
	v->last_run_at = at;
}

/*
 * A vCPU entering its guest for the first time ever while another vCPU of the same
 * guest has run: the guest started it (PSCI CPU_ON). PSCI starts a CPU with its
 * caches off, and what it reads so is for the caller to have made coherent (Linux
 * cleans its secondaries' boot data itself), as a guest's own SCTLR write is. A vCPU
 * that ran before and starts again was started by its VMM (a restart), whose
 * clean of guest RAM it relies on.
 */
static bool started_by_guest(const struct replay *rp, const struct vcpu_st *v)
{
	if (v->ever_ran)
		return false;
	for (size_t i = 0; i < rp->nvcpus; i++) {
		const struct vcpu_st *u = &rp->vcpus[i];

		if (u != v && u->vmid == v->vmid && u->ever_ran)
			return true;
	}
	return false;
}

/* ---- The record --------------------------------------------------------- */

static int step(struct replay *rp, const struct cl_audit_rec *r, size_t at)
{
	struct vcpu_st *v, before;

	switch (r->kind) {
	case CL_AUDIT_ZERO:
		write_range(rp, at, r, W_KERNEL, MODEL_NORMAL_WB);
		return 0;
	case CL_AUDIT_WRITE:
		write_range(rp, at, r,
			    r->flags == CL_AUDIT_SRC_ASPACE ? W_USER_ASPACE : W_USER_FRAME,
			    r->d == 0 ? MODEL_NORMAL_WB : s2_type(r->d));
		return 0;
	case CL_AUDIT_CACHE:
		if (r->op > 3)
			return refuse(rp->out, "record #%zu: unknown cache operation %u", at,
				      r->op);
		cache_op(rp, at, r);
		return 0;
	case CL_AUDIT_S2_MAP:
		return map_add(rp, r);
	case CL_AUDIT_S2_UNMAP:
		map_remove(rp, r);
		return 0;
	case CL_AUDIT_S2_REMAP:
		map_remap(rp, r);
		return 0;
	default:
		break;
	}
	if ((v = vcpu_get(rp, r->id)) == NULL)
		return refuse(rp->out, "out of memory");
	before = *v;
	switch (r->kind) {
	case CL_AUDIT_TRAPS:
		v->hcr = r->a;
		view_change(v, &before, false, at);
		break;
	case CL_AUDIT_SYSREG:
		if (r->op == CL_VCPU_SCTLR_EL1)
			v->sctlr = r->a;
		else if (r->op == CL_VCPU_TCR_EL1)
			v->tcr = r->a, v->tcr_known = true;
		view_change(v, &before, r->flags == CL_AUDIT_BY_GUEST, at);
		/* The guest wrote it itself: it went on running with the new state. */
		if (r->flags == CL_AUDIT_BY_GUEST && v->ran) {
			v->cpu = r->cpu;
			guest_run(rp, v, at);
		}
		break;
	case CL_AUDIT_ENTER:
		v->vmid = (unsigned)r->a;
		v->sctlr = r->b;
		v->hcr = r->c;
		v->cpu = r->cpu;
		if (r->op == 1) {
			v->ran = false;
			v->changed_by_guest = started_by_guest(rp, v);
			v->changed_at = at;
		}
		guest_run(rp, v, at);
		break;
	default:
		return refuse(rp->out, "record #%zu: unknown kind %u", at, r->kind);
	}
	return 0;
}

int audit_replay(const struct cl_audit_rec *recs, size_t n, uint64_t dropped,
		 const struct audit_opts *opts, struct audit_result *out)
{
	struct replay rp = {.opts = opts, .out = out};
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (dropped != 0)
		return refuse(out,
			      "the record is incomplete: the kernel's buffer filled up and %" PRIu64
			      " records were dropped, so the audit cannot judge this boot (make "
			      "AUDIT_RECS larger, or dump more often)",
			      dropped);
	if (opts->line_bytes == 0 || (opts->line_bytes & (opts->line_bytes - 1)) != 0)
		return refuse(out, "the line size must be a power of two");
	if (make_segments(&rp, recs, n) != 0 || make_model(&rp, recs, n) != 0)
		err = -1;
	for (size_t i = 0; err == 0 && i < n; i++)
		err = step(&rp, &recs[i], i);
	if (rp.m != NULL)
		model_free(rp.m);
	free(rp.segs);
	free(rp.maps);
	free(rp.vcpus);
	return err;
}

/* ---- The report --------------------------------------------------------- */

static const char *name_of(const struct audit_opts *o, unsigned vmid)
{
	for (unsigned i = 0; i < o->nnames; i++) {
		if (o->names[i].vmid == vmid)
			return o->names[i].name;
	}
	return NULL;
}

void audit_report(const struct audit_result *r, const struct audit_opts *opts, FILE *out)
{
	for (unsigned g = 0; g < r->nguests; g++) {
		unsigned vmid = r->vmids[g];
		const char *name = name_of(opts, vmid);
		char label[96];
		size_t stale = 0, duty = 0;

		if (name != NULL)
			snprintf(label, sizeof(label), "guest '%s' (VMID %u)", name, vmid);
		else
			snprintf(label, sizeof(label), "guest VMID %u", vmid);
		for (size_t i = 0; i < r->nproblems; i++) {
			const struct audit_problem *p = &r->problems[i];

			if (p->vmid != vmid)
				continue;
			if (p->cls == AUDIT_STALE)
				stale++;
			else
				duty++;
			fprintf(out, "%s %s IPA %#" PRIx64 "-%#" PRIx64 " (PA %#" PRIx64 "): %s\n",
				label,
				p->cls == AUDIT_STALE ? "STALE" : "relies on the guest:", p->ipa,
				p->ipa + p->size, p->pa, p->text);
		}
		if (stale == 0)
			fprintf(out, "%s: clean%s\n", label,
				duty ? " (given a guest that invalidates what it wrote with caches "
				       "off before reading it with caches on, as Linux does)"
				     : "");
	}
	fprintf(out, "audit: %u guest%s, %zu stale, %zu relying on the guest (%zu segments)\n",
		r->nguests, r->nguests == 1 ? "" : "s", r->stale, r->duties, r->segments);
}
