/*
 * The interrupt controller, GICv2 or GICv3 as the device tree says. The
 * version is read at boot because one platform (qemu-virt) comes with
 * either; the two drivers sit behind this switch, not behind pointers.
 */
#ifndef CLEAVE_GIC_H
#define CLEAVE_GIC_H

#include <cleave/boot_info.h>

#define GIC_SPURIOUS 1023

/* Once, on the boot CPU: the distributor. */
void gic_init(const struct boot_info *bi);
/* On every CPU: its CPU interface (and redistributor). Returns false on failure. */
bool gic_cpu_init(void);
/* Probes the CPU interface for the CPU check; safe before gic_cpu_init(). */
bool gic_cpuif_present(unsigned version);
void gic_enable_ppi(unsigned intid);
/* Enables or masks a PPI on this CPU (its priority set already by gic_enable_ppi). */
void gic_set_ppi(unsigned intid, bool enable);
unsigned gic_ack(void);
void gic_eoi(unsigned intid);
unsigned gic_version(void);
/* Enables or masks a shared peripheral interrupt, routed to the boot CPU. */
void gic_set_spi(unsigned intid, bool enable);
/* The software-generated interrupt that asks a CPU to reschedule. */
#define GIC_SGI_KICK 1
/* Sends an SGI to one CPU (a logical index; its MPIDR is in cpus[]). */
void gic_send_sgi(unsigned cpu, unsigned sgi);
/* Makes an SPI pending, as if its device had raised it. */
void gic_set_pending(unsigned intid);
/* How many interrupt IDs the distributor implements. */
unsigned gic_lines(void);

#endif
