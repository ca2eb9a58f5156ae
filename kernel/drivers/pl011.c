/*
 * Polled PL011 transmit (Arm DDI 0183). The kernel only writes; the UART was
 * set up by QEMU or firmware, so the baud rate is left as it is.
 */
#include <cleave/uart.h>

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTFR_TXFF (1U << 5) /* transmit FIFO full */

static uintptr_t base;

void uart_init(uintptr_t b)
{
	base = b;
}

void uart_putc(char c)
{
	if (base == 0)
		return;
	while ((*(volatile uint32_t *)(base + UARTFR) & UARTFR_TXFF) != 0) {
	}
	*(volatile uint32_t *)(base + UARTDR) = (uint32_t)(unsigned char)c;
}
