/*
 * GICv3 (Arm IHI 0069). QEMU's virt board runs it with security disabled
 * (GICD_CTLR.DS == 1); the kernel uses Group 1 interrupts, taken as IRQ, and
 * the system-register CPU interface (ICC_*), enabled for EL2 through
 * ICC_SRE_EL2.
 */
#include <arch/gic_regs.h>
#include <arch/gicv3.h>
#include <arch/mmio.h>
#include <arch/sysreg.h>
#include <cleave/arch.h>
#include <cleave/print.h>
#include <plat_config.h>

#define REDIST_FRAMES_MAX 256
#define POLL_MAX 1000000

static uintptr_t dist;
static uintptr_t redist;
static uintptr_t cpu_rd[PLAT_CPUS_MAX]; /* this CPU's RD_base, found by affinity */

static bool poll_clear32(uintptr_t reg, uint32_t bits)
{
	for (unsigned i = 0; i < POLL_MAX; i++) {
		if ((mmio_read32(reg) & bits) == 0)
			return true;
	}
	return false;
}

void gicv3_init(uint64_t dist_base, uint64_t redist_base)
{
	dist = (uintptr_t)dist_base;
	redist = (uintptr_t)redist_base;
	mmio_write32(dist + GICD_CTLR, 0);
	poll_clear32(dist + GICD_CTLR, GICD_CTLR_RWP);
	/* Affinity routing first, then the groups (IHI 0069, 12.9.4). */
	mmio_write32(dist + GICD_CTLR, GICD_CTLR_ARE);
	poll_clear32(dist + GICD_CTLR, GICD_CTLR_RWP);
	mmio_write32(dist + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1 | GICD_CTLR_GRP0);
	poll_clear32(dist + GICD_CTLR, GICD_CTLR_RWP);
}

/* GICR_TYPER[63:32] holds Aff3.Aff2.Aff1.Aff0 of the redistributor's CPU. */
static uintptr_t find_redist(uint64_t mpidr)
{
	uint64_t aff = (mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 24;
	uintptr_t rd = redist;

	for (unsigned i = 0; i < REDIST_FRAMES_MAX; i++, rd += GICR_FRAME_STRIDE) {
		uint64_t typer = mmio_read64(rd + GICR_TYPER);

		if ((typer >> 32) == aff)
			return rd;
		if ((typer & GICR_TYPER_LAST) != 0)
			break;
	}
	return 0;
}

bool gicv3_cpuif_present(void)
{
	/* SRE (bit 0) sticks only when the system-register interface is there; Enable (bit 3) lets
	 * EL1 use it too. */
	write_sysreg(read_sysreg(ICC_SRE_EL2) | 0x9, ICC_SRE_EL2);
	isb();
	return (read_sysreg(ICC_SRE_EL2) & 1) != 0;
}

bool gicv3_cpu_init(void)
{
	unsigned idx = arch_cpu_index();
	uintptr_t rd = find_redist(arch_cpu_mpidr());
	uintptr_t sgi;

	if (rd == 0) {
		kprintf("cpu%u: gicv3: no redistributor for mpidr %#llx\n", idx,
			(unsigned long long)arch_cpu_mpidr());
		return false;
	}
	cpu_rd[idx] = rd;
	sgi = rd + GICR_SGI_BASE;
	/* Wake the redistributor (IHI 0069, 9.5.8 GICR_WAKER). */
	mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	if (!poll_clear32(rd + GICR_WAKER, GICR_WAKER_ASLEEP)) {
		kprintf("cpu%u: gicv3: redistributor did not wake\n", idx);
		return false;
	}
	mmio_write32(sgi + GICR_ICENABLER0, 0xffffffff);
	mmio_write32(sgi + GICR_IGROUPR0, 0xffffffff); /* SGIs and PPIs in Group 1 */
	if (!gicv3_cpuif_present())
		return false;
	write_sysreg(GIC_PMR_OPEN, ICC_PMR_EL1);
	write_sysreg(0, ICC_BPR1_EL1);
	write_sysreg(0, ICC_CTLR_EL1); /* EOImode 0: EOIR both drops priority and deactivates */
	write_sysreg(1, ICC_IGRPEN1_EL1);
	isb();
	return true;
}

void gicv3_enable_ppi(unsigned intid)
{
	uintptr_t sgi = cpu_rd[arch_cpu_index()] + GICR_SGI_BASE;

	mmio_write8(sgi + GICR_IPRIORITYR + intid, GIC_PRIO_DEFAULT);
	mmio_write32(sgi + GICR_ISENABLER0, 1U << intid);
}

void gicv3_set_ppi(unsigned intid, bool enable)
{
	uintptr_t sgi = cpu_rd[arch_cpu_index()] + GICR_SGI_BASE;

	mmio_write32(sgi + (enable ? GICR_ISENABLER0 : GICR_ICENABLER0), 1U << intid);
}

/* SPIs are Group 1 and routed by affinity (GICD_IROUTER) to one CPU. */
void gicv3_set_spi(unsigned intid, bool enable, uint64_t target_mpidr)
{
	unsigned reg = intid / 32;
	uint32_t bit = 1U << (intid % 32);
	uint64_t aff = (target_mpidr & 0xffffff) | ((target_mpidr >> 32) & 0xff) << 32;

	if (!enable) {
		mmio_write32(dist + GICD_ICENABLER(reg), bit);
		return;
	}
	mmio_write32(dist + GICD_IGROUPR(reg), mmio_read32(dist + GICD_IGROUPR(reg)) | bit);
	mmio_write8(dist + GICD_IPRIORITYR + intid, GIC_PRIO_DEFAULT);
	*(volatile uint64_t *)(dist + GICD_IROUTER(intid)) = aff;
	mmio_write32(dist + GICD_ISENABLER0 + 4 * reg, bit);
}

unsigned gicv3_lines(void)
{
	return 32 * ((mmio_read32(dist + GICD_TYPER) & 0x1f) + 1);
}

unsigned gicv3_ack(void)
{
	unsigned intid = (unsigned)read_sysreg(ICC_IAR1_EL1);

	/* Reads of the interrupt ID must complete before the handler runs (IHI 0069, 12.11). */
	dsb(sy);
	return intid;
}

void gicv3_eoi(unsigned intid)
{
	write_sysreg(intid, ICC_EOIR1_EL1);
	isb();
}

/* ICC_SGI1R_EL1 (IHI 0069 12.11.27): affinity of the target and a one-bit target list. */
void gicv3_send_sgi(uint64_t mpidr, unsigned sgi)
{
	uint64_t v = ((mpidr >> 32) & 0xff) << 48 | ((mpidr >> 16) & 0xff) << 32 |
		     (uint64_t)sgi << 24 | ((mpidr >> 8) & 0xff) << 16 | 1ULL << (mpidr & 0xf);

	dsb(ishst); /* what the target will look at is visible before it is kicked */
	write_sysreg(v, ICC_SGI1R_EL1);
	isb();
}
