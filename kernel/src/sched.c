/* The run queues (see sched.h). */
#include <cleave/arch.h>
#include <cleave/sched.h>
#include <plat_config.h>

struct runqueue {
	uint64_t bitmap[SCHED_PRIOS / 64];
	struct tcb_queue q[SCHED_PRIOS];
};

static struct runqueue runqueues[PLAT_CPUS_MAX];
static struct tcb *current[PLAT_CPUS_MAX];
static bool current_yielded[PLAT_CPUS_MAX];

struct tcb *sched_current(void)
{
	return current[arch_cpu_index()];
}

void sched_set_current(struct tcb *t)
{
	current[arch_cpu_index()] = t;
}

static void enqueue(struct tcb *t)
{
	struct runqueue *rq = &runqueues[t->cpu];

	tcbq_append(&rq->q[t->prio], t);
	rq->bitmap[t->prio / 64] |= 1ULL << (t->prio % 64);
}

void sched_remove(struct tcb *t)
{
	struct runqueue *rq = &runqueues[t->cpu];

	if (t == current[t->cpu]) {
		current[t->cpu] = NULL;
		return;
	}
	if (t->state != TCB_RUNNABLE)
		return;
	tcbq_remove(&rq->q[t->prio], t);
	if (rq->q[t->prio].head == NULL)
		rq->bitmap[t->prio / 64] &= ~(1ULL << (t->prio % 64));
}

void sched_wake(struct tcb *t)
{
	t->state = TCB_RUNNABLE;
	if (t != current[t->cpu])
		enqueue(t);
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

struct tcb *sched_choose(void)
{
	unsigned cpu = arch_cpu_index();
	struct runqueue *rq = &runqueues[cpu];
	struct tcb *cur = current[cpu];
	bool yielded = current_yielded[cpu];
	int best = highest(rq);
	struct tcb *next;

	current_yielded[cpu] = false;
	if (cur != NULL && cur->state != TCB_RUNNABLE)
		cur = current[cpu] = NULL;
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
