/*
 * The vCPU interface shared by the kernel and a VMM (docs/objects.md, "vCPUs"):
 * the guest registers the vcpu read_sysreg/write_sysreg invocations name, the
 * encoding of trapped system registers in exit messages, the reply labels,
 * the flags of an injected virtual interrupt and the trap mask the kernel
 * enforces on HCR_EL2. Bit positions cite the Arm ARM (DDI 0487), D17.2.
 */
#ifndef CLEAVE_UAPI_VCPU_ABI_H
#define CLEAVE_UAPI_VCPU_ABI_H

#include <stdint.h>

/* Guest registers for vcpu read_sysreg / write_sysreg. */
enum cl_vcpu_reg {
	CL_VCPU_SCTLR_EL1 = 0,
	CL_VCPU_TTBR0_EL1,
	CL_VCPU_TTBR1_EL1,
	CL_VCPU_TCR_EL1,
	CL_VCPU_MAIR_EL1,
	CL_VCPU_AMAIR_EL1,
	CL_VCPU_CONTEXTIDR_EL1,
	CL_VCPU_VBAR_EL1,
	CL_VCPU_ESR_EL1,
	CL_VCPU_FAR_EL1,
	CL_VCPU_AFSR0_EL1,
	CL_VCPU_AFSR1_EL1,
	CL_VCPU_PAR_EL1,
	CL_VCPU_TPIDR_EL0,
	CL_VCPU_TPIDR_EL1,
	CL_VCPU_TPIDRRO_EL0,
	CL_VCPU_SP_EL1,
	CL_VCPU_ELR_EL1,
	CL_VCPU_SPSR_EL1,
	CL_VCPU_CPACR_EL1,
	CL_VCPU_CNTKCTL_EL1,
	CL_VCPU_CSSELR_EL1,
	CL_VCPU_CNTV_CTL_EL0,
	CL_VCPU_CNTV_CVAL_EL0,
	CL_VCPU_CNTVOFF_EL2,
	CL_VCPU_VPIDR_EL2,  /* what the guest reads as MIDR_EL1 */
	CL_VCPU_VMPIDR_EL2, /* what the guest reads as MPIDR_EL1 (bit 31 is RES1) */
	CL_VCPU_TPIDR2_EL0, /* switched only on CPUs with SME (docs/vmm.md, "CPU features") */
	CL_VCPU_VDISR_EL2,  /* the guest's DISR_EL1, switched only on CPUs with RAS */
	/* The pointer-authentication keys, switched only on CPUs with it (low, high halves). */
	CL_VCPU_APIAKEYLO_EL1,
	CL_VCPU_APIAKEYHI_EL1,
	CL_VCPU_APIBKEYLO_EL1,
	CL_VCPU_APIBKEYHI_EL1,
	CL_VCPU_APDAKEYLO_EL1,
	CL_VCPU_APDAKEYHI_EL1,
	CL_VCPU_APDBKEYLO_EL1,
	CL_VCPU_APDBKEYHI_EL1,
	CL_VCPU_APGAKEYLO_EL1,
	CL_VCPU_APGAKEYHI_EL1,
	CL_VCPU_ICH_VMCR_EL2, /* virtual CPU interface control: ICH_VMCR_EL2, or GICH_VMCR on GICv2
			       */
	CL_VCPU_VTIMER_PRIO,  /* priority of the virtual timer interrupt the kernel injects */
	CL_VCPU_VGIC_LRS,     /* read-only: list registers the VMM may use (0: no vGIC) */
	CL_VCPU_HCR_EL2,      /* read-only: the trap configuration (set with set_traps) */
	CL_VCPU_LR0,	      /* read-only: list register n (GICv3 ICH_LR<n>_EL2 layout) */
	CL_VCPU_NUM_REGS = CL_VCPU_LR0 + 16,
};

/*
 * The guest's entries to EL2 by kind, counted by the kernel (vcpu read_exits;
 * docs/bench.md, "Exit counts"). Every entry counts once under IRQ or one of
 * STAGE2, SYSREG, HVC..OTHER; VTIMER and MAINTENANCE are the physical
 * interrupts among the IRQ entries that were the guest's virtual timer
 * (handled by the kernel) and GIC maintenance (the kernel's own list
 * register, or reported to the VMM). STAGE2 counts every stage-2 abort, and
 * FAST again those of them the MMIO fast path answered (docs/objects.md).
 * SYSREG counts every trapped system-register access, and SYSREG_KERNEL
 * again those of them the kernel answered without a message (ID, debug and
 * PMU registers: docs/vmm.md, "CPU features"). What the VMM was sent is the
 * difference.
 */
enum cl_vcpu_exit_kind {
	CL_VCPU_EXIT_IRQ = 0,	    /* physical interrupts taken while the guest ran */
	CL_VCPU_EXIT_VTIMER,	    /* of those: its virtual timer, injected by the kernel */
	CL_VCPU_EXIT_MAINTENANCE,   /* of those: GIC maintenance */
	CL_VCPU_EXIT_STAGE2,	    /* stage-2 data and instruction aborts (MMIO) */
	CL_VCPU_EXIT_FAST,	    /* of those: answered by the MMIO fast path, not the VMM */
	CL_VCPU_EXIT_SYSREG,	    /* trapped system registers and instructions */
	CL_VCPU_EXIT_SYSREG_KERNEL, /* of those: answered by the kernel, not the VMM */
	CL_VCPU_EXIT_HVC,	    /* VMM */
	CL_VCPU_EXIT_SMC,	    /* VMM */
	CL_VCPU_EXIT_WFX,	    /* trapped WFI/WFE: VMM */
	CL_VCPU_EXIT_FPSIMD,	    /* first FP/SIMD use after a switch (CPTR_EL2.TFP): kernel */
	CL_VCPU_EXIT_OTHER,	    /* anything else: SError, FIQ, undefined...: VMM */
	CL_VCPU_NUM_EXIT_KINDS,
};

/*
 * The MMIO fast path (vcpu set_fast_read, set_fast_write, take_writes; docs/vmm.md):
 * the bytes a vCPU keeps from fast stores before one exits, and the stop value that
 * names no byte.
 */
#define CL_VCPU_FAST_WRITES 24
#define CL_VCPU_FAST_NO_STOP 256

/* Indices for vcpu read_gpr / write_gpr: x0..x30, then these. */
enum { CL_VCPU_GPR_SP_EL0 = 31, CL_VCPU_GPR_PC = 32, CL_VCPU_GPR_PSTATE = 33, CL_VCPU_NUM_GPRS };

/*
 * A trapped system register or system instruction in a vcpu_sysreg exit:
 * op0:op1:CRn:CRm:op2, which is also bits [20:5] of the MRS/MSR/SYS
 * instruction (Arm ARM C5.3).
 */
#define CL_SYSREG(op0, op1, crn, crm, op2)                                      \
	((uint64_t)(op0) << 14 | (uint64_t)(op1) << 11 | (uint64_t)(crn) << 7 | \
	 (uint64_t)(crm) << 3 | (uint64_t)(op2))

/* Reply labels to a vCPU exit (see docs/objects.md). */
enum {
	CL_VCPU_REPLY_RESUME = 0,   /* resume as it stands */
	CL_VCPU_REPLY_EMULATED = 1, /* the instruction was emulated: results in MR0.., advance */
};

/* vcpu inject flags: the state of the list register, the group, EOI maintenance. */
enum {
	CL_VIRQ_PENDING = 1,
	CL_VIRQ_ACTIVE = 2,
	CL_VIRQ_STATE_MASK = 3, /* 0: clear the list register */
	CL_VIRQ_GROUP1 = 4,
	CL_VIRQ_EOI = 8, /* a vcpu_maintenance exit when the guest deactivates it */
};

/* HCR_EL2 bits (Arm ARM D17.2.48). */
#define CL_HCR_VM (1ULL << 0)
#define CL_HCR_SWIO (1ULL << 1)
#define CL_HCR_PTW (1ULL << 2)
#define CL_HCR_FMO (1ULL << 3)
#define CL_HCR_IMO (1ULL << 4)
#define CL_HCR_AMO (1ULL << 5)
#define CL_HCR_VF (1ULL << 6)
#define CL_HCR_VI (1ULL << 7)
#define CL_HCR_VSE (1ULL << 8)
#define CL_HCR_FB (1ULL << 9)
#define CL_HCR_BSU_IS (1ULL << 10)
#define CL_HCR_DC (1ULL << 12)
#define CL_HCR_TWI (1ULL << 13)
#define CL_HCR_TWE (1ULL << 14)
#define CL_HCR_TID0 (1ULL << 15)
#define CL_HCR_TID1 (1ULL << 16)
#define CL_HCR_TID2 (1ULL << 17)
#define CL_HCR_TID3 (1ULL << 18)
#define CL_HCR_TSC (1ULL << 19)
#define CL_HCR_TIDCP (1ULL << 20)
#define CL_HCR_TACR (1ULL << 21)
#define CL_HCR_TSW (1ULL << 22)
#define CL_HCR_TPC (1ULL << 23)
#define CL_HCR_TPU (1ULL << 24)
#define CL_HCR_TTLB (1ULL << 25)
#define CL_HCR_TVM (1ULL << 26)
#define CL_HCR_TGE (1ULL << 27)
#define CL_HCR_TDZ (1ULL << 28)
#define CL_HCR_HCD (1ULL << 29)
#define CL_HCR_TRVM (1ULL << 30)
#define CL_HCR_RW (1ULL << 31)
#define CL_HCR_E2H (1ULL << 34)
#define CL_HCR_TLOR (1ULL << 35)
#define CL_HCR_TERR (1ULL << 36)
#define CL_HCR_APK (1ULL << 40)
#define CL_HCR_API (1ULL << 41)
#define CL_HCR_ATA (1ULL << 56)

/*
 * What isolation needs, always set: stage 2 (VM); physical interrupts and
 * SErrors to the kernel (IMO, FMO, AMO); SMC never reaches the firmware
 * (TSC); EL1 is AArch64 (RW); set/way invalidation cleans as well, so a
 * guest cannot discard other components' dirty lines (SWIO); TLB and
 * I-cache maintenance and barriers are broadcast to the inner shareable
 * domain (FB, BSU=IS), so a vCPU that moves between CPUs leaves no stale
 * entry behind.
 */
#define CL_HCR_GUEST_FORCED                                                           \
	(CL_HCR_VM | CL_HCR_SWIO | CL_HCR_FMO | CL_HCR_IMO | CL_HCR_AMO | CL_HCR_FB | \
	 CL_HCR_BSU_IS | CL_HCR_TSC | CL_HCR_RW)
/*
 * Traps a VMM may choose (each only makes more exits). Every other bit is
 * refused: ATA among them, so a guest's MTE registers always trap (their
 * state is not switched), and APK and API, which the kernel sets itself on
 * CPUs with pointer authentication (whose keys it switches). On CPUs with
 * features the world switch does not carry the kernel adds TID3 (and TLOR,
 * TERR) itself and answers ID-register reads (docs/vmm.md, "CPU features");
 * TID3 here is then no extra.
 */
#define CL_HCR_GUEST_ALLOWED                                                                \
	(CL_HCR_PTW | CL_HCR_DC | CL_HCR_TWI | CL_HCR_TWE | CL_HCR_TID0 | CL_HCR_TID1 |     \
	 CL_HCR_TID2 | CL_HCR_TID3 | CL_HCR_TIDCP | CL_HCR_TACR | CL_HCR_TSW | CL_HCR_TPC | \
	 CL_HCR_TPU | CL_HCR_TTLB | CL_HCR_TVM | CL_HCR_TDZ | CL_HCR_TRVM)

#endif
