/*
 * Entry of every test guest: the arm64 Image header (Linux's
 * Documentation/arch/arm64/booting.rst), self-relocation, the exception
 * vectors and the secondary-CPU entry that PSCI CPU_ON jumps to.
 *
 * The guest is linked at 0 as a position-independent executable: a VMM may
 * place it text_offset above any 2 MiB aligned base (flags bit 3 says so), and
 * it runs with the MMU off, so its addresses are the physical ones. The only
 * absolute addresses are the R_AARCH64_RELATIVE entries of .rela.dyn, which
 * primary_entry adds the load address to before any C runs.
 */

#include "guest_layout.h"

#define R_AARCH64_RELATIVE 1027

/* The frame the vectors save: x0-x30, ELR_EL1, SPSR_EL1 (struct guest_frame). */
#define FRAME_SIZE (34 * 8)

	.macro	adr_l, reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
	.endm

	.section .head.text, "ax"
	.globl	_head
_head:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0x80000			/* text_offset */
	/*
	 * image_size (.bss included) is written by guest.ld: a PIE may not
	 * hold an absolute address here, and the linker knows the size.
	 */
	.section .head.rest, "a"
	.quad	0xa			/* flags: little-endian, 4 KiB pages, any 2 MiB base */
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

	.text
primary_entry:
	mov	x19, x0			/* the device tree's address */

	adr_l	x1, __bss_start
	adr_l	x2, __bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b

	/* Apply the relative relocations: *(base + offset) = base + addend. */
2:	adr_l	x1, _head
	adr_l	x2, __rela_start
	adr_l	x3, __rela_end
3:	cmp	x2, x3
	b.hs	5f
	ldp	x4, x5, [x2], #16	/* r_offset, r_info */
	ldr	x6, [x2], #8		/* r_addend */
	cmp	x5, #R_AARCH64_RELATIVE
	b.ne	4f
	add	x6, x6, x1
	str	x6, [x4, x1]
	b	3b
4:	wfe				/* another relocation type: the link went wrong */
	b	4b

5:	adr_l	x1, guest_stacks
	add	sp, x1, #GUEST_STACK_SIZE
	adr_l	x1, guest_vectors
	msr	vbar_el1, x1
	isb
	mov	x0, x19
	bl	guest_start
6:	wfe
	b	6b

/*
 * PSCI CPU_ON enters here with the MMU off and x0 = the context ID, which the
 * caller set to the address of the new CPU's struct guest_cpu_boot: its stack
 * top first, then the C function and its argument.
 */
	.globl	guest_secondary_entry
guest_secondary_entry:
	ldr	x1, [x0]
	mov	sp, x1
	adr_l	x1, guest_vectors
	msr	vbar_el1, x1
	isb
	bl	guest_secondary_start
7:	wfe
	b	7b

/* Save every general register, ELR and SPSR; call \handler(frame); restore; eret. */
	.macro	vector_entry, handler
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	b	\handler\()_save
	.endm

	.macro	vector_body, handler
\handler\()_save:
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x1, elr_el1
	mrs	x2, spsr_el1
	stp	x30, x1, [sp, #240]
	str	x2, [sp, #256]
	mov	x0, sp
	bl	\handler
	ldp	x30, x1, [sp, #240]
	ldr	x2, [sp, #256]
	msr	elr_el1, x1
	msr	spsr_el1, x2
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	add	sp, sp, #FRAME_SIZE
	eret
	.endm

/*
 * The guest only runs at EL1 on SP_EL1 (EL1h): the "current EL with SPx"
 * entries are the real ones, everything else is unexpected (Arm ARM D1.10.2).
 */
	.balign	0x800
	.globl	guest_vectors
guest_vectors:
	vector_entry guest_unexpected	/* current EL, SP_EL0 */
	vector_entry guest_unexpected
	vector_entry guest_unexpected
	vector_entry guest_unexpected
	vector_entry guest_sync		/* current EL, SP_ELx */
	vector_entry guest_irq
	vector_entry guest_unexpected
	vector_entry guest_unexpected
	vector_entry guest_unexpected	/* lower EL, AArch64 */
	vector_entry guest_unexpected
	vector_entry guest_unexpected
	vector_entry guest_unexpected
	vector_entry guest_unexpected	/* lower EL, AArch32 */
	vector_entry guest_unexpected
	vector_entry guest_unexpected
	vector_entry guest_unexpected

	vector_body guest_unexpected
	vector_body guest_sync
	vector_body guest_irq
