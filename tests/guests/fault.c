/*
 * fault: reads the first address past the end of guest RAM, the address a
 * stray pointer or a guest probing for more memory would use.
 *
 * Under Cleave nothing is mapped there in the guest's stage 2: the access
 * is a stage-2 fault, and the VMM must stop this guest with a report naming
 * it, the PC and the syndrome, while other guests keep running. The guest
 * never sees it, so it prints `GUEST fault: touching ...` and then nothing.
 *
 * On bare QEMU there is no stage 2: the virt board answers an unassigned
 * address with an external abort, which this guest takes as a synchronous
 * Data Abort (ESR_EL1.EC 0x25, FAR_EL1 the address) and reports as a pass.
 * Either way a read that returns a value is a failure: something invented
 * memory the guest does not have.
 */
#include "guest.h"

const char guest_name[] = "fault";

#define EC_DATA_ABORT_SAME_EL 0x25

void guest_main(void)
{
	uint64_t addr = guest_dt.ram_base + guest_dt.ram_size;
	uint64_t value, ec, dfsc;
	bool far_ok;

	guest_printf("GUEST fault: touching %#llx, just past guest RAM %#llx+%#llx\n",
		     (unsigned long long)addr, (unsigned long long)guest_dt.ram_base,
		     (unsigned long long)guest_dt.ram_size);
	guest_caught.taken = false;
	guest_caught.armed = true;
	value = *(volatile uint64_t *)addr;
	guest_caught.armed = false;
	if (!guest_caught.taken) {
		guest_fail("fault/outside-ram", "the read returned %#llx instead of faulting",
			   (unsigned long long)value);
		return;
	}
	ec = FIELD(guest_caught.esr, 31, 26);
	dfsc = FIELD(guest_caught.esr, 5, 0);
	guest_printf("GUEST fault: data abort ESR_EL1 %#llx (DFSC %#llx) FAR_EL1 %#llx ELR %#llx\n",
		     (unsigned long long)guest_caught.esr, (unsigned long long)dfsc,
		     (unsigned long long)guest_caught.far, (unsigned long long)guest_caught.elr);
	/* ESR_EL1.FnV (bit 10): an external abort may leave FAR_EL1 unknown. */
	far_ok = (guest_caught.esr & BIT(10)) || guest_caught.far == addr;
	guest_check(ec == EC_DATA_ABORT_SAME_EL && far_ok, "fault/outside-ram",
		    "took ESR_EL1 %#llx FAR_EL1 %#llx, expected a data abort at %#llx",
		    (unsigned long long)guest_caught.esr, (unsigned long long)guest_caught.far,
		    (unsigned long long)addr);
}
