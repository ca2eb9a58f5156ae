/*
 * GICv2 (Arm IHI 0048B). QEMU's virt board without security extensions has
 * one interrupt group, signalled as IRQ; GICD_CTLR bit 0 enables it.
 */
#include <arch/gic_regs.h>
#include <arch/gicv2.h>
#include <arch/mmio.h>

#include <cleave/arch.h>
#include <plat_config.h>

static uintptr_t dist;
static uintptr_t cpuif;
/* Each CPU's interface bit, read from its banked GICD_ITARGETSR0 (IHI 0048B 4.3.12). */
static uint8_t cpu_mask[PLAT_CPUS_MAX];

void gicv2_init(uint64_t dist_base, uint64_t cpu_base)
{
	unsigned lines;

	dist = (uintptr_t)dist_base;
	cpuif = (uintptr_t)cpu_base;
	mmio_write32(dist + GICD_CTLR, 0);
	/* GICD_TYPER.ITLinesNumber: 32 * (N + 1) interrupt lines. Disable all SPIs. */
	lines = 32 * ((mmio_read32(dist + GICD_TYPER) & 0x1f) + 1);
	for (unsigned i = 1; i < lines / 32; i++)
		mmio_write32(dist + GICD_ICENABLER(i), 0xffffffff);
	mmio_write32(dist + GICD_CTLR, 1);
}

bool gicv2_cpuif_present(uint64_t cpu_base)
{
	return mmio_read32((uintptr_t)cpu_base + GICC_IIDR) != 0;
}

bool gicv2_cpu_init(void)
{
	/* PPIs and SGIs are banked per CPU: this CPU's copy starts disabled. */
	mmio_write32(dist + GICD_ICENABLER(0), 0xffffffff);
	cpu_mask[arch_cpu_index()] = mmio_read8(dist + GICD_ITARGETSR);
	mmio_write32(cpuif + GICC_PMR, GIC_PMR_OPEN);
	mmio_write32(cpuif + GICC_BPR, 0);
	mmio_write32(cpuif + GICC_CTLR, 1);
	return (mmio_read32(cpuif + GICC_CTLR) & 1) != 0;
}

void gicv2_enable_ppi(unsigned intid)
{
	mmio_write8(dist + GICD_IPRIORITYR + intid, GIC_PRIO_DEFAULT);
	mmio_write32(dist + GICD_ISENABLER0, 1U << intid);
}

void gicv2_set_ppi(unsigned intid, bool enable)
{
	mmio_write32(dist + (enable ? GICD_ISENABLER0 : GICD_ICENABLER(0)), 1U << intid);
}

unsigned gicv2_ack(void)
{
	return mmio_read32(cpuif + GICC_IAR);
}

/* SPIs go to the boot CPU (GICD_ITARGETSR: CPU interface 0). */
void gicv2_set_spi(unsigned intid, bool enable)
{
	unsigned reg = intid / 32;
	uint32_t bit = 1U << (intid % 32);

	if (enable) {
		mmio_write8(dist + GICD_IPRIORITYR + intid, GIC_PRIO_DEFAULT);
		mmio_write8(dist + GICD_ITARGETSR + intid, 1);
		mmio_write32(dist + GICD_ISENABLER0 + 4 * reg, bit);
	} else {
		mmio_write32(dist + GICD_ICENABLER(reg), bit);
	}
}

unsigned gicv2_lines(void)
{
	return 32 * ((mmio_read32(dist + GICD_TYPER) & 0x1f) + 1);
}

void gicv2_eoi(unsigned iar)
{
	mmio_write32(cpuif + GICC_EOIR, iar);
}

void gicv2_send_sgi(unsigned cpu, unsigned sgi)
{
	mmio_write32(dist + GICD_SGIR, (uint32_t)cpu_mask[cpu] << 16 | sgi);
}
