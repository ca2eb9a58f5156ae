/*
 * The version switch in front of the two GIC drivers. The version is read
 * from the device tree once, on the boot CPU, before any other CPU starts.
 */
#include <arch/gicv2.h>
#include <arch/gicv3.h>
#include <cleave/arch.h>
#include <cleave/gic.h>

static unsigned version;
static uint64_t boot_mpidr;
static uint64_t gicv2_cpu_base;

void gic_init(const struct boot_info *bi)
{
	version = bi->gic_version;
	boot_mpidr = arch_cpu_mpidr();
	if (version == 3) {
		gicv3_init(bi->gic_dist, bi->gic_redist);
	} else {
		gicv2_cpu_base = bi->gic_cpu;
		gicv2_init(bi->gic_dist, bi->gic_cpu);
	}
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
	return version == 3 ? gicv3_cpu_init() : gicv2_cpu_init();
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
