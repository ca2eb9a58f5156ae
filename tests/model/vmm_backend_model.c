/*
 * The VMM backend (personalities/vmm/include/vmm/backend.h) on top of the
 * cache model: what the kernel does for each call, as the model's program
 * steps, so the real policy code is interleaved with speculation and
 * evictions (docs/coherence.md, "The real VMM policy under the model").
 *
 * - vmm_be_cache_range: the kernel's aspace cache_range runs on the CPU the
 *   VMM called from and walks the range by address (kernel/arch/aarch64/
 *   cache.S: DC CVAC, DC IVAC or DC CIVAC per line; for unify, DC CVAU per
 *   line and then IC IVAU per line). Maintenance by VA from EL2 is broadcast
 *   to every CPU's caches (Arm ARM D4.4.8, D4.4.9), so the CPU matters only
 *   for the history.
 * - vmm_be_set_traps: the vCPU's HCR_EL2.{DC,TVM,TRVM,TSW}; a change of DC
 *   invalidates the guest's TLB entries, as backend.h asks of the kernel.
 * - vmm_be_write_sysreg: the vCPU's SCTLR_EL1 (M, C, I) and TCR_EL1, which
 *   with HCR_EL2.DC decide the guest's memory types (model/attr.h).
 * - vmm_be_write_guest: the loader's stores through a cacheable (Normal WB)
 *   mapping on the VMM's CPU, the realistic case; vmm_model_config.alias
 *   says which CPUs keep a cacheable alias of guest RAM afterwards.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <vmm/backend.h>

#include "vmm_model.h"

static struct {
	struct vmm_guest *g;
	struct model *m;
	struct vmm_model_config cfg;
	uint64_t ram_base; /* kept after detach, for reading reports */
	uint64_t pages;
	struct vmm_model_vcpu vcpu[VMM_MAX_VCPUS];
	/* [cpu][page]: the host keeps a cacheable mapping of this page on this CPU. */
	bool alias[MODEL_MAX_CPUS][64];
	unsigned errors;
	char error[256];
} bind;

int vmm_model_fail(const char *fmt, ...)
{
	va_list ap;

	if (bind.errors++ == 0) {
		va_start(ap, fmt);
		vsnprintf(bind.error, sizeof(bind.error), fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* A model call's result: its refusals become the adapter's. */
static int check(int rc)
{
	return rc == 0 ? 0 : vmm_model_fail("model: %s", model_error(bind.m));
}

int vmm_model_attach(struct vmm_guest *g, struct model *m, const struct vmm_model_config *cfg)
{
	const struct model_config *mc = model_config(m);

	memset(&bind, 0, sizeof(bind));
	bind.g = g;
	bind.m = m;
	bind.cfg = *cfg;
	bind.ram_base = g->ram_base;
	bind.pages = g->ram_size / VMM_MODEL_PAGE;
	if (cfg->window == 0 || cfg->window > VMM_MODEL_PAGE || cfg->window % mc->line_bytes)
		return vmm_model_fail(
			"window of %llu bytes: a multiple of the %u-byte line, at most a page",
			(unsigned long long)cfg->window, mc->line_bytes);
	if (bind.pages > sizeof(bind.alias[0]) || cfg->pa_base != mc->mem_base ||
	    bind.pages * cfg->window != mc->mem_bytes)
		return vmm_model_fail(
			"guest RAM of %llu pages needs %llu bytes of model memory at %#llx",
			(unsigned long long)bind.pages,
			(unsigned long long)(bind.pages * cfg->window),
			(unsigned long long)cfg->pa_base);
	if (cfg->vmm_cpu >= mc->cpus)
		return vmm_model_fail("VMM CPU %u of %u", cfg->vmm_cpu, mc->cpus);
	for (unsigned c = 0; c < mc->cpus && cfg->alias == VMM_MODEL_ALIAS_ALL; c++)
		for (uint64_t p = 0; p < bind.pages; p++)
			bind.alias[c][p] = true;
	return 0;
}

void vmm_model_detach(void)
{
	bind.g = NULL;
	bind.m = NULL;
}

unsigned vmm_model_errors(void)
{
	return bind.errors;
}

const char *vmm_model_error(void)
{
	return bind.error;
}

bool vmm_model_pa(uint64_t ipa, uint64_t *pa)
{
	uint64_t off, page;

	if (ipa < bind.g->ram_base || ipa - bind.g->ram_base >= bind.g->ram_size) {
		vmm_model_fail("IPA %#llx is outside guest RAM", (unsigned long long)ipa);
		return false;
	}
	off = ipa - bind.g->ram_base;
	page = off / VMM_MODEL_PAGE;
	if (off % VMM_MODEL_PAGE >= bind.cfg.window) {
		vmm_model_fail(
			"IPA %#llx is outside the first %llu bytes of its page the model holds",
			(unsigned long long)ipa, (unsigned long long)bind.cfg.window);
		return false;
	}
	*pa = bind.cfg.pa_base + page * bind.cfg.window + off % VMM_MODEL_PAGE;
	return true;
}

uint64_t vmm_model_ipa(uint64_t pa)
{
	uint64_t off = pa - bind.cfg.pa_base;

	return bind.ram_base + off / bind.cfg.window * VMM_MODEL_PAGE + off % bind.cfg.window;
}

struct model *vmm_model_model(void)
{
	return bind.m;
}

struct vmm_model_vcpu *vmm_model_vcpu(unsigned vcpu)
{
	return vcpu < VMM_MAX_VCPUS ? &bind.vcpu[vcpu] : NULL;
}

/* TCR_EL1.IRGN0 [9:8] and ORGN0 [11:10] (Arm ARM D17.2.131): 00 NC, 01 WB, 10 WT, 11 WB. */
enum model_type vmm_model_tcr_walk(uint64_t tcr)
{
	unsigned irgn = (unsigned)FIELD(tcr, 9, 8), orgn = (unsigned)FIELD(tcr, 11, 10);

	/* The model has one cacheability for inner and outer: the weaker one counts. */
	if (irgn == 0 || orgn == 0)
		return MODEL_NORMAL_NC;
	return irgn == 2 || orgn == 2 ? MODEL_NORMAL_WT : MODEL_NORMAL_WB;
}

static struct model_regime regime_of(const struct vmm_model_vcpu *v)
{
	uint64_t sctlr = v->regs[VMM_SCTLR_EL1];

	return (struct model_regime){
		.sctlr_m = sctlr & VMM_SCTLR_M,
		.sctlr_c = sctlr & VMM_SCTLR_C,
		.sctlr_i = sctlr & VMM_SCTLR_I,
		.hcr_dc = v->hcr & VMM_HCR_DC,
		/* The kernel runs every guest with stage 2 on. */
		.hcr_vm = true,
	};
}

static const struct vmm_model_vcpu *running_on(unsigned cpu)
{
	for (unsigned v = 0; bind.g != NULL && v < bind.g->nr_vcpus; v++)
		if (bind.vcpu[v].placed && !bind.vcpu[v].paused && bind.vcpu[v].cpu == cpu)
			return &bind.vcpu[v];
	return NULL;
}

static enum model_type widest(enum model_type a, enum model_type b)
{
	return a > b ? a : b;
}

/*
 * What CPU cpu may touch speculatively in guest RAM: each window is mapped
 * with the least restrictive of the host's alias (data only: the host never
 * executes guest RAM) and the view of the vCPU running there (guest RAM is
 * Normal WB at stage 2 and, with stage 1 on, at stage 1: model/guest.h).
 * The guest's translation table page is walkable while its stage 1 is on.
 */
static void remap(unsigned cpu)
{
	const struct vmm_model_vcpu *v = running_on(cpu);
	struct model_regime r = {0};
	enum model_type gd = MODEL_DEVICE, gi = MODEL_DEVICE;

	if (v != NULL) {
		r = regime_of(v);
		check(model_set_regime(bind.m, cpu, &r));
		gd = model_guest_data_type(&r, MODEL_NORMAL_WB, MODEL_NORMAL_WB);
		gi = model_guest_ifetch_type(&r, MODEL_NORMAL_WB, MODEL_NORMAL_WB);
	}
	for (uint64_t p = 0; p < bind.pages; p++) {
		uint64_t lo = bind.cfg.pa_base + p * bind.cfg.window;
		enum model_type host = bind.alias[cpu][p] ? MODEL_NORMAL_WB : MODEL_DEVICE;

		check(model_map(bind.m, cpu, lo, lo + bind.cfg.window, widest(host, gd), gi));
	}
	check(model_unmap_walk(bind.m, cpu, bind.cfg.pa_base,
			       bind.cfg.pa_base + bind.pages * bind.cfg.window));
	if (v != NULL && r.sctlr_m && !r.hcr_dc)
		check(model_map_walk(bind.m, cpu, bind.cfg.pa_base,
				     bind.cfg.pa_base + bind.pages * bind.cfg.window,
				     model_guest_walk_type(&r,
							   vmm_model_tcr_walk(v->regs[VMM_TCR_EL1]),
							   MODEL_NORMAL_WB)));
}

void vmm_model_sync(unsigned vcpu)
{
	if (bind.vcpu[vcpu].placed)
		remap(bind.vcpu[vcpu].cpu);
}

void vmm_model_pause(unsigned vcpu)
{
	bind.vcpu[vcpu].paused = true;
	vmm_model_sync(vcpu);
}

void vmm_model_resume(unsigned vcpu)
{
	bind.vcpu[vcpu].paused = false;
	vmm_model_sync(vcpu);
}

int vmm_model_place(unsigned vcpu, unsigned cpu)
{
	struct vmm_model_vcpu *v;
	const struct vmm_model_vcpu *other = NULL;
	bool moved;
	unsigned from;

	if (vcpu >= bind.g->nr_vcpus || cpu >= model_config(bind.m)->cpus)
		return vmm_model_fail("placing vCPU %u on CPU %u", vcpu, cpu);
	v = &bind.vcpu[vcpu];
	for (unsigned o = 0; o < bind.g->nr_vcpus; o++)
		if (o != vcpu && bind.vcpu[o].placed && bind.vcpu[o].cpu == cpu)
			other = &bind.vcpu[o];
	moved = v->placed && v->cpu != cpu;
	from = v->cpu;
	if (other != NULL)
		return vmm_model_fail("CPU %u already runs vCPU %u", cpu,
				      (unsigned)(other - bind.vcpu));
	v->placed = true;
	v->cpu = cpu;
	if (moved)
		remap(from);
	remap(cpu);
	return bind.errors ? -1 : 0;
}

static bool bound(struct vmm_guest *g, const char *fn)
{
	if (bind.m != NULL && g == bind.g)
		return true;
	vmm_model_fail("%s: guest %s is not attached to a model", fn, g ? g->name : "(null)");
	return false;
}

/* Each window's part of [ipa, ipa + size), as physical [lo, hi) pieces. */
typedef int (*piece_fn)(uint64_t lo, uint64_t hi, void *arg);

static int for_pieces(uint64_t ipa, uint64_t size, piece_fn fn, void *arg)
{
	uint64_t end = ipa + size;

	if (!vmm_guest_ram_contains(bind.g, ipa, size))
		return vmm_model_fail("range %#llx+%#llx is outside guest RAM",
				      (unsigned long long)ipa, (unsigned long long)size);
	for (uint64_t page = ALIGN_DOWN(ipa, VMM_MODEL_PAGE); page < end; page += VMM_MODEL_PAGE) {
		uint64_t lo = page > ipa ? page : ipa;
		uint64_t hi = page + bind.cfg.window < end ? page + bind.cfg.window : end;
		uint64_t pa;

		if (lo >= hi)
			continue;
		vmm_model_pa(lo, &pa);
		if (fn(pa, pa + (hi - lo), arg) != 0)
			return -1;
	}
	return 0;
}

static int dc_piece(uint64_t lo, uint64_t hi, void *arg)
{
	return check(model_dc_range(bind.m, bind.cfg.vmm_cpu, *(enum model_dc_op *)arg, lo, hi));
}

static int ic_piece(uint64_t lo, uint64_t hi, void *arg)
{
	(void)arg;
	return check(model_ic_range(bind.m, bind.cfg.vmm_cpu, lo, hi));
}

/*
 * The kernel's operations (kernel/arch/aarch64/cache.S); the VMM's (op,
 * point) pairs the architecture has no instruction for are refused, as the
 * real backend must refuse them: there is no invalidate or clean+invalidate
 * by VA to the PoU (Arm ARM D4.4.8: DC IVAC and DC CIVAC are to the PoC).
 */
int vmm_be_cache_range(struct vmm_guest *g, uint64_t ipa, uint64_t size, enum vmm_cache_op op,
		       enum vmm_cache_point point)
{
	enum model_dc_op dc;

	if (!bound(g, "vmm_be_cache_range"))
		return -1;
	switch (op) {
	case VMM_CACHE_CLEAN:
		dc = point == VMM_POU ? MODEL_DC_CVAU : MODEL_DC_CVAC;
		break;
	case VMM_CACHE_INVALIDATE:
	case VMM_CACHE_CLEAN_INVALIDATE:
		if (point != VMM_POC)
			return vmm_model_fail("cache op %d to the PoU: no such instruction",
					      (int)op);
		dc = op == VMM_CACHE_INVALIDATE ? MODEL_DC_IVAC : MODEL_DC_CIVAC;
		break;
	case VMM_CACHE_UNIFY_I:
		/* DC CVAU over the range, then IC IVAU over it (the instructions' point is the
		 * PoU). */
		dc = MODEL_DC_CVAU;
		if (for_pieces(ipa, size, dc_piece, &dc) != 0)
			return -1;
		return for_pieces(ipa, size, ic_piece, NULL);
	default:
		return vmm_model_fail("unknown cache op %d", (int)op);
	}
	return for_pieces(ipa, size, dc_piece, &dc);
}

int vmm_be_set_traps(struct vmm_guest *g, unsigned vcpu, uint64_t hcr_bits)
{
	struct vmm_model_vcpu *v;
	bool dc_changed;

	if (!bound(g, "vmm_be_set_traps"))
		return -1;
	if (vcpu >= g->nr_vcpus)
		return vmm_model_fail("vmm_be_set_traps: vCPU %u of %u", vcpu, g->nr_vcpus);
	v = &bind.vcpu[vcpu];
	dc_changed = (v->hcr ^ hcr_bits) & VMM_HCR_DC;
	v->hcr = hcr_bits;
	/* backend.h: TLB entries made under the old DC may carry its attributes. */
	if (dc_changed && v->placed &&
	    check(model_tlbi(bind.m, v->cpu, MODEL_TLBI_ALLIS, bind.cfg.pa_base)) != 0)
		return -1;
	vmm_model_sync(vcpu);
	return bind.errors ? -1 : 0;
}

int vmm_be_write_sysreg(struct vmm_guest *g, unsigned vcpu, enum vmm_sysreg reg, uint64_t value)
{
	if (!bound(g, "vmm_be_write_sysreg"))
		return -1;
	if (vcpu >= g->nr_vcpus || reg >= VMM_TVM_COUNT)
		return vmm_model_fail("vmm_be_write_sysreg: vCPU %u, register %d", vcpu, (int)reg);
	bind.vcpu[vcpu].regs[reg] = value;
	vmm_model_sync(vcpu);
	return bind.errors ? -1 : 0;
}

static uint64_t le_word(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = n; i > 0; i--)
		v = (v << 8) | p[i - 1];
	return v;
}

/* One word of a write: whole, or merged with what the loader reads there first. */
static int write_word(uint64_t pa, unsigned first, unsigned n, const uint8_t *bytes)
{
	uint64_t v = le_word(bytes, n) << (8 * first);
	unsigned cpu = bind.cfg.vmm_cpu;

	if (n < MODEL_WORD_BYTES) {
		struct model_read r;
		uint64_t mask = (n == 8 ? ~0ULL : ((1ULL << (8 * n)) - 1)) << (8 * first);

		if (check(model_load(bind.m, cpu, pa, MODEL_NORMAL_WB, &r)) != 0)
			return -1;
		v = (r.value & ~mask) | (v & mask);
	}
	return check(model_store(bind.m, cpu, pa, v, MODEL_NORMAL_WB));
}

struct write_arg {
	uint64_t start; /* the IPA of src[0] */
	const uint8_t *src;
};

static int write_piece(uint64_t lo, uint64_t hi, void *arg)
{
	const struct write_arg *w = arg;
	const uint8_t *src = w->src + (vmm_model_ipa(lo) - w->start);

	for (uint64_t a = lo; a < hi;) {
		uint64_t word = ALIGN_DOWN(a, MODEL_WORD_BYTES);
		unsigned first = (unsigned)(a - word);
		unsigned n =
			(unsigned)(hi - a < MODEL_WORD_BYTES - first ? hi - a
								     : MODEL_WORD_BYTES - first);

		if (write_word(word, first, n, src) != 0)
			return -1;
		src += n;
		a += n;
	}
	return 0;
}

/* Every byte of [ipa, ipa + len) lies in the part of its page the model holds. */
static bool whole_in_windows(uint64_t ipa, uint64_t len)
{
	uint64_t end = ipa + len;

	for (uint64_t page = ALIGN_DOWN(ipa, VMM_MODEL_PAGE); page < end; page += VMM_MODEL_PAGE) {
		uint64_t hi = end < page + VMM_MODEL_PAGE ? end : page + VMM_MODEL_PAGE;

		if (hi > page + bind.cfg.window)
			return false;
	}
	return true;
}

/*
 * The loader's write: the host CPU maps the pages cacheable, stores, and,
 * unless an alias is kept, unmaps them again.
 */
int vmm_be_write_guest(struct vmm_guest *g, uint64_t ipa, const void *src, size_t len)
{
	unsigned cpu = bind.cfg.vmm_cpu;
	struct write_arg w = {ipa, src};
	uint64_t first, last;
	int rc;

	if (!bound(g, "vmm_be_write_guest"))
		return -1;
	if (len == 0 || !vmm_guest_ram_contains(g, ipa, len))
		return vmm_model_fail("vmm_be_write_guest: %zu bytes at %#llx", len,
				      (unsigned long long)ipa);
	if (!whole_in_windows(ipa, len))
		return vmm_model_fail(
			"vmm_be_write_guest: %zu bytes at %#llx reach past the %llu bytes of a "
			"page the model holds",
			len, (unsigned long long)ipa, (unsigned long long)bind.cfg.window);
	first = (ALIGN_DOWN(ipa, VMM_MODEL_PAGE) - g->ram_base) / VMM_MODEL_PAGE;
	last = (ALIGN_DOWN(ipa + len - 1, VMM_MODEL_PAGE) - g->ram_base) / VMM_MODEL_PAGE;
	for (uint64_t p = first; p <= last; p++)
		bind.alias[cpu][p] = true;
	remap(cpu);
	rc = for_pieces(ipa, len, write_piece, &w);
	if (bind.cfg.alias == VMM_MODEL_ALIAS_NONE) {
		for (uint64_t p = first; p <= last; p++)
			bind.alias[cpu][p] = false;
		remap(cpu);
	}
	return rc != 0 || bind.errors ? -1 : 0;
}

void vmm_be_console_line(struct vmm_guest *g, const char *line, size_t len)
{
	(void)g;
	(void)line;
	(void)len;
}

bool vmm_be_console_partial(struct vmm_guest *g, const char *text, size_t len)
{
	(void)g;
	(void)text;
	(void)len;
	return false;
}
