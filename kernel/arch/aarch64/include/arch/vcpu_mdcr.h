/*
 * The debug and PMU registers a guest does not get (vcpu_mdcr.c, docs/vmm.md
 * "CPU features"): what MDCR_EL2 traps while a guest runs, and which of the
 * trapped accesses the kernel answers itself. Pure: host-tested.
 */
#ifndef ARCH_VCPU_MDCR_H
#define ARCH_VCPU_MDCR_H

#include <cleave/compiler.h>

/* MDCR_EL2 trap bits (Arm ARM D17.3, the MDCR_EL2 description). */
#define MDCR_TPMCR BIT(5)  /* PMCR_EL0 */
#define MDCR_TPM BIT(6)	   /* every Performance Monitors register */
#define MDCR_TDA BIT(9)	   /* the debug registers other than the two groups below */
#define MDCR_TDOSA BIT(10) /* the OS lock and power-down registers */
#define MDCR_TDRA BIT(11)  /* the debug ROM address register, MDRAR_EL1 */

/* Added to the native MDCR_EL2 while a guest runs (vcpu_switch.c). */
#define VCPU_MDCR_GUEST_TRAPS (MDCR_TPMCR | MDCR_TPM | MDCR_TDA | MDCR_TDOSA | MDCR_TDRA)

/*
 * True for an AArch64 register, as CL_SYSREG(op0, op1, CRn, CRm, op2), that
 * VCPU_MDCR_GUEST_TRAPS traps and that a guest reads as zero with writes
 * ignored, answered by the kernel without a message.
 */
bool vcpu_mdcr_hides(uint64_t key);

#endif
