/*
 * Memory types of guest accesses: stage 1 from the guest's SCTLR_EL1 and
 * HCR_EL2.DC, stage 2 from the hypervisor, combined.
 */
#include <model/attr.h>

bool model_type_cacheable(enum model_type t)
{
	return t == MODEL_NORMAL_WT || t == MODEL_NORMAL_WB;
}

const char *model_type_name(enum model_type t)
{
	switch (t) {
	case MODEL_DEVICE:
		return "Device";
	case MODEL_NORMAL_NC:
		return "Normal-NC";
	case MODEL_NORMAL_WT:
		return "Normal-WT";
	case MODEL_NORMAL_WB:
		return "Normal-WB";
	}
	return "?";
}

/*
 * Arm ARM D5.5.5, "Combining the stage 1 and stage 2 attributes, EL1&0
 * translation regime" (without FEAT_S2FWB, which the model does not cover):
 * if either stage says Device the result is Device; otherwise the
 * cacheability is the weaker of the two, NC < WT < WB. The enum is ordered
 * so that this is the minimum.
 */
enum model_type model_combine(enum model_type s1, enum model_type s2)
{
	return s1 < s2 ? s1 : s2;
}

/*
 * Arm ARM D5.2.9, "The effects of disabling address translation stages on
 * VMSAv8-64 behavior", and the HCR_EL2.DC and SCTLR_EL1.C descriptions:
 * - HCR_EL2.DC = 1: the PE behaves as if SCTLR_EL1.M were 0, and stage 1
 *   produces Normal Inner/Outer Write-Back;
 * - stage 1 off: data accesses are Device-nGnRnE;
 * - stage 1 on with SCTLR_EL1.C = 0: data accesses to Normal memory are
 *   Non-cacheable.
 */
enum model_type model_s1_data(const struct model_regime *r, enum model_type s1_desc)
{
	if (r->hcr_dc)
		return MODEL_NORMAL_WB;
	if (!r->sctlr_m)
		return MODEL_DEVICE;
	if (!r->sctlr_c && s1_desc != MODEL_DEVICE)
		return MODEL_NORMAL_NC;
	return s1_desc;
}

/*
 * Same sources, for instruction fetches: with stage 1 off they are Normal,
 * Write-Through cacheable when SCTLR_EL1.I is 1 and Non-cacheable when it is
 * 0; with stage 1 on, SCTLR_EL1.I = 0 makes fetches from Normal memory
 * Non-cacheable. HCR_EL2.DC makes stage 1 Write-Back for fetches too.
 */
enum model_type model_s1_ifetch(const struct model_regime *r, enum model_type s1_desc)
{
	if (r->hcr_dc)
		return MODEL_NORMAL_WB;
	if (!r->sctlr_m)
		return r->sctlr_i ? MODEL_NORMAL_WT : MODEL_NORMAL_NC;
	if (!r->sctlr_i && s1_desc != MODEL_DEVICE)
		return MODEL_NORMAL_NC;
	return s1_desc;
}

/*
 * Stage-1 table walks are Normal memory with the TCR_EL1.IRGNn/ORGNn
 * cacheability; SCTLR_EL1.C = 0 makes them Non-cacheable as well (SCTLR_EL1.C
 * description). With stage 1 off (or HCR_EL2.DC set) there is no stage-1
 * walk; the caller should not ask, and gets Device (no walk can be cached).
 */
enum model_type model_s1_walk(const struct model_regime *r, enum model_type tcr_walk)
{
	if (r->hcr_dc || !r->sctlr_m)
		return MODEL_DEVICE;
	if (!r->sctlr_c)
		return MODEL_NORMAL_NC;
	return tcr_walk == MODEL_DEVICE ? MODEL_NORMAL_NC : tcr_walk;
}

enum model_type model_guest_data_type(const struct model_regime *r, enum model_type s1_desc,
				      enum model_type s2)
{
	return model_combine(model_s1_data(r, s1_desc), s2);
}

enum model_type model_guest_ifetch_type(const struct model_regime *r, enum model_type s1_desc,
					enum model_type s2)
{
	return model_combine(model_s1_ifetch(r, s1_desc), s2);
}

enum model_type model_guest_walk_type(const struct model_regime *r, enum model_type tcr_walk,
				      enum model_type s2)
{
	return model_combine(model_s1_walk(r, tcr_walk), s2);
}
