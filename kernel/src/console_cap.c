/* The debug console capability: user level prints through the kernel's console. */
#include <cleave/audit.h>
#include <cleave/console.h>
#include <cleave/invocation.h>
#include <cleave/kobjects.h>
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

/*
 * Output: bytes a thread writes with CL_CONSOLE_MORE wait in the thread until the
 * write that ends the run, which prints them all in one console_write (one hold of
 * the console's lock): a line longer than one invocation's 24 bytes is not cut by
 * another thread's output. A run longer than the buffer is printed in pieces; what a
 * thread holds when it is deleted is lost. The kernel's own callers (inv->caller
 * NULL) print at once.
 */
static void write_output(struct tcb *t, const char *buf, size_t len, bool more)
{
	if (t == NULL) {
		console_write(buf, len);
		return;
	}
	if (t->con_len + len > sizeof(t->con_line)) {
		console_write(t->con_line, t->con_len);
		t->con_len = 0;
	}
	for (size_t i = 0; i < len; i++)
		t->con_line[t->con_len++] = buf[i];
	if (!more) {
		console_write(t->con_line, t->con_len);
		t->con_len = 0;
	}
}

unsigned console_invoke(struct invocation *inv)
{
	char buf[24];
	uint64_t word = inv->args[CL_ARG_CONSOLE_WRITE_LEN];
	uint64_t len = word & CL_CONSOLE_LEN_MASK;

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
	if (len > sizeof(buf) || (word & ~(uint64_t)(CL_CONSOLE_LEN_MASK | CL_CONSOLE_MORE)) != 0)
		return CL_INVALID_ARG;
	for (unsigned i = 0; i < len; i++)
		buf[i] = (char)(inv->args[1 + i / 8] >> (8 * (i % 8)));
	write_output(inv->caller, buf, (size_t)len, (word & CL_CONSOLE_MORE) != 0);
	return CL_OK;
}
