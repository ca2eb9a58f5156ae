/* The debug console capability: user level prints through the kernel's console. */
#include <cleave/audit.h>
#include <cleave/console.h>
#include <cleave/invocation.h>
#include <cleave/uart.h>

/*
 * Input: whatever the UART has received, up to 24 bytes, without waiting. It needs
 * the read right, which only the console server gets (docs/system-language.md,
 * `authority { console_input; }`); it learns of input through a handler of the
 * UART's interrupt line, which each read re-arms.
 */
static unsigned read_input(struct invocation *inv)
{
	char buf[24];
	uint64_t w[3] = {0, 0, 0};
	size_t n;

	if ((inv->target->cap.rights & CL_RIGHT_READ) == 0)
		return CL_NO_RIGHT;
	n = uart_read(buf, sizeof(buf));
	for (size_t i = 0; i < n; i++)
		w[i / 8] |= (uint64_t)(unsigned char)buf[i] << (8 * (i % 8));
	inv->results[0] = n;
	inv->results[1] = w[0];
	inv->results[2] = w[1];
	inv->results[3] = w[2];
	inv->nresults = 4;
	return CL_OK;
}

unsigned console_invoke(struct invocation *inv)
{
	char buf[24];
	uint64_t len = inv->args[CL_ARG_CONSOLE_WRITE_LEN];

	if (inv->label == CL_LABEL_CONSOLE_READ)
		return read_input(inv);
	if (inv->label == CL_LABEL_CONSOLE_AUDIT_DUMP) {
#ifdef CLEAVE_AUDIT
		audit_dump();
		return CL_OK;
#else
		return CL_ILLEGAL;
#endif
	}
	if (inv->label != CL_LABEL_CONSOLE_WRITE)
		return CL_UNKNOWN_LABEL;
	if (len > sizeof(buf))
		return CL_INVALID_ARG;
	for (unsigned i = 0; i < len; i++)
		buf[i] = (char)(inv->args[1 + i / 8] >> (8 * (i % 8)));
	console_write(buf, (size_t)len);
	return CL_OK;
}
