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
/* What the next uart_read() calls return (NULL: nothing received). */
void fake_uart_set_input(const char *s);

/* Maintenance the code under test asked for (arch_cache_op by op, stage-2 TLB flushes). */
extern unsigned fake_cache_ops[4];
extern unsigned fake_tlb_flushes;
extern bool fake_spi_enabled[1024];
/* vCPU memory copies changed (arch_vcpu_dirty calls). */
extern unsigned fake_vcpu_dirty;

#endif
