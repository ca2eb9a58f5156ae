/* What vgic_dist.c and vgic_redist.c share: interrupt lookup, register helpers, delivery. */
#ifndef VMM_VGIC_INTERNAL_H
#define VMM_VGIC_INTERNAL_H

#include <vmm/vgic_dist.h>

/* Bit-per-interrupt registers (IHI 0069H 12.9; IHI 0048B 4.3). */
enum vgic_bitreg {
	VGIC_GROUP,
	VGIC_SET_ENABLE,
	VGIC_CLEAR_ENABLE,
	VGIC_SET_PENDING,
	VGIC_CLEAR_PENDING,
	VGIC_SET_ACTIVE,
	VGIC_CLEAR_ACTIVE,
};

/* Interrupt intid as bank (vCPU) sees it; NULL when not implemented. */
struct vgic_irq *vgic_irq(struct vgic_dist *d, unsigned bank, unsigned intid);

/* Count a bad access: reads as zero, writes are ignored. Returns false. */
bool vgic_bad(struct vgic_dist *d, bool write, uint64_t *val);

/* 32 interrupts from first in one 32-bit bit-per-interrupt register. */
void vgic_bitreg(struct vgic_dist *d, unsigned bank, unsigned first, enum vgic_bitreg kind,
		 bool write, uint64_t *val);
/* size bytes of IPRIORITYR from interrupt first. */
void vgic_priority(struct vgic_dist *d, unsigned bank, unsigned first, unsigned size, bool write,
		   uint64_t *val);
/* One ICFGR word: 16 interrupts from first, 2 bits each (bit 1: edge). */
void vgic_config(struct vgic_dist *d, unsigned bank, unsigned first, bool write, uint64_t *val);

/* Deliver whatever is pending, enabled and routable, as far as out has room. */
void vgic_scan(struct vgic_dist *d, struct vgic_actions *out);

/* Peripheral and component ID registers (the last 48 bytes of a frame): PIDR2 names the version. */
uint32_t vgic_id_reg(const struct vgic_dist *d, unsigned index);

#endif
