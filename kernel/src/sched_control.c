/*
 * The sched_control capability: the time-partition schedule is fixed once,
 * at boot, by whoever holds it (the root component, from the system
 * description), and threads are placed in partitions.
 */
#include <cleave/invocation.h>
#include <cleave/kobjects.h>
#include <cleave/sched.h>

static unsigned set_schedule(const struct invocation *inv)
{
	struct sched_window w[SCHED_WINDOWS_MAX];
	uint64_t n = inv->args[CL_ARG_SCHED_CONTROL_SET_SCHEDULE_COUNT];

	if (n == 0 || n > SCHED_WINDOWS_MAX)
		return CL_INVALID_ARG;
	for (unsigned i = 0; i < n; i++) {
		uint32_t packed = (uint32_t)(inv->args[1 + i / 2] >> (32 * (i % 2)));

		w[i].partition = (uint8_t)(packed >> 24);
		w[i].ticks = packed & 0xffffff;
		if (w[i].partition >= SCHED_PARTITIONS || w[i].ticks == 0)
			return CL_INVALID_ARG;
	}
	if (sched_has_windows())
		return CL_ILLEGAL; /* fixed at boot: no second schedule */
	sched_set_windows(w, (unsigned)n);
	return CL_OK;
}

static unsigned set_partition(const struct invocation *inv)
{
	struct cte *t;
	uint64_t p = inv->args[CL_ARG_SCHED_CONTROL_SET_PARTITION_PARTITION];
	unsigned err = lookup_cap(inv->root, inv->args[CL_ARG_SCHED_CONTROL_SET_PARTITION_TCB], &t);

	if (err != CL_OK)
		return err;
	if (t->cap.type != CAP_TCB)
		return CL_WRONG_TYPE;
	if (p >= SCHED_PARTITIONS)
		return CL_INVALID_ARG;
	sched_set_partition((struct tcb *)t->cap.obj, (unsigned)p);
	return CL_OK;
}

unsigned sched_control_invoke(struct invocation *inv)
{
	switch (inv->label) {
	case CL_LABEL_SCHED_CONTROL_SET_SCHEDULE:
		return set_schedule(inv);
	case CL_LABEL_SCHED_CONTROL_SET_PARTITION:
		return set_partition(inv);
	default:
		return CL_UNKNOWN_LABEL;
	}
}
