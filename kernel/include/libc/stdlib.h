/* The one stdlib function libfdt needs (kernel/src/string.c). */
#ifndef CLEAVE_LIBC_STDLIB_H
#define CLEAVE_LIBC_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *s, char **end, int base);

#endif
