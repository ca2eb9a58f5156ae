/*
 * The guest's console through the console server (docs/console.md), when the
 * description connects the guest to one (`connection console GUEST -> SERVER;`,
 * the info page's slot_console and slot_console_input). The VMM is then a client
 * like any other: it names itself with the guest's name, sends the PL011's output
 * a line at a time (the server prefixes it), and, when the server's input event
 * arrives, reads what the server has for it and feeds the PL011's receive FIFO.
 *
 * The Console procedure (servers/console/console.cleave) as its generated glue
 * marshals it (idl/cleave_idl/glue.py): method numbers count from 1 in declaration
 * order, a string<24> is 24 bytes in three words, a reply's label 0 is success and
 * `read` returns its count in MR0 and its bytes in MR1..MR3.
 */
#include <cleave/bootinfo.h>
#include <cleave/runtime.h>
#include <string.h>

#include "vmm.h"

enum { CONSOLE_HELLO = 1, CONSOLE_WRITE = 2, CONSOLE_READ = 3, CONSOLE_FLUSH = 4 };

#define CHUNK 24 /* string<24>: the bytes one call carries */
#define CHUNK_WORDS 3

static struct cl_result call(const struct vmm *v, uint64_t method, const char *text, size_t len)
{
	uint64_t mr[4] = {0, 0, 0, 0};
	unsigned words = text != NULL ? CHUNK_WORDS : 0;

	if (len > CHUNK)
		len = CHUNK;
	if (len > 0)
		memcpy(mr, text, len);
	return cl_sys_call(v->info->slot_console, cl_msginfo(method, words, 0), mr[0], mr[1], mr[2],
			   mr[3], 0);
}

bool vmm_console_connected(const struct vmm *v)
{
	return v->info->slot_console != 0;
}

int vmm_console_start(struct vmm *v, struct vmm_error *err)
{
	struct cl_result r;

	if (!vmm_console_connected(v))
		return 0;
	/*
	 * The input notification bound to the VMM's thread ends its receive on the exits
	 * endpoint (with label 0), so the one loop hears both exits and input.
	 */
	r = cl_tcb_bind_notification(CL_SLOT_TCB, v->info->slot_console_input);
	if (r.err != CL_OK)
		return vmm_fail(err, v->g.name, "binding the console input failed (error %llu)",
				(unsigned long long)r.err);
	r = call(v, CONSOLE_HELLO, v->g.name, strlen(v->g.name));
	if (r.err != CL_OK || cl_msginfo_label(r.info) != 0)
		return vmm_fail(
			err, v->g.name, "the console server refused hello (error %llu, label %llu)",
			(unsigned long long)r.err, (unsigned long long)cl_msginfo_label(r.info));
	return 0;
}

void vmm_console_write(struct vmm *v, const char *text, size_t len)
{
	/* The server collects the pieces and prints the line once its newline comes. */
	while (len > 0) {
		size_t n = len < CHUNK ? len : CHUNK;

		if (call(v, CONSOLE_WRITE, text, n).err != CL_OK)
			return; /* the server is gone: the output has nowhere to go */
		text += n;
		len -= n;
	}
}

void vmm_console_flush(struct vmm *v)
{
	call(v, CONSOLE_FLUSH, NULL, 0);
}

/* Ask the server for input while a whole reply fits; false once it has none left. */
static bool pull(struct vmm *v)
{
	while (sizeof(v->input) - v->input_len >= CHUNK) {
		struct cl_result r = call(v, CONSOLE_READ, NULL, 0);
		int32_t n = (int32_t)r.mr[0];

		if (r.err != CL_OK || cl_msginfo_label(r.info) != 0 || n <= 0 || n > CHUNK)
			return false;
		memcpy(v->input + v->input_len, &r.mr[1], (size_t)n);
		v->input_len += (size_t)n;
		if (n < CHUNK)
			return false; /* the server had no more */
	}
	return true; /* stopped for room: the server may hold more */
}

bool vmm_console_feed(struct vmm *v)
{
	bool irq = vuart_irq(&v->uart);
	size_t n;

	if (v->input_more && sizeof(v->input) - v->input_len >= CHUNK)
		v->input_more = pull(v);
	if (v->input_len == 0 || vuart_rx_space(&v->uart) == 0)
		return irq;
	n = vuart_input(&v->uart, v->input, v->input_len, &irq);
	memmove(v->input, v->input + n, v->input_len - n);
	v->input_len -= n;
	vmm_uart_fast_sync(v); /* UARTFR.RXFE changed */
	return irq;
}

void vmm_console_input(struct vmm *v)
{
	if (v->stopped)
		return;
	v->input_more = pull(v);
	vmm_uart_line(v, 0, vmm_console_feed(v));
}
