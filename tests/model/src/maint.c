/* Cache and TLB maintenance: DC by address and by set/way, IC, TLBI. */
#include "model_int.h"

const char *model_dc_op_name(enum model_dc_op op)
{
	switch (op) {
	case MODEL_DC_CVAU:
		return "DC CVAU";
	case MODEL_DC_CVAC:
		return "DC CVAC";
	case MODEL_DC_IVAC:
		return "DC IVAC";
	case MODEL_DC_CIVAC:
		return "DC CIVAC";
	}
	return "DC ?";
}

static int check_in_memory(struct model *m, const char *fn, uint64_t addr)
{
	if (addr < m->cfg.mem_base || addr - m->cfg.mem_base >= m->cfg.mem_bytes)
		return model_fail(m, "%s: address 0x%llx is outside memory", fn,
				  (unsigned long long)addr);
	return 0;
}

/*
 * Arm ARM D4.4.8, "Data cache maintenance instructions (DC*)": by-VA
 * operations act on every cache of the shareability domain that could hold
 * the line - here every CPU's L1D and the L2 - down to the point named:
 * - DC CVAU cleans to the PoU: dirty L1 data reaches the L2 when the PoU is
 *   there, and nothing is written to memory; with the PoU at memory it is a
 *   clean to PoC;
 * - DC CVAC cleans to the PoC (memory);
 * - DC IVAC invalidates every copy down to the PoC, discarding dirty data;
 * - DC CIVAC cleans to the PoC, then invalidates.
 * They do not touch instruction caches.
 */
static void dc_line(struct model *m, enum model_dc_op op, uint64_t line)
{
	bool pou_is_memory = m->cfg.pou == MODEL_POU_MEMORY || !m->has_l2;

	switch (op) {
	case MODEL_DC_CVAU:
		clean_line_to(m, line, pou_is_memory);
		break;
	case MODEL_DC_CVAC:
		clean_line_to(m, line, true);
		break;
	case MODEL_DC_IVAC:
		invalidate_line(m, line);
		break;
	case MODEL_DC_CIVAC:
		clean_line_to(m, line, true);
		invalidate_line(m, line);
		break;
	}
}

int model_dc_va(struct model *m, unsigned cpu, enum model_dc_op op, uint64_t addr)
{
	int err = model_check_cpu(m, "model_dc_va", cpu);
	uint64_t line;

	if (!err)
		err = check_in_memory(m, "model_dc_va", addr);
	if (!err && (unsigned)op > MODEL_DC_CIVAC)
		err = model_fail(m, "model_dc_va: %u is not a model_dc_op", (unsigned)op);
	if (err)
		return err;
	model_sched_point(m);
	line = model_line_of(m, addr);
	hist_add(m, EV_DC_VA, cpu, AT_NONE, model_line_addr(m, line), 0, (unsigned)op,
		 MODEL_DEVICE);
	dc_line(m, op, line);
	return 0;
}

int model_dc_range(struct model *m, unsigned cpu, enum model_dc_op op, uint64_t lo, uint64_t hi)
{
	uint64_t step = m->cfg.line_bytes;
	int err = 0;

	if (hi <= lo)
		return model_fail(m, "model_dc_range: empty range [0x%llx, 0x%llx)",
				  (unsigned long long)lo, (unsigned long long)hi);
	err = check_in_memory(m, "model_dc_range", lo);
	if (!err)
		err = check_in_memory(m, "model_dc_range", hi - 1);
	for (uint64_t a = lo & ~(step - 1); !err && a < hi; a += step)
		err = model_dc_va(m, cpu, op, a);
	return err;
}

/*
 * Arm ARM D4.4.8: set/way operations act on one line of one level of the
 * caches of the PE that executes them, and only move data to the next level
 * (a clean of a level-1 line reaches the L2, not memory). They are for
 * powering caches up and down, not for coherence: other CPUs' caches are
 * untouched, and lines may move between sets and ways (by speculative fills
 * and evictions, which the scheduler injects between the steps of a loop)
 * while the loop runs.
 */
int model_dc_sw(struct model *m, unsigned cpu, enum model_sw_op op, unsigned level, unsigned set,
		unsigned way)
{
	int err = model_check_cpu(m, "model_dc_sw", cpu);
	struct mcache *c;
	enum ev_where where;
	struct mline *l;

	if (err)
		return err;
	if ((unsigned)op > MODEL_DC_CISW)
		return model_fail(m, "model_dc_sw: %u is not a model_sw_op", (unsigned)op);
	if (level != 1 && !(level == 2 && m->has_l2))
		return model_fail(m, "model_dc_sw: no data cache at level %u", level);
	c = level == 1 ? &m->l1d[cpu] : &m->l2;
	where = level == 1 ? AT_L1D : AT_L2;
	if (set >= c->sets || way >= c->ways)
		return model_fail(m, "model_dc_sw: set %u way %u outside the %ux%u level-%u cache",
				  set, way, c->sets, c->ways, level);
	model_sched_point(m);
	l = &c->lines[set * c->ways + way];
	hist_add(m, EV_DC_SW, cpu, where, l->valid ? model_line_addr(m, l->line) : UINT64_MAX,
		 ((uint64_t)set << 16) | way, (unsigned)op, MODEL_DEVICE);
	if (!l->valid)
		return 0;
	if (op != MODEL_DC_ISW)
		cache_writeback(m, c, where, cpu, l);
	if (op != MODEL_DC_CSW)
		cache_drop(m, c, where, cpu, l);
	return 0;
}

int model_dc_sw_all(struct model *m, unsigned cpu, enum model_sw_op op, unsigned level)
{
	struct mcache *c;
	int err = model_check_cpu(m, "model_dc_sw_all", cpu);

	if (!err && level != 1 && !(level == 2 && m->has_l2))
		err = model_fail(m, "model_dc_sw_all: no data cache at level %u", level);
	if (err)
		return err;
	c = level == 1 ? &m->l1d[cpu] : &m->l2;
	for (unsigned s = 0; !err && s < c->sets; s++) {
		for (unsigned w = 0; !err && w < c->ways; w++)
			err = model_dc_sw(m, cpu, op, level, s, w);
	}
	return err;
}

static void ic_drop_line(struct model *m, unsigned p, uint64_t line)
{
	struct mline *l = cache_find(&m->l1i[p], m->wpl, line);

	if (l != NULL)
		cache_drop(m, &m->l1i[p], AT_L1I, p, l);
}

static void ic_drop_all(struct model *m, unsigned p)
{
	struct mcache *c = &m->l1i[p];

	for (unsigned i = 0; i < c->sets * c->ways; i++) {
		if (c->lines[i].valid)
			cache_drop(m, c, AT_L1I, p, &c->lines[i]);
	}
}

/*
 * Arm ARM D4.4.9, "Instruction cache maintenance instructions (IC*)":
 * IC IVAU invalidates the line to the PoU in every I-cache of the inner
 * shareable domain; IC IALLU the whole local I-cache; IC IALLUIS every
 * I-cache of the domain. I-cache lines are never dirty.
 */
int model_ic(struct model *m, unsigned cpu, enum model_ic_op op, uint64_t addr)
{
	int err = model_check_cpu(m, "model_ic", cpu);
	uint64_t line = 0;

	if (!err && op == MODEL_IC_IVAU)
		err = check_in_memory(m, "model_ic", addr);
	if (!err && (unsigned)op > MODEL_IC_IALLUIS)
		err = model_fail(m, "model_ic: %u is not a model_ic_op", (unsigned)op);
	if (err)
		return err;
	model_sched_point(m);
	if (op == MODEL_IC_IVAU)
		line = model_line_of(m, addr);
	hist_add(m, EV_IC, cpu, AT_L1I, op == MODEL_IC_IVAU ? model_line_addr(m, line) : UINT64_MAX,
		 0, (unsigned)op, MODEL_DEVICE);
	for (unsigned p = 0; p < m->cfg.cpus; p++) {
		if (op == MODEL_IC_IVAU)
			ic_drop_line(m, p, line);
		else if (op == MODEL_IC_IALLUIS || p == cpu)
			ic_drop_all(m, p);
	}
	return 0;
}

int model_ic_range(struct model *m, unsigned cpu, uint64_t lo, uint64_t hi)
{
	uint64_t step = m->cfg.line_bytes;
	int err = 0;

	if (hi <= lo)
		return model_fail(m, "model_ic_range: empty range [0x%llx, 0x%llx)",
				  (unsigned long long)lo, (unsigned long long)hi);
	err = check_in_memory(m, "model_ic_range", lo);
	if (!err)
		err = check_in_memory(m, "model_ic_range", hi - 1);
	for (uint64_t a = lo & ~(step - 1); !err && a < hi; a += step)
		err = model_ic(m, cpu, MODEL_IC_IVAU, a);
	return err;
}

/*
 * Arm ARM D5.10, "TLB maintenance requirements and the TLB maintenance
 * instructions": a TLB may keep a translation until invalidated; the IS
 * forms act on every PE of the inner shareable domain. The model keys an
 * entry by the descriptor it came from rather than by VA and ASID.
 */
int model_tlbi(struct model *m, unsigned cpu, enum model_tlbi_op op, uint64_t desc_addr)
{
	int err = model_check_cpu(m, "model_tlbi", cpu);
	bool by_va = op == MODEL_TLBI_VA || op == MODEL_TLBI_VAIS;
	bool broadcast = op == MODEL_TLBI_VAIS || op == MODEL_TLBI_ALLIS;
	uint64_t w = 0;

	if (!err && by_va)
		err = model_check_addr(m, "model_tlbi", desc_addr);
	if (!err && (unsigned)op > MODEL_TLBI_ALLIS)
		err = model_fail(m, "model_tlbi: %u is not a model_tlbi_op", (unsigned)op);
	if (err)
		return err;
	model_sched_point(m);
	if (by_va)
		w = model_word_of(m, desc_addr);
	hist_add(m, EV_TLBI, cpu, AT_TLB, by_va ? desc_addr : UINT64_MAX, 0, (unsigned)op,
		 MODEL_DEVICE);
	for (unsigned p = 0; p < m->cfg.cpus; p++) {
		if (!broadcast && p != cpu)
			continue;
		if (by_va) {
			m->tlb_valid[(size_t)p * m->nwords + w] = false;
			continue;
		}
		for (uint64_t i = 0; i < m->nwords; i++)
			m->tlb_valid[(size_t)p * m->nwords + i] = false;
	}
	return 0;
}
