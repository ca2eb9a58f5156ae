/*
 * FP/SIMD state of user threads, switched lazily. A thread's registers live
 * in the CPU only while it is that CPU's "owner"; every other thread runs
 * with CPTR_EL2.TFP set, and its first FP/SIMD instruction traps (EC 0x07,
 * Arm ARM D17.2.30) to fpsimd_trap(), which loads its state. When a CPU
 * switches to another thread, the owner's state is saved to its TCB at once,
 * so a thread can move to another CPU with its state in memory. Threads that
 * never touch FP/SIMD (the kernel's own, most servers) cost nothing.
 */
#include <arch/fpsimd.h>
#include <arch/sysreg.h>
#include <cleave/arch.h>
#include <plat_config.h>

static struct tcb *owner[PLAT_CPUS_MAX];

void fpsimd_save(struct fpsimd_state *s);
void fpsimd_load(const struct fpsimd_state *s);

/* The kernel touches FP registers only here, with the trap lifted for EL2 too. */
static void open_fp(void)
{
	write_sysreg(CPTR_EL2_RES1, cptr_el2);
	isb();
}

uint64_t fpsimd_switch_to(struct tcb *t, bool *clobbered)
{
	unsigned cpu = arch_cpu_index();
	struct tcb *o = owner[cpu];

	*clobbered = false;
	if (o == t)
		return CPTR_EL2_RES1;
	if (o != NULL) {
		open_fp();
		fpsimd_save(&o->fp);
		owner[cpu] = NULL;
		*clobbered = true;
	}
	return CPTR_EL2_RES1 | CPTR_TFP;
}

void fpsimd_trap(struct tcb *t)
{
	unsigned cpu = arch_cpu_index();

	open_fp();
	if (owner[cpu] != NULL && owner[cpu] != t)
		fpsimd_save(&owner[cpu]->fp);
	fpsimd_load(&t->fp);
	owner[cpu] = t;
}

void arch_thread_gone(struct tcb *t)
{
	for (unsigned cpu = 0; cpu < PLAT_CPUS_MAX; cpu++) {
		if (owner[cpu] == t)
			owner[cpu] = NULL; /* its registers hold nothing anyone needs */
	}
}
