/* Accounting of timer ticks per CPU, used to prove each CPU takes interrupts. */
#ifndef CLEAVE_TICK_H
#define CLEAVE_TICK_H

#include <cleave/compiler.h>

/*
 * Ticks a CPU must take before it is reported as "timer ok": the first shows its
 * interrupt arrives, the second that the timer was armed again. The boot waits for
 * them on every CPU before CLEAVE BOOT OK, so they come TIMER_BOOT_HZ apart, not
 * TIMER_HZ (timer.c): each 10 ms tick more was that much later a guest started.
 */
#define TICKS_FOR_OK 2

void tick_account(unsigned cpu);
uint32_t tick_count(unsigned cpu);

#endif
