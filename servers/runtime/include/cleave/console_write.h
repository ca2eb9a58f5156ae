/* Console output through the console capability (runtime/console_write.c). */
#ifndef CLEAVE_CONSOLE_WRITE_H
#define CLEAVE_CONSOLE_WRITE_H

#include <cleave/syscalls.h>
#include <stddef.h>

/* The console capability this component prints through (the root's by default). */
extern cl_cptr_t cl_console;

void cl_write(const char *s, size_t n);

#endif
