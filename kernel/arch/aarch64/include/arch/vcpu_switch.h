/* The world switch between guests and native threads (vcpu_switch.c). */
#ifndef ARCH_VCPU_SWITCH_H
#define ARCH_VCPU_SWITCH_H

#include <arch/frame.h>
#include <cleave/boot_info.h>
#include <cleave/vcpu.h>

/*
 * This CPU is about to run v (a guest) or, with v NULL, a native thread or
 * nothing. Saves the guest whose state the CPU holds when it is leaving,
 * loads v's, and returns the HCR_EL2 value to run with.
 */
uint64_t vcpu_switch(struct cpu_user *c, struct vcpu *v);
/* Once, on the boot CPU, from gic_init(): the virtual timer and the vGIC. */
void vcpu_boot_init(const struct boot_info *bi);
/* Per-CPU set-up once the GIC is on: the virtual timer and maintenance interrupts. */
void vcpu_cpu_start(void);
/* The virtual timer's interrupt ID. */
unsigned vcpu_vtimer_intid(void);
/* Masks or unmasks the virtual timer's PPI on this CPU (cached: MMIO only on a change). */
void vcpu_vtimer_ppi(struct cpu_user *c, bool enable);

#endif
