/*
 * The register frame the exception vectors save on the stack. The offsets
 * are used by vectors.S and pinned against the C structure below with
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

void exception_entry(struct exc_frame *f, unsigned vector);
/* The user side (user.c): an exception from EL0, and the first entry to EL0. */
void user_trap(struct exc_frame *f, unsigned vector);
void user_first(struct exc_frame *f);
NORETURN void user_start(void);
/* Shared by exception_entry and user_trap: the interrupt path. */
void irq_handle(void);
#endif

#endif
