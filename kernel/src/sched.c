/* The run queues (see sched.h). */
#include <cleave/arch.h>
#include <cleave/sched.h>
#include <plat_config.h>

struct runqueue {
	uint64_t bitmap[SCHED_PRIOS / 64];
	struct tcb_queue q[SCHED_PRIOS];
};

static struct runqueue runqueues[PLAT_CPUS_MAX][SCHED_PARTITIONS];
static struct sched_window windows[SCHED_WINDOWS_MAX];
static unsigned nwindows;
static unsigned window;	     /* the current window, when nwindows != 0 */
static uint32_t window_left; /* its ticks left */

/* The partition whose window is open now. */
static unsigned active_partition(void)
{
	return nwindows == 0 ? 0 : __atomic_load_n(&windows[window].partition, __ATOMIC_RELAXED);
}
static struct tcb *current[PLAT_CPUS_MAX];
static bool current_yielded[PLAT_CPUS_MAX];
/*
 * The thread last woken on its own CPU, not yet in a queue: logically it is
 * at the tail of its queue (enqueue() puts it there before anything else
 * joins a queue of that CPU). When the waker blocks at once, as in a call or
 * a reply_recv, sched_choose() takes it from here without touching a queue:
 * the IPC's direct switch, with the choice the queues would have made.
 */
static struct tcb *woken[PLAT_CPUS_MAX];

struct tcb *sched_current(void)
{
	return current[arch_cpu_index()];
}

void sched_set_current(struct tcb *t)
{
	current[arch_cpu_index()] = t;
}

static struct runqueue *rq_of(const struct tcb *t)
{
	return &runqueues[t->cpu][t->partition];
}

static void append(struct tcb *t)
{
	struct runqueue *rq = rq_of(t);

	tcbq_append(&rq->q[t->prio], t);
	rq->bitmap[t->prio / 64] |= 1ULL << (t->prio % 64);
}

/* Puts the CPU's woken thread in its queue, where it logically is already. */
static void flush_woken(unsigned cpu)
{
	struct tcb *w = woken[cpu];

	if (w != NULL) {
		woken[cpu] = NULL;
		append(w);
	}
}

static void enqueue(struct tcb *t)
{
	flush_woken(t->cpu); /* it was woken first: it stays ahead */
	append(t);
}

/* Another CPU must look at its run queue (a thread arrived or its current one stopped). */
static void kick(unsigned cpu)
{
	if (cpu != arch_cpu_index())
		arch_kick_cpu(cpu);
}

void sched_remove(struct tcb *t)
{
	struct runqueue *rq = rq_of(t);

	/*
	 * A running thread stays "current" until its CPU next enters the kernel
	 * and saves its registers; that CPU then sees it is no longer runnable.
	 */
	if (t == current[t->cpu]) {
		kick(t->cpu);
		return;
	}
	if (t->state != TCB_RUNNABLE)
		return;
	if (woken[t->cpu] == t) {
		woken[t->cpu] = NULL;
		return;
	}
	tcbq_remove(&rq->q[t->prio], t);
	if (rq->q[t->prio].head == NULL)
		rq->bitmap[t->prio / 64] &= ~(1ULL << (t->prio % 64));
}

void sched_forget(struct tcb *t)
{
	for (unsigned cpu = 0; cpu < PLAT_CPUS_MAX; cpu++) {
		if (current[cpu] == t) {
			current[cpu] = NULL;
			kick(cpu);
		}
	}
}

static void apply_migration(struct tcb *t);

void sched_wake(struct tcb *t)
{
	t->state = TCB_RUNNABLE;
	if (t == current[t->cpu])
		return;
	apply_migration(t);
	if (t->cpu == arch_cpu_index() && woken[t->cpu] == NULL) {
		woken[t->cpu] = t; /* no kick: this CPU chooses on its way out */
		return;
	}
	enqueue(t);
	kick(t->cpu);
}

void sched_set_cpu(struct tcb *t, unsigned cpu)
{
	bool queued = t->state == TCB_RUNNABLE && t != current[t->cpu];

	if (t == current[t->cpu]) {
		/*
		 * Running there: t->cpu keeps naming the CPU it runs on (so
		 * sched_remove finds it) until that CPU next chooses and moves it.
		 */
		t->migrate_to = (uint8_t)(cpu + 1);
		kick(t->cpu);
		return;
	}
	if (queued)
		sched_remove(t);
	t->cpu = (uint8_t)cpu;
	t->migrate_to = 0;
	if (queued)
		sched_wake(t);
}

/* A pending move of a thread that was running when its affinity changed. */
static void apply_migration(struct tcb *t)
{
	if (t->migrate_to != 0) {
		t->cpu = (uint8_t)(t->migrate_to - 1);
		t->migrate_to = 0;
	}
}

void sched_yield_current(void)
{
	current_yielded[arch_cpu_index()] = true;
}

static int highest(const struct runqueue *rq)
{
	for (int w = SCHED_PRIOS / 64 - 1; w >= 0; w--) {
		if (rq->bitmap[w] != 0)
			return w * 64 + 63 - __builtin_clzll(rq->bitmap[w]);
	}
	return -1;
}

/*
 * The direct switch: the thread just woken on this CPU goes ahead of every
 * queued one in its window, and the current thread blocked or gives way to
 * it. sched_choose() below would pick it too (it is logically the tail of a
 * queue emptier than its priority); this only skips the queue operations.
 */
static struct tcb *take_woken(unsigned cpu, const struct runqueue *rq, unsigned partition,
			      bool yielded)
{
	struct tcb *w = woken[cpu];
	struct tcb *cur = current[cpu];

	if (w->partition != partition || highest(rq) >= (int)w->prio)
		return NULL;
	if (cur != NULL && cur->state == TCB_RUNNABLE) {
		if (cur->cpu != cpu || cur->partition != partition || cur->prio > w->prio ||
		    (cur->prio == w->prio && !yielded))
			return NULL;
		woken[cpu] = NULL;
		append(cur); /* preempted: behind its equals, as sched_choose() puts it */
	}
	woken[cpu] = NULL;
	current_yielded[cpu] = false;
	current[cpu] = w;
	return w;
}

struct tcb *sched_choose(void)
{
	unsigned cpu = arch_cpu_index();
	unsigned partition = active_partition();
	struct runqueue *rq = &runqueues[cpu][partition];
	struct tcb *cur = current[cpu];
	bool yielded = current_yielded[cpu];
	struct tcb *next;
	int best;

	if (woken[cpu] != NULL && (next = take_woken(cpu, rq, partition, yielded)) != NULL)
		return next;
	flush_woken(cpu);
	best = highest(rq);
	current_yielded[cpu] = false;
	if (cur != NULL && cur->state != TCB_RUNNABLE) {
		apply_migration(cur); /* it blocked before moving: it moves when woken */
		cur = current[cpu] = NULL;
	}
	if (cur != NULL)
		apply_migration(cur);
	if (cur != NULL && (cur->cpu != cpu || cur->partition != partition)) {
		/*
		 * Its affinity changed while it ran here, or its partition's window
		 * closed: it waits in its own queue, and never runs out of its window.
		 */
		current[cpu] = NULL;
		enqueue(cur);
		kick(cur->cpu);
		cur = NULL;
	}
	if (best < 0 || (cur != NULL && (best < cur->prio || (best == cur->prio && !yielded))))
		return cur;
	next = tcbq_pop(&rq->q[best]);
	if (rq->q[best].head == NULL)
		rq->bitmap[best / 64] &= ~(1ULL << (best % 64));
	if (cur != NULL)
		enqueue(cur);
	current[cpu] = next;
	return next;
}

void sched_set_partition(struct tcb *t, unsigned partition)
{
	bool queued = t->state == TCB_RUNNABLE && t != current[t->cpu];

	if (queued)
		sched_remove(t);
	else if (t == current[t->cpu])
		kick(t->cpu);
	t->partition = (uint8_t)partition;
	if (queued)
		sched_wake(t);
}

void sched_set_windows(const struct sched_window *w, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		windows[i] = w[i];
	window = 0;
	window_left = windows[0].ticks;
	__atomic_store_n(&nwindows, n, __ATOMIC_RELEASE);
	for (unsigned cpu = 0; cpu < PLAT_CPUS_MAX; cpu++)
		kick(cpu);
}

bool sched_has_windows(void)
{
	return nwindows != 0;
}

void sched_tick(void)
{
	if (nwindows == 0 || --window_left != 0)
		return;
	window = (window + 1) % nwindows;
	window_left = windows[window].ticks;
	/* Every CPU leaves the closed window at once, even one running a thread of it. */
	for (unsigned cpu = 0; cpu < PLAT_CPUS_MAX; cpu++)
		kick(cpu);
	sched_yield_current();
}
