/*
 * System register access and the EL2 register bits the kernel sets by hand.
 * Bit positions cite the Arm ARM (DDI 0487) register descriptions in D17.2.
 */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#include <cleave/compiler.h>

#define read_sysreg(r)                                        \
	({                                                    \
		uint64_t rv__;                                \
		__asm__ volatile("mrs %0, " #r : "=r"(rv__)); \
		rv__;                                         \
	})

#define write_sysreg(v, r)                                                  \
	do {                                                                \
		uint64_t v__ = (uint64_t)(v);                               \
		__asm__ volatile("msr " #r ", %0" : : "r"(v__) : "memory"); \
	} while (0)

#define isb() __asm__ volatile("isb" : : : "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")

/* HCR_EL2 (D17.2.48). */
#define HCR_RW BIT(31) /* EL1 is AArch64 */
#define HCR_AMO BIT(5) /* route SError to EL2 */
#define HCR_IMO BIT(4) /* route IRQ to EL2: without it EL2 never takes IRQs */
#define HCR_FMO BIT(3) /* route FIQ to EL2 */

/* SCTLR_EL2 with HCR_EL2.E2H == 0 (D17.2.118). */
#define SCTLR_EL2_RES1 \
	(BIT(4) | BIT(5) | BIT(11) | BIT(16) | BIT(18) | BIT(22) | BIT(23) | BIT(28) | BIT(29))
#define SCTLR_M BIT(0)	  /* stage-1 MMU */
#define SCTLR_A BIT(1)	  /* alignment check */
#define SCTLR_C BIT(2)	  /* data cacheability */
#define SCTLR_SA BIT(3)	  /* stack alignment check */
#define SCTLR_I BIT(12)	  /* instruction cacheability */
#define SCTLR_WXN BIT(19) /* writable implies execute-never */

/*
 * CPTR_EL2 with E2H == 0 (D17.2.30): RES1 bits, TFP traps FP/SIMD. Bit 8 is
 * RES1 without SVE and TZ with it: set, SVE instructions trap, because no
 * thread's or guest's SVE state (Z, P, FFR, ZCR) is switched; a guest
 * that uses SVE exits to its VMM (vcpu_other).
 */
#define CPTR_EL2_RES1 (0xffULL | BIT(8) | BIT(9) | BIT(12) | BIT(13))
#define CPTR_TFP BIT(10)

/* CNTHP_CTL_EL2 (D17.11). */
#define CNT_CTL_ENABLE BIT(0)
#define CNT_CTL_IMASK BIT(1)

/* DAIF bits in PSTATE. */
#define DAIF_IRQ BIT(7)

#endif
