/*
 * The EL2 exception vector table (Arm ARM D1.10.2): 16 entries of 0x80
 * bytes, grouped by where the exception came from (current EL with SP_EL0,
 * current EL with SP_ELx, lower EL in AArch64, lower EL in AArch32) and by
 * type (synchronous, IRQ, FIQ, SError). Every entry saves a full frame and
 * calls exception_entry() with the entry's number; the C side decides.
 */
#include <arch/frame.h>

.macro ventry num
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #FRAME_X(0)]
	mov	x0, #\num
	b	exc_common
.endm

	.text
	.balign	0x800
	.globl	vectors
vectors:
	ventry	0
	ventry	1
	ventry	2
	ventry	3
	ventry	4
	ventry	5
	ventry	6
	ventry	7
	ventry	8
	ventry	9
	ventry	10
	ventry	11
	ventry	12
	ventry	13
	ventry	14
	ventry	15

exc_common:
	stp	x2, x3, [sp, #FRAME_X(2)]
	stp	x4, x5, [sp, #FRAME_X(4)]
	stp	x6, x7, [sp, #FRAME_X(6)]
	stp	x8, x9, [sp, #FRAME_X(8)]
	stp	x10, x11, [sp, #FRAME_X(10)]
	stp	x12, x13, [sp, #FRAME_X(12)]
	stp	x14, x15, [sp, #FRAME_X(14)]
	stp	x16, x17, [sp, #FRAME_X(16)]
	stp	x18, x19, [sp, #FRAME_X(18)]
	stp	x20, x21, [sp, #FRAME_X(20)]
	stp	x22, x23, [sp, #FRAME_X(22)]
	stp	x24, x25, [sp, #FRAME_X(24)]
	stp	x26, x27, [sp, #FRAME_X(26)]
	stp	x28, x29, [sp, #FRAME_X(28)]
	str	x30, [sp, #FRAME_X(30)]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [sp, #FRAME_ELR]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	stp	x2, x3, [sp, #FRAME_ESR]
	mrs	x2, sp_el0
	str	x2, [sp, #FRAME_SP_EL0]
	mov	x1, x0
	mov	x0, sp
	bl	exception_entry
	/* Fall through: return to whatever the frame now holds (it may be another thread). */
	.globl	exc_return
exc_return:
	ldr	x2, [sp, #FRAME_SP_EL0]
	msr	sp_el0, x2
	ldp	x2, x3, [sp, #FRAME_ELR]
	msr	elr_el2, x2
	msr	spsr_el2, x3
	ldp	x2, x3, [sp, #FRAME_X(2)]
	ldp	x4, x5, [sp, #FRAME_X(4)]
	ldp	x6, x7, [sp, #FRAME_X(6)]
	ldp	x8, x9, [sp, #FRAME_X(8)]
	ldp	x10, x11, [sp, #FRAME_X(10)]
	ldp	x12, x13, [sp, #FRAME_X(12)]
	ldp	x14, x15, [sp, #FRAME_X(14)]
	ldp	x16, x17, [sp, #FRAME_X(16)]
	ldp	x18, x19, [sp, #FRAME_X(18)]
	ldp	x20, x21, [sp, #FRAME_X(20)]
	ldp	x22, x23, [sp, #FRAME_X(22)]
	ldp	x24, x25, [sp, #FRAME_X(24)]
	ldp	x26, x27, [sp, #FRAME_X(26)]
	ldp	x28, x29, [sp, #FRAME_X(28)]
	ldr	x30, [sp, #FRAME_X(30)]
	ldp	x0, x1, [sp, #FRAME_X(0)]
	add	sp, sp, #FRAME_SIZE
	eret

/*
 * The first entry to user level on this CPU: make an empty frame, let
 * user_first() fill it with the chosen thread's registers, and return
 * through the common exit.
 */
	.globl	user_start
user_start:
	msr	daifset, #0xf
	sub	sp, sp, #FRAME_SIZE
	mov	x0, sp
	bl	user_first
	b	exc_return
