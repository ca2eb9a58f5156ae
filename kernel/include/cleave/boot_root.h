/* Making the root component at boot (boot_root.c). */
#ifndef CLEAVE_BOOT_ROOT_H
#define CLEAVE_BOOT_ROOT_H

#include <cleave/compiler.h>

#define BOOT_RANGES_MAX 16

/* Physical memory the kernel does not use: it all becomes the root's untyped memory. */
struct boot_ranges {
	unsigned n;
	struct {
		uint64_t base;
		uint64_t end;
	} r[BOOT_RANGES_MAX];
};

/* Removes [base, end) from the ranges (splitting one if needed). */
void boot_ranges_remove(struct boot_ranges *rs, uint64_t base, uint64_t end);

struct boot_root_args {
	struct boot_ranges *free;
	const void *elf;
	size_t elf_size;
	uint64_t dtb_paddr;
	uint64_t dtb_size;
	uint64_t module_paddr; /* the image payload (cleave/image.h); size 0: none */
	uint64_t module_size;
	unsigned num_cpus;
	uint64_t timer_freq;
	unsigned gic_version;
	uint64_t gic_vcpu; /* GICV, 8 KiB, or 0 */
};

/* Builds the root component and makes its thread runnable; panics on a bad image. */
void boot_root_create(const struct boot_root_args *a);

#endif
