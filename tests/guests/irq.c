/*
 * Interrupt delivery, on GICv2 or GICv3 as the device tree says:
 *
 * - irq/sgi-self: an SGI to the calling CPU;
 * - irq/timer-ppi: the virtual timer (CNTV, its PPI from the timer node)
 *   fires, not before it is due, and stops once masked;
 * - irq/spi: the console UART's SPI, made pending by software
 *   (GICD_ISPENDR; the UART itself never raises it, its interrupts are
 *   masked), taken and cleared;
 * - irq/sgi-cpus, irq/timer-ppi-cpuN: with a second CPU (PSCI CPU_ON), an
 *   SGI each way between the two, and that CPU's own virtual timer.
 */
#include <cleave/print.h>

#include "gic.h"

const char guest_name[] = "irq";

#define SGI_PING 1
#define SGI_PONG 2
#define WAIT_MS 2000
#define TIMER_MS 20
#define CNTV_CTL_ENABLE BIT(0)
#define CNTV_CTL_IMASK BIT(1)

static volatile unsigned taken[GUEST_MAX_CPUS][GIC_SPI_BASE];
static volatile unsigned spi_taken, spurious;
static volatile uint64_t timer_fired_at[GUEST_MAX_CPUS];
static volatile unsigned secondary_state; /* 0 off, 1 ready, 2 pinged back, 3 may stop */
static volatile unsigned secondary_timer;
static const char *secondary_error;
static unsigned timer_intid, primary;

static void handler(void)
{
	uint64_t raw;
	unsigned intid = gic_ack(&raw);
	int me = guest_cpu_index();

	if (intid == GIC_SPURIOUS || me < 0) {
		spurious++;
		return;
	}
	if (intid == timer_intid) {
		/* The timer's output is a level: it stays up until the timer is masked. */
		timer_fired_at[me] = read_sysreg(cntvct_el0);
		write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
		isb();
	}
	if (intid >= GIC_SPI_BASE) {
		gic_clear_pending(intid);
		gic_disable(intid);
		spi_taken++;
	} else {
		taken[me][intid]++;
	}
	gic_eoi(raw);
}

static bool wait_count(const volatile unsigned *count, unsigned want)
{
	uint64_t end = guest_ms() + WAIT_MS;

	while (*count < want) {
		if (guest_ms() > end)
			return false;
		__asm__ volatile("wfi");
	}
	return true;
}

static void check_sgi_self(int me)
{
	gic_enable(SGI_PING);
	gic_send_sgi(SGI_PING, (unsigned)me);
	guest_check(wait_count(&taken[me][SGI_PING], 1), "irq/sgi-self",
		    "SGI %u to this CPU not taken within %u ms", SGI_PING, WAIT_MS);
}

/* Arm the virtual timer `ms` ahead; returns the counter value it is due at. */
static uint64_t arm_timer(unsigned ms)
{
	uint64_t due = read_sysreg(cntvct_el0) + read_sysreg(cntfrq_el0) / 1000 * ms;

	write_sysreg(cntv_cval_el0, due);
	write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE);
	isb();
	return due;
}

static void check_timer(int me)
{
	uint64_t due;
	unsigned before;

	gic_enable(timer_intid);
	before = taken[me][timer_intid];
	due = arm_timer(TIMER_MS);
	if (!wait_count(&taken[me][timer_intid], before + 1)) {
		guest_fail("irq/timer-ppi", "virtual timer PPI %u not taken within %u ms",
			   timer_intid, WAIT_MS);
		return;
	}
	if (timer_fired_at[me] < due) {
		guest_fail("irq/timer-ppi", "taken at counter %#llx, before it was due at %#llx",
			   (unsigned long long)timer_fired_at[me], (unsigned long long)due);
		return;
	}
	/* Masked in the handler: no second interrupt may follow. */
	for (uint64_t end = guest_ms() + TIMER_MS * 2; guest_ms() < end;)
		;
	guest_check(taken[me][timer_intid] == before + 1, "irq/timer-ppi",
		    "taken %u times after being masked", taken[me][timer_intid] - before);
	write_sysreg(cntv_ctl_el0, 0);
}

static void check_spi(void)
{
	unsigned intid;

	if (guest_dt.uart_spi == ~0U) {
		guest_fail("irq/spi", "the console UART node names no SPI to trigger");
		return;
	}
	intid = GIC_SPI_BASE + guest_dt.uart_spi;
	gic_enable(intid);
	gic_set_pending(intid);
	guest_check(wait_count(&spi_taken, 1), "irq/spi",
		    "SPI %u (INTID %u) made pending, not taken within %u ms", guest_dt.uart_spi,
		    intid, WAIT_MS);
}

/* The second CPU: answer a ping with a pong, fire its own timer, then stop. */
static void secondary(unsigned index)
{
	const char *err = gic_init_cpu();

	if (err != NULL) {
		secondary_error = err;
		secondary_state = 9;
		smccc_call(PSCI_CPU_OFF, 0, 0, 0);
	}
	gic_enable(SGI_PING);
	gic_enable(timer_intid);
	guest_irq_handler = handler;
	irq_enable();
	secondary_state = 1;
	while (taken[index][SGI_PING] == 0)
		__asm__ volatile("wfi");
	gic_send_sgi(SGI_PONG, primary);
	secondary_state = 2;
	arm_timer(TIMER_MS);
	wait_count(&taken[index][timer_intid], 1);
	write_sysreg(cntv_ctl_el0, 0);
	secondary_timer = taken[index][timer_intid];
	while (secondary_state != 3)
		;
	irq_disable();
	smccc_call(PSCI_CPU_OFF, 0, 0, 0);
}

static void check_other_cpu(int me)
{
	unsigned other = me == 0 ? 1 : 0;
	char name[40];
	int64_t r;

	if (guest_dt.nr_cpus < 2) {
		guest_fail("irq/sgi-cpus", "one CPU only: boot with -smp 2 or more");
		return;
	}
	primary = (unsigned)me;
	gic_enable(SGI_PONG);
	r = guest_cpu_on(other, guest_dt.cpu_mpidr[other], secondary, other);
	if (r != PSCI_SUCCESS || !guest_wait_for(&secondary_state, 1, WAIT_MS)) {
		guest_fail("irq/sgi-cpus", "cpu%u: CPU_ON = %lld, state %u%s%s", other,
			   (long long)r, secondary_state, secondary_error ? ": " : "",
			   secondary_error ? secondary_error : "");
		return;
	}
	gic_send_sgi(SGI_PING, other);
	if (guest_check(wait_count(&taken[me][SGI_PONG], 1), "irq/sgi-cpus",
			"cpu%u: ping taken %u times, no pong within %u ms", other,
			taken[other][SGI_PING], WAIT_MS)) {
		ksnprintf(name, sizeof(name), "irq/timer-ppi-cpu%u", other);
		guest_wait_for(&secondary_timer, 1, WAIT_MS);
		guest_check(secondary_timer == 1, name, "its virtual timer fired %u times",
			    secondary_timer);
	}
	secondary_state = 3;
	for (uint64_t end = guest_ms() + WAIT_MS; guest_ms() < end;) {
		if (smccc_call(PSCI_AFFINITY_INFO_64, guest_dt.cpu_mpidr[other], 0, 0) ==
		    PSCI_AFF_OFF)
			return;
	}
	guest_fail("irq/sgi-cpus", "cpu%u did not turn off", other);
}

void guest_main(void)
{
	int me = guest_cpu_index();
	const char *err = gic_init_dist();

	if (err == NULL)
		err = me < 0 ? "this CPU's MPIDR is not in /cpus" : gic_init_cpu();
	if (err == NULL && guest_dt.vtimer_ppi == ~0U)
		err = "no virtual timer interrupt in the timer node";
	if (err != NULL) {
		guest_fail("irq/gic", "%s", err);
		return;
	}
	timer_intid = GIC_PPI_BASE + guest_dt.vtimer_ppi;
	guest_printf("GUEST irq: GICv%u, virtual timer INTID %u, UART SPI %d\n",
		     guest_dt.gic_version, timer_intid, (int)guest_dt.uart_spi);
	guest_irq_handler = handler;
	irq_enable();
	check_sgi_self(me);
	check_timer(me);
	check_spi();
	check_other_cpu(me);
	irq_disable();
	if (spurious != 0)
		guest_printf("GUEST irq: %u spurious acknowledgements\n", spurious);
}
