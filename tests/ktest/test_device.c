/*
 * A real device at user level: the QEMU virt PL031 RTC, handed to the root
 * as a 4 KiB device untyped, becomes a frame mapped with device attributes;
 * its alarm raises INTID 34, delivered through an irq handler. Also what
 * device memory may not become or do.
 */
#include "ktest.h"

#define RTC_PADDR 0x09010000ULL
#define RTC_IRQ 34
/* PL031 registers, as 32-bit word indices (ARM DDI 0224). */
#define RTCDR (0x000 / 4)   /* data: the current time in seconds */
#define RTCMR (0x004 / 4)   /* match */
#define RTCIMSC (0x010 / 4) /* interrupt mask set/clear: bit 0 enables */
#define RTCRIS (0x014 / 4)  /* raw interrupt status */
#define RTCMIS (0x018 / 4)  /* masked interrupt status */
#define RTCICR (0x01c / 4)  /* interrupt clear */
#define RTC_ID (0xfe0 / 4)  /* peripheral and PrimeCell IDs, 8 words */

#define RW (CL_RIGHT_READ | CL_RIGHT_WRITE)
#define ATTR_DEVICE 2
#define WATCHDOG 0x8000

static cl_cptr_t rtc_untyped(struct kt *t)
{
	cl_cptr_t ut = kt_device_untyped(t, RTC_PADDR);
	bool any = false;

	for (uint64_t i = 0; i < t->bi->untyped_count; i++)
		any = any || t->bi->untyped[i].device;
	if (ut == 0 && !any)
		t->skip = "this system gives the suite no device memory";
	else if (ut == 0)
		kt_fail(t, __FILE__, __LINE__, "no device untyped for the RTC", RTC_PADDR, 0);
	return ut;
}

/* Makes the RTC's frame and maps it read-write as device memory; NULL on failure. */
static volatile uint32_t *map_rtc(struct kt *t, cl_cptr_t *frame)
{
	cl_cptr_t ut = rtc_untyped(t);
	cl_cptr_t f = kt_slot(t);
	uint64_t va = t->va;

	if (ut == 0)
		return NULL;
	if (ERR(cl_untyped_retype(ut, CL_OBJ_FRAME, 12, f, 1)) != CL_OK ||
	    ERR(cl_frame_map(f, CL_SLOT_ASPACE, va, RW, ATTR_DEVICE)) != CL_OK) {
		kt_fail(t, __FILE__, __LINE__, "map_rtc", ut, va);
		return NULL;
	}
	t->va += 4096;
	if (frame != NULL)
		*frame = f;
	return (volatile uint32_t *)va;
}

KTEST(device_untyped_only_becomes_frames)
{
	static const struct {
		unsigned type;
		unsigned bits;
	} objs[] = {
		{CL_OBJ_TCB, 0},    {CL_OBJ_ENDPOINT, 0}, {CL_OBJ_NOTIFICATION, 0},
		{CL_OBJ_CNODE, 10}, {CL_OBJ_ASPACE, 13},
	};
	cl_cptr_t ut = rtc_untyped(t);
	cl_cptr_t sub = kt_slot(t);
	cl_cptr_t f = kt_slot(t);

	CHECK(ut != 0);
	for (unsigned i = 0; i < sizeof(objs) / sizeof(objs[0]); i++)
		CHECK_EQ(ERR(cl_untyped_retype(ut, objs[i].type, objs[i].bits, kt_slot(t), 1)),
			 CL_ILLEGAL);
	/* A smaller device untyped is still device memory. */
	CHECK_EQ(ERR(cl_untyped_retype(ut, CL_OBJ_UNTYPED, 12, sub, 1)), CL_OK);
	CHECK_EQ(ERR(cl_untyped_retype(sub, CL_OBJ_TCB, 0, kt_slot(t), 1)), CL_ILLEGAL);
	CHECK_EQ(ERR(cl_untyped_retype(sub, CL_OBJ_FRAME, 12, f, 1)), CL_OK);
	CHECK_EQ(cl_frame_address(f).mr[0], RTC_PADDR);
	/* A device untyped cannot be copied either (one owner, like all untyped). */
	CHECK_EQ(ERR(cl_cnode_copy(CL_SLOT_CNODE, kt_slot(t), ut, CL_RIGHTS_ALL)), CL_ILLEGAL);
}

KTEST(device_untyped_reusable_after_its_frame_goes)
{
	cl_cptr_t ut = rtc_untyped(t);
	cl_cptr_t f = kt_slot(t);

	CHECK(ut != 0);
	CHECK_EQ(ERR(cl_untyped_retype(ut, CL_OBJ_FRAME, 12, f, 1)), CL_OK);
	CHECK_EQ(ERR(cl_untyped_retype(ut, CL_OBJ_FRAME, 12, kt_slot(t), 1)), CL_NO_MEMORY);
	CHECK_EQ(ERR(cl_untyped_retype(ut, CL_OBJ_FRAME, 21, kt_slot(t), 1)), CL_NO_MEMORY);
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, f)), CL_OK);
	CHECK_EQ(ERR(cl_untyped_retype(ut, CL_OBJ_FRAME, 12, f, 1)), CL_OK);
}

KTEST(device_frame_needs_device_attributes)
{
	cl_cptr_t ut = rtc_untyped(t);
	cl_cptr_t f = kt_slot(t);
	uint64_t va = t->va;

	CHECK(ut != 0);
	t->va += 4096;
	CHECK_EQ(ERR(cl_untyped_retype(ut, CL_OBJ_FRAME, 12, f, 1)), CL_OK);
	/* A cacheable alias of a device is never allowed. */
	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_ASPACE, va, RW, 0)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_ASPACE, va, RW, 1)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_frame_map(f, CL_SLOT_ASPACE, va, CL_RIGHT_READ, ATTR_DEVICE)), CL_OK);
	CHECK_EQ(ERR(cl_frame_remap(f, RW, 0)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_frame_remap(f, RW, 1)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_frame_remap(f, RW, ATTR_DEVICE)), CL_OK);
	/* The device answers through the mapping: the PL031's part number. */
	CHECK_EQ(((volatile uint32_t *)va)[RTC_ID], 0x31);
}

KTEST(device_frame_refuses_cache_maintenance)
{
	cl_cptr_t f;
	cl_cptr_t g;
	uint64_t before = kt_map(t, &g); /* a normal page just below the device page */
	volatile uint32_t *rtc = map_rtc(t, &f);
	uint64_t va = (uint64_t)rtc;

	CHECK(rtc != NULL);
	CHECK_EQ(va, before + 4096);
	for (uint64_t op = 0; op <= 3; op++) {
		CHECK_EQ(ERR(cl_frame_cache(f, op, 0, 64)), CL_INVALID_ARG);
		CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, op, va, 64)), CL_INVALID_ARG);
		/* A range that only touches the device page is refused whole. */
		CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, op, before + 4000, 200)),
			 CL_INVALID_ARG);
		CHECK_EQ(ERR(cl_aspace_cache_range(CL_SLOT_ASPACE, op, before, 4096)), CL_OK);
		CHECK_EQ(ERR(cl_frame_cache(g, op, 0, 4096)), CL_OK);
	}
}

KTEST(device_frame_reads_the_rtc)
{
	static const uint32_t pl031_id[8] = {0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
	volatile uint32_t *rtc = map_rtc(t, NULL);

	CHECK(rtc != NULL);
	for (unsigned i = 0; i < 8; i++)
		CHECK_EQ(rtc[RTC_ID + i] & 0xff, pl031_id[i]);
	/* QEMU's RTC starts at the host's time: well past 2001. */
	CHECK(rtc[RTCDR] > 1000000000U);
}

static struct {
	volatile uint32_t *rtc;
	uint32_t deadline;
	cl_cptr_t cap;
	cl_cptr_t tcb;
} rtc_wd;

/* A watchdog on the RTC's own clock: signals WATCHDOG once the deadline second has passed. */
static void rtc_watchdog(uint64_t unused)
{
	(void)unused;
	while ((int32_t)(rtc_wd.rtc[RTCDR] - rtc_wd.deadline) < 0)
		;
	cl_sys_send(rtc_wd.cap, 0, 0, 0, 0, 0, 0);
	for (;;)
		cl_tcb_suspend(rtc_wd.tcb);
}

/* Claims the RTC's line and routes it to ntfn with badge 1. */
static cl_cptr_t claim_rtc(struct kt *t, cl_cptr_t ntfn)
{
	cl_cptr_t h = kt_slot(t);

	if (ERR(cl_irq_control_get(CL_SLOT_IRQ_CONTROL, RTC_IRQ, h)) != CL_OK ||
	    ERR(cl_irq_handler_set_notification(h, ntfn)) != CL_OK)
		kt_fail(t, __FILE__, __LINE__, "claim_rtc", h, 0);
	return h;
}

KTEST(rtc_alarm_interrupt)
{
	volatile uint32_t *rtc = map_rtc(t, NULL);
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t h;
	uint32_t start;
	struct cl_result r;

	CHECK(rtc != NULL);
	rtc[RTCIMSC] = 0;
	rtc[RTCICR] = 1;
	h = claim_rtc(t, n);
	CHECK(!t->failed);
	/* An alarm one second ahead. */
	start = rtc[RTCDR];
	rtc[RTCMR] = start + 1;
	rtc[RTCIMSC] = 1;
	rtc_wd.rtc = rtc;
	rtc_wd.deadline = start + 4;
	rtc_wd.cap = kt_slot(t);
	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, rtc_wd.cap, n, CL_RIGHT_WRITE, WATCHDOG)), CL_OK);
	rtc_wd.tcb = kt_thread(t, rtc_watchdog, 0, 1, 0);
	r = cl_sys_recv(n, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(r.err, CL_OK);
	CHECK_EQ(r.badge, 1);
	CHECK_EQ(rtc[RTCMIS] & 1, 1);
	CHECK((int32_t)(rtc[RTCDR] - (start + 1)) >= 0);
	/* Clear it at the device, then unmask the line: nothing more comes. */
	rtc[RTCICR] = 1;
	CHECK_EQ(rtc[RTCRIS] & 1, 0);
	CHECK_EQ(ERR(cl_irq_handler_ack(h)), CL_OK);
	for (int i = 0; i < 20; i++)
		cl_sys_yield(0, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(cl_sys_nb_recv(n, 0, 0, 0, 0, 0, 0).badge, 0);
	rtc[RTCIMSC] = 0;
}

KTEST(rtc_level_interrupt_repeats_until_cleared)
{
	volatile uint32_t *rtc = map_rtc(t, NULL);
	cl_cptr_t n = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	cl_cptr_t h;

	CHECK(rtc != NULL);
	rtc[RTCIMSC] = 0;
	rtc[RTCICR] = 1;
	h = claim_rtc(t, n);
	CHECK(!t->failed);
	/* A match on the current second raises the interrupt at once (retry across a tick). */
	for (int i = 0; i < 5 && (rtc[RTCRIS] & 1) == 0; i++) {
		uint32_t now = rtc[RTCDR];

		rtc[RTCMR] = now;
		if ((rtc[RTCRIS] & 1) == 0)
			rtc[RTCICR] = 1;
	}
	CHECK_EQ(rtc[RTCRIS] & 1, 1);
	kt_watchdog(t, n, WATCHDOG, 20000000);
	rtc[RTCIMSC] = 1; /* the line goes high */
	CHECK_EQ(cl_sys_recv(n, 0, 0, 0, 0, 0, 0).badge, 1);
	/* Still asserted: each ack lets exactly one more through. */
	CHECK_EQ(ERR(cl_irq_handler_ack(h)), CL_OK);
	CHECK_EQ(cl_sys_recv(n, 0, 0, 0, 0, 0, 0).badge, 1);
	CHECK_EQ(ERR(cl_irq_handler_ack(h)), CL_OK);
	CHECK_EQ(cl_sys_recv(n, 0, 0, 0, 0, 0, 0).badge, 1);
	/* Cleared at the device, the ack brings nothing. */
	rtc[RTCICR] = 1;
	CHECK_EQ(ERR(cl_irq_handler_ack(h)), CL_OK);
	for (int i = 0; i < 20; i++)
		cl_sys_yield(0, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(cl_sys_nb_recv(n, 0, 0, 0, 0, 0, 0).badge, 0);
	rtc[RTCIMSC] = 0;
}
