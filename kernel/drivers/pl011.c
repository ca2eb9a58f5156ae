/*
 * Polled PL011 transmit and non-blocking receive (Arm DDI 0183). The UART was set
 * up by QEMU or firmware, so the baud rate is left as it is. Receive is for the
 * console capability's read (console_cap.c): the kernel never takes the UART's
 * interrupt itself; a component that claims its line is told of input.
 */
#include <cleave/uart.h>

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTFR_TXFF (1U << 5) /* transmit FIFO full */
#define UARTFR_RXFE (1U << 4) /* receive FIFO empty */
#define UARTIMSC 0x038
#define UARTICR 0x044
#define UART_RXIM (1U << 4) /* receive interrupt (FIFO at its trigger level) */
#define UART_RTIM (1U << 6) /* receive timeout (data waiting, FIFO below the level) */

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

size_t uart_read(char *buf, size_t max)
{
	volatile uint32_t *fr = (volatile uint32_t *)(base + UARTFR);
	size_t n = 0;

	if (base == 0)
		return 0;
	while (n < max && (*fr & UARTFR_RXFE) == 0)
		buf[n++] = (char)(*(volatile uint32_t *)(base + UARTDR) & 0xff);
	/* Both receive interrupts clear when the FIFO drains or by ICR (DDI 0183 3.3.13). */
	*(volatile uint32_t *)(base + UARTICR) = UART_RXIM | UART_RTIM;
	*(volatile uint32_t *)(base + UARTIMSC) |= UART_RXIM | UART_RTIM;
	return n;
}
