/*
 * The audit record (audit.c; docs/coherence.md, "The audit of real boots").
 * In a kernel built with CLEAVE_AUDIT every cache-maintenance operation done
 * for user level, every stage-2 mapping change, every trap-configuration and
 * SCTLR_EL1/TCR_EL1 change of a vCPU, every vCPU entry that follows other
 * events, the kernel's zeroing of new objects and user level's notes of its
 * own writes are appended to a bounded buffer, printed on the console when
 * every CPU is idle or on request. In every other kernel these hooks are
 * empty inline functions and nothing is compiled in.
 */
#ifndef CLEAVE_AUDIT_H
#define CLEAVE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uapi/cleave/audit_abi.h>

struct vcpu;

#ifdef CLEAVE_AUDIT
#define AUDIT_ENABLED 1
/* Records the buffer holds between two dumps; more are counted as dropped. */
#define AUDIT_RECS 16384

void audit_record(const struct cl_audit_rec *r);
void audit_cache(unsigned op, unsigned src, unsigned vmid, uint64_t pa, uint64_t size,
		 uint64_t ipa);
void audit_s2(unsigned kind, unsigned vmid, uint64_t ipa, uint64_t pa, uint64_t size,
	      uint64_t attrs, unsigned flags);
void audit_traps(const struct vcpu *v, uint64_t hcr);
void audit_sysreg(const struct vcpu *v, unsigned reg, uint64_t value, uint64_t old, unsigned by);
/* Before v's guest is entered on this CPU; vmid is its address space's. */
void audit_enter(struct vcpu *v, unsigned vmid);
void audit_zero(unsigned type, uint64_t pa, uint64_t size);
/* This CPU has nothing to run (idle) or runs something again. */
void audit_cpu_idle(unsigned cpu, bool idle);
/* Prints what was recorded since the last dump, then forgets it. */
void audit_dump(void);
#else
#define AUDIT_ENABLED 0
static inline void audit_cache(unsigned op, unsigned src, unsigned vmid, uint64_t pa, uint64_t size,
			       uint64_t ipa)
{
	(void)op, (void)src, (void)vmid, (void)pa, (void)size, (void)ipa;
}
static inline void audit_s2(unsigned kind, unsigned vmid, uint64_t ipa, uint64_t pa, uint64_t size,
			    uint64_t attrs, unsigned flags)
{
	(void)kind, (void)vmid, (void)ipa, (void)pa, (void)size, (void)attrs, (void)flags;
}
static inline void audit_traps(const struct vcpu *v, uint64_t hcr)
{
	(void)v, (void)hcr;
}
static inline void audit_sysreg(const struct vcpu *v, unsigned reg, uint64_t value, uint64_t old,
				unsigned by)
{
	(void)v, (void)reg, (void)value, (void)old, (void)by;
}
static inline void audit_enter(struct vcpu *v, unsigned vmid)
{
	(void)v, (void)vmid;
}
static inline void audit_zero(unsigned type, uint64_t pa, uint64_t size)
{
	(void)type, (void)pa, (void)size;
}
static inline void audit_cpu_idle(unsigned cpu, bool idle)
{
	(void)cpu, (void)idle;
}
#endif

#endif
