/* The run queues (see sched.h). */
#include <cleave/arch.h>
#include <cleave/sched.h>
#include <plat_config.h>

/*
 * A bit per priority with threads queued, and above it a bit per word of
 * those that are not zero: the highest priority is two count-leading-zeros
 * away, as in seL4's two-level ready-queue bitmap, instead of a scan.
 */
struct runqueue {
	uint64_t words; /* bit w: bitmap[w] != 0 */
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
struct tcb *sched_running[PLAT_CPUS_MAX];
static bool current_yielded[PLAT_CPUS_MAX];
/*
 * The thread last woken on its own CPU, not yet in a queue: logically it is
 * at the tail of its queue (enqueue() puts it there before anything else
 * joins a queue of that CPU). When the waker blocks at once, as in a call or
 * a reply_recv, sched_choose() takes it from here without touching a queue:
 * the IPC's direct switch, with the choice the queues would have made.
 */
static struct tcb *woken[PLAT_CPUS_MAX];
/*
 * Set by sched_switch_to() (the IPC fast path) when it made its thread
 * current with sched_choose()'s own choice; sched_choose() then returns it
 * without looking again, unless anything that could change the choice
 * happened in between (a thread queued or woken here, a yield).
 */
static bool fast_chosen[PLAT_CPUS_MAX];

void sched_set_current(struct tcb *t)
{
	sched_running[arch_cpu_index()] = t;
	fast_chosen[arch_cpu_index()] = false;
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
	rq->words |= 1ULL << (t->prio / 64);
	fast_chosen[t->cpu] = false; /* a thread arrived: the fast path's choice is stale */
}

/* The queue of prio has just become empty. */
static void clear_prio(struct runqueue *rq, unsigned prio)
{
	rq->bitmap[prio / 64] &= ~(1ULL << (prio % 64));
	if (rq->bitmap[prio / 64] == 0)
		rq->words &= ~(1ULL << (prio / 64));
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
	if (t == sched_running[t->cpu]) {
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
		clear_prio(rq, t->prio);
}

void sched_forget(struct tcb *t)
{
	for (unsigned cpu = 0; cpu < PLAT_CPUS_MAX; cpu++) {
		if (sched_running[cpu] == t) {
			sched_running[cpu] = NULL;
			kick(cpu);
		}
	}
}

static void apply_migration(struct tcb *t);

void sched_wake(struct tcb *t)
{
	t->state = TCB_RUNNABLE;
	if (t == sched_running[t->cpu])
		return;
	apply_migration(t);
	if (t->cpu == arch_cpu_index() && woken[t->cpu] == NULL) {
		woken[t->cpu] = t; /* no kick: this CPU chooses on its way out */
		fast_chosen[t->cpu] = false;
		return;
	}
	enqueue(t);
	kick(t->cpu);
}

void sched_set_cpu(struct tcb *t, unsigned cpu)
{
	bool queued = t->state == TCB_RUNNABLE && t != sched_running[t->cpu];

	if (t == sched_running[t->cpu]) {
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
	fast_chosen[arch_cpu_index()] = false;
}

/* The highest priority with a thread queued, or -1. */
static int highest(const struct runqueue *rq)
{
	int w;

	if (rq->words == 0)
		return -1;
	w = 63 - __builtin_clzll(rq->words);
	return w * 64 + 63 - __builtin_clzll(rq->bitmap[w]);
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
	struct tcb *cur = sched_running[cpu];

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
	sched_running[cpu] = w;
	return w;
}

/*
 * The fast path's switch (fastpath.c). The conditions are take_woken()'s
 * for a current thread that blocked: next is on this CPU (with no move
 * pending), in the open window, ahead of every queued thread there, and
 * nothing was woken before it. Becoming current, it is what sched_choose()
 * then returns, with no queue touched.
 */
bool sched_can_switch_to(const struct tcb *next)
{
	unsigned cpu = arch_cpu_index();
	unsigned partition = active_partition();

	return woken[cpu] == NULL && next->cpu == cpu && next->migrate_to == 0 &&
	       next->partition == partition &&
	       highest(&runqueues[cpu][partition]) < (int)next->prio;
}

void sched_switch_to(struct tcb *next)
{
	unsigned cpu = arch_cpu_index();

	next->state = TCB_RUNNABLE;
	current_yielded[cpu] = false;
	sched_running[cpu] = next;
	fast_chosen[cpu] = true;
}

/*
 * sched_choose() right after sched_switch_to(): the choice stands while the
 * thread is still runnable here in the open window, ahead of the queue (it
 * may have been suspended, moved, or reprioritised since, or its window
 * closed) and nothing reset the flag.
 */
static bool keep_fast_choice(unsigned cpu, unsigned partition)
{
	const struct tcb *cur = sched_running[cpu];

	if (!fast_chosen[cpu])
		return false;
	fast_chosen[cpu] = false;
	return cur != NULL && cur->state == TCB_RUNNABLE && cur->cpu == cpu &&
	       cur->migrate_to == 0 && cur->partition == partition &&
	       highest(&runqueues[cpu][partition]) < (int)cur->prio;
}

struct tcb *sched_choose(void)
{
	unsigned cpu = arch_cpu_index();
	unsigned partition = active_partition();
	struct runqueue *rq = &runqueues[cpu][partition];
	struct tcb *cur = sched_running[cpu];
	bool yielded = current_yielded[cpu];
	struct tcb *next;
	int best;

	if (keep_fast_choice(cpu, partition))
		return cur;
	if (woken[cpu] != NULL && (next = take_woken(cpu, rq, partition, yielded)) != NULL)
		return next;
	flush_woken(cpu);
	best = highest(rq);
	current_yielded[cpu] = false;
	if (cur != NULL && cur->state != TCB_RUNNABLE) {
		apply_migration(cur); /* it blocked before moving: it moves when woken */
		cur = sched_running[cpu] = NULL;
	}
	if (cur != NULL)
		apply_migration(cur);
	if (cur != NULL && (cur->cpu != cpu || cur->partition != partition)) {
		/*
		 * Its affinity changed while it ran here, or its partition's window
		 * closed: it waits in its own queue, and never runs out of its window.
		 */
		sched_running[cpu] = NULL;
		enqueue(cur);
		kick(cur->cpu);
		cur = NULL;
	}
	if (best < 0 || (cur != NULL && (best < cur->prio || (best == cur->prio && !yielded))))
		return cur;
	next = tcbq_pop(&rq->q[best]);
	if (rq->q[best].head == NULL)
		clear_prio(rq, (unsigned)best);
	if (cur != NULL)
		enqueue(cur);
	sched_running[cpu] = next;
	return next;
}

void sched_set_partition(struct tcb *t, unsigned partition)
{
	bool queued = t->state == TCB_RUNNABLE && t != sched_running[t->cpu];

	if (queued)
		sched_remove(t);
	else if (t == sched_running[t->cpu])
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
