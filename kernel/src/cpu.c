/*
 * Per-CPU records and the bring-up check. Every CPU checks itself, not only
 * the boot CPU: on big.LITTLE systems the cores differ, and a check run on
 * one core says nothing about the others (seed 001).
 */
#include <cleave/arch.h>
#include <cleave/cpu.h>
#include <cleave/print.h>
#include <cleave/spinlock.h>

struct cpu cpus[PLAT_CPUS_MAX];
struct cpu_system cpu_sys;
static struct spinlock cpu_sys_lock = SPINLOCK_INIT;

bool cpu_bringup_check(unsigned idx, const struct cpu_requirements *req)
{
	struct cpu *c = &cpus[idx];

	arch_cpu_read_id(&c->regs, req->gic_version);
	c->check = cpu_features_check(&c->regs, req, &c->features);
	if (c->check != CPU_OK) {
		cpu_mark_offline(idx, cpu_check_reason(c->check));
		return false;
	}
	return true;
}

void cpu_mark_offline(unsigned idx, const char *reason)
{
	kprintf("cpu%u: offline: %s\n", idx, reason);
	__atomic_store_n(&cpus[idx].state, CPU_OFFLINE, __ATOMIC_RELEASE);
}

void cpu_mark_online(unsigned idx)
{
	struct cpu *c = &cpus[idx];
	const struct cpu_id_regs *regs = &c->regs;

	spin_lock(&cpu_sys_lock);
	cpu_system_add(&cpu_sys, &c->features);
	spin_unlock(&cpu_sys_lock);
	kprintf("cpu%u: online: mpidr %#llx, %s r%llup%llu (midr %#x), D/I line %u/%u B, "
		"PA %u bits, VMID %u bits\n",
		idx, (unsigned long long)regs->mpidr, cpu_part_name(c->features.midr),
		(unsigned long long)FIELD(regs->midr, 23, 20),
		(unsigned long long)FIELD(regs->midr, 3, 0), c->features.midr, c->features.dline,
		c->features.iline, c->features.pa_bits, c->features.vmid_bits);
	__atomic_store_n(&c->state, CPU_ONLINE, __ATOMIC_RELEASE);
}

void cpu_report_system(void)
{
	const struct cpu_system *s = &cpu_sys;

	kprintf("cpus: %u online; guests see midr %#x; smallest D/I line %u/%u B; PA %u bits; "
		"VMID %u bits\n",
		s->ncpus, s->guest_midr, s->min_dline, s->min_iline, s->pa_bits, s->vmid_bits);
	if (s->midr_mixed)
		kprintf("cpus: heterogeneous: MIDR differs between CPUs; guests get one identity "
			"(VPIDR_EL2 = %#x)\n",
			s->guest_midr);
	if (s->lines_mixed)
		kprintf("cpus: heterogeneous: cache line sizes differ; cache maintenance uses the "
			"smallest (%u/%u B)\n",
			s->min_dline, s->min_iline);
}
