/*
 * The hello system's client: leaves a message in the shared buffer, signals
 * the server that it is there, then greets the server over RPC.
 */
#include <cleave/runtime.h>
#include <string.h>

#include "client_glue.h"

int cl_component_main(void)
{
	static const char message[] = "hello through shared memory";
	uint32_t count = 0;
	int32_t result = 0;
	int err;

	memcpy(outbox, message, sizeof(message));
	cl_printf("client: wrote %u bytes to outbox, signalling ready\n",
		  (unsigned)sizeof(message));
	err = ready_emit();
	if (err != 0) {
		cl_printf("client: ready_emit failed (%d)\n", err);
		return 1;
	}
	err = greeter_greet("client", &count, &result);
	cl_printf("client: greet returned %d, result %d, count %u\n", err, (int)result,
		  (unsigned)count);
	err = greeter_greet("client again", &count, &result);
	cl_printf("client: greet returned %d, result %d, count %u\n", err, (int)result,
		  (unsigned)count);
	cl_printf("HELLO CLIENT DONE\n");
	return err;
}
