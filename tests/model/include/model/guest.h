/*
 * A guest's view of the model: each CPU carries the guest's regime
 * (SCTLR_EL1.{M,C,I}, HCR_EL2.{DC,VM}), and guest accesses take their memory
 * type from it, from the stage-1 descriptor type and from the stage-2 type.
 * This is the layer a VMM's cache policy drives: it flips HCR_EL2.DC, maps
 * stage 2, and sees the guest's SCTLR writes when it traps them (HCR_EL2.TVM).
 */
#ifndef MODEL_GUEST_H
#define MODEL_GUEST_H

#include <model/attr.h>
#include <model/model.h>

int model_set_regime(struct model *m, unsigned cpu, const struct model_regime *r);
const struct model_regime *model_get_regime(const struct model *m, unsigned cpu);

int model_guest_store(struct model *m, unsigned cpu, uint64_t addr, uint64_t value,
		      enum model_type s1_desc, enum model_type s2);
int model_guest_load(struct model *m, unsigned cpu, uint64_t addr, enum model_type s1_desc,
		     enum model_type s2, struct model_read *out);
int model_guest_ifetch(struct model *m, unsigned cpu, uint64_t addr, enum model_type s1_desc,
		       enum model_type s2, struct model_read *out);
/* A stage-1 walk: the TCR_EL1 walk attribute and the table's stage-2 type. */
int model_guest_walk(struct model *m, unsigned cpu, uint64_t desc_addr, enum model_type tcr_walk,
		     enum model_type s2, struct model_read *out);

/*
 * Guest data-cache maintenance executed at EL1: with HCR_EL2.VM set, an
 * invalidate also cleans (Arm ARM, HCR_EL2.VM; DC IVAC and DC ISW), so a
 * guest cannot discard data the hypervisor wrote.
 */
int model_guest_dc_va(struct model *m, unsigned cpu, enum model_dc_op op, uint64_t addr);
int model_guest_dc_sw(struct model *m, unsigned cpu, enum model_sw_op op, unsigned level,
		      unsigned set, unsigned way);

/*
 * Map [lo, hi) for speculation the way the guest on this CPU sees it now:
 * data and instruction types from the regime, the stage-1 descriptor type
 * and the stage-2 type. Call again after the regime changes.
 */
int model_map_guest(struct model *m, unsigned cpu, uint64_t lo, uint64_t hi,
		    enum model_type s1_desc, enum model_type s2);

#endif
