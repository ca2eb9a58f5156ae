/* The console UART driver interface (PL011 on AArch64 platforms, a buffer on the host fake). */
#ifndef CLEAVE_UART_H
#define CLEAVE_UART_H

#include <cleave/compiler.h>

void uart_init(uintptr_t base);
void uart_putc(char c);
/* Takes up to max received bytes without waiting, then (re)arms the receive interrupt,
 * so a handler of the UART's line hears of the next ones. */
size_t uart_read(char *buf, size_t max);

#endif
