/* The kernel console: a lock around the platform UART so lines from several CPUs do not mix. */
#ifndef CLEAVE_CONSOLE_H
#define CLEAVE_CONSOLE_H

#include <cleave/compiler.h>

void console_write(const char *s, size_t n);
/* Used by the panic path: writes even if another CPU holds the console lock. */
void console_write_force(const char *s, size_t n);

/* Called once the MMU is on and before other CPUs start. */
void console_enable_locking(void);

#endif
