/*
 * The version switch in front of the two GIC drivers. The version is read
 * from the device tree once, on the boot CPU, before any other CPU starts.
 */
#include <arch/gic_regs.h>
#include <arch/gicv2.h>
#include <arch/mmio.h>
#include <arch/gicv3.h>
#include <arch/vcpu_switch.h>
#include <cleave/arch.h>
#include <cleave/cpu.h>
#include <cleave/gic.h>

static unsigned version;
static uint64_t boot_mpidr;
static uintptr_t dist_base;
static uint64_t gicv2_cpu_base;

void gic_init(const struct boot_info *bi)
{
	version = bi->gic_version;
	boot_mpidr = arch_cpu_mpidr();
	dist_base = (uintptr_t)bi->gic_dist;
	if (version == 3) {
		gicv3_init(bi->gic_dist, bi->gic_redist);
	} else {
		gicv2_cpu_base = bi->gic_cpu;
		gicv2_init(bi->gic_dist, bi->gic_cpu);
	}
	vcpu_boot_init(bi);
}

unsigned gic_version(void)
{
	return version;
}

bool gic_cpuif_present(unsigned v)
{
	return v == 3 ? gicv3_cpuif_present() : gicv2_cpuif_present(gicv2_cpu_base);
}

bool gic_cpu_init(void)
{
	if (!(version == 3 ? gicv3_cpu_init() : gicv2_cpu_init()))
		return false;
	vcpu_cpu_start();
	return true;
}

void gic_set_ppi(unsigned intid, bool enable)
{
	if (version == 3)
		gicv3_set_ppi(intid, enable);
	else
		gicv2_set_ppi(intid, enable);
}

void gic_enable_ppi(unsigned intid)
{
	if (version == 3)
		gicv3_enable_ppi(intid);
	else
		gicv2_enable_ppi(intid);
}

unsigned gic_ack(void)
{
	return version == 3 ? gicv3_ack() : gicv2_ack();
}

void gic_eoi(unsigned iar)
{
	if (version == 3)
		gicv3_eoi(iar);
	else
		gicv2_eoi(iar);
}

void gic_set_spi(unsigned intid, bool enable)
{
	if (version == 3)
		gicv3_set_spi(intid, enable, boot_mpidr);
	else
		gicv2_set_spi(intid, enable);
}

unsigned gic_lines(void)
{
	return version == 3 ? gicv3_lines() : gicv2_lines();
}

/* GICD_ISPENDR<n> sits at the same offset in both versions (IHI 0048B 4.3.7, IHI 0069 12.9.21). */
void gic_set_pending(unsigned intid)
{
	mmio_write32(dist_base + GICD_ISPENDR(intid / 32), 1U << (intid % 32));
}

void gic_send_sgi(unsigned cpu, unsigned sgi)
{
	if (version == 3)
		gicv3_send_sgi(cpus[cpu].mpidr, sgi);
	else
		gicv2_send_sgi(cpu, sgi);
}
