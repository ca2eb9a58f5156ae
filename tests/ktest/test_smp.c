/*
 * SMP: threads on every CPU, affinity changes, and IPC and notifications
 * between CPUs. The kernel puts each CPU's logical index in TPIDRRO_EL0.
 * On a one-CPU boot the cases still run, with everything on CPU 0.
 */
#include "ktest.h"

static volatile uint64_t where[8];
static volatile uint64_t stop;

static uint64_t this_cpu(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, tpidrro_el0" : "=r"(v));
	return v;
}

static void report_cpu(uint64_t slot)
{
	where[slot] = this_cpu() + 1;
}

KTEST(threads_run_on_every_cpu)
{
	uint64_t n = t->bi->num_cpus;

	CHECK(n >= 1 && n <= 8);
	for (uint64_t c = 0; c < n; c++) {
		cl_cptr_t tcb = kt_thread(t, report_cpu, c, 100, 0);

		where[c] = 0;
		CHECK_EQ(ERR(cl_tcb_set_affinity(tcb, c)), CL_OK);
	}
	for (uint64_t c = 0; c < n; c++)
		kt_join(t);
	for (uint64_t c = 0; c < n; c++)
		CHECK_EQ(where[c], c + 1);
	CHECK_EQ(this_cpu(), 0); /* the runner stays on the boot CPU */
}

KTEST(affinity_to_an_absent_cpu_is_refused)
{
	cl_cptr_t tcb = kt_make(t, CL_OBJ_TCB, 0);

	CHECK_EQ(ERR(cl_tcb_set_affinity(tcb, t->bi->num_cpus)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_tcb_set_affinity(tcb, 1000)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_tcb_set_affinity(tcb, t->bi->num_cpus - 1)), CL_OK);
}

static cl_cptr_t arrived;
static volatile uint64_t target;

/* Spins, noting its CPU; signals `arrived` once each time it reaches a new target CPU. */
static void follow_affinity(uint64_t unused)
{
	uint64_t told = ~0ULL;

	(void)unused;
	while (!stop) {
		where[0] = this_cpu() + 1;
		if (told != target && this_cpu() == target) {
			told = target;
			cl_sys_send(arrived, 0, 0, 0, 0, 0, 0);
		}
	}
}

KTEST(running_thread_moves_when_its_affinity_changes)
{
	uint64_t last = t->bi->num_cpus - 1;
	cl_cptr_t tcb;

	stop = 0;
	where[0] = 0;
	target = 0;
	arrived = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	/* Same priority as the runner on its CPU: a yield lets it run there. */
	tcb = kt_thread(t, follow_affinity, 0, 255, 0);
	CHECK_EQ(cl_sys_recv(arrived, 0, 0, 0, 0, 0, 0).badge, 1); /* it ran on CPU 0 */
	target = last;
	CHECK_EQ(ERR(cl_tcb_set_affinity(tcb, last)), CL_OK);
	if (last != 0)
		CHECK_EQ(cl_sys_recv(arrived, 0, 0, 0, 0, 0, 0).badge, 1); /* and now on the last */
	CHECK_EQ(where[0], last + 1);
	stop = 1;
	kt_join(t);
}

static cl_cptr_t server_ep;

static void adder(uint64_t unused)
{
	struct cl_result r = cl_sys_recv(server_ep, 0, 0, 0, 0, 0, 0);

	(void)unused;
	for (;;)
		r = cl_sys_reply_recv(server_ep, cl_msginfo(0, 2, 0), r.mr[0] + r.mr[1], this_cpu(),
				      0, 0, 0);
}

KTEST(ipc_across_cpus)
{
	uint64_t last = t->bi->num_cpus - 1;
	cl_cptr_t tcb;
	struct cl_result r;

	server_ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	tcb = kt_thread(t, adder, 0, 100, 0);
	CHECK_EQ(ERR(cl_tcb_set_affinity(tcb, last)), CL_OK);
	for (uint64_t i = 0; i < 200; i++) {
		r = cl_sys_call(server_ep, cl_msginfo(1, 2, 0), i, 1000, 0, 0, 0);
		CHECK_EQ(r.err, CL_OK);
		CHECK_EQ(r.mr[0], i + 1000);
		CHECK_EQ(r.mr[1], last);
	}
}

static cl_cptr_t ping;
static cl_cptr_t pong;

static void ponger(uint64_t rounds)
{
	for (uint64_t i = 0; i < rounds; i++) {
		cl_sys_recv(ping, 0, 0, 0, 0, 0, 0);
		where[1] = this_cpu() + 1;
		cl_sys_send(pong, 0, 0, 0, 0, 0, 0);
	}
}

KTEST(notifications_across_cpus)
{
	uint64_t last = t->bi->num_cpus - 1;
	cl_cptr_t tcb;

	ping = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	pong = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	tcb = kt_thread(t, ponger, 100, 100, 0);
	CHECK_EQ(ERR(cl_tcb_set_affinity(tcb, last)), CL_OK);
	for (int i = 0; i < 100; i++) {
		CHECK_EQ(cl_sys_send(ping, 0, 0, 0, 0, 0, 0).err, CL_OK);
		CHECK_EQ(cl_sys_recv(pong, 0, 0, 0, 0, 0, 0).badge, 1);
	}
	CHECK_EQ(where[1], last + 1);
	kt_join(t);
}
