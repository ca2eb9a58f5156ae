/*
 * The guest system registers and HCR_EL2 trap bits the VMM deals with.
 * Bit positions cite the Arm ARM (DDI 0487J.a) register descriptions in D17.2.
 */
#ifndef VMM_SYSREGS_H
#define VMM_SYSREGS_H

#include <cleave/compiler.h>

/* HCR_EL2 (D17.2.48): the trap bits a VMM may ask for; the kernel masks the rest. */
#define VMM_HCR_DC BIT(12)   /* default cacheable: stage 1 off acts as Normal WB */
#define VMM_HCR_TWI BIT(13)  /* trap WFI */
#define VMM_HCR_TWE BIT(14)  /* trap WFE */
#define VMM_HCR_TID3 BIT(18) /* trap ID group 3 reads */
#define VMM_HCR_TSC BIT(19)  /* trap SMC */
#define VMM_HCR_TSW BIT(22)  /* trap data cache maintenance by set/way */
#define VMM_HCR_TVM BIT(26)  /* trap writes of the virtual memory controls */
#define VMM_HCR_TRVM BIT(30) /* trap reads of the virtual memory controls */

/* SCTLR_EL1 (D17.2.118). */
#define VMM_SCTLR_M BIT(0) /* stage 1 MMU */
#define VMM_SCTLR_C BIT(2) /* data cacheability */
#define VMM_SCTLR_I BIT(12)
/* The Armv8.0 RES1 bits (11, 20, 22, 23, 28, 29): MMU, caches and alignment checks off. */
#define VMM_SCTLR_RESET 0x30d00800ULL

/*
 * TCR_EL1 (D17.2.131): the cacheability of stage-1 table walks from TTBR0
 * and TTBR1, inner (IRGNn) and outer (ORGNn); 0b00 is Non-cacheable. EPDn
 * disables walks from that table.
 */
#define VMM_TCR_EPD0 BIT(7)
#define VMM_TCR_IRGN0(tcr) FIELD(tcr, 9, 8)
#define VMM_TCR_ORGN0(tcr) FIELD(tcr, 11, 10)
#define VMM_TCR_EPD1 BIT(23)
#define VMM_TCR_IRGN1(tcr) FIELD(tcr, 25, 24)
#define VMM_TCR_ORGN1(tcr) FIELD(tcr, 27, 26)

/*
 * The registers a guest can reach through a trap the VMM handles. The first
 * group is the set HCR_EL2.TVM/TRVM trap (D17.2.48, "TVM"), kept per vCPU by
 * sysreg_emul.c; VMM_TVM_COUNT counts them.
 */
enum vmm_sysreg {
	VMM_SCTLR_EL1,
	VMM_TTBR0_EL1,
	VMM_TTBR1_EL1,
	VMM_TCR_EL1,
	VMM_ESR_EL1,
	VMM_FAR_EL1,
	VMM_AFSR0_EL1,
	VMM_AFSR1_EL1,
	VMM_MAIR_EL1,
	VMM_AMAIR_EL1,
	VMM_CONTEXTIDR_EL1,
	VMM_TVM_COUNT,
	/* Data cache maintenance by set/way, trapped by HCR_EL2.TSW. */
	VMM_DC_ISW = VMM_TVM_COUNT,
	VMM_DC_CSW,
	VMM_DC_CISW,
	/* GICv3 SGI generation, trapped to EL2 with HCR_EL2.IMO set. */
	VMM_ICC_SGI1R_EL1,
	VMM_ICC_ASGI1R_EL1,
	VMM_ICC_SGI0R_EL1,
	VMM_SYSREG_UNKNOWN,
};

/* The register's architectural name ("SCTLR_EL1"), "unknown" outside the enum. */
const char *vmm_sysreg_name(enum vmm_sysreg reg);

#endif
