/*
 * Running native components at EL0. They run with HCR_EL2.TGE set, so
 * their exceptions come straight to EL2 and EL1's stage 1 is off; with
 * HCR_EL2.DC their accesses are Normal write-back memory, and stage 2 (their
 * address space, HCR_EL2.VM) translates and isolates them. This is how seL4
 * runs native threads in hypervisor mode on cores without VHE (Armv8.0).
 * Arm ARM D1.13 (TGE) and D8.2.10 (DC).
 *
 * vectors.S saves a thread's registers straight into its TCB (SP_EL2 points
 * at them while it runs at EL0) and restores the next thread's from the
 * block user_trap() returns; this file decides what happens in between.
 *
 * A thread with a bound vCPU is a guest: it runs at EL1 with its vCPU's
 * HCR_EL2 (no TGE), enters through the same vectors and block, and its
 * exits go to vcpu_exit.c; load() calls the world switch (vcpu_switch.c)
 * when a guest comes or goes.
 */
#include <arch/esr.h>
#include <arch/fpsimd.h>
#include <arch/frame.h>
#include <arch/sysreg.h>
#include <arch/vcpu_decode.h>
#include <arch/vcpu_exit.h>
#include <arch/vcpu_switch.h>
#include <cleave/arch.h>
#include <cleave/aspace.h>
#include <cleave/audit.h>
#include <cleave/klock.h>
#include <cleave/panic.h>
#include <cleave/print.h>
#include <plat_config.h>
#include <cleave/sched.h>
#include <cleave/syscall.h>

#define HCR_VM BIT(0)
#define HCR_DC BIT(12)
#define HCR_TGE BIT(27)
#define HCR_NATIVE (HCR_VM | HCR_DC | HCR_TGE | HCR_RW | HCR_IMO | HCR_FMO | HCR_AMO)

/* Each CPU's user-level state (arch/frame.h); vectors.S reads kstack. */
struct cpu_user cpu_users[PLAT_CPUS_MAX];

static struct cpu_user *this_cpu(void)
{
	return &cpu_users[arch_cpu_index()];
}

/* Does the CPU have this address space loaded, or this thread's registers in its SP_EL2? */
static bool holds(struct cpu_user *c, uintptr_t aspace, const struct tcb *t)
{
	return (aspace != 0 && __atomic_load_n(&c->loaded, __ATOMIC_ACQUIRE) == aspace) ||
	       (t != NULL && __atomic_load_n(&c->running, __ATOMIC_ACQUIRE) == t);
}

/*
 * Makes every other CPU that holds the address space or the thread leave
 * EL0 before this returns. A CPU leaves EL0 (and clears in_user) before it
 * waits for the kernel lock this CPU holds, so this cannot deadlock; it
 * goes back only under the lock, with what a live capability names.
 */
static void evict(uintptr_t aspace, const struct tcb *t)
{
	unsigned me = arch_cpu_index();

	for (unsigned cpu = 0; cpu < PLAT_CPUS_MAX; cpu++) {
		struct cpu_user *c = &cpu_users[cpu];

		if (cpu == me || !holds(c, aspace, t))
			continue;
		arch_kick_cpu(cpu);
		while (__atomic_load_n(&c->in_user, __ATOMIC_ACQUIRE) && holds(c, aspace, t)) {
		}
	}
}

void arch_evict_aspace(uintptr_t aspace)
{
	evict(aspace, NULL);
}

/*
 * A thread is being destroyed. A CPU running it at EL0 saves its registers
 * into its TCB on its next entry, which must not come after the memory can
 * be reused: wait until every such CPU has entered the kernel (and saved).
 */
void arch_evict_thread(struct tcb *t)
{
	evict(0, t);
}

/*
 * Writes the EL2 controls for user level only when they change: most
 * returns go back to the same address space, and on hardware a write to
 * VTTBR_EL2 or HCR_EL2, and the ISB after it, cost far more than a load and
 * compare. Every other write of these registers after boot restores the
 * value it found (s2tlb.c) or goes through c->vttbr (the idle loop).
 */
static void set_el2_controls(struct cpu_user *c, uint64_t vttbr, uint64_t hcr, uint64_t cptr)
{
	bool changed = false;

	if (c->vttbr != vttbr) {
		write_sysreg(vttbr, vttbr_el2);
		c->vttbr = vttbr;
		changed = true;
	}
	if (c->hcr != hcr || c->cptr != cptr) {
		/*
		 * Leaving a guest for a native thread: a guest's HCR_EL2 never equals
		 * HCR_NATIVE (it lacks TGE), so this costs the native path nothing.
		 */
		if (UNLIKELY(c->in_guest) && hcr == HCR_NATIVE)
			vcpu_switch(c, NULL);
		write_sysreg(hcr, hcr_el2);
		write_sysreg(cptr, cptr_el2);
		c->hcr = hcr;
		c->cptr = cptr;
		changed = true;
	}
	if (changed)
		isb();
}

/* Makes t the thread this CPU returns to, with its address space; returns its registers. */
static struct user_regs *load(struct cpu_user *c, struct tcb *t)
{
	__atomic_store_n(&c->loaded, t->aspace.cap.obj, __ATOMIC_RELEASE);
	__atomic_store_n(&c->running, t, __ATOMIC_RELEASE);
	bool clobbered;
	/* FP/SIMD: the registers are t's only if it owns them; else its first use traps. */
	uint64_t cptr = fpsimd_switch_to(t, &clobbered);
	uint64_t hcr = HCR_NATIVE;

	if (clobbered)
		c->cptr = CPTR_EL2_RES1; /* fpsimd opened FP/SIMD to save another's registers */
	/* A guest to enter: the world switch (vcpu_switch.c); leaving one: set_el2_controls. */
	if (UNLIKELY(t->vcpu != NULL))
		hcr = vcpu_switch(c, t->vcpu);
	set_el2_controls(c, aspace_vttbr(t->aspace.cap.obj), hcr, cptr);
	__atomic_store_n(&c->in_user, true, __ATOMIC_RELEASE);
	kernel_unlock(); /* taken on entry; the return to EL0 follows */
	return &t->regs;
}

/*
 * Waits until some thread can run on this CPU. The lock is dropped while
 * idle; WFI with interrupts masked still wakes on a pending interrupt, which
 * is then taken between the unmask and the mask (no lost wake-up).
 */
static struct tcb *next_thread(struct cpu_user *c)
{
	struct tcb *t;

	for (;;) {
		t = sched_choose();
		if (t != NULL && t->aspace.cap.type == CAP_ASPACE) {
			audit_cpu_idle(arch_cpu_index(), false);
			return t;
		}
		if (t != NULL) {
			/* Its address space was deleted under it: it can never run again as it is.
			 */
			kprintf("cleave: thread %p lost its address space: stopped\n", (void *)t);
			tcb_abort_blocking(t);
			continue;
		}
		/* Idle: no guest state stays in the registers, no address space is loaded. */
		if (c->in_guest)
			vcpu_switch(c, NULL);
		/* When every CPU is idle, an audit kernel prints its record (audit.c). */
		audit_cpu_idle(arch_cpu_index(), true);
		__atomic_store_n(&c->loaded, 0, __ATOMIC_RELEASE);
		write_sysreg(0, vttbr_el2);
		c->vttbr = 0;
		kernel_unlock();
		arch_wait();
		arch_irq_enable();
		__asm__ volatile("isb\n\tmsr daifset, #2" : : : "memory");
		kernel_lock();
	}
}

/* Out of line: its message array would give the system-call path a stack-protector check. */
static COLD void fault_from_user(struct tcb *t, uint64_t esr, unsigned ec)
{
	uint64_t far = read_sysreg(far_el2);
	uint64_t mr[4] = {0};

	/*
	 * A first touch of a frame not zeroed yet: zeroed now, and the access tried again.
	 * The page is HPFAR's: an access across a page boundary may leave FAR in the
	 * page before, which is mapped (D17.2.55).
	 */
	if (esr_lower_leaf_translation_fault(esr) &&
	    aspace_touch(t->aspace.cap.obj, vcpu_fault_ipa(read_sysreg(hpfar_el2), far)))
		return;
	switch (ec) {
	case EC_DABT_LOW:
	case EC_IABT_LOW:
		/* Stage 1 is off, so FAR is the IPA; HPFAR_EL2 says so too (D17.2.55). */
		mr[0] = far;
		mr[1] = esr;
		mr[2] = t->regs.pc;
		mr[3] = ec == EC_DABT_LOW && (ESR_ISS(esr) & BIT(6)) != 0;
		fault_handle(t, FAULT_STAGE2, mr);
		return;
	case EC_UNKNOWN:
		mr[0] = t->regs.pc;
		mr[1] = esr;
		fault_handle(t, FAULT_UNDEFINED, mr);
		return;
	default:
		mr[0] = t->regs.pc;
		mr[1] = esr;
		mr[2] = far;
		fault_handle(t, FAULT_OTHER, mr);
		return;
	}
}

/* FP/SIMD trapped by CPTR_EL2.TFP: load its registers, then run it again. Out of line,
 * with a guest's count, so that sync_from_user() stays short for system calls. */
static COLD void fpsimd_from_user(struct cpu_user *c, struct tcb *t)
{
	if (c->in_guest)
		vcpu_count_entry(c, CL_VCPU_EXIT_FPSIMD);
	fpsimd_trap(t);
	c->cptr = CPTR_EL2_RES1;
}

/* ESR_EL2 still describes this exception: nothing at EL2 has taken another since. */
static void sync_from_user(struct cpu_user *c, struct tcb *t)
{
	uint64_t esr = read_sysreg(esr_el2);
	unsigned ec = ESR_EC(esr);

	if (ec == 0x15) { /* SVC from AArch64 */
		syscall_handle(t, ESR_ISS(esr) & 0xffff);
	} else if (ec == EC_FPSIMD) {
		fpsimd_from_user(c, t);
	} else if (c->in_guest) {
		/* A guest's exit. (A guest cannot raise an SVC exception at EL2: none above.) */
		vcpu_exit_sync(c, t, esr);
	} else {
		fault_from_user(t, esr, ec);
	}
}

/* FIQ, SError or AArch32 from EL0: none can happen here; dump the thread's registers and stop. */
static COLD NORETURN void unexpected_from_user(struct cpu_user *c, unsigned vector)
{
	struct exc_frame f = {
		.elr = read_sysreg(elr_el2),
		.spsr = read_sysreg(spsr_el2),
		.esr = read_sysreg(esr_el2),
		.far = read_sysreg(far_el2),
	};

	if (c->running != NULL) {
		for (unsigned i = 0; i < 31; i++)
			f.x[i] = c->running->regs.x[i];
		f.sp_el0 = c->running->regs.sp;
	}
	exception_entry(&f, vector);
	panic("unexpected exception from EL0");
}

/*
 * The other lower-EL vectors: only a guest takes them (its EL0 may run
 * AArch32, vectors 12-15, and its SErrors are routed here by HCR_EL2.AMO);
 * from a native thread they are unexpected. Out of line, so the hot path
 * of user_trap() stays as it was.
 */
static COLD struct user_regs *other_vector(struct cpu_user *c, unsigned vector)
{
	struct tcb *t;
	unsigned kind = vector & 3;

	if (!c->in_guest)
		unexpected_from_user(c, vector);
	__atomic_store_n(&c->in_user, false, __ATOMIC_RELEASE);
	kernel_lock();
	t = sched_current();
	if (kind == 0 && t != NULL) {
		sync_from_user(c, t);
	} else if (kind == 3 && t != NULL) {
		vcpu_exit_serror(c, t);
	} else if (kind == 1) {
		vcpu_count_entry(c, CL_VCPU_EXIT_IRQ);
		irq_handle();
	} else if (kind == 2) {
		vcpu_count_entry(c, CL_VCPU_EXIT_OTHER); /* FIQ: nothing raises one; it goes on */
	}
	return load(c, next_thread(c));
}

struct user_regs *user_trap(unsigned vector)
{
	struct cpu_user *c = this_cpu();
	struct tcb *t;

	if (UNLIKELY(vector != VEC_LOWER64_SYNC && vector != VEC_LOWER64_IRQ))
		return other_vector(c, vector);
	__atomic_store_n(&c->in_user, false, __ATOMIC_RELEASE);
	kernel_lock();
	/* The registers went to c->running; it is the current thread unless that was destroyed. */
	t = sched_current();
	if (vector == VEC_LOWER64_SYNC && t != NULL) {
		sync_from_user(c, t);
	} else {
		if (UNLIKELY(c->in_guest))
			vcpu_count_entry(c, CL_VCPU_EXIT_IRQ);
		irq_handle();
	}
	return load(c, next_thread(c));
}

struct user_regs *user_first(void)
{
	struct cpu_user *c = this_cpu();

	kernel_lock();
	return load(c, next_thread(c));
}
