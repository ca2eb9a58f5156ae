/*
 * The seeds' failing configurations, and their fixes, as scenarios for the
 * cache model (docs/coherence.md). CPU 1 plays the hypervisor (the VMM, the
 * image loader, the host), CPU 0 the guest's vCPU. Each scenario only drives
 * the model; the stale reads it makes are what the tests count.
 */
#ifndef MODEL_SCENARIOS_H
#define MODEL_SCENARIOS_H

#include <model/model.h>

#define SCEN_GUEST 0u
#define SCEN_VMM 1u

enum scen_policy {
	POLICY_NAIVE,	  /* what the seed did wrong */
	POLICY_FIXED,	  /* the fix */
	POLICY_FIXED_ALT, /* another fix, where the seed discusses one */
};

struct scen {
	enum scen_policy policy;
	unsigned words; /* image words the scenario loads and reads */
};

/* Seed 004: the loader cleans the image only to the PoU. */
void scen_seed004_clean_to_pou(struct model *m, void *ctx);
/*
 * Seed 003: the loader cleans to the PoC but keeps its cacheable mapping; a
 * speculative fill brings the image back, the caches-off guest writes memory
 * under it, and reads the stale line once its caches are on. Fixed by
 * HCR_EL2.DC (Xen's patch); alternatively by unmapping before the clean.
 */
void scen_seed003_cacheable_alias(struct model *m, void *ctx);
/* Seed 002: the host invalidates before reading what the guest wrote. */
void scen_seed002_invalidate_without_clean(struct model *m, void *ctx);
/*
 * Seed 000: a descriptor written cacheably and cleaned to the PoU only,
 * walked non-cacheably (fix: clean to PoC; alternative: cacheable walks).
 */
void scen_seed000_walk_attributes(struct model *m, void *ctx);
/* Seed 000: a descriptor update without a TLBI (fix: TLBI after the write). */
void scen_seed000_tlbi(struct model *m, void *ctx);
/* Seed 000: the hypervisor's stage-2 descriptor, walked non-cacheably, never cleaned. */
void scen_seed000_stage2_tables(struct model *m, void *ctx);
/* Seed 001: stale I-cache lines when the MMU and I-cache come on (fix: IC IALLU first). */
void scen_seed001_stale_icache(struct model *m, void *ctx);
/*
 * The HCR_EL2.DC policy that drops DC when the guest sets SCTLR_EL1.M with C
 * still clear (Xen's reverted patch in seed 003): the guest then reads
 * non-cacheably what it wrote cacheably. Fix: clean+invalidate guest memory
 * to PoC when dropping DC into a caches-off state.
 */
void scen_dc_policy_m_before_c(struct model *m, void *ctx);

/*
 * Set/way maintenance by a guest whose vCPU moved: its data is dirty in the
 * CPU it left, and a set/way clean loop on the new CPU does not reach it
 * (Arm ARM D4.4.8). Fix: the VMM traps set/way (HCR_EL2.TSW) and cleans and
 * invalidates guest memory to PoC by address instead.
 */
void scen_set_way_after_migration(struct model *m, void *ctx);

#endif
