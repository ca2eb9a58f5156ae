/*
 * The hello test guest: a tiny AArch64 kernel booted by a VMM under Cleave
 * through the arm64 boot protocol, without the test guests' runtime (lib/) but for
 * its device-tree reader. It finds its PL011 and /chosen bootargs in the device
 * tree it is given, prints what it sees, asks PSCI for its version, and
 * then, as bootargs say:
 *   fault        loads from an address outside its RAM (the VMM must stop it);
 *   undef        runs an undefined instruction with no vectors of its own: the
 *                exception goes to VBAR_EL1 = 0, outside its RAM (a crash);
 *   ticks=N      prints N ticks, 100 ms apart (on the virtual counter);
 *   echo         reads a line from its PL011 (polling UARTFR.RXFE every 10 ms and
 *                reading UARTDR) and prints it back;
 * and powers off with PSCI SYSTEM_OFF. Every line starts "hello-guest: ".
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest.h"

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_FR_TXFF (1U << 5)
#define UART_FR_RXFE (1U << 4)
#define OUTSIDE_RAM 0x10000000UL

void hello_main(uint64_t dtb);

/* What the device tree says (lib/dt.c, the other test guests' reader). */
struct guest_dt guest_dt;
static volatile uint32_t *uart;
static const char *bootargs = "";

static bool starts(const char *s, const char *prefix)
{
	while (*prefix != '\0')
		if (*s++ != *prefix++)
			return false;
	return true;
}

static const char *find(const char *s, const char *word)
{
	for (; *s != '\0'; s++)
		if (starts(s, word))
			return s;
	return NULL;
}

static void putc_(char c)
{
	while (uart[UART_FR / 4] & UART_FR_TXFF)
		;
	uart[UART_DR / 4] = (uint8_t)c;
}

static void puts_(const char *s)
{
	while (*s != '\0')
		putc_(*s++);
}

static void puthex(uint64_t x)
{
	puts_("0x");
	for (int shift = 60; shift >= 0; shift -= 4) {
		if ((x >> shift) == 0 && shift != 0)
			continue;
		putc_("0123456789abcdef"[(x >> shift) & 0xf]);
	}
}

static void putdec(uint64_t x)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = (char)('0' + x % 10);
		x /= 10;
	} while (x != 0);
	while (n > 0)
		putc_(buf[--n]);
}

static uint64_t hvc(uint64_t fn)
{
	register uint64_t x0 __asm__("x0") = fn;

	__asm__ volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	return x0;
}

static void wait_ms(uint64_t ms)
{
	uint64_t freq, start, now;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(start));
	do
		__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(now));
	while (now - start < freq / 1000 * ms);
}

static uint64_t number_after(const char *s)
{
	uint64_t n = 0;

	while (*s >= '0' && *s <= '9')
		n = n * 10 + (uint64_t)(*s++ - '0');
	return n;
}

/* One line of console input, without interrupts: the receive path alone. */
static void echo_line(void)
{
	char line[64];
	size_t n = 0;

	puts_("hello-guest: type a line\n");
	for (;;) {
		char c;

		while (uart[UART_FR / 4] & UART_FR_RXFE)
			wait_ms(10); /* on the virtual counter: no exit while waiting */
		c = (char)(uart[UART_DR / 4] & 0xff);
		if (c == '\r' || c == '\n')
			break;
		if (n + 1 < sizeof(line))
			line[n++] = c;
	}
	line[n] = '\0';
	puts_("hello-guest: got \"");
	puts_(line);
	puts_("\"\n");
}

void hello_main(uint64_t dtb)
{
	uint64_t el, mpidr, version;
	const char *ticks;

	if (dt_read((const void *)dtb, &guest_dt) != NULL)
		return; /* no console to say so on: the VMM sees a guest that went quiet */
	uart = (volatile uint32_t *)guest_dt.uart;
	bootargs = guest_dt.bootargs;
	__asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	puts_("hello-guest: booted at EL");
	putdec(el >> 2);
	puts_(", device tree at ");
	puthex(dtb);
	puts_(", UART at ");
	puthex((uint64_t)uart);
	puts_(", MPIDR ");
	puthex(mpidr);
	puts_("\nhello-guest: bootargs \"");
	puts_(bootargs);
	version = hvc(PSCI_VERSION);
	puts_("\"\nhello-guest: PSCI version ");
	putdec(version >> 16);
	putc_('.');
	putdec(version & 0xffff);
	putc_('\n');
	if (find(bootargs, "fault") != NULL) {
		puts_("hello-guest: loading from ");
		puthex(OUTSIDE_RAM);
		puts_(", outside my RAM\n");
		(void)*(volatile uint64_t *)OUTSIDE_RAM;
		puts_("hello-guest: still running after the fault (wrong)\n");
	}
	if (find(bootargs, "undef") != NULL) {
		puts_("hello-guest: running an undefined instruction\n");
		__asm__ volatile("udf #0");
		puts_("hello-guest: still running after the crash (wrong)\n");
	}
	if (find(bootargs, "echo") != NULL)
		echo_line();
	ticks = find(bootargs, "ticks=");
	for (uint64_t i = 1, n = ticks ? number_after(ticks + 6) : 0; i <= n; i++) {
		wait_ms(100);
		puts_("hello-guest: tick ");
		putdec(i);
		putc_('\n');
	}
	puts_("hello-guest: done, powering off\n");
	hvc(PSCI_SYSTEM_OFF);
	puts_("hello-guest: SYSTEM_OFF returned (wrong)\n");
}
