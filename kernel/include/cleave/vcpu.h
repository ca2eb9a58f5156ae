/*
 * vCPU objects (vcpu.c): a guest's EL1 state while it is not in the CPU,
 * its trap configuration and its virtual interrupts. A vCPU is bound to one
 * thread; that thread then runs at EL1 as a guest. The architecture does the
 * world switch (arch/aarch64/vcpu_switch.c) and turns exits into fault
 * messages (vcpu_exit.c); this module holds the object and its invocations.
 */
#ifndef CLEAVE_VCPU_H
#define CLEAVE_VCPU_H

#include <cleave/kobjects.h>
#include <uapi/cleave/vcpu_abi.h>

#define VCPU_LRS_MAX 16
/* How a guest starts: EL1h with DAIF masked (Arm ARM C5.2.19; the Linux boot protocol). */
#define VCPU_SPSR_START 0x3c5

struct vcpu {
	struct tcb *tcb; /* the bound thread, or NULL */
	uint64_t hcr;	 /* HCR_EL2 while the guest runs (vcpu_hcr_valid) */
	/*
	 * The guest's registers by enum cl_vcpu_reg, valid whenever the guest
	 * is not running on a CPU (the world switch saves them at once when it
	 * leaves one). sys[CL_VCPU_LR0 + n] is list register n in the GICv3
	 * ICH_LR<n>_EL2 layout whatever the GIC.
	 */
	uint64_t sys[CL_VCPU_NUM_REGS];
	uint32_t apr[2][4]; /* GICv3 ICH_AP0R<n>/AP1R<n>_EL2 (GICv2: apr[1][0] is GICH_APR) */
	/* List registers written while the guest ran elsewhere: applied at its next entry. */
	uint64_t lr_pending[VCPU_LRS_MAX];
	uint16_t lr_pending_mask;
	uint8_t vtimer_masked; /* its timer fired and is in a list register until deactivated */
	uint32_t exit_esr;     /* ESR_EL2 of the exit its handler is answering */
	uint16_t exit_label;   /* CL_FAULT_VCPU_* of that exit */
	/* Entries to EL2 from the guest by enum cl_vcpu_exit_kind (vcpu read_exits). */
	uint64_t exits[CL_VCPU_NUM_EXIT_KINDS];
	/* The MMIO fast path (vcpu set_fast_read/set_fast_write, vcpu_fast_mmio). */
	uint64_t fast_read_ipa; /* 0: off */
	uint64_t fast_read_value;
	uint64_t fast_write_ipa; /* 0: off */
	uint16_t fast_stop;	 /* a byte whose store exits, or CL_VCPU_FAST_NO_STOP */
	uint8_t fast_len;
	uint8_t fast_bytes[CL_VCPU_FAST_WRITES];
#ifdef CLEAVE_AUDIT
	uint64_t audit_seen; /* audit.c: the count of other records at its last recorded entry */
	bool audit_ran;	     /* it has entered its guest before */
#endif
};

static_assert(sizeof(struct vcpu) <= (1U << CL_OBJ_VCPU_BITS), "a vcpu fits its object");

void vcpu_init(struct vcpu *v);
void vcpu_destroy(struct vcpu *v);
/* The bound thread is being destroyed. */
void vcpu_thread_gone(struct tcb *t);
/* Whether value is an HCR_EL2 a VMM may give its guest (the mask in cleave/vcpu_abi.h). */
bool vcpu_hcr_valid(uint64_t value);
/* A GICv3-layout list register for virq (CL_VIRQ_* flags). */
uint64_t vcpu_lr_value(uint64_t virq, uint64_t priority, uint64_t flags);
/*
 * The MMIO fast path: whether a guest's load (write false) or store of value at ipa
 * is answered by the kernel, with *loaded the value a load returns. A store is kept
 * as a byte for take_writes; false means the access exits to the VMM as usual.
 */
bool vcpu_fast_mmio(struct vcpu *v, uint64_t ipa, bool write, uint64_t value, uint64_t *loaded);
/* The handler replied to the exit t (a guest) is waiting in. */
void vcpu_exit_reply(struct tcb *t, unsigned label, const uint64_t mr[4], unsigned len);

/* What the architecture provides (arch/aarch64/vcpu_*.c, arch/fake). */
/* List registers a VMM may use: all but the one the kernel keeps for the virtual timer. */
unsigned arch_vcpu_lrs(void);
/* The memory copy of v changed: no CPU may keep using a copy of it in its registers. */
void arch_vcpu_dirty(struct vcpu *v);
/* Default register values of a new vCPU (the virtual identity of the CPU it was made on). */
void arch_vcpu_defaults(struct vcpu *v);
/* Complete an emulated instruction as the exit's reply says (vcpu_exit.c). */
void arch_vcpu_complete(struct vcpu *v, struct user_regs *r, const uint64_t mr[4], unsigned len);

#endif
