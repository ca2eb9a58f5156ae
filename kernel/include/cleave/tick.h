/* Accounting of timer ticks per CPU, used to prove each CPU takes interrupts. */
#ifndef CLEAVE_TICK_H
#define CLEAVE_TICK_H

#include <cleave/compiler.h>

/*
 * Ticks a CPU must take before it is reported as "timer ok": the first shows its
 * interrupt arrives, the second that the timer was armed again. The boot waits only
 * for the first on every CPU (TICKS_BEFORE_START; 10 ms a tick, each one more is that
 * much later a guest starts), then panics if one never comes; the second is reported
 * when it comes, while the root component runs, and the system tests require every
 * CPU's "timer ok" line (tools/cleave/judge.py).
 */
#define TICKS_FOR_OK 2
#define TICKS_BEFORE_START 1

void tick_account(unsigned cpu);
uint32_t tick_count(unsigned cpu);

#endif
