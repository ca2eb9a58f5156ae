/*
 * The Linux arm64 boot protocol (Linux Documentation/arch/arm64/booting.rst):
 * the 64-byte Image header, where the kernel, initrd and device tree go in
 * guest RAM, loading them, and the registers vCPU 0 starts with.
 */
#ifndef VMM_IMAGE_H
#define VMM_IMAGE_H

#include <vmm/guest.h>

#define IMAGE_HEADER_SIZE 64
/* Old kernels (image_size 0) load at this offset, whatever text_offset says. */
#define IMAGE_OLD_TEXT_OFFSET 0x80000ULL
/* The kernel's base is 2 MiB aligned; the DTB may not exceed 2 MiB. */
#define IMAGE_BASE_ALIGN (2ULL << 20)
#define IMAGE_DTB_MAX (2ULL << 20)

struct image_header {
	uint64_t text_offset;
	uint64_t image_size; /* bytes the kernel uses from its start, BSS included; 0: unknown */
	uint64_t flags;
	unsigned page_size; /* flags bits [2:1]: 0 unspecified, else 4096, 16384 or 65536 */
	bool phys_anywhere; /* flags bit 3: the 2 MiB base may be anywhere in RAM */
	bool size_known;
	uint64_t min_file_size; /* what the file must hold by its PE/COFF header (else 64) */
};

struct image_layout {
	uint64_t kernel_ipa; /* the entry point: 2 MiB aligned base + text_offset */
	uint64_t kernel_end; /* first byte past what the kernel may use */
	uint64_t initrd_ipa; /* 0 with no initrd */
	uint64_t initrd_size;
	uint64_t dtb_ipa; /* 8-byte (in fact page) aligned, dtb_max bytes reserved */
	uint64_t dtb_max;
};

/* vCPU 0's start (booting.rst "Call the kernel image"): x0 = DTB, x1-x3 = 0, EL1h, DAIF masked. */
struct image_boot_regs {
	uint64_t pc;
	uint64_t x[4];
	uint64_t pstate;
};

/* Parse and check the header of a kernel file of len bytes. */
int image_parse(const struct vmm_guest *g, const void *file, size_t len, struct image_header *h,
		struct vmm_error *err);

/*
 * Where everything goes: the kernel low in RAM, the DTB (dtb_max bytes
 * reserved) at the top, the initrd just below it. Refuses what does not fit.
 */
int image_plan(const struct vmm_guest *g, const struct image_header *h, size_t kernel_len,
	       size_t initrd_len, size_t dtb_max, struct image_layout *lay, struct vmm_error *err);

/*
 * Write the kernel (as code), the initrd (if any) and the DTB (dtb_len <= dtb_max).
 * kernel NULL: its kernel_len bytes already lie at the kernel's place (run in place,
 * docs/image.md); they are remembered for the cache policy as if written.
 */
int image_load(struct vmm_guest *g, const struct image_layout *lay, const void *kernel,
	       size_t kernel_len, const void *initrd, const void *dtb, size_t dtb_len,
	       struct vmm_error *err);

struct image_boot_regs image_boot_regs(const struct image_layout *lay);

#endif
