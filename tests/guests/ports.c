/*
 * A guest's ports (docs/vmm.md, "A guest's events and dataports"), with the native
 * component tests/system/guests/ports_peer.c on the other side:
 *
 * - ports/found: the tree has a cleave,dataport, a cleave,event-in (an edge-rising
 *   SPI) and a cleave,event-out node, each naming its interface;
 * - ports/kick: the peer wrote a value into the dataport and signalled the guest's
 *   `consumes` event: its SPI arrives (once), and the value is there;
 * - ports/doorbell-reads-zero: a load from the doorbell page reads 0 and rings nothing;
 * - ports/round-trip: the guest writes its answer into the dataport and rings its
 *   `emits` doorbell; the peer checks it, writes a second value and signals again:
 *   the SPI arrives a second time with the second value.
 *
 * Under `dc` (the default) the guest's MMU-off accesses are cacheable, so they see
 * what the peer wrote through its cacheable mapping (docs/vmm.md, "Cache coherence").
 */
#include <string.h>

#include "gic.h"

const char guest_name[] = "ports";

#define FIRST 0xc1ea0001U  /* the peer's first value (ports_peer.c) */
#define SECOND 0xc1ea0002U /* its second, after the guest's answer */
#define ANSWER(v) ((v) ^ 0xffffffffU)
#define WAIT_MS 5000
#define QUIET_MS 200
#define IRQ_EDGE_RISING 1

static unsigned event_intid;
static volatile unsigned taken, spurious, others;
static volatile uint32_t seen[2];

static volatile uint32_t *port(unsigned word)
{
	return (volatile uint32_t *)(uintptr_t)(guest_dt.dataport + 4 * word);
}

static void handler(void)
{
	uint64_t raw;
	unsigned intid = gic_ack(&raw);

	if (intid == GIC_SPURIOUS) {
		spurious++;
		return;
	}
	if (intid == event_intid) {
		if (taken < 2)
			seen[taken] = *port(0);
		taken++;
	} else {
		others++;
	}
	gic_eoi(raw);
}

static bool wait_taken(unsigned want)
{
	uint64_t end = guest_ms() + WAIT_MS;

	while (taken < want) /* polled: a lost interrupt must not wait for ever */
		if (guest_ms() > end)
			return false;
	for (end = guest_ms() + QUIET_MS; guest_ms() < end;)
		;
	return true;
}

static bool found(void)
{
	guest_printf("GUEST ports: dataport '%s' at %#llx (%#llx bytes), event in '%s' on SPI "
		     "%d, doorbell '%s' at %#llx\n",
		     guest_dt.dataport_name, (unsigned long long)guest_dt.dataport,
		     (unsigned long long)guest_dt.dataport_size, guest_dt.event_in_name,
		     (int)guest_dt.event_in_spi, guest_dt.doorbell_name,
		     (unsigned long long)guest_dt.doorbell);
	return guest_check(
		guest_dt.dataport != 0 && guest_dt.dataport_size >= 8 &&
			strcmp(guest_dt.dataport_name, "page") == 0 &&
			guest_dt.event_in_spi < 988 && guest_dt.event_in_flags == IRQ_EDGE_RISING &&
			strcmp(guest_dt.event_in_name, "kick") == 0 && guest_dt.doorbell != 0 &&
			strcmp(guest_dt.doorbell_name, "done") == 0,
		"ports/found",
		"a cleave,dataport 'page', an edge cleave,event-in 'kick' and a "
		"cleave,event-out 'done' were not all in the device tree");
}

void guest_main(void)
{
	const char *err = gic_init_dist();

	if (err == NULL)
		err = gic_init_cpu();
	if (err != NULL) {
		guest_fail("ports/found", "GIC: %s", err);
		return;
	}
	if (!found())
		return;
	event_intid = GIC_SPI_BASE + guest_dt.event_in_spi;
	guest_irq_handler = handler;
	irq_enable();
	gic_set_edge(event_intid, true);
	gic_enable(event_intid);

	if (!wait_taken(1)) {
		guest_fail("ports/kick", "SPI %u not taken within %u ms", guest_dt.event_in_spi,
			   WAIT_MS);
		return;
	}
	if (!guest_check(taken == 1 && seen[0] == FIRST, "ports/kick",
			 "taken %u times, the dataport held %#x, not %#x", taken, seen[0], FIRST))
		return;
	guest_check(mmio_read32(guest_dt.doorbell) == 0 && taken == 1, "ports/doorbell-reads-zero",
		    "a load from the doorbell did not read 0");
	*port(1) = ANSWER(seen[0]);
	mmio_write32(guest_dt.doorbell, 1); /* any value: the store rings */
	if (!wait_taken(2)) {
		guest_fail("ports/round-trip", "no second event within %u ms of the doorbell",
			   WAIT_MS);
		return;
	}
	guest_check(taken == 2 && seen[1] == SECOND, "ports/round-trip",
		    "taken %u times, the dataport held %#x, not %#x", taken, seen[1], SECOND);
	gic_disable(event_intid);
	irq_disable();
	if (spurious != 0 || others != 0)
		guest_printf("GUEST ports: %u spurious acknowledgements, %u other interrupts\n",
			     spurious, others);
}
