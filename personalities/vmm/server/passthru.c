/*
 * The guest's passed-through devices (docs/vmm.md, "Passed-through devices"): their
 * registers are mapped into the guest at their physical addresses by the loader;
 * here their nodes go into the guest's device tree and their interrupts are
 * forwarded. Each physical SPI arrives as a bit of the notification bound to the
 * VMM's thread (the loader bound its IRQ handler with that badge); the kernel has
 * masked the line by then. irq_forward.c decides what the vGIC is told and when a
 * line is unmasked again; this does the unmasking (irq_handler ack).
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
	for (unsigned e = 0; e < info->nr_events_in; e++) {
		unsigned need = (32 + info->events_in[e].spi + 32) / 32 * 32;

		if (need > top)
			top = need;
	}
	for (unsigned d = 0; d < info->nr_devices; d++)
		for (unsigned i = 0; i < info->devices[d].nr_irqs; i++) {
			unsigned need = (32 + info->devices[d].irq[i].spi + 32) / 32 * 32;

			if (need > top)
				top = need;
		}
	return top;
}

/* Unmask the lines in `lines` (bit k: the k-th passed-through interrupt). */
static void ack(struct vmm *v, uint32_t lines)
{
	for (unsigned k = 0; k < v->fwd.n; k++)
		if ((lines & (1U << k)) && v->fwd_handler[k] != 0) /* 0: an event (ports.c) */
			cl_irq_handler_ack(v->fwd_handler[k]);
}

int vmm_passthru_start(struct vmm *v, struct vmm_error *err)
{
	const struct cl_vmm_info *info = v->info;
	struct cl_result r;

	v->fwd.n = 0;
	for (unsigned d = 0; d < info->nr_devices; d++)
		for (unsigned i = 0; i < info->devices[d].nr_irqs; i++) {
			v->fwd_handler[v->fwd.n] = info->devices[d].irq[i].slot_handler;
			if (irq_forward_add(&v->fwd, &v->g, &v->gic,
					    32 + info->devices[d].irq[i].spi,
					    info->devices[d].irq[i].flags == CL_VMM_IRQ_EDGE_RISING,
					    CL_VMM_IRQ_BADGE(d, i), err) != 0)
				return -1;
		}
	if (vmm_ports_start(v, err) != 0)
		return -1;
	/* With a console, its input notification is the one already bound (console.c). */
	if (v->fwd.n == 0 || vmm_console_connected(v))
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

	ack(v, irq_forward_signal(&v->fwd, &v->gic, word, v->stopped, &act));
	vmm_inject(v, &act);
}

uint32_t vmm_passthru_deactivating(struct vmm *v, unsigned vcpu, unsigned intid)
{
	return irq_forward_deactivating(&v->fwd, &v->gic, vcpu, intid);
}

void vmm_passthru_deactivated(struct vmm *v, uint32_t lines)
{
	ack(v, lines);
}

void vmm_passthru_reset(struct vmm *v)
{
	ack(v, irq_forward_reset(&v->fwd));
}
