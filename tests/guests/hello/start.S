/*
 * The hello test guest's entry: an arm64 Image header (Linux
 * Documentation/arch/arm64/booting.rst), so any VMM that follows the boot
 * protocol loads it, then a stack and a jump to C with x0 = the device tree.
 */
	.section .head, "ax"
	.globl _head
_head:
	b	start			/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset: at the 2 MiB-aligned base */
	.quad	_image_size		/* image_size, bss included (hello.ld) */
	.quad	0xa			/* flags: little-endian, 4 KiB pages, anywhere */
	.quad	0, 0, 0			/* res2..res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5: no PE header */

	.text
start:
	adrp	x1, stack_top
	add	x1, x1, :lo12:stack_top
	mov	sp, x1
	bl	hello_main
1:	wfi
	b	1b

	.bss
	.balign	16
	.space	8192
stack_top:
