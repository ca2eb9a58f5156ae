/* Guest accesses: their memory type comes from the CPU's guest regime. */
#include <model/guest.h>

#include "model_int.h"

int model_set_regime(struct model *m, unsigned cpu, const struct model_regime *r)
{
	int err = model_check_cpu(m, "model_set_regime", cpu);

	if (err)
		return err;
	m->regime[cpu] = *r;
	return 0;
}

const struct model_regime *model_get_regime(const struct model *m, unsigned cpu)
{
	return cpu < m->cfg.cpus ? &m->regime[cpu] : NULL;
}

static int check_types(struct model *m, const char *fn, unsigned cpu, enum model_type a,
		       enum model_type b)
{
	int err = model_check_cpu(m, fn, cpu);

	if (!err)
		err = model_check_type(m, fn, a);
	if (!err)
		err = model_check_type(m, fn, b);
	return err;
}

int model_guest_store(struct model *m, unsigned cpu, uint64_t addr, uint64_t value,
		      enum model_type s1_desc, enum model_type s2)
{
	int err = check_types(m, "model_guest_store", cpu, s1_desc, s2);

	return err ? err
		   : model_store(m, cpu, addr, value,
				 model_guest_data_type(&m->regime[cpu], s1_desc, s2));
}

int model_guest_load(struct model *m, unsigned cpu, uint64_t addr, enum model_type s1_desc,
		     enum model_type s2, struct model_read *out)
{
	int err = check_types(m, "model_guest_load", cpu, s1_desc, s2);

	return err ? err
		   : model_load(m, cpu, addr, model_guest_data_type(&m->regime[cpu], s1_desc, s2),
				out);
}

int model_guest_ifetch(struct model *m, unsigned cpu, uint64_t addr, enum model_type s1_desc,
		       enum model_type s2, struct model_read *out)
{
	int err = check_types(m, "model_guest_ifetch", cpu, s1_desc, s2);

	return err ? err
		   : model_ifetch(m, cpu, addr,
				  model_guest_ifetch_type(&m->regime[cpu], s1_desc, s2), out);
}

int model_guest_walk(struct model *m, unsigned cpu, uint64_t desc_addr, enum model_type tcr_walk,
		     enum model_type s2, struct model_read *out)
{
	int err = check_types(m, "model_guest_walk", cpu, tcr_walk, s2);
	const struct model_regime *r;

	if (err)
		return err;
	r = &m->regime[cpu];
	if (!r->sctlr_m || r->hcr_dc)
		return model_fail(m,
				  "model_guest_walk: cpu %u has stage 1 off; there is no "
				  "stage-1 table walk",
				  cpu);
	return model_walk(m, cpu, desc_addr, model_guest_walk_type(r, tcr_walk, s2), out);
}

/*
 * HCR_EL2.VM description: while stage 2 is enabled, data cache invalidate
 * instructions executed at EL1 perform a clean and invalidate (for DC ISW
 * regardless of HCR_EL2.SWIO).
 */
int model_guest_dc_va(struct model *m, unsigned cpu, enum model_dc_op op, uint64_t addr)
{
	int err = model_check_cpu(m, "model_guest_dc_va", cpu);

	if (err)
		return err;
	if (op == MODEL_DC_IVAC && m->regime[cpu].hcr_vm)
		op = MODEL_DC_CIVAC;
	return model_dc_va(m, cpu, op, addr);
}

int model_guest_dc_sw(struct model *m, unsigned cpu, enum model_sw_op op, unsigned level,
		      unsigned set, unsigned way)
{
	int err = model_check_cpu(m, "model_guest_dc_sw", cpu);

	if (err)
		return err;
	if (op == MODEL_DC_ISW && m->regime[cpu].hcr_vm)
		op = MODEL_DC_CISW;
	return model_dc_sw(m, cpu, op, level, set, way);
}

int model_map_guest(struct model *m, unsigned cpu, uint64_t lo, uint64_t hi,
		    enum model_type s1_desc, enum model_type s2)
{
	int err = check_types(m, "model_map_guest", cpu, s1_desc, s2);
	const struct model_regime *r;

	if (err)
		return err;
	r = &m->regime[cpu];
	return model_map(m, cpu, lo, hi, model_guest_data_type(r, s1_desc, s2),
			 model_guest_ifetch_type(r, s1_desc, s2));
}
