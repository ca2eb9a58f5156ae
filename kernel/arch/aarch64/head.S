/*
 * Kernel entry. The first 64 bytes are the arm64 Image header
 * (Documentation/arch/arm64/booting.rst in Linux), which QEMU's -kernel and
 * U-Boot's booti both read: they load the image at a 2 MiB aligned base plus
 * text_offset and jump to its start with x0 = the device tree's address, the
 * MMU off, at the highest EL the boot path allows.
 */
#include <arch/boot.h>
#include <plat_config.h>

	.section .head.text, "ax"
	.globl	_head
_head:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	PLAT_LOAD_OFFSET	/* text_offset */
	.quad	__image_size		/* image_size, bss included */
	.quad	0x2			/* flags: little-endian, 4 KiB pages, 2 MiB base + text_offset */
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

	.text
primary_entry:
	mov	x19, x0				/* the device tree, kept across the calls below */

	/*
	 * Zero .bss with the MMU off (it is 16-byte aligned and sized). This
	 * comes first so the error paths below can use C with zeroed state.
	 */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:
	adrp	x1, cpu_stacks
	add	x1, x1, :lo12:cpu_stacks
	add	sp, x1, #BOOT_STACK_SIZE	/* CPU 0's stack */
	mrs	x20, CurrentEL
	lsr	x20, x20, #2
	cmp	x20, #2
	b.ne	wrong_el

	/* Running where the image was linked? adr is PC-relative, the literal is absolute. */
	adr	x1, _head
	ldr	x2, =_head
	cmp	x1, x2
	b.ne	wrong_address

	msr	tpidr_el2, xzr			/* logical CPU index 0 */
	adrp	x1, vectors
	add	x1, x1, :lo12:vectors
	msr	vbar_el2, x1
	isb

	mov	x0, x19
	bl	boot_early			/* returns the root table in x0 */
	mov	x21, x0

	/*
	 * The tables, the stack and .bss were written with the data cache off,
	 * straight to memory. Stale lines for those addresses (left by earlier
	 * boot stages) would hide the new contents once the cache is on, so
	 * invalidate them to the Point of Coherency before enabling it.
	 */
	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
	bl	dcache_inval_poc

	bl	mmu_tcr
	mov	x22, x0
	bl	mmu_mair
	mov	x2, x0
	mov	x1, x22
	mov	x0, x21
	bl	mmu_enable
	b	kernel_main

wrong_el:
	mov	x0, x20
	bl	boot_wrong_el
wrong_address:
	mov	x0, x1
	bl	boot_wrong_address

/*
 * Secondary CPUs arrive here from PSCI CPU_ON with x0 = the context id, which
 * is their logical index, and the MMU off. The boot CPU wrote boot_ttbr0 and
 * the tables with its MMU off too, so they are in memory for this CPU to see.
 */
	.globl	secondary_entry
secondary_entry:
	mov	x19, x0
	adrp	x1, cpu_stacks
	add	x1, x1, :lo12:cpu_stacks
	mov	x2, #BOOT_STACK_SIZE
	madd	x1, x0, x2, x1
	add	sp, x1, #BOOT_STACK_SIZE
	msr	tpidr_el2, x19
	adrp	x1, vectors
	add	x1, x1, :lo12:vectors
	msr	vbar_el2, x1
	isb
	bl	mmu_tcr
	mov	x22, x0
	bl	mmu_mair
	mov	x2, x0
	mov	x1, x22
	adrp	x0, boot_ttbr0
	ldr	x0, [x0, :lo12:boot_ttbr0]
	bl	mmu_enable
	mov	x0, x19
	b	secondary_main

/*
 * mmu_enable(ttbr0, tcr, mair): turn on this CPU's EL2 stage-1 MMU and caches.
 * The I-cache is invalidated first: it may hold lines fetched before this
 * point (or by firmware) that the new mapping makes stale, and on some cores
 * enabling the MMU over a dirty I-cache hangs the CPU (seed 001, the A7 case
 * fixed with ICIALLU before the HSCTLR write).
 */
	.globl	mmu_enable
mmu_enable:
	ic	iallu
	tlbi	alle2
	dsb	nsh
	isb
	msr	mair_el2, x2
	msr	tcr_el2, x1
	msr	ttbr0_el2, x0
	isb
	mrs	x3, sctlr_el2
	ldr	x4, =(1 << 0) | (1 << 2) | (1 << 3) | (1 << 12) | (1 << 19)	/* M C SA I WXN */
	orr	x3, x3, x4
	bic	x3, x3, #(1 << 1)		/* no alignment checks */
	bic	x3, x3, #(1 << 25)		/* little-endian */
	msr	sctlr_el2, x3
	isb
	ic	iallu				/* drop anything fetched before the switch */
	dsb	nsh
	isb
	ret

	.bss
	.balign	16
	.globl	cpu_stacks
cpu_stacks:
	.space	BOOT_STACK_SIZE * PLAT_CPUS_MAX
