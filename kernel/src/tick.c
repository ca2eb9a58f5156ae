/* Per-CPU tick counts (see tick.h). Each CPU writes only its own count. */
#include <cleave/cpu.h>
#include <cleave/print.h>
#include <cleave/tick.h>
#include <cleave/timer.h>

void tick_account(unsigned cpu)
{
	uint32_t n = __atomic_add_fetch(&cpus[cpu].ticks, 1, __ATOMIC_RELAXED);

	if (n == TICKS_FOR_OK)
		kprintf("cpu%u: timer ok (%u ticks at %u Hz, then %u Hz)\n", cpu, n, TIMER_BOOT_HZ,
			TIMER_HZ);
}

uint32_t tick_count(unsigned cpu)
{
	return __atomic_load_n(&cpus[cpu].ticks, __ATOMIC_RELAXED);
}
