/* The panic path: one fixed marker line the test driver looks for, then a halt. */
#include <cleave/arch.h>
#include <cleave/console.h>
#include <cleave/panic.h>
#include <cleave/print.h>

NORETURN void panic(const char *fmt, ...)
{
	char line[256];
	size_t n;
	va_list ap;

	n = ksnprintf(line, sizeof(line), "CLEAVE PANIC: cpu%u: ", arch_cpu_index_any_el());
	va_start(ap, fmt);
	n += kvsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	console_write_force(line, n);
	arch_halt();
}
