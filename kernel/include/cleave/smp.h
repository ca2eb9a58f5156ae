/* Starting the secondary CPUs through PSCI. */
#ifndef CLEAVE_SMP_H
#define CLEAVE_SMP_H

#include <cleave/boot_info.h>

/* Whether the device tree lists the CPU running this code. */
bool smp_boot_cpu_listed(const struct boot_info *bi);
/* Starts every CPU the device tree lists; returns how many came online (the boot CPU included). */
unsigned smp_start_secondaries(const struct boot_info *bi);
/* C entry of a secondary CPU, called by the assembly once its MMU is on. */
NORETURN void secondary_main(unsigned idx);

#endif
