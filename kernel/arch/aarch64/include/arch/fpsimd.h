/* Lazy FP/SIMD switching for user threads (fpsimd.c). */
#ifndef ARCH_FPSIMD_H
#define ARCH_FPSIMD_H

#include <cleave/kobjects.h>

/*
 * Called when t is about to run on this CPU: saves another owner's state
 * (then *clobbered says CPTR_EL2 was rewritten to open FP/SIMD) and returns
 * the CPTR_EL2 value t must run with.
 */
uint64_t fpsimd_switch_to(struct tcb *t, bool *clobbered);
/* t used FP/SIMD without owning the registers: make them its own. */
void fpsimd_trap(struct tcb *t);

#endif
