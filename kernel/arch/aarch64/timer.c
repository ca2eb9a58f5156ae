/*
 * The EL2 physical timer, CNTHP (Arm ARM D11.2.4), as a periodic tick: each
 * interrupt re-arms the down-counter for the next period. Its PPI comes from
 * the device tree's arm,armv8-timer node.
 */
#include <arch/sysreg.h>
#include <cleave/arch.h>
#include <cleave/gic.h>
#include <cleave/tick.h>
#include <cleave/timer.h>

static unsigned intid;
static uint64_t period;

void timer_init(unsigned hyp_intid)
{
	intid = hyp_intid;
	period = arch_counter_freq() / TIMER_HZ;
}

unsigned timer_intid(void)
{
	return intid;
}

void timer_cpu_start(void)
{
	gic_enable_ppi(intid);
	write_sysreg(period, cnthp_tval_el2);
	write_sysreg(CNT_CTL_ENABLE, cnthp_ctl_el2);
	isb();
}

void timer_tick(void)
{
	write_sysreg(period, cnthp_tval_el2);
	tick_account(arch_cpu_index());
}
