/*
 * The kernel image: linked at the platform's RAM base plus the Image
 * header's text_offset, sections page aligned so the MMU can give each its
 * own permissions (mmu.c).
 */
#include <plat_config.h>

OUTPUT_FORMAT("elf64-littleaarch64")
OUTPUT_ARCH(aarch64)
ENTRY(_head)

SECTIONS
{
	. = PLAT_KERNEL_BASE;
	.text : {
		KEEP(*(.head.text))
		*(.text .text.*)
	}
	. = ALIGN(4096);
	__text_end = .;
	__rodata_start = .;
	.rodata : { *(.rodata .rodata.*) }
	/* Static link: the GOT that libfdt.a's references use is filled at link time. */
	.got : { *(.got .got.*) }
	. = ALIGN(4096);
	__rodata_end = .;
	__data_start = .;
	.data : { *(.data .data.*) }
	. = ALIGN(16);
	__bss_start = .;
	.bss (NOLOAD) : {
		*(.bss .bss.*)
		*(COMMON)
	}
	. = ALIGN(4096);
	__bss_end = .;
	__image_end = .;
	/DISCARD/ : { *(.comment) *(.note .note.*) *(.eh_frame*) *(.interp) *(.dynamic) }
}

__image_size = __image_end - _head;
ASSERT(_head == PLAT_KERNEL_BASE, "the Image header must come first")
