/*
 * Cache maintenance that must not touch memory between its steps.
 */

/*
 * void guest_sctlr_write(uint64_t sctlr, const struct guest_range *ranges, unsigned n)
 *
 * Clean and invalidate each range to the Point of Coherency by VA (DC CIVAC,
 * Arm ARM D7.5.9), then write SCTLR_EL1. Assembly so that nothing is stored
 * between the last clean and the write: a C caller may spill to its stack
 * at any point, and a line dirtied after the clean would be lost (or read
 * stale) once the data cache is off. Invalidating matters the other way
 * round: lines fetched before C was cleared would hide what was written to
 * memory while it was clear.
 */
	.text
	.globl	guest_sctlr_write
guest_sctlr_write:
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4		/* DminLine: log2 of the line in words */
	mov	x4, #4
	lsl	x4, x4, x3		/* the smallest data cache line, in bytes */
	sub	x7, x4, #1
	cbz	w2, 3f
1:	ldp	x5, x6, [x1], #16	/* start, end */
	bic	x5, x5, x7
2:	cmp	x5, x6
	b.hs	4f
	dc	civac, x5
	add	x5, x5, x4
	b	2b
4:	subs	w2, w2, #1
	b.ne	1b
3:	dsb	sy
	msr	sctlr_el1, x0
	isb
	ret
