/*
 * GICv2 (Arm IHI 0048B) and GICv3 (Arm IHI 0069H) for the irq guest. All
 * interrupts are Group 0 on GICv2 and Group 1 on GICv3, both signalled as
 * IRQ: the single-security-state view a guest (or QEMU's virt board without
 * EL3) has.
 */
#include "gic.h"

/* Distributor (both versions). */
#define GICD_CTLR 0x000
#define GICD_IGROUPR 0x080
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ISPENDR 0x200
#define GICD_ICPENDR 0x280
#define GICD_IPRIORITYR 0x400
#define GICD_ICFGR 0xc00
#define GICD_ITARGETSR 0x800
#define GICD_SGIR 0xf00
#define GICD_IROUTER 0x6000
#define GICD_CTLR_RWP BIT(31)
#define GICD_CTLR_V2_ENABLE 1U
#define GICD_CTLR_V3_ARE BIT(4)
#define GICD_CTLR_V3_G1 (BIT(1) | BIT(0))

/* GICv2 CPU interface. */
#define GICC_CTLR 0x000
#define GICC_PMR 0x004
#define GICC_IAR 0x00c
#define GICC_EOIR 0x010

/* GICv3 redistributor: RD_base frame, then the SGI_base frame 64 KiB above. */
#define GICR_TYPER 0x008
#define GICR_WAKER 0x014
#define GICR_TYPER_VLPIS BIT(1)
#define GICR_TYPER_LAST BIT(4)
#define GICR_WAKER_PROCESSOR_SLEEP BIT(1)
#define GICR_WAKER_CHILDREN_ASLEEP BIT(2)
#define GICR_SGI_BASE 0x10000

#define PRIORITY 0xa0U
#define PMR_ALL 0xf0U
#define WAIT_LOOPS 1000000

volatile uint8_t gic_v2_cpu_mask[GUEST_MAX_CPUS];
static uint64_t rd_base[GUEST_MAX_CPUS]; /* GICv3: each CPU's redistributor */

static bool v3(void)
{
	return guest_dt.gic_version == 3;
}

static const char *wait_rwp(void)
{
	for (unsigned i = 0; i < WAIT_LOOPS; i++) {
		if (!(mmio_read32(guest_dt.gicd + GICD_CTLR) & GICD_CTLR_RWP))
			return NULL;
	}
	return "GICD_CTLR.RWP stayed set";
}

const char *gic_init_dist(void)
{
	uint32_t ctlr = v3() ? GICD_CTLR_V3_ARE | GICD_CTLR_V3_G1 : GICD_CTLR_V2_ENABLE;

	if (guest_dt.gic_version != 2 && guest_dt.gic_version != 3)
		return "the device tree has no GICv2 or GICv3";
	mmio_write32(guest_dt.gicd + GICD_CTLR, 0);
	if (v3() && wait_rwp() != NULL)
		return wait_rwp();
	mmio_write32(guest_dt.gicd + GICD_CTLR, ctlr);
	return v3() ? wait_rwp() : NULL;
}

static uint64_t my_affinity(void)
{
	uint64_t m = read_sysreg(mpidr_el1);

	return (m & 0xffffffULL) | (FIELD(m, 39, 32) << 24);
}

/* GICv3: find this CPU's redistributor by GICR_TYPER.Affinity_Value ([63:32]). */
static uint64_t find_redistributor(void)
{
	uint64_t at = guest_dt.gicr, end = guest_dt.gicr + guest_dt.gicr_size;

	while (at < end) {
		uint64_t typer = mmio_read64(at + GICR_TYPER);

		if ((typer >> 32) == my_affinity())
			return at;
		if (typer & GICR_TYPER_LAST)
			break;
		at += typer & GICR_TYPER_VLPIS ? 0x40000 : 0x20000;
	}
	return 0;
}

static const char *init_cpu_v3(int me)
{
	uint64_t rd = find_redistributor(), sgi;
	unsigned i;

	if (rd == 0)
		return "no redistributor has this CPU's affinity";
	rd_base[me] = rd;
	sgi = rd + GICR_SGI_BASE;
	mmio_write32(rd + GICR_WAKER,
		     mmio_read32(rd + GICR_WAKER) & ~(uint32_t)GICR_WAKER_PROCESSOR_SLEEP);
	for (i = 0; i < WAIT_LOOPS; i++) {
		if (!(mmio_read32(rd + GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP))
			break;
	}
	if (i == WAIT_LOOPS)
		return "GICR_WAKER.ChildrenAsleep stayed set";
	mmio_write32(sgi + GICD_IGROUPR, 0xffffffffU);
	for (i = 0; i < 32; i += 4)
		mmio_write32(sgi + GICD_IPRIORITYR + i, PRIORITY * 0x01010101U);
	/* The system register interface (ICC_SRE_EL1.SRE), then unmask and enable Group 1. */
	write_sysreg(S3_0_C12_C12_5, read_sysreg(S3_0_C12_C12_5) | 1);
	isb();
	if (!(read_sysreg(S3_0_C12_C12_5) & 1))
		return "ICC_SRE_EL1.SRE stays 0: no system register interface";
	write_sysreg(S3_0_C4_C6_0, PMR_ALL); /* ICC_PMR_EL1 */
	write_sysreg(S3_0_C12_C12_7, 1);     /* ICC_IGRPEN1_EL1 */
	isb();
	return NULL;
}

const char *gic_init_cpu(void)
{
	int me = guest_cpu_index();

	if (me < 0)
		return "this CPU's MPIDR is not in /cpus";
	if (v3())
		return init_cpu_v3(me);
	/* SGI and PPI priorities are banked per CPU (IHI 0048B 4.3.11). */
	for (unsigned i = 0; i < 32; i += 4)
		mmio_write32(guest_dt.gicd + GICD_IPRIORITYR + i, PRIORITY * 0x01010101U);
	/* GICD_ITARGETSR0-7 read as this CPU's own interface bit (4.3.12). */
	gic_v2_cpu_mask[me] = (uint8_t)mmio_read32(guest_dt.gicd + GICD_ITARGETSR);
	mmio_write32(guest_dt.gicc + GICC_PMR, PMR_ALL);
	mmio_write32(guest_dt.gicc + GICC_CTLR, 1);
	return NULL;
}

/* The register holding `intid`'s bit: the redistributor's for SGIs/PPIs on GICv3. */
static uint64_t bank(unsigned intid)
{
	if (v3() && intid < GIC_SPI_BASE)
		return rd_base[guest_cpu_index()] + GICR_SGI_BASE;
	return guest_dt.gicd;
}

static void set_bit(unsigned reg, unsigned intid)
{
	mmio_write32(bank(intid) + reg + 4 * (intid / 32), 1U << (intid % 32));
}

static void write_byte_field(uint64_t reg, unsigned intid, uint8_t v)
{
	uint64_t word = reg + (intid & ~3U);
	unsigned shift = 8 * (intid & 3);
	uint32_t old = mmio_read32(word);

	mmio_write32(word, (old & ~(0xffU << shift)) | (uint32_t)v << shift);
}

void gic_enable(unsigned intid)
{
	if (intid >= GIC_SPI_BASE) {
		write_byte_field(guest_dt.gicd + GICD_IPRIORITYR, intid, PRIORITY);
		if (v3()) {
			uint64_t m = read_sysreg(mpidr_el1);
			uint64_t route = (m & 0xffffffULL) | (FIELD(m, 39, 32) << 32);

			mmio_write32(guest_dt.gicd + GICD_IGROUPR + 4 * (intid / 32),
				     mmio_read32(guest_dt.gicd + GICD_IGROUPR + 4 * (intid / 32)) |
					     1U << (intid % 32));
			mmio_write64(guest_dt.gicd + GICD_IROUTER + 8 * intid, route);
		} else {
			write_byte_field(guest_dt.gicd + GICD_ITARGETSR, intid,
					 gic_v2_cpu_mask[guest_cpu_index()]);
		}
	}
	set_bit(GICD_ISENABLER, intid);
}

void gic_set_edge(unsigned intid, bool edge)
{
	/* Two bits per interrupt, bit 1 of each set for edge-triggered (IHI 0048B 4.3.13). */
	uint64_t reg = guest_dt.gicd + GICD_ICFGR + 4 * (intid / 16);
	unsigned shift = 2 * (intid % 16) + 1;
	uint32_t v = mmio_read32(reg) & ~(1U << shift);

	mmio_write32(reg, v | (uint32_t)edge << shift);
}

void gic_disable(unsigned intid)
{
	set_bit(GICD_ICENABLER, intid);
}

void gic_set_pending(unsigned intid)
{
	set_bit(GICD_ISPENDR, intid);
}

void gic_clear_pending(unsigned intid)
{
	set_bit(GICD_ICPENDR, intid);
}

unsigned gic_ack(uint64_t *raw)
{
	if (v3())
		*raw = read_sysreg(S3_0_C12_C12_0); /* ICC_IAR1_EL1 */
	else
		*raw = mmio_read32(guest_dt.gicc + GICC_IAR);
	return (unsigned)(*raw & (v3() ? 0xffffffULL : 0x3ffULL));
}

void gic_eoi(uint64_t raw)
{
	if (v3()) {
		write_sysreg(S3_0_C12_C12_1, raw); /* ICC_EOIR1_EL1 */
		isb();
	} else {
		mmio_write32(guest_dt.gicc + GICC_EOIR, (uint32_t)raw);
	}
}

void gic_send_sgi(unsigned intid, unsigned cpu)
{
	uint64_t m = guest_dt.cpu_mpidr[cpu];

	dsb(ish);
	if (v3()) {
		/* ICC_SGI1R_EL1: Aff3, Aff2, INTID, Aff1, and a target list of Aff0 values. */
		uint64_t v = FIELD(m, 39, 32) << 48 | FIELD(m, 23, 16) << 32 |
			     (uint64_t)intid << 24 | FIELD(m, 15, 8) << 16 | 1ULL << (m & 0xf);

		write_sysreg(S3_0_C12_C11_5, v);
		isb();
	} else {
		mmio_write32(guest_dt.gicd + GICD_SGIR,
			     (uint32_t)gic_v2_cpu_mask[cpu] << 16 | intid);
	}
}
