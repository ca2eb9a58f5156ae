/*
 * The Linux arm64 boot protocol, as Documentation/arch/arm64/booting.rst
 * states it: the Image header, the placement rules, and the start registers.
 * Every refusal names the guest (issue 5 part 4).
 */
#include <string.h>

#include <vmm/image.h>

#define PAGE 4096ULL
#define GIB (1ULL << 30)

/* Header fields (all little-endian). */
#define HDR_TEXT_OFFSET 8
#define HDR_IMAGE_SIZE 16
#define HDR_FLAGS 24
#define HDR_MAGIC 56
#define HDR_PE_OFFSET 60

#define FLAG_BE BIT(0)
#define FLAG_PHYS_ANYWHERE BIT(3)

static uint64_t le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = bytes; i > 0; i--)
		v = (v << 8) | p[i - 1];
	return v;
}

/*
 * An EFI-stub kernel is also a PE/COFF file ("MZ" at offset 0, the PE header
 * at the offset in bytes 60-63): its section table says how long the file
 * is, which catches a truncated copy that the Image header alone cannot.
 * Returns the length the sections need, 0 when there is no PE header, or
 * UINT64_MAX when the PE header itself is cut off.
 */
static uint64_t pe_file_size(const uint8_t *p, size_t len)
{
	uint64_t pe = le(p + HDR_PE_OFFSET, 4);
	uint64_t nsect, optsize, table, need = 0;

	if (p[0] != 'M' || p[1] != 'Z' || pe == 0)
		return 0;
	if (pe > len || len - pe < 24 || memcmp(p + pe, "PE\0\0", 4) != 0)
		return pe + 24 > len ? UINT64_MAX : 0;
	nsect = le(p + pe + 6, 2);
	optsize = le(p + pe + 20, 2);
	table = pe + 24 + optsize;
	if (table + nsect * 40 > len)
		return UINT64_MAX;
	for (uint64_t i = 0; i < nsect; i++) {
		const uint8_t *s = p + table + i * 40;
		uint64_t end = le(s + 20, 4) + le(s + 16, 4); /* PointerToRawData + SizeOfRawData */

		need = end > need ? end : need;
	}
	return need;
}

int image_parse(const struct vmm_guest *g, const void *file, size_t len, struct image_header *h,
		struct vmm_error *err)
{
	const uint8_t *p = file;
	uint64_t pe_need;

	memset(h, 0, sizeof(*h));
	if (len < IMAGE_HEADER_SIZE)
		return vmm_fail(
			err, g->name,
			"kernel image truncated: %zu bytes, the arm64 Image header alone is %u",
			len, IMAGE_HEADER_SIZE);
	if (memcmp(p + HDR_MAGIC, "ARM\x64", 4) != 0)
		return vmm_fail(
			err, g->name,
			"not an arm64 Linux Image: magic at offset 56 is %02x %02x %02x %02x, "
			"expected 41 52 4d 64 (\"ARM\\x64\")",
			p[56], p[57], p[58], p[59]);
	h->image_size = le(p + HDR_IMAGE_SIZE, 8);
	h->flags = le(p + HDR_FLAGS, 8);
	/*
	 * Kernels before 3.17 have image_size 0; their text_offset has no
	 * defined endianness and booting.rst says to assume 0x80000.
	 */
	h->size_known = h->image_size != 0;
	h->text_offset = h->size_known ? le(p + HDR_TEXT_OFFSET, 8) : IMAGE_OLD_TEXT_OFFSET;
	if (h->flags & FLAG_BE)
		return vmm_fail(
			err, g->name,
			"kernel image is big-endian (flags bit 0); guests run little-endian");
	if (h->size_known) {
		unsigned ps = (unsigned)FIELD(h->flags, 2, 1);

		h->page_size = ps == 0 ? 0 : 4096U << (2 * (ps - 1));
		h->phys_anywhere = h->flags & FLAG_PHYS_ANYWHERE;
	}
	if (h->size_known && len > h->image_size)
		return vmm_fail(
			err, g->name,
			"kernel image header says image_size %llu but the file has %zu bytes",
			(unsigned long long)h->image_size, len);
	pe_need = pe_file_size(p, len);
	if (pe_need == UINT64_MAX)
		return vmm_fail(err, g->name,
				"kernel image truncated: %zu bytes end inside its PE header", len);
	h->min_file_size = pe_need > IMAGE_HEADER_SIZE ? pe_need : IMAGE_HEADER_SIZE;
	if (len < h->min_file_size)
		return vmm_fail(err, g->name,
				"kernel image truncated: %zu bytes, its PE header says %llu", len,
				(unsigned long long)h->min_file_size);
	return 0;
}

static int too_large(const struct vmm_guest *g, const char *what, uint64_t need,
		     struct vmm_error *err)
{
	struct vmm_size_text n = vmm_size_text(need), r = vmm_size_text(g->ram_size);

	return vmm_fail(err, g->name, "%s: needs %s, guest RAM is %s", what, n.s, r.s);
}

int image_plan(const struct vmm_guest *g, const struct image_header *h, size_t kernel_len,
	       size_t initrd_len, size_t dtb_max, struct image_layout *lay, struct vmm_error *err)
{
	uint64_t ram_end = g->ram_base + g->ram_size;
	uint64_t base = ALIGN_UP(g->ram_base, IMAGE_BASE_ALIGN);
	uint64_t footprint = h->size_known ? h->image_size : kernel_len;
	uint64_t initrd_pages = ALIGN_UP((uint64_t)initrd_len, PAGE);
	uint64_t dtb_pages = ALIGN_UP((uint64_t)dtb_max, PAGE);
	uint64_t kernel_need;

	memset(lay, 0, sizeof(*lay));
	if (dtb_max == 0 || dtb_max > IMAGE_DTB_MAX)
		return vmm_fail(
			err, g->name,
			"device tree reservation of %zu bytes: the boot protocol allows 1 byte "
			"to 2 MiB",
			dtb_max);
	/*
	 * booting.rst: the Image goes text_offset bytes above a 2 MiB aligned
	 * base, and image_size bytes from its start must be free. The lowest
	 * such base in RAM suits both values of flags bit 3: with bit 3 clear
	 * the base should be as close to the start of RAM as possible.
	 */
	kernel_need = (base - g->ram_base) + h->text_offset + footprint;
	if (base >= ram_end || h->text_offset >= g->ram_size || footprint > g->ram_size ||
	    kernel_need > g->ram_size)
		return too_large(g, "kernel image too large",
				 kernel_need < h->text_offset ? UINT64_MAX : kernel_need, err);
	lay->kernel_ipa = base + h->text_offset;
	lay->kernel_end = lay->kernel_ipa + footprint;
	/* The DTB at the top of RAM, 8-byte aligned (page aligned here), the initrd below it. */
	if (kernel_need + initrd_pages + dtb_pages > g->ram_size)
		return too_large(g, "kernel, initrd and device tree do not fit",
				 kernel_need + initrd_pages + dtb_pages, err);
	lay->dtb_ipa = ALIGN_DOWN(ram_end - dtb_pages, PAGE);
	lay->dtb_max = dtb_max;
	if (initrd_len != 0) {
		lay->initrd_ipa = lay->dtb_ipa - initrd_pages;
		lay->initrd_size = initrd_len;
		/*
		 * booting.rst: the initrd must lie in a 1 GiB aligned window of
		 * at most 32 GiB that also covers the kernel Image.
		 */
		if (lay->initrd_ipa + initrd_len - ALIGN_DOWN(lay->kernel_ipa, GIB) > 32 * GIB)
			return vmm_fail(err, g->name,
					"initrd at %#llx is more than 32 GiB above the kernel's "
					"1 GiB aligned window",
					(unsigned long long)lay->initrd_ipa);
	}
	return 0;
}

int image_load(struct vmm_guest *g, const struct image_layout *lay, const void *kernel,
	       size_t kernel_len, const void *initrd, const void *dtb, size_t dtb_len,
	       struct vmm_error *err)
{
	if (dtb_len == 0 || dtb_len > lay->dtb_max)
		return vmm_fail(err, g->name, "device tree of %zu bytes, %llu were reserved",
				dtb_len, (unsigned long long)lay->dtb_max);
	if (lay->kernel_ipa + kernel_len > lay->kernel_end)
		return vmm_fail(err, g->name, "kernel of %zu bytes does not fit its planned place",
				kernel_len);
	/* NULL: the kernel already lies there (run in place); it is code all the same. */
	if ((kernel == NULL
		     ? vmm_guest_loaded(g, lay->kernel_ipa, kernel_len, true, err)
		     : vmm_guest_write(g, lay->kernel_ipa, kernel, kernel_len, true, err)) != 0)
		return -1;
	if (lay->initrd_size != 0 &&
	    vmm_guest_write(g, lay->initrd_ipa, initrd, lay->initrd_size, false, err) != 0)
		return -1;
	return vmm_guest_write(g, lay->dtb_ipa, dtb, dtb_len, false, err);
}

struct image_boot_regs image_boot_regs(const struct image_layout *lay)
{
	struct image_boot_regs r = {0};

	r.pc = lay->kernel_ipa;
	r.x[0] = lay->dtb_ipa;
	/* SPSR: EL1h (M[3:0] = 0b0101) with D, A, I and F masked (bits 9-6). */
	r.pstate = 0x3c5;
	return r;
}
