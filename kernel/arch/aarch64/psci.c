/*
 * PSCI as a caller (Arm DEN 0022D). The conduit comes from the device tree.
 * From EL2 only SMC reaches firmware: an HVC would trap to this kernel
 * itself, so main.c refuses an "hvc" method before anything is called.
 */
#include <cleave/panic.h>
#include <cleave/psci.h>

#define PSCI_CPU_OFF 0x84000002ULL
#define PSCI_CPU_ON_64 0xc4000003ULL

int64_t psci_call_smc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
int64_t psci_call_hvc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

static enum psci_conduit conduit;

void psci_init(enum psci_conduit c)
{
	conduit = c;
}

static int call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	switch (conduit) {
	case PSCI_SMC:
		return (int)psci_call_smc(fid, a1, a2, a3);
	case PSCI_HVC:
		return (int)psci_call_hvc(fid, a1, a2, a3);
	default:
		panic("psci: no conduit");
	}
}

int psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
	return call(PSCI_CPU_ON_64, mpidr, entry, context);
}

void psci_cpu_off(void)
{
	call(PSCI_CPU_OFF, 0, 0, 0);
}

const char *psci_error_name(int err)
{
	switch (err) {
	case 0:
		return "success";
	case -1:
		return "not supported";
	case -2:
		return "invalid parameters";
	case -3:
		return "denied";
	case -4:
		return "already on";
	case -5:
		return "on pending";
	case -6:
		return "internal failure";
	case -7:
		return "not present";
	case -8:
		return "disabled";
	case -9:
		return "invalid address";
	default:
		return "unknown error";
	}
}
