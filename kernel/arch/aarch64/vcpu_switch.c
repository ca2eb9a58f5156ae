/*
 * The world switch: what a CPU's registers must hold for a guest (a thread
 * with a bound vCPU, at EL1) and for native threads (EL0, HCR_EL2.TGE).
 *
 * A guest's EL1 system registers, virtual timer and virtual GIC state are
 * saved into its vCPU as soon as the CPU leaves it, so the memory copy is
 * always the truth while the guest is not running (the vCPU invocations
 * rely on that). Leaving a guest "parks" the CPU: the few EL1 registers a
 * native thread depends on get their native values, the virtual timer is
 * stopped and the virtual CPU interface turned off. When the same guest
 * comes back and nothing changed its vCPU meanwhile (the common exit:
 * guest -> VMM -> guest), only what parking overwrote is loaded again.
 *
 * Identity: VPIDR_EL2 and VMPIDR_EL2 come from the vCPU, so a guest reads
 * the same MIDR_EL1 and MPIDR_EL1 on whatever physical CPU it runs (Arm ARM
 * register descriptions of VPIDR_EL2 and VMPIDR_EL2; seed 001).
 *
 * Features whose state is not switched (SVE, SME, MTE) are hidden and
 * trapped; the two registers of newer CPUs a guest reaches untrapped
 * (TPIDR2_EL0, VDISR_EL2) are switched, and so are the pointer-authentication
 * keys, with HCR_EL2.API and APK set (vcpu_idreg.c). They are saved with the
 * rest when the CPU leaves the guest, but loaded only when it changes guests:
 * parking does not touch them. Native threads run with HCR_EL2.API clear
 * (user.c, HCR_NATIVE), and at EL0 with E2H clear every PAC instruction that
 * would use a key then traps to EL2 (Arm ARM pseudocode of AddPACIA and the
 * others, and PACGA: TrapEL2), so none computes with a guest's key; EL0
 * cannot read a key register.
 */
#include <arch/sysreg.h>
#include <arch/vcpu_exit.h>
#include <arch/vcpu_idreg.h>
#include <arch/vcpu_mdcr.h>
#include <arch/vcpu_switch.h>
#include <arch/vgic.h>
#include <cleave/arch.h>
#include <cleave/aspace.h>
#include <cleave/audit.h>
#include <cleave/gic.h>
#include <plat_config.h>

/* SCTLR_EL1's RES1 bits in Armv8.0 with the MMU and caches off (Arm ARM, SCTLR_EL1). */
#define SCTLR_EL1_RESET 0x30d00800ULL
/*
 * MDCR_EL2 (Arm ARM D17.3) while a guest runs adds VCPU_MDCR_GUEST_TRAPS: its
 * accesses to the PMU (TPM, TPMCR) and to the debug registers (TDA, TDOSA,
 * TDRA) trap to EL2, where the kernel answers them (vcpu_mdcr.c): the
 * counters are shared with native components and the debug state is not
 * switched.
 */
#define CPACR_NATIVE (3ULL << 20)

struct vcpu_cpu {
	struct vcpu *cached; /* its state is in this CPU's registers and equal to memory */
	uint64_t native_sctlr;
	uint64_t native_cntkctl;
	uint64_t native_mdcr;
	bool vtimer_on; /* the virtual timer PPI is enabled in the GIC */
};

static struct vcpu_cpu vcpu_cpus[PLAT_CPUS_MAX];
static unsigned vtimer_intid;
/* From the boot CPU's ID registers (vcpu_idreg.c); CPUs are taken to be alike in these. */
static struct vcpu_cpu_caps caps;

/*
 * By encoding, as the assembler for -march=armv8-a does not know their names:
 * TPIDR2_EL0 S3_3_C13_C0_5, VDISR_EL2 S3_4_C12_C1_1, ID_AA64PFR1_EL1
 * S3_0_C0_C4_1, ID_AA64ISAR2_EL1 S3_0_C0_C6_2; the keys (Arm ARM D17.2,
 * APIAKeyLo_EL1 and the others) S3_0_C2_C1_0..3 (APIA, APIB), S3_0_C2_C2_0..3
 * (APDA, APDB), S3_0_C2_C3_0..1 (APGA), low half first.
 */
static void save_keys(uint64_t *s)
{
	s[CL_VCPU_APIAKEYLO_EL1] = read_sysreg(S3_0_C2_C1_0);
	s[CL_VCPU_APIAKEYHI_EL1] = read_sysreg(S3_0_C2_C1_1);
	s[CL_VCPU_APIBKEYLO_EL1] = read_sysreg(S3_0_C2_C1_2);
	s[CL_VCPU_APIBKEYHI_EL1] = read_sysreg(S3_0_C2_C1_3);
	s[CL_VCPU_APDAKEYLO_EL1] = read_sysreg(S3_0_C2_C2_0);
	s[CL_VCPU_APDAKEYHI_EL1] = read_sysreg(S3_0_C2_C2_1);
	s[CL_VCPU_APDBKEYLO_EL1] = read_sysreg(S3_0_C2_C2_2);
	s[CL_VCPU_APDBKEYHI_EL1] = read_sysreg(S3_0_C2_C2_3);
	s[CL_VCPU_APGAKEYLO_EL1] = read_sysreg(S3_0_C2_C3_0);
	s[CL_VCPU_APGAKEYHI_EL1] = read_sysreg(S3_0_C2_C3_1);
}

static void restore_keys(const uint64_t *s)
{
	write_sysreg(s[CL_VCPU_APIAKEYLO_EL1], S3_0_C2_C1_0);
	write_sysreg(s[CL_VCPU_APIAKEYHI_EL1], S3_0_C2_C1_1);
	write_sysreg(s[CL_VCPU_APIBKEYLO_EL1], S3_0_C2_C1_2);
	write_sysreg(s[CL_VCPU_APIBKEYHI_EL1], S3_0_C2_C1_3);
	write_sysreg(s[CL_VCPU_APDAKEYLO_EL1], S3_0_C2_C2_0);
	write_sysreg(s[CL_VCPU_APDAKEYHI_EL1], S3_0_C2_C2_1);
	write_sysreg(s[CL_VCPU_APDBKEYLO_EL1], S3_0_C2_C2_2);
	write_sysreg(s[CL_VCPU_APDBKEYHI_EL1], S3_0_C2_C2_3);
	write_sysreg(s[CL_VCPU_APGAKEYLO_EL1], S3_0_C2_C3_0);
	write_sysreg(s[CL_VCPU_APGAKEYHI_EL1], S3_0_C2_C3_1);
}

unsigned vcpu_vtimer_intid(void)
{
	return vtimer_intid;
}

void vcpu_boot_init(const struct boot_info *bi)
{
	struct vcpu_idregs id = {
		.pfr0 = read_sysreg(id_aa64pfr0_el1),
		.pfr1 = read_sysreg(S3_0_C0_C4_1),
		.isar1 = read_sysreg(id_aa64isar1_el1),
		.isar2 = read_sysreg(S3_0_C0_C6_2),
		.mmfr1 = read_sysreg(id_aa64mmfr1_el1),
		.dfr0 = read_sysreg(id_aa64dfr0_el1),
	};

	caps = vcpu_idreg_caps(&id);
	vtimer_intid = bi->timer_virt_intid;
	vgic_init(bi);
	if (vgic_lrs() != 0) {
		vcpu_vtimer_irq = vtimer_intid;
		vcpu_maint_irq = vgic_maint_intid();
	}
}

void vcpu_cpu_start(void)
{
	struct vcpu_cpu *vc = &vcpu_cpus[arch_cpu_index()];

	vc->native_sctlr = read_sysreg(sctlr_el1);
	vc->native_cntkctl = read_sysreg(cntkctl_el1);
	vc->native_mdcr = read_sysreg(mdcr_el2);
	/*
	 * CNTHCTL_EL2 (Arm ARM D17.11): EL1 may read the physical counter
	 * (EL1PCTEN) but not use the EL1 physical timer (EL1PCEN clear), which
	 * is not switched; guests use the virtual timer.
	 */
	write_sysreg(1, cnthctl_el2);
	write_sysreg(0, cntv_ctl_el0);
	if (vgic_lrs() != 0) {
		vgic_enable(false);
		gic_enable_ppi(vgic_maint_intid());
		gic_enable_ppi(vtimer_intid);
		vc->vtimer_on = true;
	}
	isb();
}

void vcpu_vtimer_ppi(struct cpu_user *c, bool enable)
{
	struct vcpu_cpu *vc = &vcpu_cpus[c - cpu_users];

	if (vc->vtimer_on != enable && vgic_lrs() != 0) {
		gic_set_ppi(vtimer_intid, enable);
		vc->vtimer_on = enable;
	}
}

unsigned arch_vcpu_lrs(void)
{
	/* The last list register is the kernel's, for the virtual timer (vcpu_exit.c). */
	return vgic_lrs() == 0 ? 0 : vgic_lrs() - 1;
}

void arch_vcpu_defaults(struct vcpu *v)
{
	v->sys[CL_VCPU_SCTLR_EL1] = SCTLR_EL1_RESET;
	v->sys[CL_VCPU_VPIDR_EL2] = read_sysreg(midr_el1);
	v->sys[CL_VCPU_VMPIDR_EL2] = BIT(31);
}

void arch_vcpu_dirty(struct vcpu *v)
{
	for (unsigned cpu = 0; cpu < PLAT_CPUS_MAX; cpu++) {
		if (vcpu_cpus[cpu].cached == v)
			vcpu_cpus[cpu].cached = NULL;
		/* A vCPU that goes away while its CPU holds it: that CPU parks without saving. */
		if (cpu_users[cpu].guest == v)
			cpu_users[cpu].guest = NULL;
	}
}

/* Everything the guest can change while it runs. */
static void save(struct vcpu *v)
{
	uint64_t *s = v->sys;

	/* The guest's own SCTLR_EL1/TCR_EL1 writes (untrapped: TVM off) show here first. */
	if (AUDIT_ENABLED) {
		audit_sysreg(v, CL_VCPU_SCTLR_EL1, read_sysreg(sctlr_el1), s[CL_VCPU_SCTLR_EL1],
			     CL_AUDIT_BY_GUEST);
		audit_sysreg(v, CL_VCPU_TCR_EL1, read_sysreg(tcr_el1), s[CL_VCPU_TCR_EL1],
			     CL_AUDIT_BY_GUEST);
	}
	s[CL_VCPU_SCTLR_EL1] = read_sysreg(sctlr_el1);
	s[CL_VCPU_TTBR0_EL1] = read_sysreg(ttbr0_el1);
	s[CL_VCPU_TTBR1_EL1] = read_sysreg(ttbr1_el1);
	s[CL_VCPU_TCR_EL1] = read_sysreg(tcr_el1);
	s[CL_VCPU_MAIR_EL1] = read_sysreg(mair_el1);
	s[CL_VCPU_AMAIR_EL1] = read_sysreg(amair_el1);
	s[CL_VCPU_CONTEXTIDR_EL1] = read_sysreg(contextidr_el1);
	s[CL_VCPU_VBAR_EL1] = read_sysreg(vbar_el1);
	s[CL_VCPU_ESR_EL1] = read_sysreg(esr_el1);
	s[CL_VCPU_FAR_EL1] = read_sysreg(far_el1);
	s[CL_VCPU_AFSR0_EL1] = read_sysreg(afsr0_el1);
	s[CL_VCPU_AFSR1_EL1] = read_sysreg(afsr1_el1);
	s[CL_VCPU_PAR_EL1] = read_sysreg(par_el1);
	s[CL_VCPU_TPIDR_EL0] = read_sysreg(tpidr_el0);
	s[CL_VCPU_TPIDR_EL1] = read_sysreg(tpidr_el1);
	s[CL_VCPU_TPIDRRO_EL0] = read_sysreg(tpidrro_el0);
	s[CL_VCPU_SP_EL1] = read_sysreg(sp_el1);
	s[CL_VCPU_ELR_EL1] = read_sysreg(elr_el1);
	s[CL_VCPU_SPSR_EL1] = read_sysreg(spsr_el1);
	s[CL_VCPU_CPACR_EL1] = read_sysreg(cpacr_el1);
	s[CL_VCPU_CNTKCTL_EL1] = read_sysreg(cntkctl_el1);
	s[CL_VCPU_CSSELR_EL1] = read_sysreg(csselr_el1);
	s[CL_VCPU_CNTV_CTL_EL0] = read_sysreg(cntv_ctl_el0);
	s[CL_VCPU_CNTV_CVAL_EL0] = read_sysreg(cntv_cval_el0);
	if (caps.tpidr2)
		s[CL_VCPU_TPIDR2_EL0] = read_sysreg(S3_3_C13_C0_5);
	if (caps.vdisr)
		s[CL_VCPU_VDISR_EL2] = read_sysreg(S3_4_C12_C1_1);
	if (caps.pauth)
		save_keys(s);
	if (vgic_lrs() != 0)
		vgic_save(v);
}

/* What parking overwrites (below), loaded again for a guest whose other state is in place. */
static void restore_parked(const struct vcpu *v)
{
	const uint64_t *s = v->sys;

	write_sysreg(s[CL_VCPU_SCTLR_EL1], sctlr_el1);
	write_sysreg(s[CL_VCPU_CPACR_EL1], cpacr_el1);
	write_sysreg(s[CL_VCPU_CNTKCTL_EL1], cntkctl_el1);
	write_sysreg(s[CL_VCPU_TPIDR_EL0], tpidr_el0);
	write_sysreg(s[CL_VCPU_TPIDRRO_EL0], tpidrro_el0);
	write_sysreg(s[CL_VCPU_CNTV_CVAL_EL0], cntv_cval_el0);
	write_sysreg(s[CL_VCPU_CNTV_CTL_EL0] & 3, cntv_ctl_el0); /* ISTATUS is read-only */
	write_sysreg(vcpu_cpus[arch_cpu_index()].native_mdcr | VCPU_MDCR_GUEST_TRAPS, mdcr_el2);
	if (vgic_lrs() != 0)
		vgic_enable(true);
}

static void restore(const struct vcpu *v)
{
	const uint64_t *s = v->sys;

	write_sysreg(s[CL_VCPU_TTBR0_EL1], ttbr0_el1);
	write_sysreg(s[CL_VCPU_TTBR1_EL1], ttbr1_el1);
	write_sysreg(s[CL_VCPU_TCR_EL1], tcr_el1);
	write_sysreg(s[CL_VCPU_MAIR_EL1], mair_el1);
	write_sysreg(s[CL_VCPU_AMAIR_EL1], amair_el1);
	write_sysreg(s[CL_VCPU_CONTEXTIDR_EL1], contextidr_el1);
	write_sysreg(s[CL_VCPU_VBAR_EL1], vbar_el1);
	write_sysreg(s[CL_VCPU_ESR_EL1], esr_el1);
	write_sysreg(s[CL_VCPU_FAR_EL1], far_el1);
	write_sysreg(s[CL_VCPU_AFSR0_EL1], afsr0_el1);
	write_sysreg(s[CL_VCPU_AFSR1_EL1], afsr1_el1);
	write_sysreg(s[CL_VCPU_PAR_EL1], par_el1);
	write_sysreg(s[CL_VCPU_TPIDR_EL1], tpidr_el1);
	write_sysreg(s[CL_VCPU_SP_EL1], sp_el1);
	write_sysreg(s[CL_VCPU_ELR_EL1], elr_el1);
	write_sysreg(s[CL_VCPU_SPSR_EL1], spsr_el1);
	write_sysreg(s[CL_VCPU_CSSELR_EL1], csselr_el1);
	write_sysreg(s[CL_VCPU_CNTVOFF_EL2], cntvoff_el2);
	write_sysreg(s[CL_VCPU_VPIDR_EL2], vpidr_el2);
	write_sysreg(s[CL_VCPU_VMPIDR_EL2], vmpidr_el2);
	/* Reachable from EL1 without a trap on these CPUs: each guest has its own. */
	if (caps.tpidr2)
		write_sysreg(s[CL_VCPU_TPIDR2_EL0], S3_3_C13_C0_5);
	if (caps.vdisr)
		write_sysreg(s[CL_VCPU_VDISR_EL2], S3_4_C12_C1_1);
	if (caps.pauth)
		restore_keys(s);
	if (vgic_lrs() != 0)
		vgic_restore(v);
	restore_parked(v);
}

/* Native values of what a native thread depends on; the guest's timer stops. */
static void park(struct vcpu_cpu *vc)
{
	write_sysreg(vc->native_sctlr, sctlr_el1);
	write_sysreg(CPACR_NATIVE, cpacr_el1);
	write_sysreg(vc->native_cntkctl, cntkctl_el1);
	write_sysreg(arch_cpu_index(), tpidrro_el0);
	write_sysreg(0, cntv_ctl_el0);
	write_sysreg(vc->native_mdcr, mdcr_el2);
	if (vgic_lrs() != 0)
		vgic_enable(false);
}

/* List registers injected while the guest ran, and the virtual timer's mask. */
static void enter(struct cpu_user *c, struct vcpu *v)
{
	while (v->lr_pending_mask != 0) {
		unsigned n = (unsigned)__builtin_ctz(v->lr_pending_mask);

		vgic_write_lr(n, v->lr_pending[n]);
		v->sys[CL_VCPU_LR0 + n] = v->lr_pending[n];
		v->lr_pending_mask &= (uint16_t) ~(1U << n);
	}
	vcpu_vtimer_ppi(c, !v->vtimer_masked);
}

uint64_t vcpu_switch(struct cpu_user *c, struct vcpu *v)
{
	unsigned cpu = arch_cpu_index();
	struct vcpu_cpu *vc = &vcpu_cpus[cpu];

	if (AUDIT_ENABLED && v != NULL)
		audit_enter(v, aspace_vmid(v->tcb->aspace.cap.obj));
	if (v != NULL && v == c->guest) {
		enter(c, v);
		return v->hcr | caps.hcr_forced;
	}
	if (c->in_guest) {
		vc->cached = c->guest;
		if (c->guest != NULL)
			save(c->guest);
		park(vc);
		c->guest = NULL;
		c->in_guest = false;
	}
	if (v == NULL)
		return 0;
	if (vc->cached == v) {
		restore_parked(v);
	} else {
		/* Copies of v in other CPUs' registers are older than memory now. */
		for (unsigned i = 0; i < PLAT_CPUS_MAX; i++) {
			if (vcpu_cpus[i].cached == v)
				vcpu_cpus[i].cached = NULL;
		}
		restore(v);
		vc->cached = v;
	}
	c->guest = v;
	c->in_guest = true;
	enter(c, v);
	return v->hcr | caps.hcr_forced;
}
