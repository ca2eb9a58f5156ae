/*
 * vCPU objects and their invocations (docs/objects.md, "vCPUs"). A vCPU
 * holds a guest's EL1 state while the guest is not in a CPU; binding it to
 * a thread makes that thread a guest. Everything here works on the memory
 * copy: the register invocations are refused while the guest runs on a
 * CPU, and list registers written then are applied at its next entry.
 */
#include <arch/pgtable.h>
#include <cleave/arch.h>
#include <cleave/audit.h>
#include <cleave/cnode.h>
#include <cleave/invocation.h>
#include <cleave/sched.h>
#include <cleave/vcpu.h>

#include <plat_config.h>

#define SPSR_EL0T 0
/* PSTATE a VMM may set: NZCV, DAIF and M[3:0] (which must name EL0t, EL1t or EL1h). */
#define PSTATE_SETTABLE (0xf0000000ULL | 0x3c0ULL | 0xfULL)

void vcpu_init(struct vcpu *v)
{
	v->hcr = CL_HCR_GUEST_FORCED;
	v->sys[CL_VCPU_VTIMER_PRIO] = 0xa0;
	arch_vcpu_defaults(v);
}

bool vcpu_hcr_valid(uint64_t value)
{
	return (value & CL_HCR_GUEST_FORCED) == CL_HCR_GUEST_FORCED &&
	       (value & ~(CL_HCR_GUEST_FORCED | CL_HCR_GUEST_ALLOWED)) == 0;
}

uint64_t vcpu_lr_value(uint64_t virq, uint64_t priority, uint64_t flags)
{
	/* ICH_LR<n>_EL2 (IHI 0069, 12.4.6): vINTID, EOI (bit 41 when HW is 0), Priority, Group,
	 * State. */
	return virq | ((flags & CL_VIRQ_EOI) != 0 ? 1ULL << 41 : 0) | priority << 48 |
	       ((flags & CL_VIRQ_GROUP1) != 0 ? 1ULL << 60 : 0) |
	       (flags & CL_VIRQ_STATE_MASK) << 62;
}

/* The CPU whose current thread t is (its registers are there, not in memory), or -1. */
static int cpu_of(const struct tcb *t)
{
	for (unsigned cpu = 0; cpu < PLAT_CPUS_MAX; cpu++) {
		if (sched_running[cpu] == t)
			return (int)cpu;
	}
	return -1;
}

static bool on_cpu(const struct tcb *t)
{
	return cpu_of(t) >= 0;
}

/* Stops the bound thread and makes it a native thread again. */
static void unbind(struct vcpu *v)
{
	struct tcb *t = v->tcb;

	tcb_abort_blocking(t);
	arch_evict_thread(t);
	t->vcpu = NULL;
	t->regs.spsr = SPSR_EL0T;
	v->tcb = NULL;
	arch_vcpu_dirty(v);
}

void vcpu_destroy(struct vcpu *v)
{
	if (v->tcb != NULL)
		unbind(v);
	arch_vcpu_dirty(v);
}

void vcpu_thread_gone(struct tcb *t)
{
	t->vcpu->tcb = NULL;
	arch_vcpu_dirty(t->vcpu);
	t->vcpu = NULL;
}

static unsigned bind(struct invocation *inv, struct vcpu *v)
{
	struct cte *c;
	struct tcb *t;
	unsigned err = lookup_cap(inv->root, inv->args[CL_ARG_VCPU_BIND_TCB], &c);

	if (err != CL_OK)
		return err;
	if (c->cap.type != CAP_TCB)
		return CL_WRONG_TYPE;
	t = (struct tcb *)c->cap.obj;
	if (v->tcb != NULL || t->vcpu != NULL)
		return CL_IN_USE;
	if (t->state != TCB_INACTIVE || on_cpu(t))
		return CL_ILLEGAL;
	v->tcb = t;
	t->vcpu = v;
	t->regs.spsr = VCPU_SPSR_START;
	return CL_OK;
}

static bool read_only(uint64_t reg)
{
	return reg == CL_VCPU_VGIC_LRS || reg == CL_VCPU_HCR_EL2 || reg >= CL_VCPU_LR0;
}

static unsigned read_sysreg(struct invocation *inv, struct vcpu *v)
{
	uint64_t reg = inv->args[CL_ARG_VCPU_READ_SYSREG_REG];

	if (reg >= CL_VCPU_LR0 + arch_vcpu_lrs() + (arch_vcpu_lrs() != 0))
		return CL_INVALID_ARG; /* the list registers this machine has, the kernel's too */
	if (v->tcb != NULL && on_cpu(v->tcb))
		return CL_ILLEGAL;
	if (reg == CL_VCPU_VGIC_LRS)
		inv->results[0] = arch_vcpu_lrs();
	else if (reg == CL_VCPU_HCR_EL2)
		inv->results[0] = v->hcr;
	else
		inv->results[0] = v->sys[reg];
	inv->nresults = 1;
	return CL_OK;
}

static unsigned write_sysreg(struct invocation *inv, struct vcpu *v)
{
	uint64_t reg = inv->args[CL_ARG_VCPU_WRITE_SYSREG_REG];
	uint64_t value = inv->args[CL_ARG_VCPU_WRITE_SYSREG_VALUE];

	if (reg >= CL_VCPU_NUM_REGS || read_only(reg) ||
	    (reg == CL_VCPU_VTIMER_PRIO && value > 0xff) ||
	    (reg == CL_VCPU_ICH_VMCR_EL2 && value >> 32 != 0))
		return CL_INVALID_ARG;
	if (v->tcb != NULL && on_cpu(v->tcb))
		return CL_ILLEGAL;
	if (reg == CL_VCPU_VMPIDR_EL2)
		value |= 1ULL << 31; /* RES1 (Arm ARM, VMPIDR_EL2) */
	audit_sysreg(v, (unsigned)reg, value, v->sys[reg], CL_AUDIT_BY_VMM);
	v->sys[reg] = value;
	arch_vcpu_dirty(v);
	return CL_OK;
}

static uint64_t *gpr(struct tcb *t, uint64_t index)
{
	if (index < 31)
		return &t->regs.x[index];
	if (index == CL_VCPU_GPR_SP_EL0)
		return &t->regs.sp;
	return index == CL_VCPU_GPR_PC ? &t->regs.pc : &t->regs.spsr;
}

static bool pstate_valid(uint64_t value)
{
	unsigned mode = (unsigned)(value & 0xf);

	return (value & ~PSTATE_SETTABLE) == 0 && (mode == 0x0 || mode == 0x4 || mode == 0x5);
}

static unsigned gpr_access(struct invocation *inv, struct vcpu *v, bool write)
{
	uint64_t index = inv->args[0];
	uint64_t value = inv->args[1];

	if (index >= CL_VCPU_NUM_GPRS ||
	    (write && index == CL_VCPU_GPR_PSTATE && !pstate_valid(value)))
		return CL_INVALID_ARG;
	if (v->tcb == NULL || on_cpu(v->tcb))
		return CL_ILLEGAL;
	if (write) {
		*gpr(v->tcb, index) = value;
	} else {
		inv->results[0] = *gpr(v->tcb, index);
		inv->nresults = 1;
	}
	return CL_OK;
}

static unsigned inject(struct invocation *inv, struct vcpu *v)
{
	uint64_t lr = inv->args[CL_ARG_VCPU_INJECT_LR];
	uint64_t virq = inv->args[CL_ARG_VCPU_INJECT_VIRQ];
	uint64_t prio = inv->args[CL_ARG_VCPU_INJECT_PRIORITY];
	uint64_t flags = inv->args[CL_ARG_VCPU_INJECT_FLAGS];
	uint64_t value;

	if (arch_vcpu_lrs() == 0)
		return CL_ILLEGAL;
	if (lr >= arch_vcpu_lrs() || virq > 1019 || prio > 0xff ||
	    (flags & ~(uint64_t)(CL_VIRQ_STATE_MASK | CL_VIRQ_GROUP1 | CL_VIRQ_EOI)) != 0)
		return CL_INVALID_ARG;
	value = (flags & CL_VIRQ_STATE_MASK) == 0 ? 0 : vcpu_lr_value(virq, prio, flags);
	if (v->tcb != NULL && on_cpu(v->tcb)) {
		/* In the guest's CPU now: applied at its next entry, which the kick brings on. */
		v->lr_pending[lr] = value;
		v->lr_pending_mask |= (uint16_t)(1U << lr);
		arch_kick_cpu((unsigned)cpu_of(v->tcb));
		return CL_OK;
	}
	v->sys[CL_VCPU_LR0 + lr] = value;
	arch_vcpu_dirty(v);
	return CL_OK;
}

/* Counted under the kernel lock, as this runs: a read while the guest runs is a snapshot. */
static unsigned read_exits(struct invocation *inv, const struct vcpu *v)
{
	uint64_t first = inv->args[CL_ARG_VCPU_READ_EXITS_FIRST];

	if (first >= CL_VCPU_NUM_EXIT_KINDS)
		return CL_INVALID_ARG;
	inv->nresults = 0;
	for (uint64_t k = first; k < CL_VCPU_NUM_EXIT_KINDS && inv->nresults < 4; k++)
		inv->results[inv->nresults++] = v->exits[k];
	return CL_OK;
}

/*
 * The MMIO fast path (docs/vmm.md, "The MMIO fast path"). Under QEMU an exit
 * to the VMM costs far more than its instructions: the switch to the VMM's
 * address space and back flushes QEMU's TLB, which the guest then refills
 * through both stages. A UART costs two such exits per character (a load of
 * its flag register, a store to its data register); here the kernel answers
 * the load with the value the VMM set and keeps the stored byte, and the
 * VMM takes the bytes before its next access to the device. The VMM chooses the stop
 * byte (a newline) that exits at once, so output still comes a line at a
 * time. Nothing here reaches beyond the vCPU: a VMM can only change what
 * its own guest's loads return, as it can by emulating them.
 */
static unsigned fast_ipa_check(uint64_t ipa)
{
	if ((ipa & 3) != 0)
		return CL_MISALIGNED;
	return ipa >> PT_VA_BITS != 0 ? CL_INVALID_ARG : CL_OK;
}

static unsigned set_fast_read(struct invocation *inv, struct vcpu *v)
{
	uint64_t ipa = inv->args[CL_ARG_VCPU_SET_FAST_READ_IPA];
	unsigned err = fast_ipa_check(ipa);

	if (err != CL_OK)
		return err;
	v->fast_read_ipa = ipa;
	v->fast_read_value = inv->args[CL_ARG_VCPU_SET_FAST_READ_VALUE];
	return CL_OK;
}

static unsigned set_fast_write(struct invocation *inv, struct vcpu *v)
{
	uint64_t ipa = inv->args[CL_ARG_VCPU_SET_FAST_WRITE_IPA];
	uint64_t stop = inv->args[CL_ARG_VCPU_SET_FAST_WRITE_STOP];
	unsigned err = fast_ipa_check(ipa);

	if (err != CL_OK)
		return err;
	if (stop > CL_VCPU_FAST_NO_STOP)
		return CL_INVALID_ARG;
	v->fast_write_ipa = ipa;
	v->fast_stop = (uint16_t)stop;
	return CL_OK;
}

static unsigned take_writes(struct invocation *inv, struct vcpu *v)
{
	inv->results[0] = v->fast_len;
	for (unsigned w = 0; w < 3; w++) {
		uint64_t word = 0;

		for (unsigned b = 0; b < 8; b++) {
			unsigned at = w * 8 + b;

			if (at < v->fast_len)
				word |= (uint64_t)v->fast_bytes[at] << (8 * b);
		}
		inv->results[1 + w] = word;
	}
	inv->nresults = 4;
	v->fast_len = 0;
	return CL_OK;
}

bool vcpu_fast_mmio(struct vcpu *v, uint64_t ipa, bool write, uint64_t value, uint64_t *loaded)
{
	if (ipa == 0)
		return false;
	if (!write) {
		if (ipa != v->fast_read_ipa)
			return false;
		*loaded = v->fast_read_value;
		return true;
	}
	if (ipa != v->fast_write_ipa || (value & 0xff) == v->fast_stop ||
	    v->fast_len == CL_VCPU_FAST_WRITES)
		return false;
	v->fast_bytes[v->fast_len++] = (uint8_t)value;
	return true;
}

unsigned vcpu_invoke(struct invocation *inv)
{
	struct vcpu *v = (struct vcpu *)inv->target->cap.obj;

	switch (inv->label) {
	case CL_LABEL_VCPU_BIND:
		return bind(inv, v);
	case CL_LABEL_VCPU_UNBIND:
		if (v->tcb == NULL)
			return CL_ILLEGAL;
		unbind(v);
		return CL_OK;
	case CL_LABEL_VCPU_READ_SYSREG:
		return read_sysreg(inv, v);
	case CL_LABEL_VCPU_WRITE_SYSREG:
		return write_sysreg(inv, v);
	case CL_LABEL_VCPU_READ_GPR:
		return gpr_access(inv, v, false);
	case CL_LABEL_VCPU_WRITE_GPR:
		return gpr_access(inv, v, true);
	case CL_LABEL_VCPU_SET_TRAPS:
		if (!vcpu_hcr_valid(inv->args[0]))
			return CL_INVALID_ARG;
		v->hcr = inv->args[0];
		audit_traps(v, v->hcr);
		return CL_OK;
	case CL_LABEL_VCPU_INJECT:
		return inject(inv, v);
	case CL_LABEL_VCPU_READ_EXITS:
		return read_exits(inv, v);
	case CL_LABEL_VCPU_SET_FAST_READ:
		return set_fast_read(inv, v);
	case CL_LABEL_VCPU_SET_FAST_WRITE:
		return set_fast_write(inv, v);
	case CL_LABEL_VCPU_TAKE_WRITES:
		return take_writes(inv, v);
	default:
		return CL_UNKNOWN_LABEL;
	}
}

void vcpu_exit_reply(struct tcb *t, unsigned label, const uint64_t mr[4], unsigned len)
{
	if (label == CL_VCPU_REPLY_EMULATED)
		arch_vcpu_complete(t->vcpu, &t->regs, mr, len);
}
