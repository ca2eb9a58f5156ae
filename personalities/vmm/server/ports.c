/*
 * A guest's ports (docs/vmm.md, "A guest's events and dataports"): its dataports,
 * mapped into its stage 2 by the loader, are only described here; an event into the
 * guest arrives as a bit of the notification bound to the VMM's thread (the
 * emitters' badge) and is raised as an edge-triggered SPI, through irq_forward.c
 * like a passed-through edge line but with no physical line to unmask; an event out
 * is a doorbell page (doorbell.c) whose 32-bit stores signal the event's
 * notification.
 */
#include <cleave/runtime.h>

#include "vmm.h"

void vmm_ports_config(struct vmm *v, struct guest_fdt_config *cfg)
{
	const struct cl_vmm_info *info = v->info;

	for (unsigned p = 0; p < info->nr_dataports; p++)
		v->fdt_dataports[p] = (struct guest_fdt_port){.name = info->dataports[p].name,
							      .ipa = info->dataports[p].ipa,
							      .size = info->dataports[p].size};
	for (unsigned e = 0; e < info->nr_events_in; e++)
		v->fdt_events_in[e] = (struct guest_fdt_port){.name = info->events_in[e].name,
							      .spi = info->events_in[e].spi};
	for (unsigned e = 0; e < info->nr_events_out; e++)
		v->fdt_events_out[e] = (struct guest_fdt_port){.name = info->events_out[e].name,
							       .ipa = info->events_out[e].ipa};
	cfg->nr_dataports = info->nr_dataports;
	cfg->dataports = v->fdt_dataports;
	cfg->nr_events_in = info->nr_events_in;
	cfg->events_in = v->fdt_events_in;
	cfg->nr_events_out = info->nr_events_out;
	cfg->events_out = v->fdt_events_out;
}

int vmm_ports_start(struct vmm *v, struct vmm_error *err)
{
	const struct cl_vmm_info *info = v->info;

	v->bells.n = info->nr_events_out;
	for (unsigned e = 0; e < info->nr_events_out; e++)
		v->bells.ipa[e] = info->events_out[e].ipa;
	for (unsigned e = 0; e < info->nr_events_in; e++) {
		/* No IRQ handler: nothing to unmask (passthru.c skips slot 0). */
		v->fwd_handler[v->fwd.n] = 0;
		if (irq_forward_add(&v->fwd, &v->g, &v->gic, 32 + info->events_in[e].spi, true,
				    CL_VMM_EVENT_IN_BADGE(e), err) != 0)
			return -1;
	}
	return 0;
}

bool vmm_doorbell(struct vmm *v, uint64_t ipa, const struct vmm_exit_mmio *m, uint64_t *val)
{
	unsigned e;
	struct cl_result r;

	switch (doorbell_access(&v->bells, ipa, m->write, m->size, &e)) {
	case DOORBELL_NONE:
		return false;
	case DOORBELL_READ:
		*val = 0;
		break;
	case DOORBELL_RING:
		/* A signal on a notification never blocks (docs/abi.md, send). */
		r = cl_sys_send(v->info->events_out[e].slot_signal, cl_msginfo(0, 0, 0), 0, 0, 0, 0,
				0);
		if (r.err != CL_OK)
			cl_printf("vmm: guest '%s': signalling event '%s' failed (error %llu)\n",
				  v->g.name, v->info->events_out[e].name,
				  (unsigned long long)r.err);
		break;
	case DOORBELL_IGNORED:
		break;
	}
	return true;
}
