/* Accounting of timer ticks per CPU, used to prove each CPU takes interrupts. */
#ifndef CLEAVE_TICK_H
#define CLEAVE_TICK_H

#include <cleave/compiler.h>

/* Ticks a CPU must take before it is reported as "timer ok". */
#define TICKS_FOR_OK 3

void tick_account(unsigned cpu);
uint32_t tick_count(unsigned cpu);

#endif
