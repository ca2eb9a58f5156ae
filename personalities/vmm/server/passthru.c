/*
 * The guest's passed-through devices (docs/vmm.md, "Passed-through devices"): their
 * registers are mapped into the guest at their physical addresses by the loader;
 * here their nodes go into the guest's device tree and their interrupts are
 * forwarded. Each physical SPI arrives as a bit of the notification bound to the
 * VMM's thread (the loader bound its IRQ handler with that badge); the kernel has
 * masked the line by then. The VMM raises the same SPI in the vGIC, which injects
 * it when the guest's distributor lets it (enabled, group enabled, routed: the
 * guest's GICD_ISENABLER/ICENABLER state is the vGIC's). A level-triggered line
 * stays masked until the guest deactivates the virtual interrupt (its EOI, seen
 * through list-register maintenance): the virtual line is then lowered and the
 * physical one unmasked, so a device still asserting interrupts again at once.
 * That is what the GIC architecture says of a level-sensitive interrupt: it is
 * pending while its input is asserted, and one still asserted at the deactivation
 * goes from active back to pending (the interrupt handling state machine, Arm IHI
 * 0048B 3.2.4; IHI 0069H 4.1); acking sooner would storm, acking later would lose
 * the next one. An edge-triggered line is unmasked at once: the virtual
 * interrupt is pending, and another edge meanwhile merges with it as on the board.
 */
#include <cleave/bootinfo.h>
#include <cleave/runtime.h>

#include "vmm.h"

void vmm_passthru_config(const struct vmm *v, struct guest_fdt_device *out, unsigned *n)
{
	const struct cl_vmm_info *info = v->info;

	*n = info->nr_devices;
	for (unsigned d = 0; d < info->nr_devices; d++) {
		const struct cl_vmm_device *dev = &info->devices[d];
		struct guest_fdt_device *f = &out[d];

		*f = (struct guest_fdt_device){.name = dev->name,
					       .compatible = dev->compatible,
					       .compatible_len = dev->compatible_len,
					       .nr_regs = dev->nr_regs,
					       .nr_irqs = dev->nr_irqs};
		for (unsigned r = 0; r < dev->nr_regs; r++) {
			f->reg[r][0] = dev->reg[r].base;
			f->reg[r][1] = dev->reg[r].size;
		}
		for (unsigned i = 0; i < dev->nr_irqs; i++) {
			f->spi[i] = dev->irq[i].spi;
			f->flags[i] = dev->irq[i].flags;
		}
	}
}

unsigned vmm_passthru_nr_irqs(const struct cl_vmm_info *info)
{
	unsigned top = VMM_NR_IRQS;

	/* The vGIC's INTIDs in whole GICD_ISENABLER words: enough for the highest SPI. */
	for (unsigned d = 0; d < info->nr_devices; d++)
		for (unsigned i = 0; i < info->devices[d].nr_irqs; i++) {
			unsigned need = (32 + info->devices[d].irq[i].spi + 32) / 32 * 32;

			if (need > top)
				top = need;
		}
	return top;
}

int vmm_passthru_start(struct vmm *v, struct vmm_error *err)
{
	const struct cl_vmm_info *info = v->info;
	struct cl_result r;

	v->nr_fwd = 0;
	for (unsigned d = 0; d < info->nr_devices; d++)
		for (unsigned i = 0; i < info->devices[d].nr_irqs; i++) {
			struct vmm_fwd *f = &v->fwd[v->nr_fwd++];

			f->intid = (uint16_t)(32 + info->devices[d].irq[i].spi);
			f->edge = info->devices[d].irq[i].flags == CL_VMM_IRQ_EDGE_RISING;
			f->handler = info->devices[d].irq[i].slot_handler;
			f->badge = CL_VMM_IRQ_BADGE(d, i);
			f->in_flight = false;
		}
	/* With a console, its input notification is the one already bound (console.c). */
	if (v->nr_fwd == 0 || vmm_console_connected(v))
		return 0;
	r = cl_tcb_bind_notification(CL_SLOT_TCB, info->slot_irq_events);
	if (r.err != CL_OK)
		return vmm_fail(err, v->g.name,
				"binding the devices' interrupt notification failed (error %llu)",
				(unsigned long long)r.err);
	return 0;
}

void vmm_passthru_irq(struct vmm *v, uint64_t word)
{
	struct vgic_actions act = {0};

	for (unsigned k = 0; k < v->nr_fwd; k++) {
		struct vmm_fwd *f = &v->fwd[k];

		if (!(word & f->badge))
			continue;
		/* A stopped guest takes nothing: the line stays masked, as the guest left it. */
		if (v->stopped) {
			f->in_flight = true;
			continue;
		}
		vgic_raise(&v->gic, 0, f->intid, &act);
		if (f->edge)
			cl_irq_handler_ack(f->handler);
		else
			f->in_flight = true;
	}
	vmm_inject(v, &act);
}

static struct vmm_fwd *fwd_of(struct vmm *v, unsigned intid)
{
	for (unsigned k = 0; k < v->nr_fwd; k++)
		if (v->fwd[k].intid == intid)
			return &v->fwd[k];
	return NULL;
}

bool vmm_passthru_deactivating(struct vmm *v, unsigned vcpu, unsigned intid)
{
	struct vmm_fwd *f = fwd_of(v, intid);

	if (f == NULL || f->edge)
		return false;
	/*
	 * The virtual line follows the physical one, which the kernel keeps masked: lower
	 * it, so that the deactivation does not make the SPI pending again, and let the
	 * physical line say anew whether the device still asserts it.
	 */
	vgic_lower(&v->gic, vcpu, intid);
	return f->in_flight;
}

void vmm_passthru_deactivated(struct vmm *v, unsigned intid)
{
	struct vmm_fwd *f = fwd_of(v, intid);

	if (f == NULL || !f->in_flight)
		return;
	f->in_flight = false;
	cl_irq_handler_ack(f->handler);
}

void vmm_passthru_reset(struct vmm *v)
{
	/* The vGIC starts anew: a line held masked for the last run is given back. */
	for (unsigned k = 0; k < v->nr_fwd; k++)
		vmm_passthru_deactivated(v, v->fwd[k].intid);
}
