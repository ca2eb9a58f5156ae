/* The GICv2 driver behind cleave/gic.h. */
#ifndef ARCH_GICV2_H
#define ARCH_GICV2_H

#include <cleave/compiler.h>

void gicv2_init(uint64_t dist_base, uint64_t cpu_base);
bool gicv2_cpuif_present(uint64_t cpu_base);
bool gicv2_cpu_init(void);
void gicv2_enable_ppi(unsigned intid);
void gicv2_set_ppi(unsigned intid, bool enable);
unsigned gicv2_ack(void);
void gicv2_eoi(unsigned iar);
void gicv2_set_spi(unsigned intid, bool enable);
unsigned gicv2_lines(void);
void gicv2_send_sgi(unsigned cpu, unsigned sgi);

#endif
