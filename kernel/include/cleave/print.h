/*
 * Formatted output. kvsnprintf() is the one formatter of the kernel: it
 * understands %s %c %d %i %u %x %X %p %% with the l/ll/z length modifiers,
 * a field width and '0'/'-'/'#' flags ('#' always prints 0x, even for zero); it always
 * NUL-terminates and returns the length it would have written, as C's vsnprintf does.
 */
#ifndef CLEAVE_PRINT_H
#define CLEAVE_PRINT_H

#include <stdarg.h>

#include <cleave/compiler.h>

size_t kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
size_t ksnprintf(char *buf, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* Print one formatted message to the console, atomically with respect to other CPUs. */
void kprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
void kvprintf(const char *fmt, va_list ap);

#endif
