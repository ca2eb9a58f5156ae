/*
 * The fault-test image: the normal kernel plus this selftest hook, which
 * takes one deliberate exception chosen by the bootargs ("fault=undef" or
 * "fault=data-abort"), after the boot report. The system test checks that
 * the exception dump names the right class, the faulting instruction's
 * address (the ELF symbols below) and, for the abort, the address.
 */
#include <cleave/print.h>
#include <cleave/selftest.h>

#include <string.h>

/* Unmapped: beyond everything the kernel maps, inside the 39-bit VA space. */
#define FAULT_ADDRESS 0x4000000000ULL

void selftest_fault_undef(void);
uint64_t selftest_fault_load(uint64_t addr);

void selftest_run(const char *bootargs)
{
	const char *arg = strstr(bootargs, "fault=");

	if (arg == NULL) {
		kprintf("selftest: no fault= in bootargs, nothing to do\n");
		return;
	}
	arg += strlen("fault=");
	if (strncmp(arg, "undef", 5) == 0) {
		kprintf("selftest: executing an undefined instruction\n");
		selftest_fault_undef();
	} else if (strncmp(arg, "data-abort", 10) == 0) {
		kprintf("selftest: loading from unmapped %#llx\n", FAULT_ADDRESS);
		selftest_fault_load(FAULT_ADDRESS);
	} else {
		kprintf("selftest: unknown fault kind in \"%s\"\n", bootargs);
		return;
	}
	kprintf("selftest: FAILED: the fault did not trap\n");
}
