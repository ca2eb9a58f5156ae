/*
 * reset: asks its VMM for a reset (PSCI SYSTEM_RESET) once, then checks that
 * it came back as a freshly loaded guest, and powers off.
 *
 * The two boots are told apart by a word in the middle of guest RAM, outside
 * the image, the device tree and the stacks: a restart reloads the image and
 * device tree but keeps the rest of RAM, as a warm reset of a board does. The
 * second boot then checks what a restart must renew (docs/vmm.md, "Restart"):
 *   reset/image-reloaded   a .data word the first boot overwrote has its
 *                          initial value again (the image was loaded anew;
 *                          without that the self-relocation would have run
 *                          twice and this guest would not get this far)
 *   reset/registers        the EL1 registers the first boot set (TPIDR_EL1,
 *                          CONTEXTIDR_EL1, the virtual timer) are back at 0
 *   reset/vcpu-identity    it runs on vCPU 0, MPIDR_EL1 Aff0 = 0
 * With the bootarg `always` it asks for a reset at every boot instead: its
 * VMM's restart_limit must end that (tests/system/guests/restart.cleave).
 */
#include "guest.h"

const char guest_name[] = "reset";

#define PSCI_SYSTEM_RESET 0x84000009U
#define BOOT_MARK 0x7e5e7b0071ULL
#define LOADED 0x10ade0ULL
#define TPIDR_MARK 0x5a5a5a5aULL

/* Its initial value comes with the image; the first boot overwrites it. */
static volatile uint64_t loaded_word = LOADED;

static volatile uint64_t *boot_word(void)
{
	return (volatile uint64_t *)(guest_dt.ram_base + guest_dt.ram_size / 2);
}

static NORETURN void ask_for_reset(void)
{
	int64_t r;

	/* Set what the restart must clear. */
	write_sysreg(tpidr_el1, TPIDR_MARK);
	write_sysreg(contextidr_el1, 0x42);
	write_sysreg(cntv_cval_el0, ~0ULL);
	write_sysreg(cntv_ctl_el0, 1); /* enabled, far in the future */
	isb();
	loaded_word = 0;
	*boot_word() = BOOT_MARK;
	dsb(sy);
	guest_printf("GUEST reset: boot 1, asking for a reset\n");
	r = (int64_t)smccc_call(PSCI_SYSTEM_RESET, 0, 0, 0);
	guest_fail("reset/system-reset", "PSCI SYSTEM_RESET returned %lld", (long long)r);
	guest_done();
}

void guest_main(void)
{
	uint64_t tpidr = read_sysreg(tpidr_el1), ctxid = read_sysreg(contextidr_el1);
	uint64_t cntv = read_sysreg(cntv_ctl_el0) & 1, mpidr = read_sysreg(mpidr_el1);

	if (guest_bootarg("always") || *boot_word() != BOOT_MARK)
		ask_for_reset();
	*boot_word() = 0;
	guest_printf("GUEST reset: boot 2\n");
	guest_check(loaded_word == LOADED, "reset/image-reloaded",
		    "a .data word holds %#llx, not its initial %#llx",
		    (unsigned long long)loaded_word, (unsigned long long)LOADED);
	guest_check(tpidr == 0 && ctxid == 0 && cntv == 0, "reset/registers",
		    "TPIDR_EL1 %#llx, CONTEXTIDR_EL1 %#llx, CNTV_CTL_EL0.ENABLE %llu kept from "
		    "boot 1",
		    (unsigned long long)tpidr, (unsigned long long)ctxid, (unsigned long long)cntv);
	guest_check((mpidr & 0xff) == 0, "reset/vcpu-identity", "booted on MPIDR %#llx",
		    (unsigned long long)mpidr);
}
