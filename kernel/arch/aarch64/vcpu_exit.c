/*
 * Guest exits. A guest's exception to EL2 that the kernel does not handle
 * itself becomes a fault message on its thread's fault endpoint (labels
 * CL_FAULT_VCPU_* in idl/abi.yaml) carrying what a VMM needs to emulate the
 * common cases without asking again; the reply resumes the guest, and a
 * reply saying "emulated" completes the instruction (arch_vcpu_complete).
 *
 * The virtual timer is the kernel's business: when it fires for the guest
 * a CPU runs, the kernel masks its PPI, puts the virtual interrupt in the
 * list register it keeps for it (with EOI maintenance), and unmasks the PPI
 * when the guest deactivates it. A guest's timer tick costs no message.
 * Maintenance for list registers the VMM filled with CL_VIRQ_EOI is
 * reported to the VMM (vcpu_maintenance).
 *
 * Reads of the ID registers (trapped by HCR_EL2.TID3 on CPUs with features
 * a guest must not see) are answered here with what vcpu_idreg.c lets
 * through, and the debug and PMU registers MDCR_EL2 traps read as zero and
 * ignore writes (vcpu_mdcr.c); neither costs a message. Nor do the loads
 * and stores the VMM gave to the MMIO fast path (vcpu_fast_mmio in vcpu.c).
 *
 * Every entry from a guest is counted in its vCPU by kind (enum
 * cl_vcpu_exit_kind, read with vcpu read_exits): one increment of a word
 * the exit path touches anyway, under the kernel lock. The aborts and the
 * system-register accesses answered here count as `stage2` and `sysreg` like
 * the others, and again as `fast` and `sysreg_kernel`, so that the VMM's
 * count of those it served is the difference.
 */
#include <arch/esr.h>
#include <arch/sysreg.h>
#include <arch/vcpu_decode.h>
#include <arch/vcpu_exit.h>
#include <arch/vcpu_idreg.h>
#include <arch/vcpu_mdcr.h>
#include <arch/vcpu_switch.h>
#include <arch/vgic.h>
#include <cleave/arch.h>
#include <cleave/aspace.h>
#include <cleave/gic.h>
#include <cleave/print.h>
#include <cleave/sched.h>

static uint64_t reg(const struct tcb *t, unsigned n)
{
	return n == 31 ? 0 : t->regs.x[n]; /* register 31 is XZR here */
}

static void send(struct tcb *t, struct vcpu *v, unsigned label, uint64_t esr, const uint64_t mr[4])
{
	v->exit_esr = (uint32_t)esr;
	v->exit_label = (uint16_t)label;
	if (ipc_send_fault(t, label, mr))
		return;
	kprintf("cleave: guest %p: exit %#x (esr %#llx) at pc %#llx, no fault handler: stopped\n",
		(void *)t, label, (unsigned long long)esr, (unsigned long long)t->regs.pc);
	tcb_abort_blocking(t);
}

/* ID group 3 by encoding: op0 3, op1 0, CRn 0, CRm 1..7 (RAZ where unallocated, D18.3). */
#define IDREG_CASE(crm, op2)               \
	case CL_SYSREG(3, 0, 0, crm, op2): \
		return read_sysreg(S3_0_C0_C##crm##_##op2)
#define IDREG_ROW(crm)      \
	IDREG_CASE(crm, 0); \
	IDREG_CASE(crm, 1); \
	IDREG_CASE(crm, 2); \
	IDREG_CASE(crm, 3); \
	IDREG_CASE(crm, 4); \
	IDREG_CASE(crm, 5); \
	IDREG_CASE(crm, 6); \
	IDREG_CASE(crm, 7)

static uint64_t idreg_raw(uint64_t key)
{
	switch (key) {
		IDREG_ROW(1);
		IDREG_ROW(2);
		IDREG_ROW(3);
		IDREG_ROW(4);
		IDREG_ROW(5);
		IDREG_ROW(6);
		IDREG_ROW(7);
	default:
		return 0;
	}
}

/* A trapped read of an ID register: the guest's value, the instruction completed. */
static bool idreg_read(struct tcb *t, uint32_t iss)
{
	uint64_t key = esr_sysreg_key(iss);
	unsigned rt = esr_sysreg_rt(iss);

	if (!esr_sysreg_read(iss) || !vcpu_idreg_is_group3(key))
		return false;
	if (rt != 31)
		t->regs.x[rt] = vcpu_idreg_value(key, idreg_raw(key));
	t->regs.pc += 4;
	return true;
}

/* The instruction's length: ESR_EL2.IL (D17.2.37) says 32 bits, else a 16-bit T32 one. */
static uint64_t insn_len(uint32_t esr)
{
	return (esr & BIT(25)) != 0 ? 4 : 2;
}

/*
 * A data abort the MMIO fast path answers (vcpu_fast_mmio): only a single
 * register's load or store with a valid syndrome (ESR_EL2.ISV, D17.2.37),
 * which is also what a VMM can emulate from the message alone, and never a
 * fault on a stage-1 table walk (ISS.S1PTW, bit 7): that is the guest's own
 * tables pointing at the device, which the VMM must see.
 */
static bool fast_mmio(struct tcb *t, struct vcpu *v, uint64_t esr, uint64_t ipa, uint64_t stored)
{
	uint32_t iss = ESR_ISS(esr);
	unsigned rt = esr_dabt_srt(iss);
	bool write = esr_dabt_write(iss);
	uint64_t loaded = 0;

	if (ESR_EC(esr) != EC_DABT_LOW || !esr_dabt_valid(iss) || (iss & BIT(7)) != 0 ||
	    !vcpu_fast_mmio(v, ipa, write, stored, &loaded))
		return false;
	if (!write && rt != 31)
		t->regs.x[rt] = esr_dabt_load_value(iss, loaded);
	t->regs.pc += insn_len((uint32_t)esr);
	return true;
}

/* A trapped access to a debug or PMU register (vcpu_mdcr.c): reads zero, writes nothing. */
static bool mdcr_razwi(struct tcb *t, uint32_t iss)
{
	unsigned rt = esr_sysreg_rt(iss);

	if (!vcpu_mdcr_hides(esr_sysreg_key(iss)))
		return false;
	if (esr_sysreg_read(iss) && rt != 31)
		t->regs.x[rt] = 0;
	t->regs.pc += 4;
	return true;
}

void vcpu_exit_sync(struct cpu_user *c, struct tcb *t, uint64_t esr)
{
	struct vcpu *v = c->guest;
	uint32_t iss = ESR_ISS(esr);
	uint64_t mr[4] = {0};
	unsigned label;

	if (v == NULL || v->tcb != t)
		return; /* the vCPU was unbound or destroyed under it: the thread is stopped */
	v->exits[vcpu_exit_kind(ESR_EC(esr))]++;
	switch (ESR_EC(esr)) {
	case EC_DABT_LOW:
	case EC_IABT_LOW:
		mr[0] = vcpu_fault_ipa(read_sysreg(hpfar_el2), read_sysreg(far_el2));
		mr[1] = esr;
		if (ESR_EC(esr) == EC_DABT_LOW && esr_dabt_valid(iss) && esr_dabt_write(iss))
			mr[2] = esr_dabt_store_value(iss, reg(t, esr_dabt_srt(iss)));
		if (fast_mmio(t, v, esr, mr[0], mr[2])) {
			v->exits[CL_VCPU_EXIT_FAST]++;
			return;
		}
		/*
		 * The guest's first touch of a RAM frame not zeroed yet (lazy_zero.h):
		 * the kernel answers it too, and the guest tries the access again. After
		 * the MMIO fast path, whose windows are never RAM: its exits skip the walk.
		 */
		if (esr_lower_leaf_translation_fault(esr) &&
		    aspace_touch(t->aspace.cap.obj, mr[0])) {
			v->exits[CL_VCPU_EXIT_FAST]++;
			return;
		}
		mr[3] = t->regs.pc;
		label = CL_FAULT_VCPU_STAGE2;
		break;
	case EC_SYS64:
		if (idreg_read(t, iss) || mdcr_razwi(t, iss)) {
			v->exits[CL_VCPU_EXIT_SYSREG_KERNEL]++;
			return;
		}
		mr[0] = esr_sysreg_key(iss);
		mr[1] = esr_sysreg_read(iss);
		mr[2] = esr_sysreg_read(iss) ? 0 : reg(t, esr_sysreg_rt(iss));
		mr[3] = esr;
		label = CL_FAULT_VCPU_SYSREG;
		break;
	case EC_HVC64:
	case EC_SMC64:
		mr[0] = iss & 0xffff;
		mr[1] = t->regs.x[0];
		mr[2] = t->regs.x[1];
		mr[3] = t->regs.x[2];
		label = ESR_EC(esr) == EC_HVC64 ? CL_FAULT_VCPU_HVC : CL_FAULT_VCPU_SMC;
		break;
	case EC_WFX:
		mr[0] = iss & 1; /* TI: WFE */
		mr[1] = t->regs.pc;
		mr[2] = esr;
		label = CL_FAULT_VCPU_WFX;
		break;
	default:
		mr[0] = esr;
		mr[1] = t->regs.pc;
		mr[2] = esr_far_valid(esr) ? read_sysreg(far_el2) : 0;
		label = CL_FAULT_VCPU_OTHER;
		break;
	}
	send(t, v, label, esr, mr);
}

void vcpu_exit_serror(struct cpu_user *c, struct tcb *t)
{
	uint64_t esr = read_sysreg(esr_el2);
	uint64_t mr[4] = {esr, t->regs.pc, 0, 0};

	if (c->guest != NULL && c->guest->tcb == t) {
		c->guest->exits[CL_VCPU_EXIT_OTHER]++;
		send(t, c->guest, CL_FAULT_VCPU_OTHER, esr, mr);
	}
}

void arch_vcpu_complete(struct vcpu *v, struct user_regs *r, const uint64_t mr[4], unsigned len)
{
	uint32_t esr = v->exit_esr;
	uint32_t iss = ESR_ISS(esr);

	switch (v->exit_label) {
	case CL_FAULT_VCPU_STAGE2:
		if (ESR_EC(esr) == EC_DABT_LOW && esr_dabt_valid(iss) && !esr_dabt_write(iss) &&
		    esr_dabt_srt(iss) != 31)
			r->x[esr_dabt_srt(iss)] = esr_dabt_load_value(iss, mr[0]);
		r->pc += insn_len(esr);
		break;
	case CL_FAULT_VCPU_SYSREG:
		if (esr_sysreg_read(iss) && esr_sysreg_rt(iss) != 31)
			r->x[esr_sysreg_rt(iss)] = mr[0];
		r->pc += insn_len(esr);
		break;
	case CL_FAULT_VCPU_HVC:
	case CL_FAULT_VCPU_SMC:
		/* SMCCC results in x0..x3; a trapped SMC's pc is the SMC itself, an HVC's is past
		 * it. */
		for (unsigned i = 0; i < len && i < 4; i++)
			r->x[i] = mr[i];
		if (v->exit_label == CL_FAULT_VCPU_SMC)
			r->pc += insn_len(esr);
		break;
	case CL_FAULT_VCPU_WFX:
	case CL_FAULT_VCPU_OTHER:
		r->pc += insn_len(esr);
		break;
	default:
		break; /* an interrupt-like exit: the guest continues where it was */
	}
}

/* The virtual timer fired for the guest this CPU runs: into the kernel's list register. */
static void vtimer_fired(struct cpu_user *c, struct vcpu *v)
{
	vcpu_vtimer_ppi(c, false);
	if (v == NULL)
		return; /* no guest here (its timer was stopped as it left): nothing to deliver */
	v->exits[CL_VCPU_EXIT_VTIMER]++;
	v->vtimer_masked = 1;
	/* Group 1 on GICv3, as Linux configures PPIs; GICv2 guests without security use group 0. */
	vgic_write_lr(vgic_lrs() - 1,
		      vcpu_lr_value(vcpu_vtimer_intid(), v->sys[CL_VCPU_VTIMER_PRIO],
				    CL_VIRQ_PENDING | CL_VIRQ_EOI |
					    (gic_version() == 3 ? CL_VIRQ_GROUP1 : 0)));
}

static void maintenance(struct cpu_user *c, struct vcpu *v, struct tcb *t)
{
	uint32_t eisr = vgic_eisr();
	uint32_t kernel_lr = 1U << (vgic_lrs() - 1);
	uint32_t vmm_lrs = eisr & ~kernel_lr;
	uint64_t mr[4] = {vmm_lrs, t != NULL ? t->regs.pc : 0, 0, 0};

	/* Clearing a list register whose EOI condition holds ends the maintenance request. */
	for (unsigned n = 0; n < vgic_lrs(); n++) {
		if ((eisr & (1U << n)) != 0)
			vgic_write_lr(n, 0);
	}
	if (v == NULL)
		return;
	v->exits[CL_VCPU_EXIT_MAINTENANCE]++;
	if ((eisr & kernel_lr) != 0) {
		v->vtimer_masked = 0;
		vcpu_vtimer_ppi(c, true);
	}
	if (vmm_lrs != 0 && t != NULL && v->tcb == t)
		send(t, v, CL_FAULT_VCPU_MAINTENANCE, 0, mr);
}

void vcpu_count_entry(struct cpu_user *c, unsigned kind)
{
	if (c->guest != NULL)
		c->guest->exits[kind]++;
}

unsigned vcpu_vtimer_irq = GIC_SPURIOUS;
unsigned vcpu_maint_irq = GIC_SPURIOUS;

void vcpu_irq(unsigned intid)
{
	struct cpu_user *c = &cpu_users[arch_cpu_index()];

	if (intid == vcpu_vtimer_irq)
		vtimer_fired(c, c->in_guest ? c->guest : NULL);
	else
		maintenance(c, c->in_guest ? c->guest : NULL, sched_current());
}
