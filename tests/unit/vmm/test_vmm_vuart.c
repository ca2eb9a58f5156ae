/* The emulated PL011 (vuart_pl011.c): registers, line buffering, input, interrupts. */
#include <vmm/vuart_pl011.h>

#include "vmm_test.h"

static struct vmm_guest g;
static struct vuart u;
static bool irq;

static void make(void)
{
	std_guest(&g, 1, VMM_POLICY_DC);
	vuart_init(&u, &g);
}

static void wr(uint64_t off, unsigned size, uint64_t v)
{
	assert_true(vuart_access(&u, off, size, true, &v, &irq));
}

static uint64_t rd(uint64_t off)
{
	uint64_t v = 0xbad;

	assert_true(vuart_access(&u, off, 4, false, &v, &irq));
	return v;
}

/* Linux's amba-pl011 reaches an "arm,pl011" with 16-bit accesses (readw, writew). */
static void wr16(uint64_t off, uint64_t v)
{
	assert_true(vuart_access(&u, off, 2, true, &v, &irq));
}

static uint64_t rd16(uint64_t off)
{
	uint64_t v = 0xbad;

	assert_true(vuart_access(&u, off, 2, false, &v, &irq));
	return v;
}

static void put(const char *s)
{
	while (*s)
		wr(0x000, 1, (uint8_t)*s++);
}

static void output_lines(void **state)
{
	(void)state;
	make();
	put("cleave: g1 reached userspace\r\n");
	assert_int_equal(rec_count, 1);
	rec_expect_console(0, "cleave: g1 reached userspace");
	put("\n");
	rec_expect_console(1, ""); /* an empty line is a line */
	put("# ");
	assert_int_equal(rec_count, 2); /* a prompt waits... */
	vuart_flush(&u);
	assert_int_equal(rec_count, 3); /* ...until the VMM flushes it */
	rec_expect_console(2, "# ");
	vuart_flush(&u);
	assert_int_equal(rec_count, 3);
	/* 32-bit writes of DR carry the character in bits [7:0]. */
	wr(0x000, 4, 0xf00 | 'x');
	wr(0x000, 2, '\n');
	rec_expect_console(3, "x");
}

static void long_lines_split(void **state)
{
	char line[VUART_LINE_MAX + 11];

	(void)state;
	make();
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	put(line);
	assert_int_equal(rec_count, 1);
	assert_int_equal(rec_calls[0].size, VUART_LINE_MAX);
	put("\n");
	assert_int_equal(rec_count, 2);
	rec_expect_console(1, "aaaaaaaaaa");
}

static void registers(void **state)
{
	(void)state;
	make();
	assert_int_equal(rd(0x030), 0x300);		    /* CR reset: TXE, RXE */
	assert_int_equal(rd(0x034), 0x12);		    /* IFLS reset */
	assert_int_equal(rd(0x018), (1U << 7) | (1U << 4)); /* TXFE, RXFE */
	wr(0x024, 4, 13);
	wr(0x028, 4, 1);
	wr(0x02c, 4, 0x70);
	wr(0x030, 4, 0x301);
	wr(0x048, 4, 0);
	assert_int_equal(rd(0x024), 13);
	assert_int_equal(rd(0x028), 1);
	assert_int_equal(rd(0x02c), 0x70);
	assert_int_equal(rd(0x030), 0x301);
	assert_int_equal(rd(0x004), 0);
	wr(0x004, 4, 0xff); /* ECR: clears errors */
	static const uint8_t ids[8] = {0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(rd(0xfe0 + 4 * i), ids[i]);
	assert_int_equal(u.bad_accesses, 0);
}

static void interrupts(void **state)
{
	(void)state;
	make();
	put("a");
	assert_false(irq); /* TX raw status set, but masked */
	assert_int_equal(rd(0x03c), VUART_INT_TX);
	assert_int_equal(rd(0x040), 0);
	wr(0x038, 4, VUART_INT_TX | VUART_INT_RX | VUART_INT_RT);
	assert_true(irq);
	assert_int_equal(rd(0x040), VUART_INT_TX);
	wr(0x044, 4, VUART_INT_TX); /* ICR */
	assert_false(irq);
	assert_false(vuart_irq(&u));

	assert_int_equal(vuart_input(&u, "ls\r", 3, &irq), 3);
	assert_true(irq);
	assert_int_equal(rd(0x03c), VUART_INT_RX | VUART_INT_RT);
	assert_int_equal(rd(0x018) & (1U << 4), 0); /* RXFE clear */
	assert_int_equal(rd(0x000), 'l');
	assert_int_equal(rd(0x000), 's');
	assert_true(irq);
	assert_int_equal(rd(0x000), '\r');
	assert_false(irq); /* FIFO empty: RX and RT drop */
	assert_int_equal(rd(0x000), 0);
	assert_int_equal(rd(0x018), (1U << 7) | (1U << 4));
}

static void input_fifo_full(void **state)
{
	char buf[VUART_RX_FIFO + 8];

	(void)state;
	make();
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)('0' + i % 10);
	assert_int_equal(vuart_input(&u, buf, sizeof(buf), &irq), VUART_RX_FIFO);
	assert_false(irq);				  /* not enabled */
	assert_int_equal(rd(0x018) & (1U << 6), 1U << 6); /* RXFF */
	assert_int_equal(vuart_input(&u, buf, 1, &irq), 0);
	assert_int_equal(rd(0x000), '0');
	assert_int_equal(vuart_input(&u, "z", 1, &irq), 1);
	for (unsigned i = 1; i < VUART_RX_FIFO; i++)
		assert_int_equal(rd(0x000), '0' + i % 10);
	assert_int_equal(rd(0x000), 'z'); /* the FIFO wrapped around in order */
}

static void bad_accesses(void **state)
{
	uint64_t v = 7;

	(void)state;
	make();
	assert_false(vuart_access(&u, 0x024, 1, false, &v, &irq)); /* byte IBRD */
	assert_int_equal(v, 0);
	assert_false(vuart_access(&u, 0x002, 2, true, &v, &irq));  /* misaligned */
	assert_false(vuart_access(&u, 0x000, 8, true, &v, &irq));  /* 64-bit DR */
	assert_false(vuart_access(&u, 0x800, 4, false, &v, &irq)); /* nothing there */
	assert_false(vuart_access(&u, 0x044, 4, false, &v, &irq)); /* ICR is write-only */
	v = 0;
	assert_false(vuart_access(&u, 0x018, 4, true, &v, &irq));  /* FR is read-only */
	assert_false(vuart_access(&u, 0xfe0, 4, true, &v, &irq));  /* IDs are read-only */
	assert_false(vuart_access(&u, 0x01a, 2, false, &v, &irq)); /* inside FR */
	assert_false(vuart_access(&u, 0x018, 1, false, &v, &irq)); /* byte FR */
	assert_int_equal(u.bad_accesses, 9);
	assert_int_equal(rec_count, 0);
}

#define FR_RXFE (1U << 4)
#define LCR_H_FEN (1U << 4)
#define IFLS_RX_HALF (2U << 3)
#define IFLS_RX_EIGHTH (0U << 3)

/* With the FIFOs on, RXRIS waits for the trigger level; RTRIS comes with any data. */
static void input_trigger_level(void **state)
{
	char buf[16];

	(void)state;
	make();
	wr(0x02c, 4, LCR_H_FEN | (3U << 5)); /* LCR_H: FIFOs on, 8 bits */
	wr(0x034, 4, IFLS_RX_HALF);
	wr(0x038, 4, VUART_INT_RX); /* only the receive interrupt */
	assert_int_equal(vuart_input(&u, "abc", 3, &irq), 3);
	assert_false(irq); /* 3 of 16: below the trigger level */
	assert_int_equal(rd(0x03c), VUART_INT_RT);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(vuart_input(&u, buf, 13, &irq), 13); /* 16: at the level */
	assert_true(irq);
	assert_int_equal(rd(0x03c), VUART_INT_RX | VUART_INT_RT);
	assert_int_equal(rd(0x000), 'a'); /* 15 left: RX drops, RT stays */
	assert_false(irq);
	assert_int_equal(rd(0x03c), VUART_INT_RT);
	assert_int_equal(vuart_rx_space(&u), VUART_RX_FIFO - 15);

	/* 1/8 of the FIFO: 4 bytes. */
	make();
	wr(0x02c, 4, LCR_H_FEN);
	wr(0x034, 4, IFLS_RX_EIGHTH);
	assert_int_equal(vuart_input(&u, "abc", 3, &irq), 3);
	assert_int_equal(rd(0x03c), VUART_INT_RT);
	assert_int_equal(vuart_input(&u, "d", 1, &irq), 1);
	assert_int_equal(rd(0x03c), VUART_INT_RX | VUART_INT_RT);
}

/* ICR clears RTRIS with data still waiting; the next input raises it again. */
static void input_timeout_cleared_and_raised(void **state)
{
	(void)state;
	make();
	wr(0x02c, 4, LCR_H_FEN);
	wr(0x038, 4, VUART_INT_RT);
	assert_int_equal(vuart_input(&u, "ab", 2, &irq), 2);
	assert_true(irq);
	wr(0x044, 4, VUART_INT_RT); /* ICR */
	assert_false(irq);
	assert_int_equal(rd(0x040), 0);
	assert_int_equal(rd(0x018) & FR_RXFE, 0); /* the data is still there */
	assert_int_equal(vuart_input(&u, "c", 1, &irq), 1);
	assert_true(irq);
	assert_int_equal(rd(0x040), VUART_INT_RT);
	/* Nothing arrived: no interrupt. */
	make();
	wr(0x038, 4, VUART_INT_RX | VUART_INT_RT);
	assert_int_equal(vuart_input(&u, "", 0, &irq), 0);
	assert_false(irq);
}

/*
 * What Linux's amba-pl011 driver does: at start-up it clears stray receive
 * interrupts, drains the FIFO, turns the FIFOs on and unmasks RXIM and RTIM; its
 * interrupt handler reads UARTMIS, reads UARTDR until UARTFR.RXFE, clears the
 * other interrupts through UARTICR and reads UARTMIS again until it is 0. Every
 * access is 16 bits wide, as the driver's readw/writew make them.
 */
static void input_as_linux_reads_it(void **state)
{
	const char *typed = "echo cleave-typed-$((6*7))\r";
	char got[64];
	size_t n = 0;

	(void)state;
	make();
	assert_int_equal(vuart_input(&u, "zz", 2, &irq), 2); /* typed before start-up */
	wr16(0x044, 0x7ff);				     /* ICR: everything */
	while (!(rd16(0x018) & FR_RXFE))
		rd16(0x000); /* the driver drains and drops early input */
	wr16(0x02c, LCR_H_FEN | (3U << 5));
	wr16(0x034, IFLS_RX_HALF);
	wr16(0x038, VUART_INT_RX | VUART_INT_RT);
	assert_false(irq);

	assert_int_equal(vuart_input(&u, typed, strlen(typed), &irq), strlen(typed));
	assert_true(irq);
	for (unsigned pass = 0; rd16(0x040) != 0; pass++) {
		uint64_t mis = rd16(0x040);

		assert_true(pass < 4);
		wr16(0x044, mis & ~(uint64_t)(VUART_INT_TX | VUART_INT_RX | VUART_INT_RT));
		while (!(rd16(0x018) & FR_RXFE) && n < sizeof(got))
			got[n++] = (char)rd16(0x000);
	}
	assert_false(irq);
	assert_int_equal(n, strlen(typed));
	assert_memory_equal(got, typed, n);
	assert_int_equal(rd16(0x03c) & (VUART_INT_RX | VUART_INT_RT), 0);
}

/*
 * Linux's amba-pl011 ends a burst of output by masking TXIM: the unfinished line (a
 * prompt, an echoed key) is offered to the console then, and forgotten if it took it.
 */
static void partial_line_at_end_of_burst(void **state)
{
	(void)state;
	make();
	put("~ # ");
	wr(0x038, 4, VUART_INT_TX | VUART_INT_RX); /* TXIM unmasked: more to come */
	assert_int_equal(rec_count, 0);
	wr(0x038, 4, VUART_INT_RX | VUART_INT_RT); /* TXIM masked: the burst is over */
	assert_int_equal(rec_count, 1);
	rec_expect_console_partial(0, "~ # ");
	put("ls\n"); /* not taken (the kernel's console): the line waited for its end */
	rec_expect_console(1, "~ # ls");
	wr(0x038, 4, VUART_INT_RX | VUART_INT_RT); /* nothing unfinished: no call */
	assert_int_equal(rec_count, 2);

	rec_partial_taken = true; /* the console server shows it */
	put("~ # ");
	wr(0x038, 4, VUART_INT_RX | VUART_INT_RT);
	rec_expect_console_partial(2, "~ # ");
	put("x");
	wr(0x038, 4, VUART_INT_RX | VUART_INT_RT);
	rec_expect_console_partial(3, "x"); /* only what came after */
	put("\n");
	rec_expect_console(4, ""); /* the end of the line shown */
	assert_int_equal(rec_count, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(output_lines),
		cmocka_unit_test(long_lines_split),
		cmocka_unit_test(registers),
		cmocka_unit_test(interrupts),
		cmocka_unit_test(input_fifo_full),
		cmocka_unit_test(bad_accesses),
		cmocka_unit_test(input_trigger_level),
		cmocka_unit_test(input_timeout_cleared_and_raised),
		cmocka_unit_test(input_as_linux_reads_it),
		cmocka_unit_test(partial_line_at_end_of_burst),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
