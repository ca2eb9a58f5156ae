/*
 * The hello system's server: waits for the client's event, prints what the
 * shared buffer holds, then serves greetings for ever.
 */
#include <cleave/runtime.h>

#include "server_glue.h"

static uint32_t greetings;

int32_t greeter_greet(const char *name, uint32_t *count)
{
	greetings++;
	*count = greetings;
	cl_printf("server: greeted '%s' (badge %llu), %u so far\n", name,
		  (unsigned long long)greeter__badge, (unsigned)greetings);
	return 0;
}

void greeter_reset(void)
{
	greetings = 0;
}

int cl_component_main(void)
{
	int err = ready_wait();

	if (err != 0) {
		cl_printf("server: ready_wait failed (%d)\n", err);
		return 1;
	}
	cl_printf("server: ready signalled; inbox holds \"%s\"\n", (const char *)inbox);
	greeter__run();
	return 0;
}
