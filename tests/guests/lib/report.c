/*
 * Result lines, in the form the system tests' judge reads (tools/cleave/judge.py,
 * GuestJudge): `GUEST PASS name`, `GUEST FAIL name: why`, and one closing
 * `GUEST DONE: N passed, M failed` before the guest powers itself off.
 */
#include <cleave/print.h>

#include "guest.h"

static unsigned passed, failed;

void guest_pass(const char *name)
{
	passed++;
	guest_printf("GUEST PASS %s\n", name);
}

static void vfail(const char *name, const char *why, va_list ap)
{
	char text[160];

	failed++;
	kvsnprintf(text, sizeof(text), why, ap);
	guest_printf("GUEST FAIL %s: %s\n", name, text);
}

void guest_fail(const char *name, const char *why, ...)
{
	va_list ap;

	va_start(ap, why);
	vfail(name, why, ap);
	va_end(ap);
}

bool guest_check(bool ok, const char *name, const char *why, ...)
{
	va_list ap;

	if (ok) {
		guest_pass(name);
		return true;
	}
	va_start(ap, why);
	vfail(name, why, ap);
	va_end(ap);
	return false;
}

void guest_done(void)
{
	guest_printf("GUEST DONE: %u passed, %u failed\n", passed, failed);
	smccc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	guest_printf("GUEST FAIL psci/system-off: SYSTEM_OFF returned\n");
	for (;;)
		__asm__ volatile("wfi");
}
