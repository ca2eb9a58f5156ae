/*
 * The emulated PL011 (vuart_pl011.h). Register offsets and bits from the
 * PrimeCell UART (PL011) TRM, Arm DDI 0183G, 3.2 and 3.3. Transmission is
 * instant: the transmit FIFO is always empty and never full, so the guest
 * never waits and each character costs one trapped write, no more.
 */
#include <vmm/backend.h>
#include <vmm/vuart_pl011.h>

#define UARTDR 0x000
#define UARTRSR 0x004
#define UARTFR 0x018
#define UARTILPR 0x020
#define UARTIBRD 0x024
#define UARTFBRD 0x028
#define UARTLCR_H 0x02c
#define UARTCR 0x030
#define UARTIFLS 0x034
#define UARTIMSC 0x038
#define UARTRIS 0x03c
#define UARTMIS 0x040
#define UARTICR 0x044
#define UARTDMACR 0x048
#define UARTPERIPHID0 0xfe0

/* UARTFR: TXFE [7], RXFF [6], TXFF [5], RXFE [4]. */
#define FR_TXFE BIT(7)
#define FR_RXFF BIT(6)
#define FR_RXFE BIT(4)

/* UARTLCR_H.FEN [4]: the FIFOs are on (DDI 0183G 3.3.7). */
#define LCR_H_FEN BIT(4)

#define INT_ALL 0x7ff

/* UARTPeriphID0-3 and UARTPCellID0-3 (DDI 0183G 3.3.14-15): PL011 r1p5. */
static const uint8_t ids[8] = {0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

void vuart_init(struct vuart *u, struct vmm_guest *g)
{
	*u = (struct vuart){0};
	u->guest = g;
	/* Reset values: UARTCR TXE and RXE set, UARTIFLS half-way (DDI 0183G 3.3.8, 3.3.9). */
	u->cr = 0x300;
	u->ifls = 0x12;
}

bool vuart_irq(const struct vuart *u)
{
	return (u->ris & u->imsc) != 0;
}

void vuart_flush(struct vuart *u)
{
	if (u->line_len == 0)
		return;
	vmm_be_console_line(u->guest, u->line, u->line_len);
	u->line_len = 0;
}

static void tx(struct vuart *u, char c)
{
	if (c == '\n') {
		/* An empty line still goes out: the guest printed it. */
		vmm_be_console_line(u->guest, u->line, u->line_len);
		u->line_len = 0;
	} else if (c != '\r') {
		u->line[u->line_len++] = c;
		if (u->line_len == VUART_LINE_MAX)
			vuart_flush(u);
	}
	/* The character left at once: the transmit interrupt says there is room. */
	u->ris |= VUART_INT_TX;
}

/*
 * The receive interrupt's trigger level (DDI 0183G 3.3.9, UARTIFLS.RXIFLSEL): a
 * fraction of the 32-byte FIFO. With the FIFOs off (UARTLCR_H.FEN clear) the UART
 * holds one character and interrupts on each.
 */
static unsigned rx_trigger(const struct vuart *u)
{
	static const unsigned eighths[8] = {1, 2, 4, 6, 7, 4, 4, 4}; /* 5..7 reserved */

	if (!(u->lcr_h & LCR_H_FEN))
		return 1;
	return eighths[(u->ifls >> 3) & 7] * VUART_RX_FIFO / 8;
}

static uint32_t rx_pop(struct vuart *u)
{
	uint32_t c;

	if (u->rx_count == 0)
		return 0; /* an empty FIFO reads as a NUL with no error bits */
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % VUART_RX_FIFO;
	u->rx_count--;
	/* RXRIS clears below the trigger level, RTRIS once the FIFO is empty (3.4.2). */
	if (u->rx_count < rx_trigger(u))
		u->ris &= ~(uint32_t)VUART_INT_RX;
	if (u->rx_count == 0)
		u->ris &= ~(uint32_t)VUART_INT_RT;
	return c;
}

size_t vuart_input(struct vuart *u, const char *buf, size_t len, bool *irq)
{
	size_t n = 0;

	while (n < len && u->rx_count < VUART_RX_FIFO) {
		u->rx[(u->rx_head + u->rx_count) % VUART_RX_FIFO] = (uint8_t)buf[n++];
		u->rx_count++;
	}
	/*
	 * Input comes in batches and nothing follows a batch at once, so the receive
	 * timeout (data waiting and no more arriving for 32 bit periods, 3.4.2) has
	 * passed as soon as it is in: RTRIS with any data, RXRIS at the trigger level.
	 * Linux's amba-pl011 enables both and drains the FIFO until UARTFR.RXFE.
	 */
	if (n > 0 && u->rx_count >= rx_trigger(u))
		u->ris |= VUART_INT_RX;
	if (n > 0)
		u->ris |= VUART_INT_RT;
	*irq = vuart_irq(u);
	return n;
}

size_t vuart_rx_space(const struct vuart *u)
{
	return VUART_RX_FIFO - u->rx_count;
}

uint32_t vuart_flags(const struct vuart *u)
{
	uint32_t fr = FR_TXFE;

	if (u->rx_count == 0)
		fr |= FR_RXFE;
	if (u->rx_count == VUART_RX_FIFO)
		fr |= FR_RXFF;
	return fr;
}

static uint32_t *plain_reg(struct vuart *u, uint64_t off)
{
	switch (off) {
	case UARTIBRD:
		return &u->ibrd;
	case UARTFBRD:
		return &u->fbrd;
	case UARTLCR_H:
		return &u->lcr_h;
	case UARTCR:
		return &u->cr;
	case UARTIFLS:
		return &u->ifls;
	case UARTIMSC:
		return &u->imsc;
	case UARTDMACR:
		return &u->dmacr;
	default:
		return NULL;
	}
}

static bool read_reg(struct vuart *u, uint64_t off, uint64_t *val)
{
	uint32_t *r = plain_reg(u, off);

	if (r != NULL) {
		*val = *r;
		return true;
	}
	if (off >= UARTPERIPHID0 && off < UARTPERIPHID0 + 32) {
		*val = ids[(off - UARTPERIPHID0) / 4];
		return true;
	}
	switch (off) {
	case UARTDR:
		*val = rx_pop(u);
		return true;
	case UARTRSR:
	case UARTILPR:
		*val = 0;
		return true;
	case UARTFR:
		*val = vuart_flags(u);
		return true;
	case UARTRIS:
		*val = u->ris;
		return true;
	case UARTMIS:
		*val = u->ris & u->imsc;
		return true;
	default:
		return false; /* UARTICR is write-only */
	}
}

static bool write_reg(struct vuart *u, uint64_t off, uint32_t v)
{
	uint32_t *r = plain_reg(u, off);

	if (r != NULL) {
		*r = off == UARTIMSC ? v & INT_ALL : v;
		/*
		 * Masking the transmit interrupt is how Linux's amba-pl011 ends a burst of
		 * output (it has nothing more to send): what is on the line now, a prompt
		 * or an echoed key, should be seen without waiting for its newline.
		 */
		if (off == UARTIMSC && !(v & VUART_INT_TX) && u->line_len > 0 &&
		    vmm_be_console_partial(u->guest, u->line, u->line_len))
			u->line_len = 0;
		return true;
	}
	switch (off) {
	case UARTDR:
		tx(u, (char)(v & 0xff));
		return true;
	case UARTRSR: /* writing clears the (never set) error flags */
	case UARTILPR:
		return true;
	case UARTICR:
		u->ris &= ~(v & INT_ALL);
		return true;
	default:
		return false; /* read-only: FR, RIS, MIS, the IDs */
	}
}

bool vuart_access(struct vuart *u, uint64_t offset, unsigned size, bool write, uint64_t *val,
		  bool *irq)
{
	bool ok = false;

	/*
	 * Registers sit on 32-bit boundaries and hold at most 16 bits: Linux's amba-pl011
	 * reaches an "arm,pl011" with 16-bit accesses (readw/writew) throughout, other
	 * guests with 32-bit ones; bytes are taken for DR only (earlycon, boot loaders).
	 */
	if ((size == 4 || size == 2 || (offset == UARTDR && size == 1)) && offset % 4 == 0)
		ok = write ? write_reg(u, offset, (uint32_t)*val) : read_reg(u, offset, val);
	if (!ok) {
		u->bad_accesses++;
		if (!write)
			*val = 0;
	}
	*irq = vuart_irq(u);
	return ok;
}
