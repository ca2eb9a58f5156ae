/*
 * The arm64 boot protocol (image.c): header parsing, placement in guest RAM,
 * loading through the backend, the start registers, and every refusal.
 */
#include <stdlib.h>

#include <vmm/image.h>

#include "vmm_test.h"

static struct vmm_guest g;
static struct vmm_error err;

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* An Image header as Linux's head.S writes it. */
static void header(uint8_t *p, uint64_t text_offset, uint64_t image_size, uint64_t flags)
{
	memset(p, 0, IMAGE_HEADER_SIZE);
	put_le(p, 0x14000000 | 16, 4); /* code0: b +64 */
	put_le(p + 8, text_offset, 8);
	put_le(p + 16, image_size, 8);
	put_le(p + 24, flags, 8);
	memcpy(p + 56, "ARM\x64", 4);
}

static int parse(const uint8_t *p, size_t len, struct image_header *h)
{
	return image_parse(&g, p, len, h, &err);
}

static void parse_modern(void **state)
{
	uint8_t buf[4096];
	struct image_header h;

	(void)state;
	std_guest(&g, 1, VMM_POLICY_DC);
	/* Debian's arm64 kernels: text_offset 0, LE, 4K pages, anywhere in RAM (flags 0xa). */
	header(buf, 0, 40 * MIB, 0xa);
	assert_int_equal(parse(buf, sizeof(buf), &h), 0);
	assert_int_equal(h.text_offset, 0);
	assert_int_equal(h.image_size, 40 * MIB);
	assert_true(h.size_known);
	assert_int_equal(h.page_size, 4096);
	assert_true(h.phys_anywhere);

	header(buf, 0x80000, 8 * MIB, 2 << 1); /* 16K pages, placement near the start of RAM */
	assert_int_equal(parse(buf, sizeof(buf), &h), 0);
	assert_int_equal(h.text_offset, 0x80000);
	assert_int_equal(h.page_size, 16384);
	assert_false(h.phys_anywhere);
	header(buf, 0x80000, 8 * MIB, 3 << 1);
	assert_int_equal(parse(buf, sizeof(buf), &h), 0);
	assert_int_equal(h.page_size, 65536);
	header(buf, 0x80000, 8 * MIB, 0);
	assert_int_equal(parse(buf, sizeof(buf), &h), 0);
	assert_int_equal(h.page_size, 0); /* unspecified */
}

/* Before Linux 3.17 image_size is 0 and text_offset must be taken as 0x80000. */
static void parse_old_kernel(void **state)
{
	uint8_t buf[256];
	struct image_header h;

	(void)state;
	std_guest(&g, 1, VMM_POLICY_DC);
	header(buf, 0x123456 /* of unknown endianness: ignored */, 0, 0);
	assert_int_equal(parse(buf, sizeof(buf), &h), 0);
	assert_false(h.size_known);
	assert_int_equal(h.text_offset, IMAGE_OLD_TEXT_OFFSET);
}

static void parse_refusals(void **state)
{
	uint8_t buf[256];
	struct image_header h;

	(void)state;
	g.name = "linux1";
	header(buf, 0, 4096, 0xa);
	assert_int_equal(parse(buf, 63, &h), -1);
	assert_string_equal(err.msg, "guest 'linux1': kernel image truncated: 63 bytes, the arm64 "
				     "Image header alone is 64");
	assert_int_equal(parse(buf, 0, &h), -1);

	buf[59] = 0x65;
	assert_int_equal(parse(buf, sizeof(buf), &h), -1);
	assert_string_equal(err.msg, "guest 'linux1': not an arm64 Linux Image: magic at offset 56 "
				     "is 41 52 4d 65, expected 41 52 4d 64 (\"ARM\\x64\")");
	memset(buf, 0x7f, sizeof(buf)); /* an ELF file, say */
	assert_int_equal(parse(buf, sizeof(buf), &h), -1);
	assert_non_null(strstr(err.msg, "not an arm64 Linux Image"));

	header(buf, 0, 4096, 0xb);
	assert_int_equal(parse(buf, sizeof(buf), &h), -1);
	assert_string_equal(err.msg, "guest 'linux1': kernel image is big-endian (flags bit 0); "
				     "guests run little-endian");

	header(buf, 0, 128, 0xa);
	assert_int_equal(parse(buf, sizeof(buf), &h), -1);
	assert_string_equal(err.msg, "guest 'linux1': kernel image header says image_size 128 but "
				     "the file has 256 bytes");
}

/* An EFI-stub kernel: "MZ", a PE header at 0x40 with one section ending at 0x3000. */
static size_t pe_image(uint8_t *buf, size_t size)
{
	memset(buf, 0, size);
	header(buf, 0, 64 * 1024, 0xa);
	buf[0] = 'M';
	buf[1] = 'Z';
	put_le(buf + 60, 0x40, 4);
	memcpy(buf + 0x40, "PE\0\0", 4);
	put_le(buf + 0x40 + 6, 1, 2);	/* NumberOfSections */
	put_le(buf + 0x40 + 20, 16, 2); /* SizeOfOptionalHeader */
	/* The section table at 0x40 + 24 + 16 = 0x68: SizeOfRawData, PointerToRawData. */
	put_le(buf + 0x68 + 16, 0x2000, 4);
	put_le(buf + 0x68 + 20, 0x1000, 4);
	return 0x3000;
}

static void parse_pe_truncation(void **state)
{
	uint8_t *buf = calloc(1, 0x3000);
	struct image_header h;
	size_t full = pe_image(buf, 0x3000);

	(void)state;
	std_guest(&g, 1, VMM_POLICY_DC);
	assert_int_equal(parse(buf, full, &h), 0);
	assert_int_equal(h.min_file_size, 0x3000);
	assert_int_equal(parse(buf, 0x2fff, &h), -1);
	assert_string_equal(
		err.msg,
		"guest 'g1': kernel image truncated: 12287 bytes, its PE header says 12288");
	/* Cut inside the section table. */
	assert_int_equal(parse(buf, 0x70, &h), -1);
	assert_string_equal(
		err.msg, "guest 'g1': kernel image truncated: 112 bytes end inside its PE header");
	/* An MZ image whose PE offset points past a short file. */
	assert_int_equal(parse(buf, 0x50, &h), -1);
	assert_string_equal(
		err.msg, "guest 'g1': kernel image truncated: 80 bytes end inside its PE header");
	/* Without the PE signature the section table means nothing: no claim on the length. */
	buf[0x40] = 'X';
	assert_int_equal(parse(buf, 0x100, &h), 0);
	assert_int_equal(h.min_file_size, IMAGE_HEADER_SIZE);
	free(buf);
}

static struct image_header hdr(uint64_t text_offset, uint64_t image_size)
{
	struct image_header h = {0};

	h.text_offset = text_offset;
	h.image_size = image_size;
	h.size_known = image_size != 0;
	return h;
}

static void plan_layout(void **state)
{
	struct image_header h = hdr(0, 40 * MIB);
	struct image_layout lay;

	(void)state;
	std_guest(&g, 1, VMM_POLICY_DC);
	assert_int_equal(image_plan(&g, &h, 30 * MIB, 5 * MIB + 123, 0x10000, &lay, &err), 0);
	assert_int_equal(lay.kernel_ipa, RAM_BASE);
	assert_int_equal(lay.kernel_end, RAM_BASE + 40 * MIB);
	assert_int_equal(lay.dtb_ipa, RAM_BASE + RAM_SIZE - 0x10000);
	assert_int_equal(lay.dtb_ipa % 8, 0);
	assert_int_equal(lay.dtb_max, 0x10000);
	assert_int_equal(lay.initrd_ipa, lay.dtb_ipa - (5 * MIB + 4096));
	assert_int_equal(lay.initrd_size, 5 * MIB + 123);
	assert_true(lay.initrd_ipa >= lay.kernel_end);

	/* No initrd; a text_offset; RAM that does not start 2 MiB aligned. */
	assert_int_equal(
		vmm_guest_init(&g, "g1", RAM_BASE + 0x100000, RAM_SIZE, 1, VMM_POLICY_DC, &err), 0);
	h = hdr(0x80000, 8 * MIB);
	assert_int_equal(image_plan(&g, &h, 4 * MIB, 0, 4096, &lay, &err), 0);
	assert_int_equal(lay.kernel_ipa, RAM_BASE + 2 * MIB + 0x80000);
	assert_int_equal(lay.kernel_ipa % (2 * MIB), 0x80000);
	assert_int_equal(lay.initrd_ipa, 0);
	assert_int_equal(lay.dtb_ipa, RAM_BASE + 0x100000 + RAM_SIZE - 4096);

	/* Old kernel: its footprint is the file. */
	std_guest(&g, 1, VMM_POLICY_DC);
	h = hdr(IMAGE_OLD_TEXT_OFFSET, 0);
	assert_int_equal(image_plan(&g, &h, 3 * MIB, 0, 4096, &lay, &err), 0);
	assert_int_equal(lay.kernel_end, RAM_BASE + 0x80000 + 3 * MIB);
}

static void plan_refusals(void **state)
{
	struct image_header h = hdr(0, 70 * MIB);
	struct image_layout lay;

	(void)state;
	std_guest(&g, 1, VMM_POLICY_DC);
	g.name = "linux1";
	assert_int_equal(image_plan(&g, &h, 30 * MIB, 0, 4096, &lay, &err), -1);
	assert_string_equal(
		err.msg,
		"guest 'linux1': kernel image too large: needs 70 MiB, guest RAM is 64 MiB");

	/* 60 MiB + 3 MiB + 64 KiB fits; a 4 MiB initrd does not. */
	h = hdr(0, 60 * MIB);
	assert_int_equal(image_plan(&g, &h, 30 * MIB, 3 * MIB, 0x10000, &lay, &err), 0);
	assert_int_equal(image_plan(&g, &h, 30 * MIB, 4 * MIB, 0x10000, &lay, &err), -1);
	assert_string_equal(err.msg, "guest 'linux1': kernel, initrd and device tree do not fit: "
				     "needs 65 MiB, guest RAM is 64 MiB");
	assert_int_equal(image_plan(&g, &h, 30 * MIB, 8 * MIB, 0x10000, &lay, &err), -1);
	assert_string_equal(err.msg, "guest 'linux1': kernel, initrd and device tree do not fit: "
				     "needs 69 MiB, guest RAM is 64 MiB");

	h = hdr(~0ULL - 4096, 4096);
	assert_int_equal(image_plan(&g, &h, 4096, 0, 4096, &lay, &err), -1);
	assert_non_null(strstr(err.msg, "kernel image too large"));

	h = hdr(0, 4 * MIB);
	assert_int_equal(image_plan(&g, &h, MIB, 0, 0, &lay, &err), -1);
	assert_string_equal(err.msg, "guest 'linux1': device tree reservation of 0 bytes: the boot "
				     "protocol allows 1 byte to 2 MiB");
	assert_int_equal(image_plan(&g, &h, MIB, 0, 2 * MIB + 1, &lay, &err), -1);

	/* 48 GiB of RAM: the initrd at its top is outside the kernel's 32 GiB window. */
	assert_int_equal(
		vmm_guest_init(&g, "big", 0x80000000ULL, 48ULL << 30, 1, VMM_POLICY_DC, &err), 0);
	assert_int_equal(image_plan(&g, &h, MIB, MIB, 4096, &lay, &err), -1);
	assert_string_equal(err.msg, "guest 'big': initrd at 0xc7feff000 is more than 32 GiB "
				     "above the kernel's 1 GiB aligned window");
}

/* Load through the recorder into a copy of guest RAM and check the bytes and the calls. */
static void load_and_boot_regs(void **state)
{
	uint8_t *ram = calloc(1, RAM_SIZE);
	uint8_t kernel[8192], initrd[100], dtb[64];
	struct image_header h;
	struct image_layout lay;
	struct image_boot_regs r;

	(void)state;
	std_guest(&g, 1, VMM_POLICY_CLEAN);
	rec_ram = ram;
	rec_ram_base = RAM_BASE;
	rec_ram_size = RAM_SIZE;
	for (size_t i = 0; i < sizeof(kernel); i++)
		kernel[i] = (uint8_t)i;
	header(kernel, 0x80000, 2 * MIB, 0xa);
	memset(initrd, 0x1d, sizeof(initrd));
	memset(dtb, 0xd7, sizeof(dtb));
	assert_int_equal(parse(kernel, sizeof(kernel), &h), 0);
	assert_int_equal(image_plan(&g, &h, sizeof(kernel), sizeof(initrd), 0x1000, &lay, &err), 0);
	assert_int_equal(
		image_load(&g, &lay, kernel, sizeof(kernel), initrd, dtb, sizeof(dtb), &err), 0);
	assert_int_equal(rec_count, 3);
	rec_expect_write(0, RAM_BASE + 0x80000, sizeof(kernel));
	rec_expect_write(1, lay.initrd_ipa, sizeof(initrd));
	rec_expect_write(2, lay.dtb_ipa, sizeof(dtb));
	assert_memory_equal(ram + 0x80000, kernel, sizeof(kernel));
	assert_memory_equal(ram + (lay.initrd_ipa - RAM_BASE), initrd, sizeof(initrd));
	assert_memory_equal(ram + (lay.dtb_ipa - RAM_BASE), dtb, sizeof(dtb));
	/* The kernel as code; the initrd and the DTB above it as one data range. */
	assert_int_equal(g.nr_written, 2);
	assert_true(g.written[0].exec);
	assert_int_equal(g.written[0].ipa, RAM_BASE + 0x80000);
	assert_int_equal(g.written[0].size, sizeof(kernel));
	assert_false(g.written[1].exec);
	assert_int_equal(g.written[1].ipa, lay.initrd_ipa);
	assert_int_equal(g.written[1].size, 0x2000);

	r = image_boot_regs(&lay);
	assert_int_equal(r.pc, RAM_BASE + 0x80000);
	assert_int_equal(r.x[0], lay.dtb_ipa);
	assert_int_equal(r.x[1], 0);
	assert_int_equal(r.x[2], 0);
	assert_int_equal(r.x[3], 0);
	assert_int_equal(r.pstate, 0x3c5);

	rec_reset();
	assert_int_equal(image_load(&g, &lay, kernel, sizeof(kernel), initrd, dtb, 0x1001, &err),
			 -1);
	assert_string_equal(err.msg, "guest 'g1': device tree of 4097 bytes, 4096 were reserved");
	assert_int_equal(image_load(&g, &lay, kernel, 3 * MIB, initrd, dtb, sizeof(dtb), &err), -1);
	assert_string_equal(err.msg,
			    "guest 'g1': kernel of 3145728 bytes does not fit its planned place");
	rec_fail_at = 1; /* the initrd write */
	assert_int_equal(
		image_load(&g, &lay, kernel, sizeof(kernel), initrd, dtb, sizeof(dtb), &err), -1);
	assert_non_null(strstr(err.msg, "writing 100 bytes at"));
	assert_int_equal(rec_count, 2);
	free(ram);
}

/* A kernel run in place (NULL): nothing written there, but its range is code to clean. */
static void load_in_place(void **state)
{
	uint8_t *ram = calloc(1, RAM_SIZE);
	uint8_t kernel[8192], initrd[100], dtb[64];
	struct image_header h;
	struct image_layout lay;

	(void)state;
	rec_reset();
	std_guest(&g, 1, VMM_POLICY_CLEAN);
	rec_ram = ram;
	rec_ram_base = RAM_BASE;
	rec_ram_size = RAM_SIZE;
	memset(kernel, 0x5a, sizeof(kernel));
	header(kernel, 0, 2 * MIB, 0xa);
	memset(initrd, 0x1d, sizeof(initrd));
	memset(dtb, 0xd7, sizeof(dtb));
	assert_int_equal(parse(kernel, sizeof(kernel), &h), 0);
	assert_int_equal(image_plan(&g, &h, sizeof(kernel), sizeof(initrd), 0x1000, &lay, &err), 0);
	assert_int_equal(image_load(&g, &lay, NULL, sizeof(kernel), initrd, dtb, sizeof(dtb), &err),
			 0);
	assert_int_equal(rec_count, 2); /* the initrd and the DTB only */
	rec_expect_write(0, lay.initrd_ipa, sizeof(initrd));
	rec_expect_write(1, lay.dtb_ipa, sizeof(dtb));
	for (size_t i = 0; i < sizeof(kernel); i++)
		assert_int_equal(ram[i], 0);
	assert_int_equal(g.nr_written, 2);
	assert_true(g.written[0].exec);
	assert_int_equal(g.written[0].ipa, RAM_BASE);
	assert_int_equal(g.written[0].size, sizeof(kernel));
	free(ram);
}

static void size_text(void **state)
{
	(void)state;
	assert_string_equal(vmm_size_text(70 * MIB).s, "70 MiB");
	assert_string_equal(vmm_size_text(70 * MIB + 1).s, "71 MiB");
	assert_string_equal(vmm_size_text(1536).s, "2 KiB");
	assert_string_equal(vmm_size_text(5).s, "5 bytes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_modern),	      cmocka_unit_test(parse_old_kernel),
		cmocka_unit_test(parse_refusals),     cmocka_unit_test(parse_pe_truncation),
		cmocka_unit_test(plan_layout),	      cmocka_unit_test(plan_refusals),
		cmocka_unit_test(load_and_boot_regs), cmocka_unit_test(load_in_place),
		cmocka_unit_test(size_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
