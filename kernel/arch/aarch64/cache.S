/*
 * Cache maintenance loops. By-VA operations to the Point of Coherency use the
 * smallest D-cache line of this CPU from CTR_EL0.DminLine (Arm ARM D7.5.2);
 * a loop on a big.LITTLE system must not assume another core's line size.
 */

/* dcache_inval_poc(start, end): invalidate [start, end) by VA to PoC. */
	.globl	dcache_inval_poc
dcache_inval_poc:
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4
	mov	x2, #4
	lsl	x2, x2, x3			/* line size in bytes */
	sub	x3, x2, #1
	bic	x0, x0, x3
1:	cmp	x0, x1
	b.hs	2f
	dc	ivac, x0
	add	x0, x0, x2
	b	1b
2:	dsb	sy
	ret
