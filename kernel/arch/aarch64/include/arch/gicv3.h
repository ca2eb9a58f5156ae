/* The GICv3 driver behind cleave/gic.h. */
#ifndef ARCH_GICV3_H
#define ARCH_GICV3_H

#include <cleave/compiler.h>

void gicv3_init(uint64_t dist_base, uint64_t redist_base);
bool gicv3_cpuif_present(void);
bool gicv3_cpu_init(void);
void gicv3_enable_ppi(unsigned intid);
void gicv3_set_ppi(unsigned intid, bool enable);
unsigned gicv3_ack(void);
void gicv3_eoi(unsigned intid);
void gicv3_set_spi(unsigned intid, bool enable, uint64_t target_mpidr);
unsigned gicv3_lines(void);
void gicv3_send_sgi(uint64_t mpidr, unsigned sgi);

#endif
