/*
 * Virtual interrupts: the vGIC (vgic_dist.c) decides what to deliver to which vCPU;
 * this hands each to a free list register of that vCPU through vcpu inject, with
 * EOI maintenance so that the VMM hears when the guest deactivates it (and the
 * vGIC can re-pend a level interrupt whose line is still high).
 */
#include <cleave/runtime.h>
#include <cleave/vcpu_abi.h>

#include "vmm.h"

static unsigned priority_of(const struct vmm *v, unsigned vcpu, unsigned intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return v->gic.priv[vcpu][intid].priority;
	return v->gic.spi[intid - VGIC_NR_PRIVATE].priority;
}

static void inject_one(struct vmm *v, const struct vgic_inject *in)
{
	unsigned n = in->vcpu;
	/* GICv3 guests take group 1 (ICC_IGRPEN1); GICv2 guests without security, group 0. */
	uint64_t flags =
		CL_VIRQ_PENDING | CL_VIRQ_EOI | (v->info->gic_version == 3 ? CL_VIRQ_GROUP1 : 0);

	if (n >= v->g.nr_vcpus)
		return;
	for (unsigned lr = 0; lr < v->nr_lrs; lr++) {
		if (v->lr_intid[n][lr] == in->intid)
			return; /* already in a list register: the guest has not taken it yet */
	}
	for (unsigned lr = 0; lr < v->nr_lrs; lr++) {
		if (v->lr_intid[n][lr] != 0)
			continue;
		if (cl_vcpu_inject(v->info->slot_vcpu[n], lr, in->intid,
				   priority_of(v, n, in->intid), flags)
			    .err == CL_OK)
			v->lr_intid[n][lr] = in->intid;
		return;
	}
	v->dropped_irqs++;
}

void vmm_inject(struct vmm *v, const struct vgic_actions *a)
{
	for (unsigned i = 0; i < a->n; i++)
		inject_one(v, &a->inject[i]);
}

void vmm_eoi(struct vmm *v, unsigned n, uint64_t eoi_lrs)
{
	struct vgic_actions act = {0};

	if (n >= v->g.nr_vcpus)
		return;
	for (unsigned lr = 0; lr < v->nr_lrs; lr++) {
		unsigned intid = v->lr_intid[n][lr];

		if (!(eoi_lrs & (1ULL << lr)) || intid == 0)
			continue;
		v->lr_intid[n][lr] = 0;
		uint32_t unmask = vmm_passthru_deactivating(v, n, intid);

		vgic_deactivated(&v->gic, n, intid, &act);
		vmm_passthru_deactivated(v, unmask);
	}
	vmm_inject(v, &act);
}
