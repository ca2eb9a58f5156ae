/*
 * Tiny EL1 guests for test_vcpu.c. They run from the ktest image itself,
 * mapped at the same addresses in a fresh stage-2 address space (kt_space),
 * with stage 1 off, so these addresses are their IPAs. Each reports with
 * "hvc #1" (results in x0..x2) and then waits in "hvc #2", which the test
 * never answers. x0 and x1 come from tcb write_regs.
 */
#define HVC_REPORT 1
#define HVC_PARK 2
#define HVC_BAD 0xbad

/* GICv3 CPU interface registers by encoding (EL1 reaches the virtual ones, ICV_*). */
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
/* GICv2 CPU interface registers (IHI 0048B 4.4): the guest's GICV frame. */
#define GICC_CTLR 0x0
#define GICC_PMR 0x4
#define GICC_IAR 0xc
#define GICC_EOIR 0x10

.macro park
1:	hvc	#HVC_PARK
	b	1b
.endm

	.text
	.balign	4

/* An HVC with arguments; the reply sets x0 and x1 and must leave x3 alone. */
	.globl	guest_hvc
guest_hvc:
	mov	x0, #0x10
	mov	x1, #0x11
	mov	x2, #0x12
	mov	x3, #0x13
	hvc	#0x5a
	mov	x2, x3
	hvc	#HVC_REPORT
	park

/* Loads and a store at x1, an address its stage 2 does not map (MMIO to emulate). */
	.globl	guest_mmio
guest_mmio:
	mov	x7, #0x77
	ldr	x5, [x1]
	ldrh	w6, [x1, #8]
	ldrsb	x8, [x1, #12]
	str	x7, [x1, #16]
	mov	x0, x5
	mov	x1, x6
	mov	x2, x8
	hvc	#HVC_REPORT
	park

/*
 * The MMIO fast path (x1: a UART's base): two loads of its flag register
 * (0x18), stores of 'h' (32-bit) and 'i' (8-bit) and a newline to its data
 * register, a load of its control register (0x30), then a report.
 */
	.globl	guest_fast_uart
guest_fast_uart:
	ldrh	w5, [x1, #0x18]
	ldrsb	x6, [x1, #0x18]
	mov	w7, #'h'
	str	w7, [x1]
	mov	w7, #'i'
	strb	w7, [x1]
	mov	w7, #'\n'
	str	w7, [x1]
	ldr	w8, [x1, #0x30]
	mov	x0, x5
	mov	x1, x6
	mov	x2, x8
	hvc	#HVC_REPORT
	park

/* MSR SCTLR_EL1 (trapped by TVM), then MRS SCTLR_EL1 (trapped by TRVM). */
	.globl	guest_sctlr
guest_sctlr:
	msr	sctlr_el1, x0
	isb
	mrs	x2, sctlr_el1
	mov	x0, x2
	hvc	#HVC_REPORT
	park

/* Set/way maintenance (trapped by TSW): DC CISW, DC ISW, DC CSW with x0 as set/way. */
	.globl	guest_setway
guest_setway:
	dc	cisw, x0
	dc	isw, x0
	dc	csw, x0
	hvc	#HVC_REPORT
	park

/* WFI (trapped by TWI) and WFE (trapped by TWE). */
	.globl	guest_wfx
guest_wfx:
	wfi
	wfe
	mov	x0, #0x3f
	hvc	#HVC_REPORT
	park

/* Its identity, again at every report: MPIDR_EL1 and MIDR_EL1 (VMPIDR_EL2, VPIDR_EL2). */
	.globl	guest_identity
guest_identity:
1:	mrs	x0, mpidr_el1
	mrs	x1, midr_el1
	hvc	#HVC_REPORT
	b	1b

/*
 * EL1 registers across a context switch: sets eight of them and FP/SIMD
 * register d9 from x0, stops (hvc #3) while another guest runs, then
 * reports a bit mask of those that changed, and TPIDR_EL1.
 */
	.globl	guest_keep_regs
guest_keep_regs:
	mov	x3, #(3 << 20)		/* CPACR_EL1.FPEN: FP/SIMD at EL1 and EL0 */
	msr	cpacr_el1, x3
	isb
	fmov	d9, x0
	msr	tpidr_el1, x0
	add	x1, x0, #1
	msr	contextidr_el1, x1
	lsl	x2, x0, #12
	msr	vbar_el1, x2
	msr	ttbr0_el1, x2
	msr	mair_el1, x0
	msr	elr_el1, x0
	msr	far_el1, x0
	msr	tpidr_el0, x0
	hvc	#3
	mov	x9, #0
	mrs	x3, tpidr_el1
	cmp	x3, x0
	cset	x4, ne
	orr	x9, x9, x4
	mrs	x3, contextidr_el1
	cmp	x3, x1
	cset	x4, ne
	orr	x9, x9, x4, lsl #1
	mrs	x3, vbar_el1
	cmp	x3, x2
	cset	x4, ne
	orr	x9, x9, x4, lsl #2
	mrs	x3, ttbr0_el1
	cmp	x3, x2
	cset	x4, ne
	orr	x9, x9, x4, lsl #3
	mrs	x3, mair_el1
	cmp	x3, x0
	cset	x4, ne
	orr	x9, x9, x4, lsl #4
	mrs	x3, elr_el1
	cmp	x3, x0
	cset	x4, ne
	orr	x9, x9, x4, lsl #5
	mrs	x3, far_el1
	cmp	x3, x0
	cset	x4, ne
	orr	x9, x9, x4, lsl #6
	mrs	x3, tpidr_el0
	cmp	x3, x0
	cset	x4, ne
	orr	x9, x9, x4, lsl #7
	fmov	x3, d9
	cmp	x3, x0
	cset	x4, ne
	orr	x9, x9, x4, lsl #8
	mrs	x1, tpidr_el1
	mov	x0, x9
	hvc	#HVC_REPORT
	park

/* Reads at x0 and x1 (addresses outside its memory) and a store into its own code. */
	.globl	guest_escape
guest_escape:
	ldr	x5, [x0]
	ldr	x6, [x1]
	adr	x2, guest_escape
	str	x5, [x2]
	mov	x0, x5
	mov	x1, x6
	hvc	#HVC_REPORT
	park

	.globl	guest_spin
guest_spin:
	b	guest_spin

/*
 * Interrupts through the virtual GIC: takes x1 interrupts, then reports the
 * last INTID and how many it took. With x0 nonzero it arms its virtual
 * timer first (each interrupt stops it and, below x1, arms it again). x2 is
 * the GICv2 CPU interface (the GICV frame mapped there), or 0 for GICv3's
 * system registers.
 */
	.globl	guest_irqs
guest_irqs:
	mov	x25, x2
	adr	x2, guest_vectors
	msr	vbar_el1, x2
	cbnz	x25, 1f
	mov	x2, #0xff
	msr	ICC_PMR_EL1, x2
	mov	x2, #1
	msr	ICC_IGRPEN1_EL1, x2
	b	2f
1:	mov	w2, #0xf8
	str	w2, [x25, #GICC_PMR]
	mov	w2, #1			/* EnableGrp0: interrupts as IRQ */
	str	w2, [x25, #GICC_CTLR]
2:	isb
	mov	x20, x0		/* timer? */
	mov	x21, x1		/* interrupts to take */
	mov	x22, #0		/* taken */
	mov	x23, #0		/* last INTID */
	cbz	x20, 1f
	bl	arm_timer
1:	msr	daifclr, #2
2:	cmp	x22, x21
	b.hs	3f
	wfi
	b	2b
3:	msr	daifset, #2
	mov	x0, x23
	mov	x1, x22
	hvc	#HVC_REPORT
	park

arm_timer:
	mrs	x2, cntvct_el0
	add	x2, x2, #2000
	msr	cntv_cval_el0, x2
	mov	x2, #1
	msr	cntv_ctl_el0, x2
	isb
	ret

guest_irq:
	cbnz	x25, 3f
	mrs	x23, ICC_IAR1_EL1
	b	4f
3:	ldr	w23, [x25, #GICC_IAR]
4:	cbz	x20, 1f
	msr	cntv_ctl_el0, xzr	/* the timer's line drops before the interrupt is deactivated */
	isb
1:	cbnz	x25, 5f
	msr	ICC_EOIR1_EL1, x23
	b	6f
5:	str	w23, [x25, #GICC_EOIR]
6:	isb
	add	x22, x22, #1
	cbz	x20, 2f
	cmp	x22, x21
	b.hs	2f
	str	x30, [sp, #-16]!
	bl	arm_timer
	ldr	x30, [sp], #16
2:	eret

guest_unexpected:
	mrs	x0, esr_el1
	mrs	x1, elr_el1
	mrs	x2, far_el1
	hvc	#HVC_BAD
	park

/* VBAR_EL1 (Arm ARM D1.10.2): current EL with SPx at 0x200 (sync) and 0x280 (IRQ). */
	.balign	2048
guest_vectors:
	.rept	4
	.balign	0x80
	b	guest_unexpected
	.endr
	.balign	0x80
	b	guest_unexpected	/* 0x200: synchronous, current EL, SPx */
	.balign	0x80
	b	guest_irq		/* 0x280: IRQ, current EL, SPx */
	.rept	10
	.balign	0x80
	b	guest_unexpected
	.endr

/* An SMC for test_vcpu.c to point a guest at (HCR_EL2.TSC traps it), then a report. */
	.text
	.globl	guest_smc_insn
guest_smc_insn:
	smc	#0
	hvc	#HVC_REPORT
	park

/*
 * SVE: enabled at EL1 (CPACR_EL1.ZEN and FPEN), RDVL must still trap to EL2
 * (CPTR_EL2.TZ). Run whether or not the ID registers show SVE (the kernel hides
 * it): on a CPU without SVE it is undefined at EL1 and guest_vectors reports
 * it with hvc #HVC_BAD.
 */
	.globl	guest_sve
guest_sve:
	adr	x1, guest_vectors
	msr	vbar_el1, x1
	mov	x1, #(3 << 16)		/* ZEN */
	orr	x1, x1, #(3 << 20)	/* FPEN: SVE needs FP/SIMD enabled too */
	msr	cpacr_el1, x1
	isb
	.inst	0x04bf5020		/* rdvl x0, #1 */
	hvc	#HVC_REPORT
	park

/*
 * What the guest reads of features whose state is not switched (docs/vmm.md,
 * "CPU features"): x0 = ID_AA64PFR0_EL1.SVE | ID_AA64ZFR0_EL1, x1 =
 * ID_AA64PFR1_EL1.SME and .MTE; both must be 0. x2 = the pointer-authentication
 * fields of ID_AA64ISAR1_EL1 and ID_AA64ISAR2_EL1, shown as the CPU has them
 * (the keys are switched).
 */
	.globl	guest_idregs
guest_idregs:
	mrs	x4, id_aa64pfr0_el1
	and	x0, x4, #0xf00000000
	mrs	x4, S3_0_C0_C4_4	/* ID_AA64ZFR0_EL1 */
	orr	x0, x0, x4
	mrs	x4, S3_0_C0_C4_1	/* ID_AA64PFR1_EL1 */
	ldr	x5, =0x0f000f00		/* SME [27:24], MTE [11:8] */
	and	x1, x4, x5
	mrs	x4, id_aa64isar1_el1
	ldr	x5, =0xff000ff0		/* GPI, GPA, API, APA */
	and	x2, x4, x5
	mrs	x4, S3_0_C0_C6_2	/* ID_AA64ISAR2_EL1 */
	and	x4, x4, #0xff00		/* APA3, GPA3 */
	orr	x2, x2, x4
	hvc	#HVC_REPORT
	park

/*
 * The debug and PMU registers (docs/vmm.md, "CPU features"): twelve
 * accesses, each trapped by MDCR_EL2 and answered by the kernel. Every
 * read's target holds all ones first; x0 reports the debug reads ORed
 * together, x1 the PMU reads, x2 the number of accesses made. All reads
 * must give 0, the writes must not stick, and no access may reach the VMM.
 */
	.globl	guest_debug_pmu
guest_debug_pmu:
	mov	x0, #0
	mov	x1, #0
	mov	x9, #0x1000
	msr	mdscr_el1, x9		/* MDSCR_EL1.TDCC: would stick if it were switched */
	mov	x5, #-1
	mrs	x5, mdscr_el1
	orr	x0, x0, x5
	msr	dbgbvr0_el1, x9
	mov	x5, #-1
	mrs	x5, dbgbvr0_el1
	orr	x0, x0, x5
	msr	oslar_el1, xzr		/* unlock the OS lock (TDOSA) */
	mov	x5, #-1
	mrs	x5, oslsr_el1
	orr	x0, x0, x5
	mov	x9, #0xf
	msr	pmuserenr_el0, x9	/* the native value: harmless were it not trapped */
	mov	x5, #-1
	mrs	x5, pmuserenr_el0
	orr	x1, x1, x5
	mov	x9, #(1 << 6)		/* PMCR_EL0.LC */
	msr	pmcr_el0, x9
	mov	x5, #-1
	mrs	x5, pmcr_el0
	orr	x1, x1, x5
	mov	x5, #-1
	mrs	x5, pmccntr_el0		/* the shared cycle counter */
	orr	x1, x1, x5
	mov	x5, #-1
	mrs	x5, pmintenset_el1
	orr	x1, x1, x5
	mov	x2, #12
	hvc	#HVC_REPORT
	park

/*
 * An EL1-reachable register of a newer CPU, chosen by x1: 0 TPIDR2_EL0 (SME),
 * 1 DISR_EL1 (RAS; VDISR_EL2 while HCR_EL2.AMO is set), 2 APIAKeyLo_EL1 and
 * 3 APGAKeyHi_EL1 (pointer authentication; reachable with HCR_EL2.APK set).
 * Reads it into x1, writes x0 unless x0 is 0, stops in hvc #3; then reads it
 * again into x1 and reports. Where the register does not exist the read is
 * undefined and guest_vectors reports hvc #HVC_BAD.
 */
	.globl	guest_newer_reg
guest_newer_reg:
	adr	x9, guest_vectors
	msr	vbar_el1, x9
	isb
	cmp	x1, #1
	b.eq	2f
	b.hi	4f
	mrs	x1, S3_3_C13_C0_5	/* TPIDR2_EL0 */
	cbz	x0, 1f
	msr	S3_3_C13_C0_5, x0
1:	hvc	#3
	mrs	x1, S3_3_C13_C0_5
	hvc	#HVC_REPORT
	park
2:	mrs	x1, S3_0_C12_C1_1	/* DISR_EL1 */
	cbz	x0, 3f
	msr	S3_0_C12_C1_1, x0
3:	hvc	#3
	mrs	x1, S3_0_C12_C1_1
	hvc	#HVC_REPORT
	park
4:	cmp	x1, #2
	b.ne	6f
	mrs	x1, S3_0_C2_C1_0	/* APIAKeyLo_EL1 */
	cbz	x0, 5f
	msr	S3_0_C2_C1_0, x0
5:	hvc	#3
	mrs	x1, S3_0_C2_C1_0
	hvc	#HVC_REPORT
	park
6:	mrs	x1, S3_0_C2_C3_1	/* APGAKeyHi_EL1 */
	cbz	x0, 7f
	msr	S3_0_C2_C3_1, x0
7:	hvc	#3
	mrs	x1, S3_0_C2_C3_1
	hvc	#HVC_REPORT
	park

/*
 * A pointer-authentication instruction: sets the generic key (APGAKeyLo/Hi_EL1)
 * to x0, then x2 = PACGA(0x1234, 0x5678), whose top 32 bits are the code and
 * the bottom 32 zero, and reports. Undefined without pointer authentication
 * (hvc #HVC_BAD); with HCR_EL2.API clear it would trap to EL2 (EC 0x09).
 */
	.globl	guest_pacga
guest_pacga:
	adr	x9, guest_vectors
	msr	vbar_el1, x9
	msr	S3_0_C2_C3_0, x0	/* APGAKeyLo_EL1 */
	msr	S3_0_C2_C3_1, x0	/* APGAKeyHi_EL1 */
	isb
	mov	x3, #0x1234
	mov	x4, #0x5678
	.inst	0x9ac43062		/* pacga x2, x3, x4 */
	hvc	#HVC_REPORT
	park
	.ltorg
