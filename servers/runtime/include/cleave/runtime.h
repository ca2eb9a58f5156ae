/*
 * The small runtime of native components: start-up, console output through
 * the console capability, and exit. Components provide
 * `int main(uint64_t arg)`. (Linking against musl comes with the loader.)
 */
#ifndef CLEAVE_RUNTIME_H
#define CLEAVE_RUNTIME_H

#include <cleave/console_write.h>
#include <cleave/syscalls.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* This component's own thread, suspended by cl_exit(). */
extern cl_cptr_t cl_self;

void cl_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cl_vprintf(const char *fmt, va_list ap);
_Noreturn void cl_exit(int code);

int main(uint64_t arg);

#endif
