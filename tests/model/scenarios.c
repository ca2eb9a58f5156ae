/* The seeds' failing configurations and their fixes, in terms of the model API. */
#include <model/guest.h>

#include "scenarios.h"

#define WB MODEL_NORMAL_WB
#define NC MODEL_NORMAL_NC

static uint64_t base(struct model *m)
{
	return model_config(m)->mem_base;
}

static uint64_t img(struct model *m, unsigned i)
{
	return base(m) + (uint64_t)i * MODEL_WORD_BYTES;
}

/* The image's lines: [base, img_end). */
static uint64_t img_end(struct model *m, const struct scen *s)
{
	uint64_t line = model_config(m)->line_bytes;

	return (img(m, s->words) + line - 1) & ~(line - 1);
}

/* A translation table descriptor, in the last line of memory. */
static uint64_t table(struct model *m)
{
	const struct model_config *c = model_config(m);

	return c->mem_base + c->mem_bytes - c->line_bytes;
}

static void set_regime(struct model *m, unsigned cpu, bool mmu, bool cache, bool icache, bool dc)
{
	struct model_regime r = {
		.sctlr_m = mmu, .sctlr_c = cache, .sctlr_i = icache, .hcr_dc = dc, .hcr_vm = true};

	model_set_regime(m, cpu, &r);
}

static void guest_read_all(struct model *m, const struct scen *s)
{
	struct model_read r;

	for (unsigned i = 0; i < s->words; i++)
		model_guest_load(m, SCEN_GUEST, img(m, i), WB, WB, &r);
}

/* The loader writes the image through its cacheable mapping. */
static void write_image(struct model *m, const struct scen *s, uint64_t value0)
{
	for (unsigned i = 0; i < s->words; i++)
		model_store(m, SCEN_VMM, img(m, i), value0 + i, WB);
}

void scen_seed004_clean_to_pou(struct model *m, void *ctx)
{
	const struct scen *s = ctx;

	model_map(m, SCEN_VMM, base(m), img_end(m, s), WB, MODEL_DEVICE);
	write_image(m, s, 0x1000);
	/* Seed 004: arm32 Linux's cacheflush system call only cleans to PoU. */
	model_dc_range(m, SCEN_VMM, s->policy == POLICY_NAIVE ? MODEL_DC_CVAU : MODEL_DC_CVAC,
		       base(m), img_end(m, s));
	model_map(m, SCEN_VMM, base(m), img_end(m, s), MODEL_DEVICE, MODEL_DEVICE);
	/* The guest boots with its MMU off and no HCR_EL2.DC: Device reads. */
	set_regime(m, SCEN_GUEST, false, false, false, false);
	guest_read_all(m, s);
}

void scen_seed003_cacheable_alias(struct model *m, void *ctx)
{
	const struct scen *s = ctx;
	bool dc = s->policy == POLICY_FIXED;

	/* The domain builder's mapping of guest memory is cacheable. */
	model_map(m, SCEN_VMM, base(m), img_end(m, s), WB, MODEL_DEVICE);
	write_image(m, s, 0x1000);
	if (s->policy == POLICY_FIXED_ALT)
		model_map(m, SCEN_VMM, base(m), img_end(m, s), MODEL_DEVICE, MODEL_DEVICE);
	/* A correct clean to PoC (the race is what follows it). */
	model_dc_range(m, SCEN_VMM, MODEL_DC_CIVAC, base(m), img_end(m, s));
	/* The guest, caches off, writes over its image (e.g. its BSS, tables). */
	set_regime(m, SCEN_GUEST, false, false, false, dc);
	model_map_guest(m, SCEN_GUEST, base(m), img_end(m, s), WB, WB);
	for (unsigned i = 0; i < s->words; i++)
		model_guest_store(m, SCEN_GUEST, img(m, i), 0x2000 + i, WB, WB);
	/* SCTLR_EL1.M and C together: every policy drops HCR_EL2.DC here. */
	set_regime(m, SCEN_GUEST, true, true, true, false);
	model_map_guest(m, SCEN_GUEST, base(m), img_end(m, s), WB, WB);
	guest_read_all(m, s);
}

void scen_seed002_invalidate_without_clean(struct model *m, void *ctx)
{
	const struct scen *s = ctx;
	uint64_t pte = table(m);
	struct model_read r;

	set_regime(m, SCEN_GUEST, true, true, true, false);
	model_map_guest(m, SCEN_GUEST, pte, pte + 8, WB, WB);
	model_map(m, SCEN_VMM, pte, pte + 8, WB, MODEL_DEVICE);
	for (unsigned i = 0; i < s->words; i++) {
		/* The guest writes a page-table entry, cacheably. */
		model_guest_store(m, SCEN_GUEST, pte, 0x3000 + i, WB, WB);
		/* The host reads it through its own (cacheable) mapping. */
		if (s->policy == POLICY_NAIVE)
			model_dc_va(m, SCEN_VMM, MODEL_DC_IVAC, pte);
		else if (s->policy == POLICY_FIXED)
			model_dc_va(m, SCEN_VMM, MODEL_DC_CIVAC, pte);
		/* POLICY_FIXED_ALT: same attributes, same coherent caches; no maintenance. */
		model_load(m, SCEN_VMM, pte, WB, &r);
	}
}

void scen_seed000_walk_attributes(struct model *m, void *ctx)
{
	const struct scen *s = ctx;
	uint64_t desc = table(m);
	/* TCR_EL1.IRGN0/ORGN0: Non-cacheable walks, except in the alternative fix. */
	enum model_type tcr = s->policy == POLICY_FIXED_ALT ? WB : NC;
	struct model_read r;

	set_regime(m, SCEN_GUEST, true, true, true, false);
	model_map_guest(m, SCEN_GUEST, desc, desc + 8, WB, WB);
	model_map_walk(m, SCEN_GUEST, desc, desc + 8,
		       model_guest_walk_type(model_get_regime(m, SCEN_GUEST), tcr, WB));
	for (unsigned i = 0; i < s->words; i++) {
		model_guest_store(m, SCEN_GUEST, desc, 0x4000 + i, WB, WB);
		/* Clean to PoU is what a coherent walker at the PoU needs, not an NC one. */
		model_guest_dc_va(m, SCEN_GUEST,
				  s->policy == POLICY_FIXED ? MODEL_DC_CVAC : MODEL_DC_CVAU, desc);
		model_tlbi(m, SCEN_GUEST, MODEL_TLBI_VAIS, desc);
		model_guest_walk(m, SCEN_GUEST, desc, tcr, WB, &r);
	}
}

void scen_seed000_tlbi(struct model *m, void *ctx)
{
	const struct scen *s = ctx;
	uint64_t desc = table(m);
	struct model_read r;

	set_regime(m, SCEN_GUEST, true, true, true, false);
	model_map_guest(m, SCEN_GUEST, desc, desc + 8, WB, WB);
	/* Cacheable walks, so no cleaning is needed; the TLB is the point. */
	model_map_walk(m, SCEN_GUEST, desc, desc + 8, WB);
	model_guest_walk(m, SCEN_GUEST, desc, WB, WB, &r);
	for (unsigned i = 0; i < s->words; i++) {
		model_guest_store(m, SCEN_GUEST, desc, 0x5000 + i, WB, WB);
		if (s->policy != POLICY_NAIVE)
			model_tlbi(m, SCEN_GUEST, MODEL_TLBI_VAIS, desc);
		model_guest_walk(m, SCEN_GUEST, desc, WB, WB, &r);
	}
}

void scen_seed000_stage2_tables(struct model *m, void *ctx)
{
	const struct scen *s = ctx;
	uint64_t desc = table(m);
	struct model_read r;

	/* VTCR_EL2.IRGN0/ORGN0 say Non-cacheable stage-2 walks. */
	model_map(m, SCEN_VMM, desc, desc + 8, WB, MODEL_DEVICE);
	model_map_walk(m, SCEN_GUEST, desc, desc + 8, NC);
	for (unsigned i = 0; i < s->words; i++) {
		model_store(m, SCEN_VMM, desc, 0x6000 + i, WB);
		if (s->policy != POLICY_NAIVE) {
			model_dc_va(m, SCEN_VMM, MODEL_DC_CVAC, desc);
			model_tlbi(m, SCEN_VMM, MODEL_TLBI_VAIS, desc);
		}
		model_walk(m, SCEN_GUEST, desc, NC, &r);
	}
}

void scen_seed001_stale_icache(struct model *m, void *ctx)
{
	const struct scen *s = ctx;
	struct model_read r;

	/* Earlier code ran with the I-cache on (MMU off: Write-Through fetches). */
	set_regime(m, SCEN_GUEST, false, false, true, false);
	model_map_guest(m, SCEN_GUEST, base(m), img_end(m, s), WB, WB);
	for (unsigned i = 0; i < s->words; i++)
		model_guest_ifetch(m, SCEN_GUEST, img(m, i), WB, WB, &r);
	/* I-cache off; new code is loaded and cleaned to PoC properly. */
	set_regime(m, SCEN_GUEST, false, false, false, false);
	model_map_guest(m, SCEN_GUEST, base(m), img_end(m, s), WB, WB);
	write_image(m, s, 0x7000);
	model_dc_range(m, SCEN_VMM, MODEL_DC_CVAC, base(m), img_end(m, s));
	for (unsigned i = 0; i < s->words; i++)
		model_guest_ifetch(m, SCEN_GUEST, img(m, i), WB, WB, &r);
	/* Seed 001: "isb; ICIALLU" before setting M, C and I. */
	if (s->policy != POLICY_NAIVE)
		model_ic(m, SCEN_GUEST, MODEL_IC_IALLU, 0);
	set_regime(m, SCEN_GUEST, true, true, true, false);
	model_map_guest(m, SCEN_GUEST, base(m), img_end(m, s), WB, WB);
	for (unsigned i = 0; i < s->words; i++)
		model_guest_ifetch(m, SCEN_GUEST, img(m, i), WB, WB, &r);
}

void scen_dc_policy_m_before_c(struct model *m, void *ctx)
{
	const struct scen *s = ctx;

	/* HCR_EL2.DC while the guest's MMU is off: its accesses are cacheable. */
	set_regime(m, SCEN_GUEST, false, false, false, true);
	model_map_guest(m, SCEN_GUEST, base(m), img_end(m, s), WB, WB);
	for (unsigned i = 0; i < s->words; i++)
		model_guest_store(m, SCEN_GUEST, img(m, i), 0x8000 + i, WB, WB);
	/*
	 * The guest sets SCTLR_EL1.M with C still clear (trapped by HCR_EL2.TVM).
	 * Both policies drop DC (DC would hide M); the fix also cleans and
	 * invalidates guest memory to PoC because the guest's data accesses are
	 * now Non-cacheable.
	 */
	if (s->policy != POLICY_NAIVE)
		model_dc_range(m, SCEN_VMM, MODEL_DC_CIVAC, base(m), img_end(m, s));
	set_regime(m, SCEN_GUEST, true, false, false, false);
	model_map_guest(m, SCEN_GUEST, base(m), img_end(m, s), WB, WB);
	guest_read_all(m, s);
	/* Later it sets C as well. */
	set_regime(m, SCEN_GUEST, true, true, true, false);
	model_map_guest(m, SCEN_GUEST, base(m), img_end(m, s), WB, WB);
	guest_read_all(m, s);
}

void scen_set_way_after_migration(struct model *m, void *ctx)
{
	const struct scen *s = ctx;

	/* The vCPU runs on CPU 1 with caches on and writes its data. */
	set_regime(m, SCEN_VMM, true, true, true, false);
	model_map_guest(m, SCEN_VMM, base(m), img_end(m, s), WB, WB);
	for (unsigned i = 0; i < s->words; i++)
		model_guest_store(m, SCEN_VMM, img(m, i), 0x9000 + i, WB, WB);
	model_map(m, SCEN_VMM, base(m), img_end(m, s), MODEL_DEVICE, MODEL_DEVICE);
	/* It migrates to CPU 0 and flushes its caches by set/way before turning them off. */
	set_regime(m, SCEN_GUEST, true, true, true, false);
	model_map_guest(m, SCEN_GUEST, base(m), img_end(m, s), WB, WB);
	if (s->policy == POLICY_NAIVE) {
		model_dc_sw_all(m, SCEN_GUEST, MODEL_DC_CISW, 1);
		model_dc_sw_all(m, SCEN_GUEST, MODEL_DC_CISW, 2);
	} else {
		model_dc_range(m, SCEN_GUEST, MODEL_DC_CIVAC, base(m), img_end(m, s));
	}
	set_regime(m, SCEN_GUEST, true, false, false, false);
	model_map_guest(m, SCEN_GUEST, base(m), img_end(m, s), WB, WB);
	guest_read_all(m, s);
}
