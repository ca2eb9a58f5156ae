/*
 * The virtual CPU interface of the GIC: list registers and the guest's
 * interface state (vgic.c). GICv3 through the ICH_*_EL2 system registers,
 * GICv2 through the GICH frame. The memory copy keeps list registers in the
 * GICv3 layout for both, so a VMM sees one format.
 */
#ifndef ARCH_VGIC_H
#define ARCH_VGIC_H

#include <cleave/boot_info.h>
#include <cleave/vcpu.h>

/* Once, on the boot CPU, after gic_init(). */
void vgic_init(const struct boot_info *bi);
/* List registers this machine has (0: no virtual GIC). */
unsigned vgic_lrs(void);
unsigned vgic_maint_intid(void);
/* Saves the guest's list registers, active priorities and VMCR into v. */
void vgic_save(struct vcpu *v);
/* Loads them from v. */
void vgic_restore(const struct vcpu *v);
/* Turns the virtual interface on (ICH_HCR_EL2.En / GICH_HCR.En) or off. */
void vgic_enable(bool on);
void vgic_write_lr(unsigned n, uint64_t v3_value);
/* List registers whose EOI maintenance condition holds (ICH_EISR_EL2 / GICH_EISR0). */
uint32_t vgic_eisr(void);

#endif
