/*
 * Forwarding a passed-through device's physical SPIs to the guest as the same SPIs
 * of its vGIC (docs/vmm.md, "Passed-through devices"). The kernel masks a line when
 * it fires and signals the VMM; this decides when each line is to be unmasked again
 * (its IRQ handler acked), which the caller does: an edge line at once, a level line
 * once the guest has deactivated the virtual interrupt. Lines are numbered in the
 * order they were added; the results are masks of line numbers (bit k: line k).
 */
#ifndef VMM_IRQ_FORWARD_H
#define VMM_IRQ_FORWARD_H

#include <vmm/vgic_dist.h>

#define IRQ_FORWARD_MAX 24 /* 8 devices of 2 SPIs, and 8 events into the guest */

struct irq_fwd_line {
	uint16_t intid; /* the same SPI on the board and in the guest */
	bool edge;	/* edge-rising, else level-high */
	bool in_flight; /* level: masked by the kernel until the guest's deactivation */
	uint64_t badge; /* its bit on the notification the VMM hears it on */
};

struct irq_forward {
	unsigned n;
	struct irq_fwd_line line[IRQ_FORWARD_MAX];
};

/* Add a line: an SPI below the vGIC's size, not added before, with a badge of its own. */
int irq_forward_add(struct irq_forward *f, const struct vmm_guest *g, const struct vgic_dist *d,
		    unsigned intid, bool edge, uint64_t badge, struct vmm_error *err);

/*
 * The notification's word came: raise in the vGIC each line whose badge is in it
 * (injections in *out). Returns the lines to unmask now (edge lines). A stopped guest
 * takes nothing: its lines stay masked (returned by irq_forward_reset later).
 */
uint32_t irq_forward_signal(struct irq_forward *f, struct vgic_dist *d, uint64_t word, bool stopped,
			    struct vgic_actions *out);

/*
 * The guest deactivated INTID intid on vCPU vcpu (list-register maintenance), to be
 * called before vgic_deactivated: a level line's virtual input is lowered, so the
 * deactivation does not make it pending again. Returns the lines to unmask once
 * vgic_deactivated has run.
 */
uint32_t irq_forward_deactivating(struct irq_forward *f, struct vgic_dist *d, unsigned vcpu,
				  unsigned intid);

/* A restart: the lines held masked for the last run, to unmask (the vGIC starts anew). */
uint32_t irq_forward_reset(struct irq_forward *f);

#endif
