/* The fake architecture (see arch/fake.h): deterministic stand-ins for the arch_* services. */
#include <arch/fake.h>
#include <cleave/arch.h>
#include <cleave/vcpu.h>

#include <string.h>

#include <stdlib.h>
#include <string.h>

unsigned fake_cpu;
struct cpu_id_regs fake_id_regs[8];
static uint64_t fake_counter;

void arch_cpu_init(void)
{
}

uint64_t arch_cpu_mpidr(void)
{
	return fake_id_regs[fake_cpu].mpidr;
}

void arch_cpu_read_id(struct cpu_id_regs *out, unsigned gic_version)
{
	(void)gic_version;
	*out = fake_id_regs[fake_cpu];
}

unsigned arch_cpu_index_any_el(void)
{
	return fake_cpu;
}

uint64_t arch_counter_read(void)
{
	return fake_counter++;
}

uint64_t arch_counter_freq(void)
{
	return 1000;
}

unsigned long arch_irq_save(void)
{
	return 0;
}

void arch_irq_restore(unsigned long flags)
{
	(void)flags;
}

void arch_irq_enable(void)
{
}

void arch_wait(void)
{
}

NORETURN void arch_halt(void)
{
	abort();
}

/* Cache and TLB maintenance: counted, so tests can check that it happened. */
unsigned fake_cache_ops[4];
unsigned fake_tlb_flushes;

void arch_cache_op(enum cache_op op, uintptr_t va, size_t size)
{
	(void)va;
	(void)size;
	fake_cache_ops[op]++;
}

void arch_zero(uintptr_t va, size_t size, bool clean)
{
	memset((void *)va, 0, size);
	if (clean)
		arch_cache_op(CACHE_CLEAN, va, size);
}

void arch_pt_written(void)
{
}

void arch_s2_flush_ipa(unsigned vmid, uint64_t ipa, uint64_t size)
{
	(void)vmid;
	(void)ipa;
	(void)size;
	fake_tlb_flushes++;
}

void arch_s2_flush_vmid(unsigned vmid)
{
	(void)vmid;
	fake_tlb_flushes++;
}

unsigned fake_kicks;

void arch_kick_cpu(unsigned cpu)
{
	(void)cpu;
	fake_kicks++;
}

void arch_evict_aspace(uintptr_t aspace)
{
	(void)aspace;
}

void arch_thread_gone(struct tcb *t)
{
	(void)t;
}

void arch_evict_thread(struct tcb *t)
{
	(void)t;
}

/* vCPUs: the state lives in memory only; three list registers as on QEMU's GICs (four, one kept).
 */
unsigned fake_vcpu_dirty;

unsigned arch_vcpu_lrs(void)
{
	return 3;
}

void arch_vcpu_dirty(struct vcpu *v)
{
	(void)v;
	fake_vcpu_dirty++;
}

void arch_vcpu_defaults(struct vcpu *v)
{
	v->sys[CL_VCPU_VMPIDR_EL2] = 1ULL << 31;
}

void arch_vcpu_complete(struct vcpu *v, struct user_regs *r, const uint64_t mr[4], unsigned len)
{
	(void)v;
	(void)mr;
	(void)len;
	r->pc += 4;
}
