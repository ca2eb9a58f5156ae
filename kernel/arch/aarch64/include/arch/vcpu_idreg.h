/*
 * What a guest sees of the CPU's features (vcpu_idreg.c, docs/vmm.md "CPU
 * features"). Pure: host-tested.
 */
#ifndef ARCH_VCPU_IDREG_H
#define ARCH_VCPU_IDREG_H

#include <cleave/compiler.h>

/* The ID registers of the boot CPU the decisions below are made from. */
struct vcpu_idregs {
	uint64_t pfr0;	/* ID_AA64PFR0_EL1 */
	uint64_t pfr1;	/* ID_AA64PFR1_EL1 */
	uint64_t isar1; /* ID_AA64ISAR1_EL1 */
	uint64_t isar2; /* ID_AA64ISAR2_EL1 */
	uint64_t mmfr1; /* ID_AA64MMFR1_EL1 */
	uint64_t dfr0;	/* ID_AA64DFR0_EL1 */
};

/* What the world switch and the trap configuration must do on this CPU. */
struct vcpu_cpu_caps {
	uint64_t hcr_forced; /* HCR_EL2 bits added to every guest's (TID3, TLOR, TERR, API, APK) */
	bool tpidr2;	     /* TPIDR2_EL0 exists (SME) and is switched */
	bool vdisr;	     /* VDISR_EL2 exists (RAS) and is switched */
	bool pauth;	     /* the pointer-authentication keys exist and are switched */
};

/* The trap bits and switched registers a CPU with these ID registers needs. */
struct vcpu_cpu_caps vcpu_idreg_caps(const struct vcpu_idregs *id);
/* True for op0:op1:CRn:CRm:op2 (CL_SYSREG) in the ID group 3 that HCR_EL2.TID3 traps. */
bool vcpu_idreg_is_group3(uint64_t key);
/* The value a guest reads from the ID register `key` whose real value is `raw`. */
uint64_t vcpu_idreg_value(uint64_t key, uint64_t raw);

#endif
