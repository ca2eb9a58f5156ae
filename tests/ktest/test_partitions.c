/*
 * The static time-partition schedule: a thread runs only in its partition's
 * windows, however high its priority, and the schedule is fixed once set.
 */
#include "ktest.h"

#define WINDOW(p, ticks) ((uint64_t)(p) << 24 | (ticks))

static volatile uint64_t high_count;
static volatile uint64_t low_count;

static void spin_forever(uint64_t unused)
{
	(void)unused;
	for (;;)
		high_count++;
}

/* Runs until the high thread has run: only possible if each had windows of its own. */
static void count_until_high_ran(uint64_t unused)
{
	(void)unused;
	while (high_count == 0)
		low_count++;
}

KTEST_LAST(time_partitions_separate_threads)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t high;
	cl_cptr_t low;

	/* Refusals first: nothing is set by a refused call. */
	CHECK_EQ(ERR(cl_sched_control_set_schedule(CL_SLOT_SCHED_CONTROL, 0, 0, 0, 0)),
		 CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_sched_control_set_schedule(CL_SLOT_SCHED_CONTROL, 7, 0, 0, 0)),
		 CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_sched_control_set_schedule(CL_SLOT_SCHED_CONTROL, 1, WINDOW(4, 1), 0, 0)),
		 CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_sched_control_set_schedule(CL_SLOT_SCHED_CONTROL, 2, WINDOW(0, 1), 0, 0)),
		 CL_INVALID_ARG); /* the second window has 0 ticks */
	CHECK_EQ(ERR(cl_sched_control_set_partition(CL_SLOT_SCHED_CONTROL, ep, 1)), CL_WRONG_TYPE);
	CHECK_EQ(ERR(cl_sched_control_set_partition(CL_SLOT_SCHED_CONTROL, kt_slot(t), 1)),
		 CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_sched_control_set_partition(CL_SLOT_SCHED_CONTROL, CL_SLOT_TCB, 4)),
		 CL_INVALID_ARG);

	/*
	 * A high-priority thread in partition 1 that never stops, and a lower one
	 * in partition 0 that must finish, both on CPU 0. By priority alone the
	 * low one would never run; with windows it runs in partition 0's.
	 */
	high_count = 0;
	low_count = 0;
	high = kt_thread(t, spin_forever, 0, 200, 0);
	low = kt_thread(t, count_until_high_ran, 0, 150, 0);
	CHECK_EQ(ERR(cl_tcb_set_affinity(high, 0)), CL_OK);
	CHECK_EQ(ERR(cl_tcb_set_affinity(low, 0)), CL_OK);
	CHECK_EQ(ERR(cl_sched_control_set_partition(CL_SLOT_SCHED_CONTROL, high, 1)), CL_OK);
	CHECK_EQ(ERR(cl_sched_control_set_schedule(CL_SLOT_SCHED_CONTROL, 2,
						   WINDOW(0, 2) | WINDOW(1, 2) << 32, 0, 0)),
		 CL_OK);
	kt_join(t); /* the low thread finished: it ran although a higher one never yields */
	CHECK(low_count != 0);
	CHECK(high_count != 0); /* and the high one had its own windows */
	CHECK_EQ(ERR(cl_sched_control_set_schedule(CL_SLOT_SCHED_CONTROL, 1, WINDOW(0, 1), 0, 0)),
		 CL_ILLEGAL); /* fixed once set */
	CHECK_EQ(ERR(cl_tcb_suspend(high)), CL_OK);
}
