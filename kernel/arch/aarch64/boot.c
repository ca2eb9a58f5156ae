/*
 * Early boot on the boot CPU, with the MMU and data cache still off: the
 * console, the checks that only make sense this early, and the kernel's
 * translation tables. Runs before the MMU is on, so only aligned accesses
 * (the kernel is built with -mstrict-align) and no atomics.
 */
#include <arch/boot.h>
#include <arch/pgtable.h>
#include <cleave/panic.h>
#include <cleave/platform.h>
#include <cleave/print.h>
#include <cleave/uart.h>
#include <plat_config.h>

#define FDT_MAGIC 0xd00dfeedU
#define DTB_SIZE_MAX (2U << 20) /* the boot protocol's limit */

uint64_t boot_ttbr0;
uintptr_t boot_dtb;
size_t boot_dtb_size;

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/*
 * The device tree's size from its header, or 0 when x0 does not point at
 * one. The header is read byte by byte: with the MMU off, memory is Device
 * memory, and a misaligned pointer from a broken loader must not fault here.
 */
static size_t dtb_size(uintptr_t dtb)
{
	const void *p = (const void *)dtb;
	uint32_t size;

	if (dtb == 0 || (dtb & 7) != 0) {
		kprintf("boot: x0 = %#lx is not an 8-byte aligned device tree address\n", dtb);
		return 0;
	}
	if (be32(p) != FDT_MAGIC) {
		kprintf("boot: no device tree at %#lx (bad magic)\n", dtb);
		return 0;
	}
	size = be32((const uint8_t *)p + 4);
	if (size > DTB_SIZE_MAX) {
		kprintf("boot: device tree at %#lx claims %u bytes, more than 2 MiB\n", dtb, size);
		return 0;
	}
	return size;
}

uint64_t boot_early(uintptr_t dtb)
{
	uart_init(plat_desc.uart_base);
	kprintf("\nCleave: EL2 separation kernel for platform %s, entered at EL2\n",
		plat_desc.name);
	kprintf("boot: image %#lx-%#lx, device tree at %#lx\n", (uintptr_t)_head,
		(uintptr_t)__image_end, dtb);
	boot_dtb = dtb;
	boot_dtb_size = dtb_size(dtb);
	if (boot_dtb_size != 0 && dtb < (uintptr_t)__image_end &&
	    dtb + boot_dtb_size > (uintptr_t)_head)
		panic("boot: the device tree at %#lx overlaps the kernel image", dtb);
	boot_ttbr0 = mmu_build_tables(boot_dtb, boot_dtb_size);
	return boot_ttbr0;
}

/* Entered at EL1 or EL3: say what is wrong in words a QEMU user can act on. */
NORETURN void boot_wrong_el(unsigned el)
{
	uart_init(plat_desc.uart_base);
	panic("entered at EL%u; Cleave must be started at EL2 (on QEMU: -M virt,virtualization=on)",
	      el);
}

NORETURN void boot_wrong_address(uintptr_t actual)
{
	uart_init(plat_desc.uart_base);
	panic("loaded at %#lx but linked at %#lx; the Image header's text_offset was ignored",
	      actual, (uintptr_t)PLAT_KERNEL_BASE);
}
