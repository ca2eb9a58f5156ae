/* The GIC as the irq and rtc guests drive it: GICv2 or GICv3, picked from the device tree. */
#ifndef GUEST_GIC_H
#define GUEST_GIC_H

#include "guest.h"

#define GIC_SPURIOUS 1023
#define GIC_SPI_BASE 32
#define GIC_PPI_BASE 16

/* Distributor set-up (CPU 0, once); NULL or why not. */
const char *gic_init_dist(void);
/* This CPU's interface (and, on GICv3, its redistributor); NULL or why not. */
const char *gic_init_cpu(void);
/* Enable SGI/PPI `intid` on this CPU, or SPI `intid` routed to this CPU. */
void gic_enable(unsigned intid);
void gic_disable(unsigned intid);
/* An SPI's trigger: edge (true) or level (GICD_ICFGR). */
void gic_set_edge(unsigned intid, bool edge);
void gic_set_pending(unsigned intid);
void gic_clear_pending(unsigned intid);
/* Acknowledge: the INTID (GIC_SPURIOUS when none), and the raw value for gic_eoi(). */
unsigned gic_ack(uint64_t *raw);
void gic_eoi(uint64_t raw);
/* Send SGI `intid` to the CPU with device-tree index `cpu`. */
void gic_send_sgi(unsigned intid, unsigned cpu);
/* Record this CPU's GICv2 CPU interface number (gic_init_cpu does). */
extern volatile uint8_t gic_v2_cpu_mask[GUEST_MAX_CPUS];

#endif
