/*
 * The system-call and fault entry points of generic code. The arch layer
 * saves the thread's registers in its TCB, calls one of these, and then
 * runs whatever thread the scheduler chooses.
 */
#ifndef CLEAVE_SYSCALL_H
#define CLEAVE_SYSCALL_H

#include <cleave/kobjects.h>

/* `svc #imm` from EL0; the thread's pc is already past the instruction. */
void syscall_handle(struct tcb *t, unsigned imm);

enum fault_kind {
	FAULT_STAGE2 = 0,
	FAULT_UNDEFINED,
	FAULT_UNKNOWN_SYSCALL,
	FAULT_OTHER,
};

/*
 * A fault of thread t: sent to its fault endpoint as a message, or, without
 * a handler, the thread is stopped with a line on the console.
 */
void fault_handle(struct tcb *t, enum fault_kind kind, const uint64_t mr[4]);

#endif
