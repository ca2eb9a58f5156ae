/*
 * Debian's libfdt.a is built with -fstack-protector-strong, so linking it
 * into the kernel needs the guard word and the failure hook. The kernel's
 * own code is built the same way, so a smashed stack panics instead of
 * returning into garbage. The guard is a fixed odd value until the kernel
 * has an entropy source.
 */
#include <cleave/panic.h>

uintptr_t __stack_chk_guard = 0x2f8a5c3e91d7b46bULL;

NORETURN void __stack_chk_fail(void);

NORETURN void __stack_chk_fail(void)
{
	panic("stack protector: kernel stack smashed");
}
