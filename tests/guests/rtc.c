/*
 * A device passed through to the guest: the board's PL031 real-time clock
 * (ARM DDI 0224, the PrimeCell RTC), found in the device tree, where its
 * registers are mapped at their physical address and its interrupt is the
 * board's SPI (QEMU virt: 0x09010000, SPI 2, level high). Under Cleave the
 * description gives it (`devices { rtc; }`) and the VMM forwards the SPI;
 * on bare QEMU the guest owns the real one. The match interrupt:
 *
 * - rtc/found: the tree has an arm,pl031 node with a level-high SPI;
 * - rtc/counts: RTCDR reads the time and moves on a second later;
 * - rtc/alarm-1: RTCMR set two seconds ahead with RTCIMSC on: the SPI
 *   arrives, not before RTCDR reached the match, with RTCMIS set; the
 *   handler clears it (RTCICR) before its EOI, after which it stays quiet;
 * - rtc/held-while-disabled, rtc/alarm-2: the same with the SPI disabled at
 *   the distributor (GICD_ICENABLER) until the device has raised it: nothing
 *   arrives while disabled, and it arrives once enabled again, then clears.
 */
#include "gic.h"

const char guest_name[] = "rtc";

#define RTCDR 0x00
#define RTCMR 0x04
#define RTCIMSC 0x10
#define RTCRIS 0x14
#define RTCMIS 0x18
#define RTCICR 0x1c
#define IRQ_LEVEL_HIGH 4
#define WAIT_MS 6000 /* the RTC counts whole seconds: 2 s ahead plus a loaded host */
#define QUIET_MS 300 /* after the EOI, the cleared interrupt must not come back */
#define AHEAD_S 2

static unsigned rtc_intid;
static volatile unsigned taken, spurious, others;
static volatile uint32_t seen_mis, seen_dr, match_at;

static uint32_t rtc_read(unsigned reg)
{
	return mmio_read32(guest_dt.rtc + reg);
}

static void rtc_write(unsigned reg, uint32_t v)
{
	mmio_write32(guest_dt.rtc + reg, v);
}

static void handler(void)
{
	uint64_t raw;
	unsigned intid = gic_ack(&raw);

	if (intid == GIC_SPURIOUS) {
		spurious++;
		return;
	}
	if (intid == rtc_intid) {
		/* Clear the device's interrupt before the EOI: the line is a level. */
		seen_mis = rtc_read(RTCMIS);
		seen_dr = rtc_read(RTCDR);
		rtc_write(RTCICR, 1);
		taken++;
	} else {
		others++;
	}
	gic_eoi(raw);
}

static bool wait_taken(unsigned want, unsigned ms)
{
	uint64_t end = guest_ms() + ms;

	/* Polled, not WFI: with nothing else enabled, a lost interrupt would wait for ever. */
	while (taken < want) {
		if (guest_ms() > end)
			return false;
	}
	return true;
}

static void idle(unsigned ms)
{
	for (uint64_t end = guest_ms() + ms; guest_ms() < end;)
		;
}

static bool found(void)
{
	if (guest_dt.rtc == 0)
		return guest_check(false, "rtc/found", "no arm,pl031 node in the device tree");
	guest_printf("GUEST rtc: PL031 at %#llx, SPI %d, flags %u\n",
		     (unsigned long long)guest_dt.rtc, (int)guest_dt.rtc_spi, guest_dt.rtc_flags);
	return guest_check(guest_dt.rtc_spi < 988 && guest_dt.rtc_flags == IRQ_LEVEL_HIGH,
			   "rtc/found",
			   "its interrupt is SPI %d with flags %u, not a level-high SPI",
			   (int)guest_dt.rtc_spi, guest_dt.rtc_flags);
}

static bool counts(void)
{
	uint32_t t0 = rtc_read(RTCDR);
	uint64_t end = guest_ms() + 2500;

	while (rtc_read(RTCDR) == t0 && guest_ms() < end)
		;
	return guest_check(rtc_read(RTCDR) != t0, "rtc/counts", "RTCDR stayed %u for 2.5 s", t0);
}

/* Match AHEAD_S seconds from now; the interrupt's mask on. */
static void arm_match(void)
{
	rtc_write(RTCICR, 1);
	match_at = rtc_read(RTCDR) + AHEAD_S;
	rtc_write(RTCMR, match_at);
	rtc_write(RTCIMSC, 1);
}

/* The interrupt came once, at or after the match, from the device, and then went quiet. */
static void check_alarm(const char *name, unsigned want)
{
	if (!wait_taken(want, WAIT_MS)) {
		guest_fail(name, "SPI %u not taken within %u ms (RTCDR %u, match %u, RTCRIS %u)",
			   rtc_intid - GIC_SPI_BASE, WAIT_MS, rtc_read(RTCDR), match_at,
			   rtc_read(RTCRIS));
		return;
	}
	idle(QUIET_MS);
	if (taken != want)
		guest_fail(name, "taken %u times: cleared, it came back after the EOI", taken);
	else if (seen_mis != 1 || seen_dr < match_at)
		guest_fail(name, "in the handler RTCMIS was %u and RTCDR %u, the match %u",
			   seen_mis, seen_dr, match_at);
	else
		guest_pass(name);
}

void guest_main(void)
{
	const char *err = gic_init_dist();

	if (err == NULL)
		err = gic_init_cpu();
	if (err != NULL) {
		guest_fail("rtc/found", "GIC: %s", err);
		return;
	}
	if (!found() || !counts())
		return;
	rtc_intid = GIC_SPI_BASE + guest_dt.rtc_spi;
	rtc_write(RTCIMSC, 0);
	rtc_write(RTCICR, 1);
	guest_irq_handler = handler;
	irq_enable();
	gic_set_edge(rtc_intid, false);
	gic_enable(rtc_intid);

	arm_match();
	check_alarm("rtc/alarm-1", 1);

	/* Disabled at the distributor: the device raises its line, nothing is delivered. */
	gic_disable(rtc_intid);
	arm_match();
	for (uint64_t end = guest_ms() + WAIT_MS; !(rtc_read(RTCRIS) & 1) && guest_ms() < end;)
		;
	idle(QUIET_MS);
	if (guest_check((rtc_read(RTCRIS) & 1) && taken == 1, "rtc/held-while-disabled",
			"RTCRIS %u, taken %u times while the SPI was disabled", rtc_read(RTCRIS),
			taken))
		gic_enable(rtc_intid);
	check_alarm("rtc/alarm-2", 2);

	rtc_write(RTCIMSC, 0);
	gic_disable(rtc_intid);
	irq_disable();
	if (spurious != 0 || others != 0)
		guest_printf("GUEST rtc: %u spurious acknowledgements, %u other interrupts\n",
			     spurious, others);
}
