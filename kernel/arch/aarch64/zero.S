/*
 * arch_zero(va, size): zero [va, va + size) of RAM the kernel maps as Normal
 * memory, for objects retype makes. va and size are multiples of 64 (the
 * smallest object, naturally aligned). One DC ZVA per block where the CPU
 * allows it (DCZID_EL0.DZP clear; the block is 4 << DCZID_EL0.BS bytes, Arm
 * ARM D17.2.35) and va and size are multiples of the block; otherwise pairs
 * of zero registers, 64 bytes a round. DC ZVA writes zeros as stores would
 * (Arm ARM C5.3.13): the caller's clean to the PoC is still needed. Under
 * QEMU a block is one helper call, not a loop of stores, which matters in
 * the single-threaded -icount boots of docs/bench.md.
 */
	.globl	arch_zero
arch_zero:
	cbz	x1, 9f
	add	x1, x0, x1			/* end */
	mrs	x2, dczid_el0
	tbnz	x2, #4, 2f			/* DZP: DC ZVA prohibited */
	and	x2, x2, #0xf
	mov	x3, #4
	lsl	x3, x3, x2			/* block size in bytes */
	sub	x4, x3, #1
	orr	x5, x0, x1
	tst	x5, x4
	b.ne	2f				/* not whole blocks */
1:	dc	zva, x0
	add	x0, x0, x3
	cmp	x0, x1
	b.lo	1b
	ret
2:	stp	xzr, xzr, [x0]
	stp	xzr, xzr, [x0, #16]
	stp	xzr, xzr, [x0, #32]
	stp	xzr, xzr, [x0, #48]
	add	x0, x0, #64
	cmp	x0, x1
	b.lo	2b
9:	ret
