/* The fake console UART: a buffer the unit tests read back. */
#include <arch/fake.h>
#include <cleave/uart.h>

static char buf[16384];
static size_t len;

void uart_init(uintptr_t base)
{
	(void)base;
}

void uart_putc(char c)
{
	if (c == '\r')
		return; /* the console adds CR before LF for terminals; tests compare plain lines */
	if (len + 1 < sizeof(buf))
		buf[len++] = c;
	buf[len] = '\0';
}

static const char *input;

void fake_uart_set_input(const char *s)
{
	input = s;
}

size_t uart_read(char *out, size_t max)
{
	size_t n = 0;

	while (input != NULL && *input != '\0' && n < max)
		out[n++] = *input++;
	return n;
}

const char *fake_uart_output(void)
{
	return buf;
}

void fake_uart_reset(void)
{
	len = 0;
	buf[0] = '\0';
}
