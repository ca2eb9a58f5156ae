/*
 * Fixed-priority scheduling: 256 priorities, round robin within one, per
 * CPU run queues. The running thread is not in a queue. (The static
 * time-partition schedule of the separation kernel arrives on top of this.)
 */
#ifndef CLEAVE_SCHED_H
#define CLEAVE_SCHED_H

#include <cleave/kobjects.h>

#define SCHED_PRIOS 256

/* The thread running on this CPU, or NULL while it idles. */
struct tcb *sched_current(void);
void sched_set_current(struct tcb *t);
/* Makes a blocked or inactive thread runnable and queues it. */
void sched_wake(struct tcb *t);
/* Takes a thread out of its run queue (it blocks, is suspended or destroyed). */
void sched_remove(struct tcb *t);
/* Queues the running thread behind its equals (yield, end of a time slice). */
void sched_yield_current(void);
/* Chooses what runs next on this CPU; NULL when nothing can. */
struct tcb *sched_choose(void);

#endif
