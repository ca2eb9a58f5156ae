/* PSCI (Arm DEN 0022) calls the kernel makes as a caller at EL2. */
#ifndef CLEAVE_PSCI_H
#define CLEAVE_PSCI_H

#include <cleave/boot_info.h>

#define PSCI_SUCCESS 0
void psci_init(enum psci_conduit conduit);
int psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);
void psci_cpu_off(void);
const char *psci_error_name(int err);

#endif
