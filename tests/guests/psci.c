/*
 * Every PSCI call a guest makes (Arm DEN 0022, PSCI 1.0 and its SMCCC 1.1
 * companions, Arm DEN 0028), through the device tree's conduit. CPU_ON
 * starts each secondary twice (on, off, on again, off); each prints from
 * inside itself. SYSTEM_OFF comes last, from guest_done(): the system
 * test's judge requires QEMU (or the guest) to end after DONE.
 *
 * Under Cleave only (a bootarg asks): PSCI_VERSION through `smc #0` whatever
 * the device tree's conduit, answered as the guest's `smc` setting says:
 * "smc=emulate" expects the version HVC gives, "smc=refuse" NOT_SUPPORTED.
 * Either way the SMC returns to the next instruction. (On bare QEMU an SMC
 * goes to QEMU's own PSCI or is UNDEFINED, so no bootarg there.)
 */
#include "guest.h"

const char guest_name[] = "psci";

#define WAIT_MS 20000 /* generous: a loaded host can starve a QEMU vCPU thread for seconds */
#define NO_SUCH_MPIDR 0xfe00U /* Aff1 = 0xfe: no board here has that many clusters */
/* In the PSCI range but no PSCI function (1.0 defines 0x00-0x15). */
#define PSCI_UNKNOWN 0x8400001fU
#define SMCCC_ARCH_UNKNOWN 0x8000ff7fU

static uint32_t version;
static volatile unsigned online[GUEST_MAX_CPUS], may_off[GUEST_MAX_CPUS];
static volatile unsigned boots[GUEST_MAX_CPUS];

static int64_t call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return (int64_t)smccc_call(fn, a1, a2, a3);
}

static void check_version(void)
{
	version = (uint32_t)call(PSCI_VERSION, 0, 0, 0);
	guest_printf("GUEST psci: PSCI_VERSION %u.%u\n", version >> 16, version & 0xffff);
	guest_check(version >= 0x2 && version < 0x80000000U, "psci/version",
		    "PSCI_VERSION returned %#x, expected 0.2 or later", version);
}

/* PSCI_FEATURES is PSCI 1.0's; a 0.2 firmware may leave the call out altogether. */
static void check_features(void)
{
	static const uint32_t offered[] = {
		PSCI_VERSION,		PSCI_CPU_ON_64,	 PSCI_CPU_OFF, PSCI_AFFINITY_INFO_64,
		PSCI_MIGRATE_INFO_TYPE, PSCI_SYSTEM_OFF, PSCI_FEATURES};
	bool undefined;
	int64_t r;

	if (version < 0x10000) {
		r = (int64_t)smccc_probe(PSCI_FEATURES, PSCI_CPU_ON_64, 0, 0, &undefined);
		guest_check(undefined || r == PSCI_NOT_SUPPORTED, "psci/features",
			    "PSCI %#x has no PSCI_FEATURES, yet it returned %lld", version,
			    (long long)r);
		return;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(offered); i++) {
		r = call(PSCI_FEATURES, offered[i], 0, 0);
		if (r < 0) {
			guest_fail("psci/features", "PSCI_FEATURES(%#x) = %lld: a mandatory call",
				   offered[i], (long long)r);
			return;
		}
	}
	r = call(PSCI_FEATURES, PSCI_UNKNOWN, 0, 0);
	guest_check(r == PSCI_NOT_SUPPORTED, "psci/features",
		    "PSCI_FEATURES(unknown %#x) = %lld, expected NOT_SUPPORTED", PSCI_UNKNOWN,
		    (long long)r);
}

static void check_migrate_info_type(void)
{
	int64_t r = call(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0);

	/* 2: no Trusted OS needs migrating, the only answer a VM or a plain board has. */
	guest_check(r == 2, "psci/migrate-info-type", "MIGRATE_INFO_TYPE = %lld, expected 2",
		    (long long)r);
}

/*
 * SMCCC_VERSION exists from SMCCC 1.1 and is found through
 * PSCI_FEATURES (DEN 0028 7.2.1): NOT_SUPPORTED there means SMCCC 1.0,
 * where SMCCC_VERSION and SMCCC_ARCH_FEATURES must not be called.
 */
static void check_smccc(void)
{
	int64_t has = version >= 0x10000 ? call(PSCI_FEATURES, SMCCC_VERSION, 0, 0) : -1;
	int64_t v, r;

	if (has != PSCI_SUCCESS) {
		guest_printf("GUEST psci: SMCCC 1.0: PSCI_FEATURES(SMCCC_VERSION) = %lld, so "
			     "neither SMCCC_VERSION nor ARCH_FEATURES may be called\n",
			     (long long)has);
		if (guest_check(has == PSCI_NOT_SUPPORTED, "smccc/version",
				"PSCI_FEATURES(SMCCC_VERSION) = %lld", (long long)has))
			guest_pass("smccc/arch-features");
		return;
	}
	v = call(SMCCC_VERSION, 0, 0, 0);
	guest_printf("GUEST psci: SMCCC_VERSION %lld.%lld\n", (long long)(v >> 16),
		     (long long)(v & 0xffff));
	guest_check(v >= 0x10001 && v < 0x80000000LL, "smccc/version",
		    "SMCCC_VERSION = %#llx, expected 1.1 or later", (unsigned long long)v);
	r = call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_UNKNOWN, 0, 0);
	if (r != PSCI_NOT_SUPPORTED) {
		guest_fail("smccc/arch-features", "ARCH_FEATURES(unknown %#x) = %lld",
			   SMCCC_ARCH_UNKNOWN, (long long)r);
		return;
	}
	/* WORKAROUND_1: 0 (needed and offered), 1 (not needed) or NOT_SUPPORTED. */
	r = call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1, 0, 0);
	guest_check(r == 0 || r == 1 || r == PSCI_NOT_SUPPORTED, "smccc/arch-features",
		    "ARCH_FEATURES(WORKAROUND_1) = %lld", (long long)r);
}

static void check_unknown(void)
{
	bool undefined;
	int64_t r = (int64_t)smccc_probe(PSCI_UNKNOWN, 0, 0, 0, &undefined);

	guest_check(!undefined && r == PSCI_NOT_SUPPORTED, "psci/unknown-function",
		    "function %#x: %s %lld, expected NOT_SUPPORTED (-1)", PSCI_UNKNOWN,
		    undefined ? "the call was UNDEFINED," : "returned", (long long)r);
}

/*
 * SMC from EL1 is trapped to EL2 by HCR_EL2.TSC (Arm ARM, HCR_EL2): the
 * trap's preferred return address is the SMC itself, unlike HVC's, so the
 * answer must step past it; were it not to, the guest would issue it for ever.
 */
static int64_t raw_smc(uint32_t fn)
{
	register uint64_t x0 __asm__("x0") = fn;

	__asm__ volatile("smc #0"
			 : "+r"(x0)
			 :
			 : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			   "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return (int64_t)x0;
}

static void check_smc(void)
{
	bool emulate = guest_bootarg("smc=emulate");
	int64_t want, r;

	if (!emulate && !guest_bootarg("smc=refuse"))
		return;
	/* The tree names SMC as the conduit only for a guest whose SMCs are emulated. */
	guest_check(guest_dt.psci_smc == emulate, "psci/method",
		    "the device tree's PSCI method is %s under smc %s",
		    guest_dt.psci_smc ? "smc" : "hvc", emulate ? "emulate" : "refuse");
	want = emulate ? (int64_t)version : PSCI_NOT_SUPPORTED;
	r = raw_smc(PSCI_VERSION);
	guest_printf("GUEST psci: SMC PSCI_VERSION = %lld (smc %s)\n", (long long)r,
		     emulate ? "emulate" : "refuse");
	guest_check(r == want, emulate ? "psci/smc-emulated" : "psci/smc-refused",
		    "SMC PSCI_VERSION = %lld, expected %lld", (long long)r, (long long)want);
}

/* A secondary: say where it is from inside, then wait to be allowed off. */
static void secondary(unsigned index)
{
	uint64_t el = FIELD(read_sysreg(CurrentEL), 3, 2);
	uint64_t sctlr = read_sysreg(sctlr_el1);
	int me = guest_cpu_index();

	boots[index]++;
	guest_printf("GUEST psci: cpu%u online (boot %u) at EL%llu, MPIDR %#llx, MMU %s\n", index,
		     boots[index], (unsigned long long)el,
		     (unsigned long long)read_sysreg(mpidr_el1), sctlr & 1 ? "on" : "off");
	if (el != 1 || me != (int)index || (sctlr & 1))
		guest_fail("psci/cpu-on", "cpu%u entered at EL%llu as index %d, SCTLR_EL1 %#llx",
			   index, (unsigned long long)el, me, (unsigned long long)sctlr);
	online[index] = 1;
	while (!may_off[index])
		;
	may_off[index] = 0;
	online[index] = 0;
	call(PSCI_CPU_OFF, 0, 0, 0);
	guest_fail("psci/cpu-off", "CPU_OFF returned on cpu%u", index);
	for (;;)
		__asm__ volatile("wfi");
}

static bool wait_affinity(uint64_t mpidr, int64_t want)
{
	uint64_t end = guest_ms() + WAIT_MS;
	int64_t r;

	do {
		r = call(PSCI_AFFINITY_INFO_64, mpidr, 0, 0);
		if (r == want)
			return true;
	} while (guest_ms() < end);
	return false;
}

/* One secondary: on, checks while it runs, off; `round` 0 and 1. */
static bool cycle(unsigned i, unsigned round)
{
	uint64_t mpidr = guest_dt.cpu_mpidr[i];
	int64_t r = guest_cpu_on(i, mpidr, secondary, i);

	if (r != PSCI_SUCCESS) {
		guest_fail("psci/cpu-on", "CPU_ON(cpu%u, round %u) = %lld", i, round, (long long)r);
		return false;
	}
	if (!guest_wait_for(&online[i], 1, WAIT_MS)) {
		guest_fail("psci/cpu-on", "cpu%u did not come online within %u ms", i, WAIT_MS);
		return false;
	}
	r = call(PSCI_AFFINITY_INFO_64, mpidr, 0, 0);
	if (r != PSCI_AFF_ON) {
		guest_fail("psci/affinity-info", "cpu%u running, AFFINITY_INFO = %lld", i,
			   (long long)r);
		return false;
	}
	r = guest_cpu_on(i, mpidr, secondary, i);
	if (r != PSCI_ALREADY_ON) {
		guest_fail("psci/cpu-on", "CPU_ON of running cpu%u = %lld, expected ALREADY_ON", i,
			   (long long)r);
		return false;
	}
	may_off[i] = 1;
	if (!wait_affinity(mpidr, PSCI_AFF_OFF)) {
		guest_fail("psci/cpu-off", "cpu%u not OFF in AFFINITY_INFO within %u ms", i,
			   WAIT_MS);
		return false;
	}
	return true;
}

static void check_cpus(void)
{
	int me = guest_cpu_index();
	unsigned started = 0;
	bool ok = true;
	int64_t r;

	if (me < 0) {
		guest_fail("psci/cpu-on", "MPIDR_EL1 %#llx is not in /cpus",
			   (unsigned long long)read_sysreg(mpidr_el1));
		return;
	}
	for (unsigned i = 0; i < guest_dt.nr_cpus && ok; i++) {
		if ((int)i == me)
			continue;
		ok = cycle(i, 0) && cycle(i, 1);
		started++;
	}
	if (!ok)
		return;
	guest_printf("GUEST psci: %u secondaries started twice and stopped\n", started);
	guest_pass("psci/cpu-on");
	guest_pass("psci/cpu-off");
	r = call(PSCI_CPU_ON_64, guest_dt.cpu_mpidr[me], 0, 0);
	guest_check(r == PSCI_ALREADY_ON, "psci/cpu-on-self",
		    "CPU_ON of the calling CPU = %lld, expected ALREADY_ON", (long long)r);
	r = call(PSCI_CPU_ON_64, NO_SUCH_MPIDR, 0, 0);
	guest_check(r == PSCI_INVALID_PARAMETERS, "psci/cpu-on-bad-mpidr",
		    "CPU_ON(MPIDR %#x) = %lld, expected INVALID_PARAMETERS", NO_SUCH_MPIDR,
		    (long long)r);
	r = call(PSCI_AFFINITY_INFO_64, guest_dt.cpu_mpidr[me], 0, 0);
	if (r != PSCI_AFF_ON) {
		guest_fail("psci/affinity-info", "AFFINITY_INFO(self) = %lld, expected ON",
			   (long long)r);
		return;
	}
	r = call(PSCI_AFFINITY_INFO_64, NO_SUCH_MPIDR, 0, 0);
	guest_check(r == PSCI_INVALID_PARAMETERS, "psci/affinity-info",
		    "AFFINITY_INFO(MPIDR %#x) = %lld, expected INVALID_PARAMETERS", NO_SUCH_MPIDR,
		    (long long)r);
}

void guest_main(void)
{
	check_version();
	check_features();
	check_migrate_info_type();
	check_smccc();
	check_unknown();
	check_smc();
	check_cpus();
}
