#include "guest.h"
const char guest_name[] = "psci";
void guest_main(void)
{
	guest_pass("hello");
}
