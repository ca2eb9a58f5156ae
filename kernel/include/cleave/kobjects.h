/*
 * The kernel objects other than CNodes and untyped: threads, endpoints,
 * notifications, address spaces, frames, interrupt handlers. One module
 * each (tcb.c, endpoint.c, notification.c, aspace.c, frame.c, irq.c); this
 * header holds their structures because IPC and scheduling touch several.
 */
#ifndef CLEAVE_KOBJECTS_H
#define CLEAVE_KOBJECTS_H

#include <uapi/cleave/console_abi.h>
#include <cleave/object.h>

/* A thread's user registers, as saved on kernel entry. */
struct user_regs {
	uint64_t x[31];
	uint64_t sp;
	uint64_t pc;
	uint64_t spsr;
};

enum tcb_state {
	TCB_INACTIVE = 0,  /* never started, suspended, or stopped by a fault without a handler */
	TCB_RUNNABLE,	   /* running or in a run queue */
	TCB_BLOCKED_SEND,  /* in an endpoint's send queue */
	TCB_BLOCKED_RECV,  /* in an endpoint's receive queue */
	TCB_BLOCKED_REPLY, /* waiting for the reply to a call (or to a fault message) */
	TCB_BLOCKED_NTFN,  /* waiting on a notification */
};

struct endpoint;
struct notification;
struct vcpu;

/* A thread's FP/SIMD registers while it does not own the CPU's (V0-V31, FPSR, FPCR). */
struct fpsimd_state {
	uint64_t v[64];
	uint32_t fpsr;
	uint32_t fpcr;
};

/* A message in flight: what a blocked sender (or a fault) will deliver. */
struct msg {
	uint64_t info; /* cl_msginfo: label, length, cap */
	uint64_t mr[4];
	uint64_t cap_cptr; /* in the sender's CNode, when info says a cap goes along */
};

struct tcb {
	struct user_regs regs;
	uint8_t state;	    /* enum tcb_state */
	uint8_t prio;	    /* 0..255, higher runs first */
	uint8_t cpu;	    /* affinity: logical CPU index */
	uint8_t is_call;    /* blocked sending a call (expects a reply) */
	uint8_t in_fault;   /* blocked on a fault message */
	uint8_t fault_kind; /* CL_FAULT_* - CL_FAULT_STAGE2, while in_fault */
	uint8_t partition;  /* time partition: runs only in its windows */
	uint8_t migrate_to; /* 1 + the CPU a running thread moves to at its next switch, or 0 */
	/* Capabilities the thread holds on its own; children of the configured ones. */
	struct cte cspace;
	struct cte aspace;
	struct cte fault_ep;
	struct pending pending;
	struct tcb *qnext; /* run queue or endpoint/notification queue */
	struct tcb *qprev;
	void *blocked_on;	    /* endpoint or notification */
	struct tcb *reply_to;	    /* the caller this thread owes a reply */
	struct tcb *replier;	    /* the thread that owes this one a reply */
	struct notification *bound; /* bound notification */
	struct vcpu *vcpu;	    /* bound vCPU: the thread is a guest at EL1 */
	uint64_t send_badge;	    /* badge of the endpoint cap a blocked sender used */
	uint64_t send_grant;	    /* that cap had the grant right: caps may go along */
	uint64_t recv_slot;	    /* where a blocked receiver takes a transferred cap */
	struct msg msg;		    /* a blocked sender's message */
	uint32_t con_len;	    /* bytes held in con_line (console writes with MORE) */
	char con_line[CL_CONSOLE_LINE_MAX];
	struct fpsimd_state fp __attribute__((aligned(16)));
};

struct tcb_queue {
	struct tcb *head;
	struct tcb *tail;
};

enum ep_state { EP_IDLE = 0, EP_SEND, EP_RECV };

struct endpoint {
	struct tcb_queue queue;
	uint32_t state; /* enum ep_state: who is queued */
};

struct notification {
	uint64_t word;
	struct tcb_queue waiters;
	struct tcb *bound;
};

/* tcb.c */
void tcb_init(struct tcb *t);
void tcb_destroy(struct tcb *t);
/* Takes t out of whatever it is blocked in; it becomes inactive. */
void tcb_abort_blocking(struct tcb *t);
/* The thread's root CNode capability (a cte), or NULL when unconfigured. */
static inline struct cte *tcb_cspace(struct tcb *t)
{
	return t->cspace.cap.type == CAP_CNODE ? &t->cspace : NULL;
}

/* queue helpers (tcb.c) */
void tcbq_append(struct tcb_queue *q, struct tcb *t);
void tcbq_remove(struct tcb_queue *q, struct tcb *t);
struct tcb *tcbq_pop(struct tcb_queue *q);

/* endpoint.c: the IPC paths; each returns with the caller's registers set or the caller blocked. */
void endpoint_destroy(struct endpoint *ep);
void ipc_send(struct tcb *t, struct cte *ep_cte, bool call, bool block);
void ipc_recv(struct tcb *t, struct cte *cap_cte, bool block);
void ipc_reply(struct tcb *t);
/* Sends a fault message for t to its fault endpoint; false when it has none. */
bool ipc_send_fault(struct tcb *t, unsigned label, const uint64_t mr[4]);

/*
 * fastpath.c: call and reply_recv in their common case, with a direct
 * switch; false (nothing changed) when the general path must run instead.
 * t is the current thread.
 */
bool ipc_fastpath_call(struct tcb *t);
bool ipc_fastpath_reply_recv(struct tcb *t);

/* notification.c */
void notification_destroy(struct notification *n);
void notification_signal(struct notification *n, uint64_t badge);
void notification_wait(struct tcb *t, struct notification *n, bool block);

/* aspace.c and frame.c */
#define ASPACE_VMIDS 256
unsigned aspace_vmids_free(void);
void aspace_init(uintptr_t mem, unsigned size_bits);
void aspace_destroy(uintptr_t mem);
/* The VTTBR_EL2 value of a live address space. */
uint64_t aspace_vttbr(uintptr_t mem);
void frame_cap_deleted(struct cap *frame);

/* irq.c */
void irq_release(unsigned irq);

#endif
