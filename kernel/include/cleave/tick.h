/* Accounting of timer ticks per CPU, used to prove each CPU takes interrupts. */
#ifndef CLEAVE_TICK_H
#define CLEAVE_TICK_H

#include <cleave/compiler.h>

/*
 * Ticks a CPU must take before it is reported as "timer ok": the first shows its
 * interrupt arrives, the second that the timer was armed again. The boot waits for
 * them (10 ms a tick), so each one more is that much later a guest starts.
 */
#define TICKS_FOR_OK 2

void tick_account(unsigned cpu);
uint32_t tick_count(unsigned cpu);

#endif
