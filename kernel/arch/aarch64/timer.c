/*
 * The EL2 physical timer, CNTHP (Arm ARM D11.2.4), as a periodic tick: each
 * interrupt re-arms the down-counter for the next period. Its PPI comes from
 * the device tree's arm,armv8-timer node. A CPU's first TICKS_FOR_OK ticks,
 * which the boot waits for before anything runs (tick.h), come TIMER_BOOT_HZ
 * apart; then TIMER_HZ.
 */
#include <arch/sysreg.h>
#include <cleave/arch.h>
#include <cleave/gic.h>
#include <cleave/tick.h>
#include <cleave/timer.h>

static unsigned intid;
static uint64_t period;
static uint64_t boot_period;

void timer_init(unsigned hyp_intid)
{
	intid = hyp_intid;
	period = arch_counter_freq() / TIMER_HZ;
	boot_period = arch_counter_freq() / TIMER_BOOT_HZ;
}

unsigned timer_intid(void)
{
	return intid;
}

void timer_cpu_start(void)
{
	gic_enable_ppi(intid);
	write_sysreg(boot_period, cnthp_tval_el2);
	write_sysreg(CNT_CTL_ENABLE, cnthp_ctl_el2);
	isb();
}

void timer_tick(void)
{
	unsigned cpu = arch_cpu_index();

	/* Each CPU counts only its own ticks: this one is its number tick_count + 1. */
	write_sysreg(tick_count(cpu) + 1 < TICKS_FOR_OK ? boot_period : period, cnthp_tval_el2);
	tick_account(cpu);
}
