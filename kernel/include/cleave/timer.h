/* The EL2 physical timer (CNTHP), a periodic tick per CPU. */
#ifndef CLEAVE_TIMER_H
#define CLEAVE_TIMER_H

#include <cleave/compiler.h>

#define TIMER_HZ 100
/* The first TICKS_FOR_OK ticks of a CPU, which the boot waits for (tick.h). */
#define TIMER_BOOT_HZ 1000

void timer_init(unsigned intid);
void timer_cpu_start(void);
/* Called from the interrupt path when the timer's PPI fires. */
void timer_tick(void);
unsigned timer_intid(void);

#endif
