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

/*
 * arch_cache_op(op, va, size): the frame cache operations, by VA over
 * [va, va + size), line by line, then a DSB so they complete before the
 * system call returns (Arm ARM D7.5.9). op: 0 clean to PoC (DC CVAC),
 * 1 invalidate to PoC (DC IVAC), 2 clean+invalidate to PoC (DC CIVAC),
 * 3 make instructions coherent with data at PoU (DC CVAU, then IC IVAU; IC
 * IALLUIS for 1 MiB or more).
 * One loop per operation, four instructions a line: every frame a guest
 * gets is cleaned with it (object.c), 256 MiB for a Linux guest.
 */
	.globl	arch_cache_op
arch_cache_op:
	add	x2, x1, x2			/* end */
	mrs	x3, ctr_el0
	ubfx	x4, x3, #16, #4
	mov	x5, #4
	lsl	x4, x5, x4			/* D line */
	sub	x6, x4, #1
	bic	x7, x1, x6			/* first D line */
	cmp	x0, #3
	b.eq	4f
	cmp	x7, x2
	b.hs	3f
	cbz	x0, 1f
	cmp	x0, #1
	b.eq	2f
6:	dc	civac, x7
	add	x7, x7, x4
	cmp	x7, x2
	b.lo	6b
	b	3f
1:	dc	cvac, x7
	add	x7, x7, x4
	cmp	x7, x2
	b.lo	1b
	b	3f
2:	dc	ivac, x7
	add	x7, x7, x4
	cmp	x7, x2
	b.lo	2b
3:	dsb	sy
	ret
4:	/* unify: clean D to PoU, then invalidate I to PoU, both by line */
	cmp	x7, x2
	b.hs	7f
	dc	cvau, x7
	add	x7, x7, x4
	b	4b
7:	dsb	ish
	/*
	 * From 1 MiB on, IC IALLUIS (all of the instruction caches of the inner
	 * shareable domain to PoU, C5.3) in one instruction instead of one IC IVAU
	 * a line: a guest's 32 MiB kernel is half a million lines. Invalidating
	 * the instruction caches more widely than asked costs refetches, never
	 * correctness.
	 */
	sub	x6, x2, x1
	cmp	x6, #0x100000
	b.lo	10f
	ic	ialluis
	b	9f
10:	and	x4, x3, #0xf
	lsl	x4, x5, x4			/* I line */
	sub	x6, x4, #1
	bic	x7, x1, x6
8:	cmp	x7, x2
	b.hs	9f
	ic	ivau, x7
	add	x7, x7, x4
	b	8b
9:	dsb	ish
	isb
	ret

/*
 * arch_zero(va, size, clean): zero a new object's memory, writing only the
 * blocks that are not zero already, and with clean set also clean it to PoC
 * in the same pass. DC ZVA (Arm ARM C5.3, "DC ZVA") zeroes a block of
 * 4 << DCZID_EL0.BS bytes per instruction and behaves as stores to each byte
 * of it; a DC CVAC by VA is ordered after earlier stores to the same location
 * (D7.5.9, "Ordering and completion of data and instruction cache
 * instructions"), so cleaning a block right after zeroing it needs no barrier
 * in between, and the DSB at the end completes both.
 *
 * Why read first: memory that was never written reads as zero, and on a
 * host that backs RAM on first write (QEMU, and any VM host with a shared
 * zero page) a write makes the host allocate and zero a page of its own.
 * Zeroing a guest's 256 MiB that way cost more than the guest's whole
 * boot gained from it (docs/bench.md). A block that reads as zero is zero
 * to every observer once it is cleaned to PoC: a dirty line holding zeroes
 * is what the read returned, and the clean writes it back. On hardware the
 * read costs memory bandwidth that DC ZVA alone would not.
 *
 * Why one pass: a guest's 256 MiB is four million lines, and a second walk
 * over them is a second loop's compare, branch and address per line. The one
 * pass cleans a block with one DC CVAC, so it needs D-cache lines at least as
 * large as the block (CTR_EL0.DminLine: a larger line is cleaned once per
 * block it holds, harmlessly); with smaller lines, or where DCZID_EL0.DZP
 * prohibits DC ZVA, the block is under 64 bytes or the range is not made of
 * whole blocks, 16-byte stores zero it (also skipping what is zero) and
 * arch_cache_op cleans it afterwards (objects are at least 64 bytes and
 * aligned to their size).
 */
	.globl	arch_zero
arch_zero:
	cbz	x1, 9f
	mov	x16, x0				/* start and size, for arch_cache_op */
	mov	x17, x1
	add	x1, x0, x1			/* end */
	mov	x5, x2				/* clean in the loop? */
	mrs	x2, dczid_el0
	tbnz	x2, #4, 5f			/* DZP */
	and	x2, x2, #0xf
	mov	x3, #4
	lsl	x3, x3, x2			/* block size in bytes */
	cmp	x3, #64
	b.lo	5f
	sub	x4, x3, #1
	orr	x6, x0, x1
	tst	x6, x4
	b.ne	5f
	cbz	x5, 1f
	mrs	x6, ctr_el0
	ubfx	x6, x6, #16, #4
	mov	x7, #4
	lsl	x6, x7, x6			/* D line */
	cmp	x6, x3
	b.lo	5f				/* lines smaller than a block */
1:	mov	x6, x0				/* one block: any nonzero word? */
	add	x7, x0, x3
2:	ldp	x8, x9, [x6]
	ldp	x10, x11, [x6, #16]
	ldp	x12, x13, [x6, #32]
	ldp	x14, x15, [x6, #48]
	orr	x8, x8, x9
	orr	x10, x10, x11
	orr	x12, x12, x13
	orr	x14, x14, x15
	orr	x8, x8, x10
	orr	x12, x12, x14
	orr	x8, x8, x12
	cbnz	x8, 3f
	add	x6, x6, #64
	cmp	x6, x7
	b.lo	2b
	b	4f				/* already zero */
3:	dc	zva, x0
4:	cbz	x5, 6f
	dc	cvac, x0
6:	add	x0, x0, x3
	cmp	x0, x1
	b.lo	1b
	dsb	sy
	ret
5:	ldp	x8, x9, [x0]			/* 16 bytes at a time */
	orr	x10, x8, x9
	cbz	x10, 7f
	stp	xzr, xzr, [x0]
7:	add	x0, x0, #16
	cmp	x0, x1
	b.lo	5b
	dsb	ishst
	cbz	x5, 9f
	mov	x0, #0				/* CACHE_CLEAN */
	mov	x1, x16
	mov	x2, x17
	b	arch_cache_op
9:	ret
