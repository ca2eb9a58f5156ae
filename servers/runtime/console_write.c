/*
 * Writing to the console capability, shared by both runtimes: the console
 * invocation carries 24 bytes, packed little-endian into three words. Every
 * chunk but the last says CL_CONSOLE_MORE, so the kernel prints one cl_write
 * (up to CL_CONSOLE_LINE_MAX bytes) in one piece, whatever other threads print.
 */
#include <cleave/bootinfo.h>
#include <cleave/console_abi.h>
#include <cleave/console_write.h>
#include <cleave/syscalls.h>

#include <string.h>

cl_cptr_t cl_console = CL_SLOT_CONSOLE;

void cl_write(const char *s, size_t n)
{
	while (n != 0) {
		uint64_t w[3] = {0, 0, 0};
		size_t chunk = n < 24 ? n : 24;

		memcpy(w, s, chunk);
		cl_console_write(cl_console, chunk | (n > chunk ? CL_CONSOLE_MORE : 0), w[0], w[1],
				 w[2]);
		s += chunk;
		n -= chunk;
	}
}
