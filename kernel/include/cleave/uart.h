/* The console UART driver interface (PL011 on AArch64 platforms, a buffer on the host fake). */
#ifndef CLEAVE_UART_H
#define CLEAVE_UART_H

#include <cleave/compiler.h>

void uart_init(uintptr_t base);
void uart_putc(char c);

#endif
