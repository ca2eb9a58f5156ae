/*
 * Passed-through interrupts (irq_forward.h). The kernel masks a board SPI when it
 * fires and signals the VMM; the same SPI is raised in the guest's vGIC, which
 * injects it only as the guest's distributor allows (enabled, its group enabled,
 * routed to a vCPU), so a disabled SPI waits there, its line still masked.
 *
 * A level-sensitive interrupt is pending while its input is asserted, and one
 * still asserted when the guest deactivates it goes from active back to pending
 * (the interrupt handling state machine, Arm IHI 0048B 3.2.4; IHI 0069H 4.1). The
 * physical line is masked, so the VMM cannot see the input: it keeps the virtual
 * line high until the deactivation, then lowers it and unmasks the physical line,
 * which fires again at once if the device still asserts it. Unmasking at the
 * injection would storm while the guest's handler runs; unmasking later would lose
 * the next assertion. An edge-triggered line is unmasked at once: the virtual
 * interrupt is pending, and an edge meanwhile merges into it, as on a GIC.
 */
#include <vmm/irq_forward.h>

int irq_forward_add(struct irq_forward *f, const struct vmm_guest *g, const struct vgic_dist *d,
		    unsigned intid, bool edge, uint64_t badge, struct vmm_error *err)
{
	if (f->n == IRQ_FORWARD_MAX)
		return vmm_fail(err, g->name, "more than %u passed-through interrupts",
				IRQ_FORWARD_MAX);
	if (intid < VGIC_NR_PRIVATE || intid >= d->nr_irqs)
		return vmm_fail(err, g->name,
				"passed-through interrupt %u is no SPI of the vGIC (32 to %u)",
				intid, d->nr_irqs - 1);
	if (badge == 0)
		return vmm_fail(err, g->name, "passed-through interrupt %u has no badge", intid);
	for (unsigned k = 0; k < f->n; k++)
		if (f->line[k].intid == intid || (f->line[k].badge & badge) != 0)
			return vmm_fail(err, g->name,
					"passed-through interrupt %u: its SPI or badge is "
					"interrupt %u's too",
					intid, f->line[k].intid);
	f->line[f->n++] =
		(struct irq_fwd_line){.intid = (uint16_t)intid, .edge = edge, .badge = badge};
	return 0;
}

uint32_t irq_forward_signal(struct irq_forward *f, struct vgic_dist *d, uint64_t word, bool stopped,
			    struct vgic_actions *out)
{
	uint32_t unmask = 0;

	for (unsigned k = 0; k < f->n; k++) {
		struct irq_fwd_line *l = &f->line[k];

		if ((word & l->badge) == 0)
			continue;
		if (stopped) {
			l->in_flight = true;
			continue;
		}
		vgic_raise(d, 0, l->intid, out); /* an SPI: the bank does not matter */
		if (l->edge)
			unmask |= 1U << k;
		else
			l->in_flight = true;
	}
	return unmask;
}

uint32_t irq_forward_deactivating(struct irq_forward *f, struct vgic_dist *d, unsigned vcpu,
				  unsigned intid)
{
	for (unsigned k = 0; k < f->n; k++) {
		struct irq_fwd_line *l = &f->line[k];

		if (l->intid != intid)
			continue;
		/*
		 * Level: the input is masked, so it is taken as low until the physical line
		 * says otherwise. Edge: a no-op in a distributor configured edge-triggered;
		 * in one the guest left level-triggered, the pulse is over (else it would be
		 * pending again at every deactivation).
		 */
		vgic_lower(d, vcpu, intid);
		if (l->edge || !l->in_flight)
			return 0;
		l->in_flight = false;
		return 1U << k;
	}
	return 0;
}

uint32_t irq_forward_reset(struct irq_forward *f)
{
	uint32_t unmask = 0;

	for (unsigned k = 0; k < f->n; k++) {
		if (f->line[k].in_flight)
			unmask |= 1U << k;
		f->line[k].in_flight = false;
	}
	return unmask;
}
