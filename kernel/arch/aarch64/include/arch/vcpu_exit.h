/* Guest exits to EL2 as fault messages to the VMM, and the kernel's own vGIC work (vcpu_exit.c). */
#ifndef ARCH_VCPU_EXIT_H
#define ARCH_VCPU_EXIT_H

#include <arch/frame.h>

/* A synchronous exception from the guest c runs (c->in_guest): ESR_EL2 says what. */
void vcpu_exit_sync(struct cpu_user *c, struct tcb *t, uint64_t esr);
/* An SError from the guest: reported to its VMM. */
void vcpu_exit_serror(struct cpu_user *c, struct tcb *t);
/*
 * The virtual timer and maintenance interrupts (under the kernel lock):
 * true when intid was one of them.
 */
bool vcpu_irq(unsigned intid);

#endif
