/* GIC register offsets (Arm IHI 0048B for GICv2, IHI 0069 for GICv3). */
#ifndef ARCH_GIC_REGS_H
#define ARCH_GIC_REGS_H

/* Distributor (both versions). */
#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_ICENABLER(n) (0x0180 + 4 * (n))
#define GICD_IPRIORITYR 0x0400
#define GICD_ITARGETSR 0x0800
#define GICD_ISPENDR(n) (0x0200 + 4 * (n))
#define GICD_SGIR 0x0f00
#define GICD_IGROUPR(n) (0x0080 + 4 * (n))
#define GICD_IROUTER(n) (0x6000 + 8 * (n))

/* GICv2 CPU interface. */
#define GICC_CTLR 0x0000
#define GICC_PMR 0x0004
#define GICC_BPR 0x0008
#define GICC_IAR 0x000c
#define GICC_EOIR 0x0010
#define GICC_IIDR 0x00fc

/* GICv2 banked per-CPU distributor registers used for PPIs. */
#define GICD_ISENABLER0 0x0100

/* GICv3 distributor control bits with GICD_CTLR.DS == 1 (security disabled). */
#define GICD_CTLR_RWP (1U << 31)
#define GICD_CTLR_ARE (1U << 4)
#define GICD_CTLR_GRP1 (1U << 1)
#define GICD_CTLR_GRP0 (1U << 0)

/* GICv3 redistributor: RD_base frame, then SGI_base frame 64 KiB above it. */
#define GICR_FRAME_STRIDE 0x20000
#define GICR_TYPER 0x0008
#define GICR_TYPER_LAST (1ULL << 4)
#define GICR_WAKER 0x0014
#define GICR_WAKER_SLEEP (1U << 1)
#define GICR_WAKER_ASLEEP (1U << 2)
#define GICR_SGI_BASE 0x10000
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_IPRIORITYR 0x0400

/* Priorities: interrupts at 0xa0 pass a mask of 0xf0. */
#define GIC_PRIO_DEFAULT 0xa0
#define GIC_PMR_OPEN 0xf0

#endif
