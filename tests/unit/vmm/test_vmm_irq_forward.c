/*
 * Passed-through interrupts (irq_forward.c) on a real vGIC: what the guest is given
 * and when each physical line is unmasked. The board's PL031 is a level line (SPI 2,
 * INTID 34); a virtio-mmio window an edge line (SPI 16, INTID 48).
 */
#include <vmm/irq_forward.h>

#include "vmm_test.h"

#define RTC 34
#define VIRTIO 48
#define RTC_BADGE (1ULL << 32)
#define VIRTIO_BADGE (1ULL << 34)

static struct vmm_guest g;
static struct vmm_error err;
static struct vgic_dist d;
static struct vgic_actions out;
static struct irq_forward f;

static void wr(uint64_t off, uint32_t v)
{
	uint64_t val = v;

	assert_true(vgic_gicd_access(&d, 0, off, 4, true, &val, &out));
}

/* A GICv3 guest with its distributor on, both SPIs in group 1 (routed to vCPU 0). */
static int setup(void **state)
{
	(void)state;
	std_guest(&g, 1, VMM_POLICY_DC);
	assert_int_equal(vgic_dist_init(&d, &g, 3, 64, &err), 0);
	memset(&f, 0, sizeof(f));
	out.n = 0;
	wr(0x000, 0x12); /* GICD_CTLR: ARE, EnableGrp1 */
	wr(0x084, (1U << (RTC - 32)) | (1U << (VIRTIO - 32)));
	assert_int_equal(irq_forward_add(&f, &g, &d, RTC, false, RTC_BADGE, &err), 0);
	assert_int_equal(irq_forward_add(&f, &g, &d, VIRTIO, true, VIRTIO_BADGE, &err), 0);
	return 0;
}

static void enable(unsigned intid)
{
	wr(0x100 + 4 * (intid / 32), 1U << (intid % 32));
}

/* The guest deactivates intid: what irq.c does around vgic_deactivated. */
static uint32_t deactivate(unsigned intid)
{
	uint32_t unmask = irq_forward_deactivating(&f, &d, 0, intid);

	vgic_deactivated(&d, 0, intid, &out);
	return unmask;
}

/* Level: injected, the line kept masked until the guest's deactivation, and not again. */
static void level_unmasked_at_deactivation(void **state)
{
	(void)state;
	enable(RTC);
	assert_int_equal(irq_forward_signal(&f, &d, RTC_BADGE, false, &out), 0);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.inject[0].intid, RTC);
	out.n = 0;
	assert_int_equal(deactivate(RTC), 1U << 0);
	assert_int_equal(out.n, 0); /* the virtual line fell with it: no second injection */
	/* Asserted again once unmasked: a new round. */
	assert_int_equal(irq_forward_signal(&f, &d, RTC_BADGE, false, &out), 0);
	assert_int_equal(out.n, 1);
	assert_int_equal(deactivate(RTC), 1U << 0);
	/* A deactivation with nothing in flight (a software-pended SPI) unmasks nothing. */
	assert_int_equal(deactivate(RTC), 0);
}

/* Disabled in the guest's distributor: held pending, masked, delivered once enabled. */
static void level_held_while_disabled(void **state)
{
	(void)state;
	assert_int_equal(irq_forward_signal(&f, &d, RTC_BADGE, false, &out), 0);
	assert_int_equal(out.n, 0);
	wr(0x280, 1U << (RTC - 32)); /* ICPENDR: the input is still asserted, it stays */
	enable(RTC);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.inject[0].intid, RTC);
	assert_int_equal(deactivate(RTC), 1U << 0);
}

/* Edge: unmasked at once; its deactivation unmasks nothing more. */
static void edge_unmasked_at_once(void **state)
{
	(void)state;
	wr(0xc0c, 1U << 1); /* GICD_ICFGR3: INTID 48 edge-triggered, as its tree node says */
	enable(VIRTIO);
	assert_int_equal(irq_forward_signal(&f, &d, VIRTIO_BADGE, false, &out), 1U << 1);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.inject[0].intid, VIRTIO);
	out.n = 0;
	assert_int_equal(deactivate(VIRTIO), 0);
	assert_int_equal(out.n, 0);
	/* A second edge while the first is in the guest's hands merges into one more. */
	assert_int_equal(irq_forward_signal(&f, &d, VIRTIO_BADGE, false, &out), 1U << 1);
	assert_int_equal(irq_forward_signal(&f, &d, VIRTIO_BADGE, false, &out), 1U << 1);
	assert_int_equal(out.n, 1);
	out.n = 0;
	deactivate(VIRTIO);
	assert_int_equal(out.n, 1);
	out.n = 0;
	deactivate(VIRTIO);
	assert_int_equal(out.n, 0);
}

/* An edge line the guest left level-triggered in its distributor does not storm. */
static void edge_left_level_by_the_guest(void **state)
{
	(void)state;
	enable(VIRTIO);
	assert_int_equal(irq_forward_signal(&f, &d, VIRTIO_BADGE, false, &out), 1U << 1);
	assert_int_equal(out.n, 1);
	out.n = 0;
	assert_int_equal(deactivate(VIRTIO), 0);
	assert_int_equal(out.n, 0);
}

/* Both bits in one word, and bits of no line (the console's, another's) ignored. */
static void one_word_many_lines(void **state)
{
	(void)state;
	enable(RTC);
	enable(VIRTIO);
	assert_int_equal(irq_forward_signal(&f, &d, RTC_BADGE | VIRTIO_BADGE | 0x5 | 1ULL << 40,
					    false, &out),
			 1U << 1);
	assert_int_equal(out.n, 2);
	out.n = 0;
	assert_int_equal(irq_forward_signal(&f, &d, 0x3 | 1ULL << 33, false, &out), 0);
	assert_int_equal(out.n, 0);
}

/* A stopped guest takes nothing; a restart unmasks what it held. */
static void stopped_then_reset(void **state)
{
	(void)state;
	enable(RTC);
	enable(VIRTIO);
	assert_int_equal(irq_forward_signal(&f, &d, RTC_BADGE | VIRTIO_BADGE, true, &out), 0);
	assert_int_equal(out.n, 0);
	assert_int_equal(irq_forward_reset(&f), (1U << 0) | (1U << 1));
	assert_int_equal(irq_forward_reset(&f), 0);
	/* A level line in flight when the guest restarts is given back too. */
	irq_forward_signal(&f, &d, RTC_BADGE, false, &out);
	assert_int_equal(irq_forward_reset(&f), 1U << 0);
}

static void refusals(void **state)
{
	(void)state;
	assert_int_equal(irq_forward_add(&f, &g, &d, 29, false, 1ULL << 35, &err), -1);
	assert_string_equal(
		err.msg,
		"guest 'g1': passed-through interrupt 29 is no SPI of the vGIC (32 to 63)");
	assert_int_equal(irq_forward_add(&f, &g, &d, 64, false, 1ULL << 35, &err), -1);
	assert_string_equal(
		err.msg,
		"guest 'g1': passed-through interrupt 64 is no SPI of the vGIC (32 to 63)");
	assert_int_equal(irq_forward_add(&f, &g, &d, 40, false, 0, &err), -1);
	assert_string_equal(err.msg, "guest 'g1': passed-through interrupt 40 has no badge");
	assert_int_equal(irq_forward_add(&f, &g, &d, RTC, false, 1ULL << 35, &err), -1);
	assert_string_equal(err.msg, "guest 'g1': passed-through interrupt 34: its SPI or badge "
				     "is interrupt 34's too");
	assert_int_equal(irq_forward_add(&f, &g, &d, 40, false, RTC_BADGE, &err), -1);
	assert_string_equal(err.msg, "guest 'g1': passed-through interrupt 40: its SPI or badge "
				     "is interrupt 34's too");
	/* 8 devices of 2 SPIs and 8 events into the guest: INTIDs 38-47, 49-60 (not 48). */
	for (unsigned i = 2; i < IRQ_FORWARD_MAX; i++)
		assert_int_equal(irq_forward_add(&f, &g, &d, i < 12 ? 36 + i : 37 + i, false,
						 1ULL << (38 + i), &err),
				 0);
	assert_int_equal(irq_forward_add(&f, &g, &d, 61, false, 1ULL << 62, &err), -1);
	assert_string_equal(err.msg, "guest 'g1': more than 24 passed-through interrupts");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(level_unmasked_at_deactivation, setup),
		cmocka_unit_test_setup(level_held_while_disabled, setup),
		cmocka_unit_test_setup(edge_unmasked_at_once, setup),
		cmocka_unit_test_setup(edge_left_level_by_the_guest, setup),
		cmocka_unit_test_setup(one_word_many_lines, setup),
		cmocka_unit_test_setup(stopped_then_reset, setup),
		cmocka_unit_test_setup(refusals, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
