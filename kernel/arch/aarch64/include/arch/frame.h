/*
 * The register frame the exception vectors save on the stack for exceptions
 * taken at EL2, and the thread register block (struct user_regs) they save
 * into and restore from directly for exceptions from EL0. The offsets are
 * used by vectors.S and pinned against the C structures below with
 * static_assert, so the two cannot drift.
 */
#ifndef ARCH_FRAME_H
#define ARCH_FRAME_H

#define FRAME_X(n) ((n)*8)
#define FRAME_ELR (31 * 8)
#define FRAME_SPSR (32 * 8)
#define FRAME_ESR (33 * 8)
#define FRAME_FAR (34 * 8)
#define FRAME_SP_EL0 (35 * 8)
#define FRAME_SIZE (36 * 8) /* keeps sp 16-byte aligned */

/* struct user_regs (cleave/kobjects.h), where SP_EL2 points while a thread runs at EL0. */
#define REGS_X(n) ((n)*8)
#define REGS_SP (31 * 8)
#define REGS_PC (32 * 8)
#define REGS_SPSR (33 * 8)

/* struct cpu_user (below): one per CPU, 1 << CPU_USER_SHIFT bytes each. */
#define CPU_USER_KSTACK 0
#define CPU_USER_SHIFT 6

/* Which of the 16 vector entries was taken (Arm ARM D1.10.2, vector offsets / 0x80). */
#define VEC_CUR_SP0_SYNC 0
#define VEC_CUR_SPX_SYNC 4
#define VEC_CUR_SPX_IRQ 5
#define VEC_LOWER64_SYNC 8
#define VEC_LOWER64_IRQ 9

#ifndef __ASSEMBLER__
#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include <cleave/compiler.h>
#include <cleave/kobjects.h>

struct exc_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
	uint64_t sp_el0; /* the user stack pointer */
};

static_assert(offsetof(struct exc_frame, elr) == FRAME_ELR, "frame layout");
static_assert(offsetof(struct exc_frame, spsr) == FRAME_SPSR, "frame layout");
static_assert(offsetof(struct exc_frame, esr) == FRAME_ESR, "frame layout");
static_assert(offsetof(struct exc_frame, far) == FRAME_FAR, "frame layout");
static_assert(offsetof(struct exc_frame, sp_el0) == FRAME_SP_EL0, "frame layout");
static_assert(sizeof(struct exc_frame) == FRAME_SIZE, "frame layout");

static_assert(offsetof(struct user_regs, sp) == REGS_SP, "user_regs layout");
static_assert(offsetof(struct user_regs, pc) == REGS_PC, "user_regs layout");
static_assert(offsetof(struct user_regs, spsr) == REGS_SPSR, "user_regs layout");

/*
 * What a CPU keeps for user level (user.c). SP_EL2 points at the running
 * thread's register block while it is at EL0, so vectors.S finds the kernel
 * stack here (kstack, indexed by TPIDR_EL2) once it has saved the registers.
 */
struct cpu_user {
	uintptr_t kstack;    /* the kernel stack pointer for entries from EL0 */
	struct tcb *running; /* the thread last returned to at EL0: SP_EL2 is its regs */
	uintptr_t loaded;    /* the address space in VTTBR_EL2 (0: none) */
	uint64_t vttbr;	     /* VTTBR_EL2, HCR_EL2 and CPTR_EL2 as last written */
	uint64_t hcr;
	uint64_t cptr;
	struct vcpu *guest; /* the vCPU whose state this CPU's registers hold (vcpu_switch.c) */
	bool in_user;	    /* at EL0 (or on its way there) */
	bool in_guest;	    /* the EL1 registers, timer and vGIC hold a guest's state */
} __attribute__((aligned(1 << CPU_USER_SHIFT)));

static_assert(offsetof(struct cpu_user, kstack) == CPU_USER_KSTACK, "cpu_user layout");
/* One per CPU, indexed by the logical CPU index (user.c). */
extern struct cpu_user cpu_users[];
static_assert(sizeof(struct cpu_user) == 1 << CPU_USER_SHIFT, "cpu_user layout");

void exception_entry(struct exc_frame *f, unsigned vector);
/*
 * The user side (user.c), called by vectors.S with the registers saved in
 * the running thread: an exception from EL0 and the first entry to EL0 on a
 * CPU. Each returns the registers of the thread to run, for vectors.S to
 * restore.
 */
struct user_regs *user_trap(unsigned vector);
struct user_regs *user_first(void);
NORETURN void user_start(void);
/* Shared by exception_entry and user_trap: the interrupt path. */
void irq_handle(void);
#endif

#endif
