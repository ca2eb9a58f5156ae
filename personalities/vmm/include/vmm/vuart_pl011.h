/*
 * The guest's emulated PL011 (Arm DDI 0183G, PrimeCell UART PL011 TRM):
 * its register file, an output line buffer (the console server gets a line
 * at a time, not one message per character) and an input FIFO.
 */
#ifndef VMM_VUART_PL011_H
#define VMM_VUART_PL011_H

#include <vmm/guest.h>

#define VUART_LINE_MAX 128 /* a longer line goes out in pieces of this size */
#define VUART_RX_FIFO 32   /* the PL011's receive FIFO depth */

/* UARTRIS/UARTIMSC bits (DDI 0183G 3.3.12): receive, transmit, receive timeout. */
#define VUART_INT_RX BIT(4)
#define VUART_INT_TX BIT(5)
#define VUART_INT_RT BIT(6)

struct vuart {
	struct vmm_guest *guest;
	uint32_t ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr;
	char line[VUART_LINE_MAX];
	size_t line_len;
	uint8_t rx[VUART_RX_FIFO];
	unsigned rx_head, rx_count;
	uint64_t bad_accesses;
};

void vuart_init(struct vuart *u, struct vmm_guest *g);

/*
 * One MMIO access at offset into the 4 KiB window (32- and 16-bit accesses
 * at a register's offset; DR also 8-bit). Returns false for a bad offset or width (counted,
 * RAZ/WI). *irq is the UART's interrupt output after the access.
 */
bool vuart_access(struct vuart *u, uint64_t offset, unsigned size, bool write, uint64_t *val,
		  bool *irq);

/*
 * Console input for the guest: takes what fits in the receive FIFO and returns how
 * many bytes (the caller keeps the rest until the guest reads: nothing is dropped).
 * Raises the receive-timeout interrupt, and the receive interrupt once the FIFO is at
 * its trigger level; *irq is the interrupt output after it.
 */
size_t vuart_input(struct vuart *u, const char *buf, size_t len, bool *irq);

/* Free room in the receive FIFO: what vuart_input would take now. */
size_t vuart_rx_space(const struct vuart *u);

/* Send a partial line (the guest printed a prompt and went quiet). */
void vuart_flush(struct vuart *u);

/* UARTFR: what a load of the flag register returns now (it changes with input only). */
uint32_t vuart_flags(const struct vuart *u);

/* The interrupt output: (UARTRIS & UARTIMSC) != 0. */
bool vuart_irq(const struct vuart *u);

#endif
