/*
 * Fixed-priority scheduling: 256 priorities, round robin within one, per
 * CPU run queues. The running thread is not in a queue. (The static
 * time-partition schedule of the separation kernel arrives on top of this.)
 */
#ifndef CLEAVE_SCHED_H
#define CLEAVE_SCHED_H

#include <cleave/arch.h>
#include <cleave/kobjects.h>

#define SCHED_PRIOS 256
#define SCHED_PARTITIONS 4
#define SCHED_WINDOWS_MAX 6

/*
 * The static time-partition schedule (the separation-kernel part): a major
 * frame of windows, each giving the CPUs to one partition for a number of
 * timer ticks. Without a schedule, partition 0 always runs.
 */
struct sched_window {
	uint8_t partition;
	uint32_t ticks;
};

/* Installs the major frame (checked by the caller); all CPUs switch at window edges. */
void sched_set_windows(const struct sched_window *w, unsigned n);
bool sched_has_windows(void);
/* Moves a thread to another partition. */
void sched_set_partition(struct tcb *t, unsigned partition);
/* Called on every timer tick of the boot CPU: advances the windows. */
void sched_tick(void);

/* Each CPU's running thread (sched.c); read it through sched_current(). */
extern struct tcb *sched_running[];

/* The thread running on this CPU, or NULL while it idles (inline: asked on every entry). */
static inline struct tcb *sched_current(void)
{
	return sched_running[arch_cpu_index()];
}
void sched_set_current(struct tcb *t);
/* Makes a blocked or inactive thread runnable and queues it. */
void sched_wake(struct tcb *t);
/* Takes a thread out of its run queue (it blocks, is suspended or destroyed). */
void sched_remove(struct tcb *t);
/* A thread is being destroyed: no CPU may keep it as its current one. */
void sched_forget(struct tcb *t);
/* Moves a thread to another CPU's run queue (its affinity). */
void sched_set_cpu(struct tcb *t, unsigned cpu);
/* Queues the running thread behind its equals (yield, end of a time slice). */
void sched_yield_current(void);
/*
 * For the IPC fast path: would sched_choose() run next, just woken on this
 * CPU, at once when the current thread blocks? Then sched_switch_to() makes
 * it runnable and current without a run-queue operation.
 */
bool sched_can_switch_to(const struct tcb *next);
void sched_switch_to(struct tcb *next);
/* Chooses what runs next on this CPU; NULL when nothing can. */
struct tcb *sched_choose(void);

#endif
