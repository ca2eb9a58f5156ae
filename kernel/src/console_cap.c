/* The debug console capability: user level prints through the kernel's console. */
#include <cleave/console.h>
#include <cleave/invocation.h>

unsigned console_invoke(struct invocation *inv)
{
	char buf[24];
	uint64_t len = inv->args[CL_ARG_CONSOLE_WRITE_LEN];

	if (inv->label != CL_LABEL_CONSOLE_WRITE)
		return CL_UNKNOWN_LABEL;
	if (len > sizeof(buf))
		return CL_INVALID_ARG;
	for (unsigned i = 0; i < len; i++)
		buf[i] = (char)(inv->args[1 + i / 8] >> (8 * (i % 8)));
	console_write(buf, (size_t)len);
	return CL_OK;
}
