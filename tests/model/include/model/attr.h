/*
 * Memory types as the cache model sees them, and the rules that turn a
 * guest's stage-1 state and the hypervisor's stage-2 attributes into the
 * type of one access. Pure functions: no model state.
 *
 * The model keeps one cacheability for inner and outer (TCR/MAIR IRGN/ORGN
 * style pairs collapse into one value): every cache it has is inside the
 * inner shareable domain, as on Cortex-A clusters, and nothing lies between
 * its outer cache and the Point of Coherency.
 */
#ifndef MODEL_ATTR_H
#define MODEL_ATTR_H

#include <stdbool.h>

/*
 * Ordered from most to least restrictive, so that combining two stages is a
 * minimum (Arm ARM D5.5.5, "Combining the stage 1 and stage 2 attributes":
 * Device beats Normal, Non-cacheable beats Write-Through beats Write-Back).
 * All Device subtypes (nGnRnE ... GRE) behave alike for coherence: the access
 * goes to memory and is never made speculatively (Arm ARM B2.7, "Memory types
 * and attributes").
 */
enum model_type {
	MODEL_DEVICE,
	MODEL_NORMAL_NC,
	MODEL_NORMAL_WT,
	MODEL_NORMAL_WB,
};

/* The guest-visible controls that decide the stage-1 type of an access. */
struct model_regime {
	bool sctlr_m; /* SCTLR_EL1.M: stage-1 translation enabled */
	bool sctlr_c; /* SCTLR_EL1.C: data accesses to Normal memory cacheable */
	bool sctlr_i; /* SCTLR_EL1.I: instruction fetches from Normal memory cacheable */
	bool hcr_dc;  /* HCR_EL2.DC: default cacheable while stage 1 is off */
	bool hcr_vm;  /* HCR_EL2.VM: stage 2 on; EL1 data-cache invalidates clean too */
};

/* True for the types that may be held in a cache and filled speculatively. */
bool model_type_cacheable(enum model_type t);

const char *model_type_name(enum model_type t);

/* Arm ARM D5.5.5: the more restrictive of the two stages wins. */
enum model_type model_combine(enum model_type s1, enum model_type s2);

/*
 * The stage-1 type of a data access: s1_desc is what the guest's stage-1
 * descriptor (through MAIR_EL1) gives when stage 1 is on.
 */
enum model_type model_s1_data(const struct model_regime *r, enum model_type s1_desc);

/* The stage-1 type of an instruction fetch. */
enum model_type model_s1_ifetch(const struct model_regime *r, enum model_type s1_desc);

/*
 * The stage-1 type of a stage-1 translation table walk: tcr_walk is the
 * TCR_EL1.IRGNn/ORGNn attribute (Normal WB, WT or NC).
 */
enum model_type model_s1_walk(const struct model_regime *r, enum model_type tcr_walk);

/* The effective (both stages) types of guest accesses. */
enum model_type model_guest_data_type(const struct model_regime *r, enum model_type s1_desc,
				      enum model_type s2);
enum model_type model_guest_ifetch_type(const struct model_regime *r, enum model_type s1_desc,
					enum model_type s2);
enum model_type model_guest_walk_type(const struct model_regime *r, enum model_type tcr_walk,
				      enum model_type s2);

#endif
