/*
 * Running native components at EL0. They run with HCR_EL2.TGE set, so
 * their exceptions come straight to EL2 and EL1's stage 1 is off; with
 * HCR_EL2.DC their accesses are Normal write-back memory, and stage 2 (their
 * address space, HCR_EL2.VM) translates and isolates them. This is how seL4
 * runs native threads in hypervisor mode on cores without VHE (Armv8.0).
 * Arm ARM D1.13 (TGE) and D8.2.10 (DC).
 */
#include <arch/esr.h>
#include <arch/frame.h>
#include <arch/sysreg.h>
#include <cleave/arch.h>
#include <cleave/aspace.h>
#include <cleave/klock.h>
#include <cleave/print.h>
#include <plat_config.h>
#include <cleave/sched.h>
#include <cleave/syscall.h>

#define HCR_VM BIT(0)
#define HCR_DC BIT(12)
#define HCR_TGE BIT(27)
#define HCR_NATIVE (HCR_VM | HCR_DC | HCR_TGE | HCR_RW | HCR_IMO | HCR_FMO | HCR_AMO)

/* Which address space each CPU has in VTTBR_EL2 (0: none), and whether it runs at EL0. */
static uintptr_t loaded[PLAT_CPUS_MAX];
static bool in_user[PLAT_CPUS_MAX];

void arch_evict_aspace(uintptr_t aspace)
{
	unsigned me = arch_cpu_index();

	for (unsigned cpu = 0; cpu < PLAT_CPUS_MAX; cpu++) {
		if (cpu == me || __atomic_load_n(&loaded[cpu], __ATOMIC_ACQUIRE) != aspace)
			continue;
		arch_kick_cpu(cpu);
		/*
		 * A CPU leaves EL0 (and clears in_user) before it waits for the
		 * kernel lock this CPU holds, so this cannot deadlock. It loads an
		 * address space again only under the lock, from a live capability.
		 */
		while (__atomic_load_n(&in_user[cpu], __ATOMIC_ACQUIRE) &&
		       __atomic_load_n(&loaded[cpu], __ATOMIC_ACQUIRE) == aspace) {
		}
	}
}

static void save(struct tcb *t, const struct exc_frame *f)
{
	for (unsigned i = 0; i < 31; i++)
		t->regs.x[i] = f->x[i];
	t->regs.sp = f->sp_el0;
	t->regs.pc = f->elr;
	t->regs.spsr = f->spsr;
}

/*
 * Loads t into the frame the exception return will use, and its address
 * space into VTTBR_EL2. SPSR is forced to EL0t: whatever a thread's saved
 * state says, it cannot return anywhere but EL0.
 */
static void load(struct tcb *t, struct exc_frame *f)
{
	for (unsigned i = 0; i < 31; i++)
		f->x[i] = t->regs.x[i];
	f->sp_el0 = t->regs.sp;
	f->elr = t->regs.pc;
	f->spsr = t->regs.spsr & ~0x3ffULL; /* M[3:0] = EL0t, DAIF clear */
	__atomic_store_n(&loaded[arch_cpu_index()], t->aspace.cap.obj, __ATOMIC_RELEASE);
	write_sysreg(aspace_vttbr(t->aspace.cap.obj), vttbr_el2);
	write_sysreg(HCR_NATIVE, hcr_el2);
	/* FP/SIMD is not saved per thread yet: user code that touches it traps to its fault
	 * handler. */
	write_sysreg(CPTR_EL2_RES1 | CPTR_TFP, cptr_el2);
	isb();
	__atomic_store_n(&in_user[arch_cpu_index()], true, __ATOMIC_RELEASE);
	kernel_unlock(); /* taken on entry; the return to EL0 follows */
}

/*
 * Waits until some thread can run on this CPU. The lock is dropped while
 * idle; WFI with interrupts masked still wakes on a pending interrupt, which
 * is then taken between the unmask and the mask (no lost wake-up).
 */
static struct tcb *next_thread(void)
{
	struct tcb *t;

	for (;;) {
		t = sched_choose();
		if (t != NULL && t->aspace.cap.type == CAP_ASPACE)
			return t;
		if (t != NULL) {
			/* Its address space was deleted under it: it can never run again as it is.
			 */
			kprintf("cleave: thread %p lost its address space: stopped\n", (void *)t);
			tcb_abort_blocking(t);
			continue;
		}
		/* Idle: no address space is loaded, nothing can walk a table. */
		__atomic_store_n(&loaded[arch_cpu_index()], 0, __ATOMIC_RELEASE);
		write_sysreg(0, vttbr_el2);
		kernel_unlock();
		arch_wait();
		arch_irq_enable();
		__asm__ volatile("isb\n\tmsr daifset, #2" : : : "memory");
		kernel_lock();
	}
}

static void sync_from_user(struct tcb *t, const struct exc_frame *f)
{
	unsigned ec = ESR_EC(f->esr);
	uint64_t mr[4] = {0};

	switch (ec) {
	case 0x15: /* SVC from AArch64 */
		syscall_handle(t, ESR_ISS(f->esr) & 0xffff);
		return;
	case EC_DABT_LOW:
	case EC_IABT_LOW:
		/* Stage 1 is off, so FAR is the IPA; HPFAR_EL2 says so too (D17.2.55). */
		mr[0] = f->far;
		mr[1] = f->esr;
		mr[2] = f->elr;
		mr[3] = ec == EC_DABT_LOW && (ESR_ISS(f->esr) & BIT(6)) != 0;
		fault_handle(t, FAULT_STAGE2, mr);
		return;
	case EC_UNKNOWN:
		mr[0] = f->elr;
		mr[1] = f->esr;
		fault_handle(t, FAULT_UNDEFINED, mr);
		return;
	default:
		mr[0] = f->elr;
		mr[1] = f->esr;
		mr[2] = f->far;
		fault_handle(t, FAULT_OTHER, mr);
		return;
	}
}

void user_trap(struct exc_frame *f, unsigned vector)
{
	struct tcb *t;

	__atomic_store_n(&in_user[arch_cpu_index()], false, __ATOMIC_RELEASE);
	kernel_lock();
	t = sched_current();
	if (t != NULL)
		save(t, f);
	if (vector == VEC_LOWER64_SYNC && t != NULL)
		sync_from_user(t, f);
	else
		irq_handle();
	load(next_thread(), f);
}

void user_first(struct exc_frame *f)
{
	kernel_lock();
	load(next_thread(), f);
}
