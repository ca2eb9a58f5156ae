/*
 * The EL2 exception vector table (Arm ARM D1.10.2): 16 entries of 0x80
 * bytes, grouped by where the exception came from (current EL with SP_EL0,
 * current EL with SP_ELx, lower EL in AArch64, lower EL in AArch32) and by
 * type (synchronous, IRQ, FIQ, SError). An exception taken at EL2 saves a
 * frame on the kernel stack and calls exception_entry(). One from EL0 saves
 * the registers straight into the running thread's register block, where
 * SP_EL2 points while the thread is at EL0 (as seL4 does), and calls
 * user_trap(), which returns the block of the thread to run next: a round
 * trip through the kernel copies no register twice.
 */
#include <arch/frame.h>

.macro ventry num
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #FRAME_X(0)]
	mov	x0, #\num
	b	exc_common
.endm

/* From EL0: sp is the thread's struct user_regs (REGS_*). */
.macro uentry num
	.balign	0x80
	stp	x0, x1, [sp, #REGS_X(0)]
	mov	x0, #\num
	b	user_entry
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
	uentry	8
	uentry	9
	uentry	10
	uentry	11
	uentry	12
	uentry	13
	uentry	14
	uentry	15

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
	/* Fall through: back to the interrupted kernel code. */
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

user_entry:
	stp	x2, x3, [sp, #REGS_X(2)]
	stp	x4, x5, [sp, #REGS_X(4)]
	stp	x6, x7, [sp, #REGS_X(6)]
	stp	x8, x9, [sp, #REGS_X(8)]
	stp	x10, x11, [sp, #REGS_X(10)]
	stp	x12, x13, [sp, #REGS_X(12)]
	stp	x14, x15, [sp, #REGS_X(14)]
	stp	x16, x17, [sp, #REGS_X(16)]
	stp	x18, x19, [sp, #REGS_X(18)]
	stp	x20, x21, [sp, #REGS_X(20)]
	stp	x22, x23, [sp, #REGS_X(22)]
	stp	x24, x25, [sp, #REGS_X(24)]
	stp	x26, x27, [sp, #REGS_X(26)]
	stp	x28, x29, [sp, #REGS_X(28)]
	mrs	x1, sp_el0
	stp	x30, x1, [sp, #REGS_X(30)]	/* x30 and sp: REGS_SP follows x30 */
	mrs	x1, elr_el2
	mrs	x2, spsr_el2
	stp	x1, x2, [sp, #REGS_PC]
	/* Onto this CPU's kernel stack: cpu_users[TPIDR_EL2].kstack. */
	mrs	x1, tpidr_el2
	adrp	x2, cpu_users
	add	x2, x2, :lo12:cpu_users
	add	x2, x2, x1, lsl #CPU_USER_SHIFT
	ldr	x1, [x2, #CPU_USER_KSTACK]
	mov	sp, x1
	bl	user_trap
	/* Fall through with x0 = the registers of the thread to run. */

/*
 * Returns to EL0 (a native thread) or EL1 (a guest) with the registers at
 * x0 and leaves SP_EL2 pointing there for the next entry. SPSR.M[3] and
 * M[4] are cleared: whatever a thread's saved state says, it cannot return
 * to EL2 or to AArch32. The kernel only ever stores EL0t for a native thread
 * (and with HCR_EL2.TGE set, a return to EL1 would be an illegal exception
 * return: Arm ARM D1, "Illegal return events from AArch64 state"), EL1h/EL1t/EL0t for a guest. DAIF is left as
 * saved: interrupts routed to EL2 are taken at EL0 and EL1 whatever PSTATE
 * masks say (Arm ARM D1, "Asynchronous exception masking"), so a thread cannot keep the kernel out.
 */
user_return:
	mov	sp, x0
	ldr	x1, [sp, #REGS_SP]
	msr	sp_el0, x1
	ldp	x1, x2, [sp, #REGS_PC]
	and	x2, x2, #~0x18
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ldp	x2, x3, [sp, #REGS_X(2)]
	ldp	x4, x5, [sp, #REGS_X(4)]
	ldp	x6, x7, [sp, #REGS_X(6)]
	ldp	x8, x9, [sp, #REGS_X(8)]
	ldp	x10, x11, [sp, #REGS_X(10)]
	ldp	x12, x13, [sp, #REGS_X(12)]
	ldp	x14, x15, [sp, #REGS_X(14)]
	ldp	x16, x17, [sp, #REGS_X(16)]
	ldp	x18, x19, [sp, #REGS_X(18)]
	ldp	x20, x21, [sp, #REGS_X(20)]
	ldp	x22, x23, [sp, #REGS_X(22)]
	ldp	x24, x25, [sp, #REGS_X(24)]
	ldp	x26, x27, [sp, #REGS_X(26)]
	ldp	x28, x29, [sp, #REGS_X(28)]
	ldr	x30, [sp, #REGS_X(30)]
	ldp	x0, x1, [sp, #REGS_X(0)]
	eret

/*
 * The first entry to user level on this CPU: the stack pointer here is the
 * one every later entry from EL0 runs on (nothing below it is live: the
 * caller never returns). user_first() chooses the thread.
 */
	.globl	user_start
user_start:
	msr	daifset, #0xf
	mrs	x0, tpidr_el2
	adrp	x1, cpu_users
	add	x1, x1, :lo12:cpu_users
	add	x1, x1, x0, lsl #CPU_USER_SHIFT
	mov	x2, sp
	str	x2, [x1, #CPU_USER_KSTACK]
	bl	user_first
	b	user_return
