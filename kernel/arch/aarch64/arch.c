/* The small arch_* services generic code uses (cleave/arch.h), and per-CPU EL2 set-up. */
#include <arch/sysreg.h>
#include <cleave/arch.h>
#include <cleave/gic.h>

unsigned arch_cpu_index_any_el(void)
{
	/* Started wrongly at EL1, the kernel can still panic: TPIDR_EL2 would UNDEF there. */
	if ((read_sysreg(CurrentEL) >> 2) != 2)
		return 0;
	return arch_cpu_index();
}

uint64_t arch_counter_read(void)
{
	isb(); /* the counter may be read early otherwise (Arm ARM D11.2.2) */
	return read_sysreg(cntpct_el0);
}

uint64_t arch_counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

unsigned long arch_irq_save(void)
{
	unsigned long flags = read_sysreg(daif);

	__asm__ volatile("msr daifset, #2" : : : "memory");
	return flags;
}

void arch_irq_restore(unsigned long flags)
{
	write_sysreg(flags, daif);
}

void arch_irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" : : : "memory");
}

void arch_wait(void)
{
	__asm__ volatile("wfi" : : : "memory");
}

NORETURN void arch_halt(void)
{
	__asm__ volatile("msr daifset, #0xf" : : : "memory");
	for (;;)
		__asm__ volatile("wfi");
}

/*
 * VTCR_EL2 (D17.2.166): 39-bit IPA (T0SZ 25) walked from level 1 (SL0 1),
 * write-back inner shareable walks, 4 KiB granule, PS from the CPU's PA
 * range (capped at 48 bits), 8-bit VMIDs; bit 31 is RES1.
 */
static uint64_t vtcr(void)
{
	uint64_t ps = FIELD(read_sysreg(id_aa64mmfr0_el1), 3, 0);

	if (ps > 5)
		ps = 5;
	return 25 | 1ULL << 6 | 1ULL << 8 | 1ULL << 10 | 3ULL << 12 | ps << 16 | BIT(31);
}

/*
 * EL2 controls for this CPU. HCR_EL2.IMO/FMO/AMO route physical interrupts
 * to EL2 (without them EL2 never takes an IRQ, D1.13.2); RW makes EL1
 * AArch64 for the guests to come. CPTR_EL2.TFP is cleared because Debian's
 * libfdt.a, linked unchanged, is compiled with FP/SIMD instructions; the
 * kernel's own code is built with -mgeneral-regs-only.
 */
void arch_cpu_init(void)
{
	write_sysreg(HCR_RW | HCR_IMO | HCR_FMO | HCR_AMO, hcr_el2);
	write_sysreg(CPTR_EL2_RES1, cptr_el2);
	write_sysreg(0, cntvoff_el2);
	write_sysreg(vtcr(), vtcr_el2);
	/*
	 * EL0 may use FP/SIMD as far as EL1's control goes (CPACR_EL1.FPEN,
	 * which also applies with HCR_EL2.TGE set); CPTR_EL2.TFP does the lazy
	 * switching (fpsimd.c).
	 */
	write_sysreg(3ULL << 20, cpacr_el1);
	/* User level can read which CPU it runs on (TPIDRRO_EL0 is read-only at EL0). */
	write_sysreg(arch_cpu_index(), tpidrro_el0);
	/*
	 * The PMU is open to user level so components (the benchmark first) can
	 * count their own instructions and cycles: MDCR_EL2.HPMN gives EL0/EL1
	 * all counters (PMCR_EL0.N), TPM/TPMCR stay clear, PMUSERENR_EL0 enables
	 * EL0 access (D17.5). A side channel between components; a later
	 * configuration option can close it.
	 */
	write_sysreg(FIELD(read_sysreg(pmcr_el0), 15, 11), mdcr_el2);
	write_sysreg(0xf, pmuserenr_el0);
	isb();
}

void arch_cpu_read_id(struct cpu_id_regs *out, unsigned gic_version)
{
	out->midr = read_sysreg(midr_el1);
	out->mpidr = read_sysreg(mpidr_el1);
	out->pfr0 = read_sysreg(id_aa64pfr0_el1);
	out->mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	out->mmfr1 = read_sysreg(id_aa64mmfr1_el1);
	out->ctr = read_sysreg(ctr_el0);
	/* The GICv3 system registers UNDEF when ID_AA64PFR0_EL1.GIC says they are absent. */
	out->gic_cpuif = (gic_version == 2 || FIELD(out->pfr0, 27, 24) != 0) &&
			 gic_cpuif_present(gic_version);
}

uint64_t arch_cpu_mpidr(void)
{
	return read_sysreg(mpidr_el1);
}

void arch_kick_cpu(unsigned cpu)
{
	gic_send_sgi(cpu, GIC_SGI_KICK);
}
