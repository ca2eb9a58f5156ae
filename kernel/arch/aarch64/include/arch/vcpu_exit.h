/* Guest exits to EL2 as fault messages to the VMM, and the kernel's own vGIC work (vcpu_exit.c). */
#ifndef ARCH_VCPU_EXIT_H
#define ARCH_VCPU_EXIT_H

#include <arch/frame.h>

/* A synchronous exception from the guest c runs (c->in_guest): ESR_EL2 says what. */
void vcpu_exit_sync(struct cpu_user *c, struct tcb *t, uint64_t esr);
/* An SError from the guest: reported to its VMM. */
void vcpu_exit_serror(struct cpu_user *c, struct tcb *t);
/*
 * The virtual timer and maintenance interrupts (under the kernel lock).
 * Their IDs are cached here (GIC_SPURIOUS without a vGIC), so other
 * interrupts pass with two compares.
 */
extern unsigned vcpu_vtimer_irq;
extern unsigned vcpu_maint_irq;
void vcpu_irq(unsigned intid);
/* Counts an entry of kind (enum cl_vcpu_exit_kind) from the guest this CPU holds. */
void vcpu_count_entry(struct cpu_user *c, unsigned kind);
static inline bool vcpu_irq_is_ours(unsigned intid)
{
	return intid == vcpu_vtimer_irq || intid == vcpu_maint_irq;
}

#endif
