/*
 * The console: the PL011 the device tree names, written by polling (PrimeCell
 * UART PL011 TRM: UARTDR at 0x000, UARTFR at 0x018 with TXFF in bit 5). No
 * set-up: QEMU's PL011 and a VMM's emulated one both transmit from reset.
 */
#include <cleave/print.h>

#include "guest.h"

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTFR_TXFF BIT(5)
#define LINE_MAX_LEN 256

static uint64_t uart_base;

void uart_init(uint64_t base)
{
	uart_base = base;
}

static void uart_putc(char c)
{
	while (mmio_read32(uart_base + UARTFR) & UARTFR_TXFF)
		;
	mmio_write32(uart_base + UARTDR, (uint8_t)c);
}

/*
 * Lines are not locked against other CPUs: exclusives on Device memory (all
 * data accesses with the MMU off) are IMPLEMENTATION DEFINED (Arm ARM
 * B2.9.5), so the tests hand the console from CPU to CPU instead.
 */
void guest_printf(const char *fmt, ...)
{
	char line[LINE_MAX_LEN];
	va_list ap;

	if (uart_base == 0)
		return;
	va_start(ap, fmt);
	kvsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (const char *c = line; *c != '\0'; c++) {
		if (*c == '\n')
			uart_putc('\r');
		uart_putc(*c);
	}
}
