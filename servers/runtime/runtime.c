/* The native-component runtime (see cleave/runtime.h). */
#include <cleave/bootinfo.h>
#include <cleave/print.h>
#include <cleave/runtime.h>

#include <string.h>

cl_cptr_t cl_console = CL_SLOT_CONSOLE;
cl_cptr_t cl_self = CL_SLOT_TCB;

/* The console invocation carries 24 bytes, packed little-endian into three words. */
void cl_write(const char *s, size_t n)
{
	while (n != 0) {
		uint64_t w[3] = {0, 0, 0};
		size_t chunk = n < 24 ? n : 24;

		memcpy(w, s, chunk);
		cl_console_write(cl_console, chunk, w[0], w[1], w[2]);
		s += chunk;
		n -= chunk;
	}
}

void cl_vprintf(const char *fmt, va_list ap)
{
	char buf[256];
	size_t n = kvsnprintf(buf, sizeof(buf), fmt, ap);

	cl_write(buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
}

void cl_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cl_vprintf(fmt, ap);
	va_end(ap);
}

_Noreturn void cl_exit(int code)
{
	cl_printf("exit %d\n", code);
	for (;;)
		cl_tcb_suspend(cl_self);
}

void cl_runtime_start(uint64_t arg);

void cl_runtime_start(uint64_t arg)
{
	cl_exit(main(arg));
}
