/*
 * The device tree and the platform description must tell the same story:
 * the kernel was built for one board, and booting it on another (or with a
 * QEMU model that moved a device) must stop with a line naming what moved,
 * not hang on a write to the wrong address.
 */
#include <cleave/plat_check.h>
#include <cleave/print.h>

static int mismatch(char *err, size_t errlen, const struct platform_desc *plat, const char *what,
		    uint64_t dt, uint64_t pd)
{
	ksnprintf(
		err, errlen,
		"device tree does not match platform %s: %s is %#llx in the device tree, %#llx in "
		"the platform description",
		plat->name, what, (unsigned long long)dt, (unsigned long long)pd);
	return -1;
}

static int check_memory(const struct platform_desc *plat, const struct boot_info *bi, char *err,
			size_t errlen)
{
	uint64_t lo = plat->ram_base;
	uint64_t hi = plat->ram_base + plat->ram_size;

	for (unsigned i = 0; i < bi->num_mem; i++) {
		uint64_t base = bi->mem[i].base;
		uint64_t end = base + bi->mem[i].size;

		if (bi->mem[i].size == 0 || end < base || base < lo || end > hi) {
			ksnprintf(err, errlen,
				  "device tree does not match platform %s: memory %#llx-%#llx lies "
				  "outside the platform's RAM window %#llx-%#llx",
				  plat->name, (unsigned long long)base, (unsigned long long)end,
				  (unsigned long long)lo, (unsigned long long)hi);
			return -1;
		}
	}
	return 0;
}

static int check_gic(const struct platform_desc *plat, const struct boot_info *bi, char *err,
		     size_t errlen)
{
	if (bi->gic_version == 2) {
		if (bi->gic_dist != plat->gicv2_dist)
			return mismatch(err, errlen, plat, "gic distributor", bi->gic_dist,
					plat->gicv2_dist);
		if (bi->gic_cpu != plat->gicv2_cpu)
			return mismatch(err, errlen, plat, "gic cpu interface", bi->gic_cpu,
					plat->gicv2_cpu);
		/* The virtual interfaces, when the tree describes them (QEMU: virtualization=on).
		 */
		if (bi->gic_hyp != 0 && bi->gic_hyp != plat->gicv2_hyp)
			return mismatch(err, errlen, plat, "gic virtual interface control",
					bi->gic_hyp, plat->gicv2_hyp);
		if (bi->gic_vcpu != 0 && bi->gic_vcpu != plat->gicv2_vcpu)
			return mismatch(err, errlen, plat, "gic virtual cpu interface",
					bi->gic_vcpu, plat->gicv2_vcpu);
		return 0;
	}
	if (bi->gic_dist != plat->gicv3_dist)
		return mismatch(err, errlen, plat, "gic distributor", bi->gic_dist,
				plat->gicv3_dist);
	if (bi->gic_redist != plat->gicv3_redist)
		return mismatch(err, errlen, plat, "gic redistributor", bi->gic_redist,
				plat->gicv3_redist);
	return 0;
}

int plat_check(const struct platform_desc *plat, const struct boot_info *bi, char *err,
	       size_t errlen)
{
	if (bi->uart_base != plat->uart_base)
		return mismatch(err, errlen, plat, "uart base", bi->uart_base, plat->uart_base);
	if (bi->num_cpus > plat->cpus_max)
		return mismatch(err, errlen, plat, "cpu count", bi->num_cpus, plat->cpus_max);
	if (check_memory(plat, bi, err, errlen) != 0)
		return -1;
	return check_gic(plat, bi, err, errlen);
}
