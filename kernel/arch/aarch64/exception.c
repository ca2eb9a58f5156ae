/*
 * What happens after the vectors for exceptions taken at EL2: interrupts go
 * to the GIC (and the virtual timer and maintenance interrupts to
 * vcpu_exit.c), everything else is unexpected, so it prints a register
 * dump naming the exception class and stops this CPU.
 */
#include <arch/esr.h>
#include <arch/frame.h>
#include <arch/vcpu_exit.h>
#include <cleave/arch.h>
#include <cleave/gic.h>
#include <cleave/irq.h>
#include <cleave/klock.h>
#include <cleave/panic.h>
#include <cleave/print.h>
#include <cleave/sched.h>
#include <cleave/timer.h>

static const char *const vector_names[] = {
	"synchronous, EL2 with SP_EL0",
	"IRQ, EL2 with SP_EL0",
	"FIQ, EL2 with SP_EL0",
	"SError, EL2 with SP_EL0",
	"synchronous, EL2",
	"IRQ, EL2",
	"FIQ, EL2",
	"SError, EL2",
	"synchronous, lower EL AArch64",
	"IRQ, lower EL AArch64",
	"FIQ, lower EL AArch64",
	"SError, lower EL AArch64",
	"synchronous, lower EL AArch32",
	"IRQ, lower EL AArch32",
	"FIQ, lower EL AArch32",
	"SError, lower EL AArch32",
};

void irq_handle(void)
{
	unsigned iar = gic_ack();
	unsigned intid = iar & 0x3ff;

	if (intid >= 1020)
		return; /* spurious: nothing to acknowledge */
	if (intid == timer_intid()) {
		timer_tick();
		/* Only with a schedule set is there anything to advance (and lock for). */
		if (arch_cpu_index() == 0 && sched_has_windows()) {
			kernel_lock();
			sched_tick(); /* the boot CPU's clock drives the partition windows */
			kernel_unlock();
		}
		/* The time slice is one tick: round robin among equals. */
		sched_yield_current();
	} else if (intid == GIC_SGI_KICK) {
		/* Nothing to do: the CPU chooses again on its way out of the kernel. */
	} else if (UNLIKELY(vcpu_irq_is_ours(intid))) {
		kernel_lock();
		vcpu_irq(intid);
		kernel_unlock();
	} else {
		bool ours;

		kernel_lock();
		ours = irq_deliver(intid);
		kernel_unlock();
		if (!ours)
			kprintf("cpu%u: unexpected interrupt %u\n", arch_cpu_index(), intid);
	}
	gic_eoi(iar);
}

/* Out of line: its line buffer would give exception_entry a stack-protector check. */
static COLD void dump(const struct exc_frame *f, unsigned vector)
{
	unsigned ec = ESR_EC(f->esr);

	kprintf("EXCEPTION: EC=0x%x (%s) ELR=%#llx FAR=%#llx\n", ec, esr_class_name(ec),
		(unsigned long long)f->elr,
		(unsigned long long)(esr_far_valid(f->esr) ? f->far : 0));
	kprintf("  taken: %s on cpu%u; ESR=%#llx ISS=%#x SPSR=%#llx\n", vector_names[vector],
		arch_cpu_index(), (unsigned long long)f->esr, ESR_ISS(f->esr),
		(unsigned long long)f->spsr);
	for (unsigned i = 0; i < 31; i += 4) {
		char line[128];
		size_t n = 0;

		for (unsigned j = i; j < i + 4 && j < 31; j++)
			n += ksnprintf(line + n, sizeof(line) - n, " x%-2u=%016llx", j,
				       (unsigned long long)f->x[j]);
		kprintf(" %s\n", line);
	}
}

void exception_entry(struct exc_frame *f, unsigned vector)
{
	if (vector == VEC_CUR_SPX_IRQ) {
		irq_handle();
		return;
	}
	dump(f, vector);
	panic("unexpected exception (%s)", vector_names[vector]);
}
