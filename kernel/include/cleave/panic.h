/*
 * The panic path and the always-on internal invariant check. CHECK() is for
 * the kernel's own invariants only; anything a guest or a component controls
 * gets an error code instead, never a panic.
 */
#ifndef CLEAVE_PANIC_H
#define CLEAVE_PANIC_H

#include <cleave/compiler.h>

/* Prints "CLEAVE PANIC: <message>" and stops this CPU for good. */
NORETURN void panic(const char *fmt, ...) PRINTF_LIKE(1, 2);

#define CHECK(cond)                                                                    \
	do {                                                                           \
		if (!(cond))                                                           \
			panic("CHECK failed: %s at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)

#endif
