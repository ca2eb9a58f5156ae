/* The normal kernel's selftest hook: nothing to run (see selftest.h). */
#include <cleave/selftest.h>

void selftest_run(const char *bootargs)
{
	(void)bootargs;
}
