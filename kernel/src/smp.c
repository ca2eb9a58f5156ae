/*
 * Bringing up the secondary CPUs. They are started one at a time through
 * PSCI CPU_ON, each with its logical index as the context id, and each runs
 * the same checks as the boot CPU on itself before it counts as online.
 */
#include <arch/frame.h>
#include <cleave/arch.h>
#include <cleave/cpu.h>
#include <cleave/gic.h>
#include <cleave/panic.h>
#include <cleave/print.h>
#include <cleave/psci.h>
#include <cleave/smp.h>
#include <cleave/timer.h>

#define MPIDR_AFF_MASK 0xff00ffffffULL
#define START_TIMEOUT_MS 2000

/* The requirements every CPU is checked against; set by the boot CPU before it starts others. */
struct cpu_requirements smp_requirements;
/* Set by the boot CPU once user level exists. */
bool smp_user_ready;

void secondary_entry(void);

static bool wait_started(unsigned idx)
{
	uint64_t end = arch_counter_read() + arch_counter_freq() * START_TIMEOUT_MS / 1000;

	while (__atomic_load_n(&cpus[idx].state, __ATOMIC_ACQUIRE) == CPU_STARTING) {
		if (arch_counter_read() > end)
			return false;
	}
	return true;
}

bool smp_boot_cpu_listed(const struct boot_info *bi)
{
	uint64_t self = arch_cpu_mpidr() & MPIDR_AFF_MASK;

	for (unsigned i = 0; i < bi->num_cpus; i++) {
		if ((bi->cpu_mpidr[i] & MPIDR_AFF_MASK) == self)
			return true;
	}
	return false;
}

unsigned smp_start_secondaries(const struct boot_info *bi)
{
	uint64_t self = arch_cpu_mpidr() & MPIDR_AFF_MASK;
	unsigned online = 1;
	unsigned idx = 1;

	for (unsigned i = 0; i < bi->num_cpus; i++) {
		uint64_t mpidr = bi->cpu_mpidr[i];
		int rc;

		if ((mpidr & MPIDR_AFF_MASK) == self)
			continue;
		if (idx == PLAT_CPUS_MAX) {
			kprintf("cpu: mpidr %#llx and later not started: the platform has %u "
				"CPUs\n",
				(unsigned long long)mpidr, PLAT_CPUS_MAX);
			break;
		}
		cpus[idx].mpidr = mpidr;
		cpus[idx].state = CPU_STARTING;
		rc = psci_cpu_on(mpidr, (uint64_t)(uintptr_t)secondary_entry, idx);
		if (rc != PSCI_SUCCESS) {
			cpus[idx].state = CPU_OFFLINE;
			kprintf("cpu%u: offline: PSCI CPU_ON(mpidr %#llx) failed: %s\n", idx,
				(unsigned long long)mpidr, psci_error_name(rc));
		} else if (!wait_started(idx)) {
			cpus[idx].state = CPU_OFFLINE;
			kprintf("cpu%u: offline: did not come up within %u ms\n", idx,
				START_TIMEOUT_MS);
		} else if (cpus[idx].state == CPU_ONLINE) {
			online++;
		}
		idx++;
	}
	return online;
}

NORETURN void secondary_main(unsigned idx)
{
	arch_cpu_init();
	if (!cpu_bringup_check(idx, &smp_requirements))
		goto offline;
	if (!gic_cpu_init()) {
		cpu_mark_offline(idx, "GIC CPU interface did not initialise");
		goto offline;
	}
	cpu_mark_online(idx);
	gic_enable_ppi(GIC_SGI_KICK);
	timer_cpu_start();
	arch_irq_enable();
	/* Wait for the boot CPU to make the root component, then schedule threads here. */
	while (!__atomic_load_n(&smp_user_ready, __ATOMIC_ACQUIRE))
		arch_wait();
	user_start();
offline:
	/* Back to firmware; if CPU_OFF returns, park here with interrupts masked. */
	psci_cpu_off();
	arch_halt();
}
