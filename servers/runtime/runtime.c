/* The native-component runtime (see cleave/runtime.h). */
#include <cleave/bootinfo.h>
#include <cleave/print.h>
#include <cleave/runtime.h>

cl_cptr_t cl_self = CL_SLOT_TCB;

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
