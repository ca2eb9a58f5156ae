/*
 * GICv3 redistributors (IHI 0069H 12.10, 12.11) and SGIs sent through
 * ICC_SGI1R_EL1 (12.2.23). Each vCPU has one redistributor of two 64 KiB
 * frames: RD_base (control, TYPER, WAKER) and SGI_base (its SGIs and PPIs).
 */
#include "vgic_internal.h"

#define GICR_STRIDE 0x20000
#define GICR_SGI_BASE 0x10000
#define GICR_CTLR 0x0000
#define GICR_IIDR 0x0004
#define GICR_TYPER 0x0008
#define GICR_STATUSR 0x0010
#define GICR_WAKER 0x0014
#define GICR_ID 0xffd0
#define GICR_IGROUPR0 0x0080
#define GICR_ICACTIVER0 0x0380
#define GICR_IPRIORITYR 0x0400
#define GICR_ICFGR0 0x0c00
#define GICR_ICFGR1 0x0c04
#define GICR_IGRPMODR0 0x0d00

/* GICR_TYPER (12.11.37): Affinity [63:32] (Aff0 = vCPU), Processor_Number [23:8], Last [4]. */
static uint64_t gicr_typer(const struct vgic_dist *d, unsigned rd)
{
	uint64_t t = ((uint64_t)rd << 32) | ((uint64_t)rd << 8);

	if (rd == d->nr_vcpus - 1)
		t |= BIT(4);
	return t;
}

static bool rd_frame(struct vgic_dist *d, unsigned rd, uint64_t off, unsigned size, bool write,
		     uint64_t *val)
{
	if (off == GICR_TYPER || off == GICR_TYPER + 4) {
		unsigned shift = off == GICR_TYPER ? 0 : 32;

		if (size == 8 && off != GICR_TYPER)
			return false;
		if (!write)
			*val = size == 8 ? gicr_typer(d, rd)
					 : (gicr_typer(d, rd) >> shift) & 0xffffffffULL;
		return true;
	}
	if (size != 4)
		return false;
	switch (off) {
	case GICR_CTLR:	   /* no LPIs: EnableLPIs stays 0 */
	case GICR_STATUSR: /* no errors to report */
		if (!write)
			*val = 0;
		return true;
	case GICR_IIDR:
		if (!write)
			*val = 0x43b;
		return true;
	case GICR_WAKER:
		/* ProcessorSleep [1] is the guest's; ChildrenAsleep [2] follows it at once. */
		if (write)
			d->waker[rd] = (*val & BIT(1)) ? (uint32_t)(BIT(1) | BIT(2)) : 0;
		else
			*val = d->waker[rd];
		return true;
	default:
		if (off >= GICR_ID && off < GICR_ID + 48) {
			if (!write)
				*val = vgic_id_reg(d, (unsigned)(off - GICR_ID) / 4);
			return true;
		}
		return false;
	}
}

static bool sgi_frame(struct vgic_dist *d, unsigned rd, uint64_t off, unsigned size, bool write,
		      uint64_t *val)
{
	if (off >= GICR_IPRIORITYR && off < GICR_IPRIORITYR + 32) {
		if (size != 1 && size != 4)
			return false;
		vgic_priority(d, rd, (unsigned)(off - GICR_IPRIORITYR), size, write, val);
		return true;
	}
	if (size != 4)
		return false;
	if (off >= GICR_IGROUPR0 && off <= GICR_ICACTIVER0 && off % 0x80 == 0) {
		vgic_bitreg(d, rd, 0, (enum vgic_bitreg)((off - GICR_IGROUPR0) / 0x80), write, val);
		return true;
	}
	if (off == GICR_ICFGR0 || off == GICR_ICFGR1) {
		vgic_config(d, rd, off == GICR_ICFGR0 ? 0 : 16, write, val);
		return true;
	}
	if (off == GICR_IGRPMODR0) {
		/* One security state: group modifiers are RAZ/WI. */
		if (!write)
			*val = 0;
		return true;
	}
	return false;
}

bool vgic_gicr_access(struct vgic_dist *d, unsigned vcpu, uint64_t offset, unsigned size,
		      bool write, uint64_t *val, struct vgic_actions *out)
{
	unsigned rd = (unsigned)(offset / GICR_STRIDE);
	uint64_t off = offset % GICR_STRIDE;
	uint64_t v = 0;
	bool ok;

	if (d->version != 3 || vcpu >= d->nr_vcpus || rd >= d->nr_vcpus || offset % size != 0 ||
	    (size != 1 && size != 4 && size != 8))
		return vgic_bad(d, write, val);
	if (write)
		v = size == 8 ? *val : *val & (BIT(8 * size) - 1);
	if (off < GICR_SGI_BASE)
		ok = rd_frame(d, rd, off, size, write, &v);
	else
		ok = sgi_frame(d, rd, off - GICR_SGI_BASE, size, write, &v);
	if (!ok)
		return vgic_bad(d, write, val);
	if (write)
		vgic_scan(d, out);
	else
		*val = v;
	return true;
}

struct vgic_sgi1r vgic_sgi1r_decode(uint64_t value)
{
	struct vgic_sgi1r s;

	s.target_list = (uint16_t)FIELD(value, 15, 0);
	s.aff1 = (uint8_t)FIELD(value, 23, 16);
	s.intid = (unsigned)FIELD(value, 27, 24);
	s.aff2 = (uint8_t)FIELD(value, 39, 32);
	s.all_but_self = FIELD(value, 40, 40);
	s.rs = (uint8_t)FIELD(value, 47, 44);
	s.aff3 = (uint8_t)FIELD(value, 55, 48);
	return s;
}

uint32_t vgic_sgi1r_targets(const struct vgic_sgi1r *s, unsigned self, unsigned nr_vcpus)
{
	uint32_t all = (uint32_t)BIT(nr_vcpus) - 1;
	uint32_t t = 0;

	if (s->all_but_self)
		return all & ~(uint32_t)BIT(self);
	/* The vCPUs have Aff3-Aff1 = 0 and Aff0 = index < 16, so only RS 0 names any. */
	if (s->aff3 != 0 || s->aff2 != 0 || s->aff1 != 0 || s->rs != 0)
		return 0;
	for (unsigned v = 0; v < nr_vcpus; v++) {
		if (s->target_list & BIT(v))
			t |= (uint32_t)BIT(v);
	}
	return t;
}

void vgic_sgi1r_write(struct vgic_dist *d, unsigned self, uint64_t value, struct vgic_actions *out)
{
	struct vgic_sgi1r s = vgic_sgi1r_decode(value);
	uint32_t targets = vgic_sgi1r_targets(&s, self, d->nr_vcpus);

	for (unsigned v = 0; v < d->nr_vcpus; v++) {
		if (targets & BIT(v))
			d->priv[v][s.intid].pending = true;
	}
	vgic_scan(d, out);
}
