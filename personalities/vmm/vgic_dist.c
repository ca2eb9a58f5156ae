/*
 * The emulated GIC distributor (vgic_dist.h): interrupt state, delivery, and
 * the GICD register file of GICv2 (IHI 0048B 4.3) and GICv3 (IHI 0069H 12.9).
 * The redistributors and ICC_SGI1R_EL1 are in vgic_redist.c.
 */
#include <string.h>

#include "vgic_internal.h"

#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IIDR 0x008
#define GICD_IGROUPR 0x080
#define GICD_ISENABLER 0x100
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICD_SGIR 0xf00
#define GICD_CPENDSGIR 0xf10
#define GICD_SPENDSGIR 0xf20
#define GICD_IROUTER 0x6000
#define GICD_V2_ID 0xfd0
#define GICD_V3_ID 0xffd0
/* Arm's JEP106 code in IIDR and the ID registers. */
#define IIDR_ARM 0x43b

int vgic_dist_init(struct vgic_dist *d, const struct vmm_guest *g, unsigned version,
		   unsigned nr_irqs, struct vmm_error *err)
{
	memset(d, 0, sizeof(*d));
	if (version != 2 && version != 3)
		return vmm_fail(err, g->name, "GIC version %u: only 2 and 3 are emulated", version);
	if (nr_irqs < 64 || nr_irqs > VGIC_MAX_IRQS || nr_irqs % 32 != 0)
		return vmm_fail(err, g->name,
				"%u interrupts: the vGIC has 64 to %u, a multiple of 32", nr_irqs,
				VGIC_MAX_IRQS);
	d->version = version;
	d->nr_vcpus = g->nr_vcpus;
	d->nr_irqs = nr_irqs;
	for (unsigned v = 0; v < g->nr_vcpus; v++) {
		/* SGIs are edge-triggered (ICFGR0 reads 0xaaaaaaaa); PPIs start level. */
		for (unsigned i = 0; i < 16; i++)
			d->priv[v][i].edge = true;
		d->waker[v] = BIT(1) | BIT(2); /* redistributor asleep until the guest wakes it */
	}
	return 0;
}

struct vgic_irq *vgic_irq(struct vgic_dist *d, unsigned bank, unsigned intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return bank < d->nr_vcpus ? &d->priv[bank][intid] : NULL;
	return intid < d->nr_irqs ? &d->spi[intid - VGIC_NR_PRIVATE] : NULL;
}

bool vgic_bad(struct vgic_dist *d, bool write, uint64_t *val)
{
	d->bad_accesses++;
	if (!write)
		*val = 0;
	return false;
}

uint32_t vgic_id_reg(const struct vgic_dist *d, unsigned index)
{
	/* PIDR4-7, PIDR0-3, CIDR0-3 in address order; PIDR2[7:4] is ArchRev. */
	static const uint8_t ids[12] = {0x04, 0,    0,	  0,	0x92, 0xb4,
					0x0b, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

	if (index == 6)
		return (d->version << 4) | 0x0b;
	return index < 12 ? ids[index] : 0;
}

static bool sgi_v2(const struct vgic_dist *d, unsigned intid)
{
	return d->version == 2 && intid < 16;
}

static bool is_pending(struct vgic_dist *d, unsigned bank, unsigned intid,
		       const struct vgic_irq *irq)
{
	if (sgi_v2(d, intid))
		return d->sgi_sources[bank][intid] != 0;
	return irq->pending;
}

void vgic_bitreg(struct vgic_dist *d, unsigned bank, unsigned first, enum vgic_bitreg kind,
		 bool write, uint64_t *val)
{
	uint32_t r = 0;

	for (unsigned i = 0; i < 32; i++) {
		unsigned intid = first + i;
		struct vgic_irq *irq = vgic_irq(d, bank, intid);
		bool set = write && (*val & BIT(i));

		if (irq == NULL)
			continue; /* unimplemented interrupts are RAZ/WI */
		switch (kind) {
		case VGIC_GROUP:
			if (write)
				irq->group = (*val >> i) & 1;
			r |= (uint32_t)irq->group << i;
			break;
		case VGIC_SET_ENABLE:
		case VGIC_CLEAR_ENABLE:
			if (set)
				irq->enabled = kind == VGIC_SET_ENABLE;
			r |= (uint32_t)irq->enabled << i;
			break;
		case VGIC_SET_PENDING:
		case VGIC_CLEAR_PENDING:
			/*
			 * GICv2 SGIs are made pending through GICD_SPENDSGIR/SGIR only. A level
			 * interrupt whose input is still asserted stays pending through a clear
			 * (GICD_ICPENDR, IHI 0048B 4.3.8): a passed-through line the kernel holds
			 * masked until the guest's EOI would otherwise never come back.
			 */
			if (set && !sgi_v2(d, intid))
				irq->pending =
					kind == VGIC_SET_PENDING || (!irq->edge && irq->line);
			r |= (uint32_t)(is_pending(d, bank, intid, irq) || irq->in_lr) << i;
			break;
		case VGIC_SET_ACTIVE:
		case VGIC_CLEAR_ACTIVE:
			if (set)
				irq->active = kind == VGIC_SET_ACTIVE;
			r |= (uint32_t)irq->active << i;
			break;
		}
	}
	if (!write)
		*val = r;
}

void vgic_priority(struct vgic_dist *d, unsigned bank, unsigned first, unsigned size, bool write,
		   uint64_t *val)
{
	uint64_t r = 0;

	for (unsigned i = 0; i < size; i++) {
		struct vgic_irq *irq = vgic_irq(d, bank, first + i);

		if (irq == NULL)
			continue;
		if (write)
			irq->priority = (uint8_t)(*val >> (8 * i)) & VGIC_PRIO_MASK;
		r |= (uint64_t)irq->priority << (8 * i);
	}
	if (!write)
		*val = r;
}

void vgic_config(struct vgic_dist *d, unsigned bank, unsigned first, bool write, uint64_t *val)
{
	uint32_t r = 0;

	for (unsigned i = 0; i < 16; i++) {
		struct vgic_irq *irq = vgic_irq(d, bank, first + i);

		if (irq == NULL)
			continue;
		/* SGIs are always edge-triggered: their field is read-only. */
		if (write && first + i >= 16)
			irq->edge = (*val >> (2 * i + 1)) & 1;
		r |= (uint32_t)irq->edge << (2 * i + 1);
	}
	if (!write)
		*val = r;
}

/* The vCPU an SPI goes to, or -1 when its routing names none. */
static int spi_target(const struct vgic_dist *d, const struct vgic_irq *irq)
{
	if (d->version == 2) {
		/* 1-of-N is allowed for a target list: the lowest vCPU listed. */
		for (unsigned v = 0; v < d->nr_vcpus; v++) {
			if (irq->targets & BIT(v))
				return (int)v;
		}
		return -1;
	}
	if (irq->route & BIT(31)) /* IRM: any participating PE */
		return 0;
	/* Aff3 [39:32], Aff2 [23:16], Aff1 [15:8] must be 0; Aff0 [7:0] is the vCPU. */
	if ((irq->route & 0xff00ffff00ULL) != 0 || (irq->route & 0xff) >= d->nr_vcpus)
		return -1;
	return (int)(irq->route & 0xff);
}

static void emit(struct vgic_actions *out, unsigned intid, unsigned vcpu, unsigned source)
{
	struct vgic_inject *a = &out->inject[out->n++];

	a->intid = (uint16_t)intid;
	a->vcpu = (uint8_t)vcpu;
	a->source = (uint8_t)source;
}

static void deliver(struct vgic_dist *d, unsigned bank, unsigned intid, struct vgic_irq *irq,
		    struct vgic_actions *out)
{
	int target;

	if (!irq->enabled || irq->in_lr || !(d->ctlr & BIT(irq->group)))
		return;
	if (sgi_v2(d, intid)) {
		/* One list register per sending vCPU (GICv2 LR CPUID field). */
		for (unsigned src = 0; src < d->nr_vcpus && out->n < VGIC_MAX_ACTIONS; src++) {
			if (d->sgi_sources[bank][intid] & BIT(src)) {
				emit(out, intid, bank, src);
				d->sgi_sources[bank][intid] &= (uint8_t)~BIT(src);
				irq->in_lr = true;
			}
		}
		return;
	}
	target = intid < VGIC_NR_PRIVATE ? (int)bank : spi_target(d, irq);
	if (!irq->pending || target < 0 || out->n == VGIC_MAX_ACTIONS)
		return;
	emit(out, intid, (unsigned)target, 0);
	irq->pending = false;
	irq->in_lr = true;
}

void vgic_scan(struct vgic_dist *d, struct vgic_actions *out)
{
	for (unsigned v = 0; v < d->nr_vcpus; v++) {
		for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
			deliver(d, v, i, &d->priv[v][i], out);
	}
	for (unsigned i = VGIC_NR_PRIVATE; i < d->nr_irqs; i++)
		deliver(d, 0, i, &d->spi[i - VGIC_NR_PRIVATE], out);
}

void vgic_raise(struct vgic_dist *d, unsigned vcpu, unsigned intid, struct vgic_actions *out)
{
	struct vgic_irq *irq = vgic_irq(d, vcpu, intid);

	if (irq == NULL || intid < 16)
		return;
	irq->pending = true;
	if (!irq->edge)
		irq->line = true;
	vgic_scan(d, out);
}

void vgic_lower(struct vgic_dist *d, unsigned vcpu, unsigned intid)
{
	struct vgic_irq *irq = vgic_irq(d, vcpu, intid);

	if (irq == NULL || irq->edge)
		return;
	/* A level interrupt not yet injected stops being pending with its line. */
	irq->line = false;
	irq->pending = false;
}

void vgic_deactivated(struct vgic_dist *d, unsigned vcpu, unsigned intid, struct vgic_actions *out)
{
	struct vgic_irq *irq = vgic_irq(d, vcpu, intid);

	if (irq == NULL)
		return;
	irq->in_lr = false;
	irq->active = false;
	/* A level input still high makes the interrupt pending again. */
	if (!irq->edge && irq->line)
		irq->pending = true;
	vgic_scan(d, out);
}

/* GICD_SGIR (IHI 0048B 4.3.15): TargetListFilter [25:24], CPUTargetList [23:16], INTID [3:0]. */
static bool sgir_write(struct vgic_dist *d, unsigned self, uint64_t v)
{
	unsigned filter = (unsigned)FIELD(v, 25, 24);
	unsigned intid = (unsigned)FIELD(v, 3, 0);
	uint32_t all = (uint32_t)BIT(d->nr_vcpus) - 1;
	uint32_t targets;

	if (filter == 0)
		targets = (uint32_t)FIELD(v, 23, 16) & all;
	else if (filter == 1)
		targets = all & ~(uint32_t)BIT(self);
	else if (filter == 2)
		targets = (uint32_t)BIT(self);
	else
		return false; /* reserved filter value */
	for (unsigned t = 0; t < d->nr_vcpus; t++) {
		if (targets & BIT(t))
			d->sgi_sources[t][intid] |= (uint8_t)BIT(self);
	}
	return true;
}

/* GICD_CPENDSGIR/SPENDSGIR: one byte per SGI, one bit per source vCPU. */
static void sgi_pend_bytes(struct vgic_dist *d, unsigned self, uint64_t off, unsigned size,
			   bool set, bool write, uint64_t *val)
{
	unsigned first = (unsigned)(off & 0xf);
	uint64_t r = 0;
	uint8_t mask = (uint8_t)(BIT(d->nr_vcpus) - 1);

	for (unsigned i = 0; i < size; i++) {
		uint8_t *src = &d->sgi_sources[self][first + i];
		uint8_t bits = (uint8_t)(*val >> (8 * i)) & mask;

		if (write)
			*src = set ? (uint8_t)(*src | bits) : (uint8_t)(*src & ~bits);
		r |= (uint64_t)*src << (8 * i);
	}
	if (!write)
		*val = r;
}

static bool width_ok(const struct vgic_dist *d, uint64_t off, unsigned size)
{
	bool bytes = (off >= GICD_IPRIORITYR && off < GICD_ICFGR) ||
		     (d->version == 2 && off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 16);
	bool dwords = d->version == 3 && off >= GICD_IROUTER && off < GICD_IROUTER + 0x2000;

	if (off % size != 0)
		return false;
	return size == 4 || (size == 1 && bytes) || (size == 8 && dwords);
}

/* GICD_IROUTER<n> (IHI 0069H 12.9.22), whole or as 32-bit halves. */
static bool irouter(struct vgic_dist *d, uint64_t off, unsigned size, bool write, uint64_t *val)
{
	unsigned intid = (unsigned)((off - GICD_IROUTER) / 8);
	unsigned shift = (off & 4) ? 32 : 0;
	/* Aff3, IRM, Aff2, Aff1, Aff0 are the writable fields. */
	uint64_t writable = 0xff00ffffffULL | BIT(31);
	uint64_t mask = size == 8 ? ~0ULL : 0xffffffffULL << shift;
	struct vgic_irq *irq = vgic_irq(d, 0, intid);

	if (intid < VGIC_NR_PRIVATE || irq == NULL) {
		if (!write)
			*val = 0;
		return true;
	}
	if (write)
		irq->route = (irq->route & ~mask) | ((*val << shift) & mask & writable);
	else
		*val = (irq->route & mask) >> shift;
	return true;
}

static uint32_t typer(const struct vgic_dist *d)
{
	uint32_t t = d->nr_irqs / 32 - 1; /* ITLinesNumber */

	if (d->version == 2)
		return t | ((d->nr_vcpus - 1) << 5); /* CPUNumber */
	return t | (9U << 19); /* IDbits: 10-bit INTIDs, no LPIs, one security state */
}

/* The bank of a GICD access: GICv2 banks interrupts 0-31 per CPU, GICv3 keeps them in the GICR. */
static bool private_in_gicr(const struct vgic_dist *d, unsigned first)
{
	return d->version == 3 && first < VGIC_NR_PRIVATE;
}

static bool gicd_regs(struct vgic_dist *d, unsigned vcpu, uint64_t off, unsigned size, bool write,
		      uint64_t *val)
{
	if (off == GICD_CTLR) {
		/* GICv3: ARE (bit 4) and DS (bit 6) read as one, writes ignored. */
		if (write)
			d->ctlr = (uint32_t)*val & 3;
		else
			*val = d->ctlr | (d->version == 3 ? BIT(4) | BIT(6) : 0);
		return true;
	}
	if (off == GICD_TYPER || off == GICD_IIDR) {
		if (!write)
			*val = off == GICD_TYPER ? typer(d) : IIDR_ARM;
		return true;
	}
	if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR) {
		unsigned kind = (unsigned)((off - GICD_IGROUPR) / 0x80);
		unsigned first = (unsigned)((off & 0x7f) / 4 * 32);

		if (private_in_gicr(d, first)) {
			if (!write)
				*val = 0;
			return true;
		}
		vgic_bitreg(d, vcpu, first, (enum vgic_bitreg)kind, write, val);
		return true;
	}
	if (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR) {
		unsigned first = (unsigned)(off - GICD_IPRIORITYR);

		if (private_in_gicr(d, first) && !write)
			*val = 0;
		else if (!private_in_gicr(d, first))
			vgic_priority(d, vcpu, first, size, write, val);
		return true;
	}
	if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100) {
		unsigned first = (unsigned)((off - GICD_ICFGR) / 4 * 16);

		if (private_in_gicr(d, first) && !write)
			*val = 0;
		else if (!private_in_gicr(d, first))
			vgic_config(d, vcpu, first, write, val);
		return true;
	}
	return false;
}

/* GICD_ITARGETSR (GICv2): interrupts 0-31 read as the accessing CPU, read-only. */
static void itargets(struct vgic_dist *d, unsigned vcpu, uint64_t off, unsigned size, bool write,
		     uint64_t *val)
{
	unsigned first = (unsigned)(off - GICD_ITARGETSR);
	uint64_t r = 0;

	for (unsigned i = 0; i < size; i++) {
		struct vgic_irq *irq = vgic_irq(d, vcpu, first + i);
		uint8_t t;

		if (irq == NULL)
			continue;
		if (first + i < VGIC_NR_PRIVATE) {
			t = (uint8_t)BIT(vcpu);
		} else {
			if (write)
				irq->targets = (uint8_t)(*val >> (8 * i)) &
					       (uint8_t)(BIT(d->nr_vcpus) - 1);
			t = irq->targets;
		}
		r |= (uint64_t)t << (8 * i);
	}
	if (!write)
		*val = r;
}

static bool gicd_v2(struct vgic_dist *d, unsigned vcpu, uint64_t off, unsigned size, bool write,
		    uint64_t *val)
{
	if (off >= GICD_ITARGETSR && off < GICD_ICFGR) {
		itargets(d, vcpu, off, size, write, val);
		return true;
	}
	if (off == GICD_SGIR) {
		if (!write) /* write-only */
			return false;
		return sgir_write(d, vcpu, *val);
	}
	if (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 16) {
		sgi_pend_bytes(d, vcpu, off, size, off >= GICD_SPENDSGIR, write, val);
		return true;
	}
	if (off >= GICD_V2_ID && off < GICD_V2_ID + 48) {
		if (!write)
			*val = vgic_id_reg(d, (unsigned)(off - GICD_V2_ID) / 4);
		return true;
	}
	return false;
}

static bool gicd_v3(struct vgic_dist *d, uint64_t off, unsigned size, bool write, uint64_t *val)
{
	if (off >= GICD_IROUTER && off < GICD_IROUTER + 0x2000)
		return irouter(d, off, size, write, val);
	if (off >= GICD_V3_ID && off < GICD_V3_ID + 48) {
		if (!write)
			*val = vgic_id_reg(d, (unsigned)(off - GICD_V3_ID) / 4);
		return true;
	}
	return false;
}

bool vgic_gicd_access(struct vgic_dist *d, unsigned vcpu, uint64_t offset, unsigned size,
		      bool write, uint64_t *val, struct vgic_actions *out)
{
	uint64_t v = 0;
	bool ok;

	if (vcpu >= d->nr_vcpus || !width_ok(d, offset, size))
		return vgic_bad(d, write, val);
	if (write)
		v = size == 8 ? *val : *val & (BIT(8 * size) - 1);
	ok = gicd_regs(d, vcpu, offset, size, write, &v) ||
	     (d->version == 2 ? gicd_v2(d, vcpu, offset, size, write, &v)
			      : gicd_v3(d, offset, size, write, &v));
	if (!ok)
		return vgic_bad(d, write, val);
	if (write)
		vgic_scan(d, out);
	else
		*val = v;
	return true;
}
