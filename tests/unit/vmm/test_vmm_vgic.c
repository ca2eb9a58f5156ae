/* The emulated GIC distributor and redistributors (vgic_dist.c, vgic_redist.c). */
#include <vmm/vgic_dist.h>

#include "vmm_test.h"

static struct vmm_guest g;
static struct vmm_error err;
static struct vgic_dist d;
static struct vgic_actions out;

static void make(unsigned version, unsigned vcpus)
{
	std_guest(&g, vcpus, VMM_POLICY_DC);
	assert_int_equal(vgic_dist_init(&d, &g, version, 96, &err), 0);
	out.n = 0;
}

static void wr(unsigned vcpu, uint64_t off, unsigned size, uint64_t v)
{
	assert_true(vgic_gicd_access(&d, vcpu, off, size, true, &v, &out));
}

static uint64_t rd(unsigned vcpu, uint64_t off, unsigned size)
{
	uint64_t v = 0xbad;

	assert_true(vgic_gicd_access(&d, vcpu, off, size, false, &v, &out));
	return v;
}

static void rwr(unsigned vcpu, uint64_t off, unsigned size, uint64_t v)
{
	assert_true(vgic_gicr_access(&d, vcpu, off, size, true, &v, &out));
}

static uint64_t rrd(unsigned vcpu, uint64_t off, unsigned size)
{
	uint64_t v = 0xbad;

	assert_true(vgic_gicr_access(&d, vcpu, off, size, false, &v, &out));
	return v;
}

static void expect_inject(unsigned i, unsigned intid, unsigned vcpu, unsigned source)
{
	assert_true(i < out.n);
	assert_int_equal(out.inject[i].intid, intid);
	assert_int_equal(out.inject[i].vcpu, vcpu);
	assert_int_equal(out.inject[i].source, source);
}

static void init_refusals(void **state)
{
	(void)state;
	std_guest(&g, 1, VMM_POLICY_DC);
	assert_int_equal(vgic_dist_init(&d, &g, 4, 96, &err), -1);
	assert_string_equal(err.msg, "guest 'g1': GIC version 4: only 2 and 3 are emulated");
	assert_int_equal(vgic_dist_init(&d, &g, 2, 48, &err), -1);
	assert_string_equal(err.msg,
			    "guest 'g1': 48 interrupts: the vGIC has 64 to 256, a multiple of 32");
	assert_int_equal(vgic_dist_init(&d, &g, 2, 288, &err), -1);
	assert_int_equal(vgic_dist_init(&d, &g, 3, 32, &err), -1);
}

static void v2_identification(void **state)
{
	(void)state;
	make(2, 2);
	assert_int_equal(rd(0, 0x004, 4), 0x22); /* ITLinesNumber 2 (96 IRQs), CPUNumber 1 */
	assert_int_equal(rd(0, 0x008, 4), 0x43b);
	assert_int_equal(rd(0, 0xfe8, 4), 0x2b); /* PIDR2.ArchRev = 2 */
	assert_int_equal(rd(0, 0xff0, 4), 0x0d);
	assert_int_equal(rd(0, 0xffc, 4), 0xb1);
	wr(0, 0x004, 4, 0xffff); /* read-only: ignored */
	assert_int_equal(rd(0, 0x004, 4), 0x22);
	assert_int_equal(d.bad_accesses, 0);
}

static void v2_spi_delivery(void **state)
{
	(void)state;
	make(2, 2);
	wr(0, 0x800 + 40, 1, 0x2);		    /* ITARGETSR: SPI 40 to CPU 1 */
	wr(0, 0x104, 4, 1U << 8);		    /* ISENABLER1: enable 40 */
	assert_int_equal(rd(1, 0x104, 4), 1U << 8); /* SPIs are not banked */
	vgic_raise(&d, 0, 40, &out);
	assert_int_equal(out.n, 0); /* distributor disabled: stays pending */
	assert_int_equal(rd(0, 0x204, 4), 1U << 8);
	wr(0, 0x000, 4, 1); /* GICD_CTLR.Enable */
	assert_int_equal(out.n, 1);
	expect_inject(0, 40, 1, 0);

	/* Level: re-pended at deactivation while the line is high, not after it fell. */
	out.n = 0;
	vgic_deactivated(&d, 1, 40, &out);
	assert_int_equal(out.n, 1);
	expect_inject(0, 40, 1, 0);
	out.n = 0;
	vgic_lower(&d, 0, 40);
	vgic_deactivated(&d, 1, 40, &out);
	assert_int_equal(out.n, 0);

	/* Edge (ICFGR2 covers 32-47; bit 2*8+1 makes 40 edge): no re-pend. */
	wr(0, 0xc08, 4, 1U << 17);
	assert_int_equal(rd(0, 0xc08, 4), 1U << 17);
	vgic_raise(&d, 0, 40, &out);
	assert_int_equal(out.n, 1);
	out.n = 0;
	vgic_deactivated(&d, 1, 40, &out);
	assert_int_equal(out.n, 0);

	/* Disabled, untargeted, or cleared: no delivery. */
	wr(0, 0x184, 4, 1U << 8); /* ICENABLER1 */
	vgic_raise(&d, 0, 40, &out);
	assert_int_equal(out.n, 0);
	wr(0, 0x284, 4, 1U << 8); /* ICPENDR1 */
	wr(0, 0x104, 4, 1U << 8);
	assert_int_equal(out.n, 0);
	wr(0, 0x800 + 41, 1, 0);
	wr(0, 0x104, 4, 1U << 9);
	vgic_raise(&d, 0, 41, &out);
	assert_int_equal(out.n, 0);
	wr(0, 0x800 + 41, 1, 0x3); /* 1-of-N: the lowest listed */
	expect_inject(0, 41, 0, 0);
}

/* A level SPI stays pending through GICD_ICPENDR while its line is high, not after. */
static void level_clear_pending(void **state)
{
	(void)state;
	make(3, 1);
	wr(0, 0x000, 4, 0x12);	     /* GICD_CTLR: ARE, group 1 */
	wr(0, 0x084, 4, 1U << 2);    /* IGROUPR1: SPI 34 in group 1 */
	vgic_raise(&d, 0, 34, &out); /* disabled: held pending */
	assert_int_equal(out.n, 0);
	wr(0, 0x284, 4, 1U << 2); /* ICPENDR1 */
	assert_int_equal(rd(0, 0x204, 4), 1U << 2);
	wr(0, 0x104, 4, 1U << 2); /* ISENABLER1 */
	assert_int_equal(out.n, 1);
	expect_inject(0, 34, 0, 0);
	vgic_lower(&d, 0, 34);
	vgic_deactivated(&d, 0, 34, &out);
	assert_int_equal(out.n, 1); /* the line fell: not pending again */
	wr(0, 0x184, 4, 1U << 2);   /* ICENABLER1 */
	wr(0, 0x204, 4, 1U << 2);   /* ISPENDR1: software pending, the line low */
	assert_int_equal(rd(0, 0x204, 4), 1U << 2);
	wr(0, 0x284, 4, 1U << 2); /* cleared: nothing holds it */
	assert_int_equal(rd(0, 0x204, 4), 0);
}

static void v2_banked_private(void **state)
{
	(void)state;
	make(2, 2);
	wr(0, 0x000, 4, 1);
	wr(1, 0x100, 4, 1U << 27); /* vCPU 1 enables its timer PPI */
	assert_int_equal(rd(0, 0x100, 4), 0);
	assert_int_equal(rd(1, 0x100, 4), 1U << 27);
	vgic_raise(&d, 0, 27, &out);
	assert_int_equal(out.n, 0); /* vCPU 0's PPI 27 is disabled */
	vgic_raise(&d, 1, 27, &out);
	assert_int_equal(out.n, 1);
	expect_inject(0, 27, 1, 0);
	/* ITARGETSR0-7 read as the reading CPU's bit; writes ignored. */
	assert_int_equal(rd(1, 0x800, 4), 0x02020202);
	assert_int_equal(rd(0, 0x81c, 4), 0x01010101);
	wr(0, 0x800, 4, 0xffffffff);
	assert_int_equal(rd(0, 0x800, 4), 0x01010101);
	/* Groups are stored. */
	wr(1, 0x080, 4, 0xffff0000);
	assert_int_equal(rd(1, 0x080, 4), 0xffff0000);
	assert_int_equal(rd(0, 0x080, 4), 0);
	/* Active bits. */
	wr(0, 0x304, 4, 1);
	assert_int_equal(rd(0, 0x304, 4), 1);
	wr(0, 0x384, 4, 1);
	assert_int_equal(rd(0, 0x304, 4), 0);
}

static void v2_sgis(void **state)
{
	(void)state;
	make(2, 3);
	wr(0, 0x000, 4, 1);
	for (unsigned v = 0; v < 3; v++)
		wr(v, 0x100, 4, 0xffff);
	wr(0, 0xf00, 4, (0U << 24) | (0x2U << 16) | 3); /* list: CPU 1, SGI 3 */
	assert_int_equal(out.n, 1);
	expect_inject(0, 3, 1, 0);
	out.n = 0;
	wr(1, 0xf00, 4, (1U << 24) | 5); /* all but self */
	assert_int_equal(out.n, 2);
	expect_inject(0, 5, 0, 1);
	expect_inject(1, 5, 2, 1);
	out.n = 0;
	wr(2, 0xf00, 4, (2U << 24) | 7); /* self */
	assert_int_equal(out.n, 1);
	expect_inject(0, 7, 2, 2);

	/* Two senders of one SGI before it is taken: one injection per sender. */
	out.n = 0;
	wr(0, 0x180, 4, 1U << 9); /* vCPU 0 disables SGI 9 for a moment */
	wr(1, 0xf00, 4, (0x1U << 16) | 9);
	wr(2, 0xf00, 4, (0x1U << 16) | 9);
	assert_int_equal(out.n, 0);
	assert_int_equal(rd(0, 0xf28, 4) >> 8 & 0xff, 0x6); /* SPENDSGIR2, byte 1: sources 1, 2 */
	assert_int_equal(rd(0, 0x200, 4) & (1U << 9), 1U << 9);
	wr(0, 0x100, 4, 1U << 9);
	assert_int_equal(out.n, 2);
	expect_inject(0, 9, 0, 1);
	expect_inject(1, 9, 0, 2);

	/* SPENDSGIR/CPENDSGIR byte access. */
	out.n = 0;
	wr(0, 0x180, 4, 1U << 12);
	wr(0, 0xf2c, 1, 0x4); /* SGI 12 from source 2 */
	assert_int_equal(rd(0, 0xf2c, 1), 0x4);
	wr(0, 0xf1c, 1, 0x4); /* CPENDSGIR */
	assert_int_equal(rd(0, 0xf2c, 1), 0);
	assert_int_equal(out.n, 0);

	/* ISPENDR cannot pend a GICv2 SGI; the reserved filter and SGIR reads are bad. */
	wr(0, 0x200, 4, 1U << 12);
	assert_int_equal(rd(0, 0x200, 4) & (1U << 12), 0);
	{
		uint64_t v = (3U << 24) | 1;

		assert_false(vgic_gicd_access(&d, 0, 0xf00, 4, true, &v, &out));
		assert_false(vgic_gicd_access(&d, 0, 0xf00, 4, false, &v, &out));
		assert_int_equal(v, 0);
	}
	assert_int_equal(d.bad_accesses, 2);
}

static void priorities_and_config(void **state)
{
	(void)state;
	make(2, 1);
	wr(0, 0x400 + 40, 1, 0xa7);
	assert_int_equal(rd(0, 0x400 + 40, 1), 0xa0); /* 5 bits kept */
	assert_int_equal(rd(0, 0x428, 4), 0xa0);
	wr(0, 0x428, 4, 0x11223344);
	assert_int_equal(rd(0, 0x428, 4), 0x10203040);
	assert_int_equal(rd(0, 0xc00, 4), 0xaaaaaaaa); /* SGIs: edge, read-only */
	wr(0, 0xc00, 4, 0);
	assert_int_equal(rd(0, 0xc00, 4), 0xaaaaaaaa);
	wr(0, 0xc04, 4, 0x2); /* PPI 16 edge */
	assert_int_equal(rd(0, 0xc04, 4), 0x2);
}

static void bad_accesses(void **state)
{
	uint64_t v = 0x1234;

	(void)state;
	make(2, 2);
	assert_false(vgic_gicd_access(&d, 0, 0x000, 1, false, &v, &out)); /* byte CTLR */
	assert_int_equal(v, 0);
	assert_false(vgic_gicd_access(&d, 0, 0x100, 8, false, &v, &out));  /* 64-bit ISENABLER */
	assert_false(vgic_gicd_access(&d, 0, 0x102, 4, false, &v, &out));  /* misaligned */
	assert_false(vgic_gicd_access(&d, 0, 0x402, 2, false, &v, &out));  /* halfword */
	assert_false(vgic_gicd_access(&d, 0, 0x5000, 4, false, &v, &out)); /* nothing there */
	assert_false(vgic_gicd_access(&d, 0, 0x6100, 8, false, &v, &out)); /* IROUTER is v3 */
	assert_false(vgic_gicd_access(&d, 2, 0x000, 4, false, &v, &out));  /* no vCPU 2 */
	v = 1;
	assert_false(vgic_gicd_access(&d, 0, 0x000, 2, true, &v, &out));
	assert_int_equal(rd(0, 0x000, 4), 0); /* the bad write changed nothing */
	assert_false(vgic_gicr_access(&d, 0, 0x14, 4, false, &v, &out)); /* no GICR on v2 */
	assert_int_equal(d.bad_accesses, 9);
	/* Unimplemented interrupts (96 and up) are RAZ/WI, which is not an error. */
	wr(0, 0x10c, 4, 0xffffffff);
	assert_int_equal(rd(0, 0x10c, 4), 0);
	assert_int_equal(rd(0, 0x400 + 100, 1), 0);
	assert_int_equal(d.bad_accesses, 9);
}

static void v3_distributor(void **state)
{
	(void)state;
	make(3, 4);
	assert_int_equal(rd(0, 0x000, 4), (1U << 4) | (1U << 6)); /* ARE, DS */
	wr(0, 0x000, 4, 0x2 | (1U << 4));			  /* EnableGrp1 */
	assert_int_equal(rd(0, 0x000, 4), 0x2 | (1U << 4) | (1U << 6));
	assert_int_equal(rd(0, 0x004, 4), 2 | (9U << 19));
	assert_int_equal(rd(0, 0xffe8, 4), 0x3b); /* PIDR2.ArchRev = 3 */
	/* Interrupts 0-31 live in the redistributors: RAZ/WI here, not errors. */
	wr(0, 0x100, 4, 0xffffffff);
	assert_int_equal(rd(0, 0x100, 4), 0);
	assert_int_equal(rd(0, 0x400, 4), 0);
	assert_int_equal(rd(0, 0xc04, 4), 0);
	assert_int_equal(d.bad_accesses, 0);

	wr(0, 0x084, 4, 0xffffffff);  /* group 1 for 32-63 */
	wr(0, 0x104, 4, 1U << 8);     /* enable SPI 40 */
	wr(0, 0x6000 + 8 * 40, 8, 2); /* IROUTER40: Aff0 = 2 */
	assert_int_equal(rd(0, 0x6000 + 8 * 40, 8), 2);
	vgic_raise(&d, 0, 40, &out);
	assert_int_equal(out.n, 1);
	expect_inject(0, 40, 2, 0);

	/* 32-bit halves; Aff1 = 1 names no vCPU; IRM = 1 goes to vCPU 0. */
	out.n = 0;
	vgic_lower(&d, 0, 40);
	vgic_deactivated(&d, 2, 40, &out);
	assert_int_equal(out.n, 0);
	wr(0, 0x6000 + 8 * 40, 4, 0x103);
	wr(0, 0x6000 + 8 * 40 + 4, 4, 0x7);
	assert_int_equal(rd(0, 0x6000 + 8 * 40, 8), 0x700000103ULL);
	assert_int_equal(rd(0, 0x6000 + 8 * 40 + 4, 4), 0x7);
	wr(0, 0x6000 + 8 * 40, 8, 0x100);
	vgic_raise(&d, 0, 40, &out);
	assert_int_equal(out.n, 0);
	wr(0, 0x6000 + 8 * 40, 8, 1U << 31);
	assert_int_equal(out.n, 1);
	expect_inject(0, 40, 0, 0);
	/* IROUTER for 0-31 is reserved: RAZ/WI. */
	wr(0, 0x6000, 8, 1);
	assert_int_equal(rd(0, 0x6000, 8), 0);
	/* Group 0 interrupts need EnableGrp0. */
	out.n = 0;
	wr(0, 0x084, 4, 0);
	wr(0, 0x104, 4, 1U << 9);
	wr(0, 0x6000 + 8 * 41, 8, 1);
	vgic_raise(&d, 0, 41, &out);
	assert_int_equal(out.n, 0);
	wr(0, 0x000, 4, 0x3);
	assert_int_equal(out.n, 1);
	expect_inject(0, 41, 1, 0);
}

static void v3_redistributors(void **state)
{
	uint64_t v;

	(void)state;
	make(3, 2);
	wr(0, 0x000, 4, 0x2);
	assert_int_equal(rrd(0, 0x0008, 8), 0);
	assert_int_equal(rrd(0, 0x20008, 8), (1ULL << 32) | (1ULL << 8) | (1ULL << 4));
	assert_int_equal(rrd(1, 0x2000c, 4), 1);
	assert_int_equal(rrd(1, 0x20008, 4), (1ULL << 8) | (1ULL << 4));
	assert_int_equal(rrd(0, 0xffe8, 4), 0x3b);
	/* Waking a redistributor: ChildrenAsleep follows ProcessorSleep. */
	assert_int_equal(rrd(0, 0x20014, 4), 0x6);
	rwr(0, 0x20014, 4, 0);
	assert_int_equal(rrd(0, 0x20014, 4), 0);
	assert_int_equal(rrd(0, 0x00014, 4), 0x6);

	/* vCPU 0 programs vCPU 1's redistributor: the bank is the frame's, not the writer's. */
	rwr(0, 0x20000 + 0x10080, 4, 0xffffffff);
	rwr(0, 0x20000 + 0x10100, 4, 1U << 27);
	rwr(0, 0x20000 + 0x10400 + 27, 1, 0xa0);
	assert_int_equal(rrd(1, 0x20000 + 0x10400 + 24, 4), 0xa0000000);
	assert_int_equal(rrd(1, 0x10100, 4), 0);
	assert_int_equal(rrd(1, 0x30c00, 4), 0xaaaaaaaa);
	rwr(1, 0x30c04, 4, 0);
	vgic_raise(&d, 1, 27, &out);
	assert_int_equal(out.n, 1);
	expect_inject(0, 27, 1, 0);
	assert_int_equal(rrd(1, 0x30200, 4), 1U << 27); /* in a list register: reads pending */
	rwr(1, 0x30180, 4, 1U << 27);
	assert_int_equal(rrd(1, 0x30100, 4), 0);
	assert_int_equal(rrd(1, 0x30d00, 4), 0); /* IGRPMODR0 RAZ */

	v = 0x55;
	assert_false(vgic_gicr_access(&d, 0, 0x40000, 4, false, &v, &out)); /* third rd of 2 */
	assert_int_equal(v, 0);
	assert_false(vgic_gicr_access(&d, 0, 0x14, 8, false, &v, &out));    /* 64-bit WAKER */
	assert_false(vgic_gicr_access(&d, 0, 0x0c, 8, false, &v, &out));    /* misaligned */
	assert_false(vgic_gicr_access(&d, 0, 0x100, 4, false, &v, &out));   /* nothing there */
	assert_false(vgic_gicr_access(&d, 0, 0x10100, 1, false, &v, &out)); /* byte ISENABLER */
	assert_false(vgic_gicr_access(&d, 0, 0x10100, 3, false, &v, &out)); /* odd size */
	assert_false(vgic_gicr_access(&d, 2, 0x10100, 4, false, &v, &out)); /* no vCPU 2 */
	assert_int_equal(d.bad_accesses, 7);
}

static void v3_sgi1r(void **state)
{
	struct vgic_sgi1r s;

	(void)state;
	/* INTID 5, Aff1 0, target list {1, 2}. */
	s = vgic_sgi1r_decode((5ULL << 24) | 0x6);
	assert_int_equal(s.intid, 5);
	assert_int_equal(s.target_list, 0x6);
	assert_false(s.all_but_self);
	assert_int_equal(vgic_sgi1r_targets(&s, 0, 4), 0x6);
	assert_int_equal(vgic_sgi1r_targets(&s, 0, 2), 0x2); /* vCPU 2 does not exist */
	s = vgic_sgi1r_decode((1ULL << 40) | (3ULL << 24));
	assert_true(s.all_but_self);
	assert_int_equal(vgic_sgi1r_targets(&s, 1, 4), 0xd);
	s = vgic_sgi1r_decode((0xabULL << 48) | (0x3ULL << 44) | (0xcdULL << 32) | (0xefULL << 16) |
			      0x1);
	assert_int_equal(s.aff3, 0xab);
	assert_int_equal(s.rs, 3);
	assert_int_equal(s.aff2, 0xcd);
	assert_int_equal(s.aff1, 0xef);
	assert_int_equal(vgic_sgi1r_targets(&s, 0, 4), 0);
	s = vgic_sgi1r_decode((1ULL << 16) | 0x1); /* Aff1 = 1 */
	assert_int_equal(vgic_sgi1r_targets(&s, 0, 4), 0);
	s = vgic_sgi1r_decode((1ULL << 44) | 0x1); /* RS = 1: Aff0 16 */
	assert_int_equal(vgic_sgi1r_targets(&s, 0, 4), 0);

	make(3, 4);
	wr(0, 0x000, 4, 0x2);
	for (unsigned v = 0; v < 4; v++) {
		rwr(0, 0x20000 * v + 0x10080, 4, 0xffffffff);
		rwr(0, 0x20000 * v + 0x10100, 4, 0xffff);
	}
	vgic_sgi1r_write(&d, 0, (5ULL << 24) | 0x6, &out);
	assert_int_equal(out.n, 2);
	expect_inject(0, 5, 1, 0);
	expect_inject(1, 5, 2, 0);
	out.n = 0;
	vgic_sgi1r_write(&d, 3, (1ULL << 40) | (1ULL << 24), &out);
	assert_int_equal(out.n, 3);
	expect_inject(2, 1, 2, 0);
}

/* More deliveries than one action list holds: the rest go out on the next scan. */
static void action_overflow(void **state)
{
	(void)state;
	make(2, 1);
	wr(0, 0x000, 4, 1);
	for (unsigned i = 32; i < 96; i += 4)
		wr(0, 0x800 + i, 4, 0x01010101);
	for (unsigned i = 32; i < 32 + 20; i++)
		vgic_raise(&d, 0, i, &out);
	assert_int_equal(out.n, 0);
	wr(0, 0x104, 4, 0xfffff);
	assert_int_equal(out.n, VGIC_MAX_ACTIONS);
	out.n = 0;
	vgic_deactivated(&d, 0, 32, &out);
	assert_int_equal(out.n, 5);
	expect_inject(0, 32, 0, 0); /* level, line still high */
	expect_inject(1, 48, 0, 0);
	expect_inject(4, 51, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_refusals),     cmocka_unit_test(v2_identification),
		cmocka_unit_test(v2_spi_delivery),   cmocka_unit_test(v2_banked_private),
		cmocka_unit_test(v2_sgis),	     cmocka_unit_test(priorities_and_config),
		cmocka_unit_test(bad_accesses),	     cmocka_unit_test(v3_distributor),
		cmocka_unit_test(v3_redistributors), cmocka_unit_test(v3_sgi1r),
		cmocka_unit_test(action_overflow),   cmocka_unit_test(level_clear_pending),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
