/*
 * A client of the console server (examples/console): says hello, prints a line,
 * then echoes back every line of input it is given.
 */
#include <cleave/runtime.h>
#include <string.h>

#include CL_GLUE_H

static void say(const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		char chunk[25] = {0};
		size_t k = n < 24 ? n : 24;

		memcpy(chunk, s, k);
		console_write(chunk);
		s += k;
		n -= k;
	}
}

int cl_component_main(void)
{
	char line[96];
	size_t len = 0;

	console_hello(CL_INSTANCE);
	say(CL_INSTANCE " is ready for input\n");
	for (;;) {
		char text[25];
		int32_t n = 0;

		if (input_wait() != 0)
			return 1;
		while (console_read(text, &n) == 0 && n > 0) {
			for (int32_t i = 0; i < n; i++) {
				if (text[i] == '\r' || text[i] == '\n') {
					line[len] = '\0';
					say(CL_INSTANCE " got: ");
					say(line);
					say("\n");
					len = 0;
				} else if (len + 1 < sizeof(line)) {
					line[len++] = text[i];
				}
			}
		}
	}
}
