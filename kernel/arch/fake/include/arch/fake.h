/*
 * The host "fake" architecture for unit tests: generic kernel code runs
 * under cmocka with CPU identity, ID registers and the console provided by
 * the test instead of hardware.
 */
#ifndef ARCH_FAKE_H
#define ARCH_FAKE_H

#include <cleave/cpu_features.h>

/* What arch_cpu_index() returns and what arch_cpu_read_id() reads. */
extern unsigned fake_cpu;
extern struct cpu_id_regs fake_id_regs[8];

/* Everything written to the fake UART since the last fake_uart_reset(), NUL-terminated. */
const char *fake_uart_output(void);
void fake_uart_reset(void);

#endif
