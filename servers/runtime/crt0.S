/*
 * Entry of a native component. The kernel starts the thread with its stack
 * pointer set and x0 = the argument its creator chose (for the root
 * component: the bootinfo address).
 */
	.section .text.start, "ax"
	.globl	_start
_start:
	mov	x29, #0
	mov	x30, #0
	bl	cl_runtime_start
1:	b	1b
