/*
 * The platform description, generated from platforms/<name>/platform.yaml by
 * tools/gen_platform.py. It says where things are on the board; the kernel
 * cross-checks it against the device tree it is booted with (plat_check.h).
 */
#ifndef CLEAVE_PLATFORM_H
#define CLEAVE_PLATFORM_H

#include <cleave/compiler.h>

struct plat_region {
	const char *name;
	uint64_t base;
	uint64_t size;
};

/* A device user level gets as device untyped memory, and its interrupt. */
struct plat_user_device {
	const char *name;
	uint64_t base;
	uint64_t size;
	unsigned irq;
};

struct platform_desc {
	const char *name;
	uint64_t ram_base; /* the window the device tree's memory must lie in */
	uint64_t ram_size;
	uint32_t cpus_max;
	uint64_t uart_base;
	uint64_t gicv2_dist;
	uint64_t gicv2_cpu;
	uint64_t gicv2_hyp;  /* GICH, or 0 when the platform has no virtualization support */
	uint64_t gicv2_vcpu; /* GICV, likewise */
	uint64_t gicv3_dist;
	uint64_t gicv3_redist;
	const struct plat_region *devices; /* mapped device-nGnRnE by the kernel */
	size_t num_devices;
	const struct plat_user_device *user_devices;
	size_t num_user_devices;
};

extern const struct platform_desc plat_desc;

#endif
