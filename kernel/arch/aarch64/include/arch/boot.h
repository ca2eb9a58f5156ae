/* Symbols shared by the boot assembly and the early C code. */
#ifndef ARCH_BOOT_H
#define ARCH_BOOT_H

#define BOOT_STACK_SIZE 16384

#ifndef __ASSEMBLER__
#include <cleave/compiler.h>

/* Linker-script symbols (linker.ld.S): the image and its sections. */
extern char _head[], __text_end[], __rodata_start[], __rodata_end[], __data_start[], __bss_start[],
	__bss_end[], __image_end[];

/* The value every CPU loads into TTBR0_EL2; written before any MMU is on. */
extern uint64_t boot_ttbr0;
/* Where the boot CPU found the device tree and how much of it is mapped. */
extern uintptr_t boot_dtb;
extern size_t boot_dtb_size;

uint64_t boot_early(uintptr_t dtb);
/* Builds the kernel's stage-1 tables (mmu.c) and returns the root table's address. */
uint64_t mmu_build_tables(uintptr_t dtb, size_t dtb_size);
struct boot_ranges;
/* Maps free RAM read-write into the kernel's own map, once the device tree is read. */
void mmu_map_ranges(const struct boot_ranges *rs);
NORETURN void boot_wrong_el(unsigned el);
NORETURN void boot_wrong_address(uintptr_t actual);
void mmu_enable(uint64_t ttbr0, uint64_t tcr, uint64_t mair);
uint64_t mmu_tcr(void);
uint64_t mmu_mair(void);
void dcache_inval_poc(uintptr_t start, uintptr_t end);
void secondary_entry(void);
NORETURN void kernel_main(void);
#endif

#endif
