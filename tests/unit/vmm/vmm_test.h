/* Helpers shared by the VMM host tests: a standard guest and trapped-access syndromes. */
#ifndef TEST_VMM_TEST_H
#define TEST_VMM_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <vmm/exit_decode.h>
#include <vmm/guest.h>

#include "recorder.h"

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE (64ULL << 20)
#define MIB (1ULL << 20)

/* ESR_EL2 of a trapped MSR/MRS/SYS (EC 0x18, IL = 1), from its encoding (Arm ARM D17.2.37). */
static inline uint64_t esr_sys(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2,
			       unsigned rt, bool read)
{
	return (0x18ULL << 26) | (1ULL << 25) | ((uint64_t)op0 << 20) | ((uint64_t)op2 << 17) |
	       ((uint64_t)op1 << 14) | ((uint64_t)crn << 10) | ((uint64_t)rt << 5) |
	       ((uint64_t)crm << 1) | (read ? 1 : 0);
}

/* A guest named g1 with 64 MiB at 0x40000000, recorder cleared. */
static inline void std_guest(struct vmm_guest *g, unsigned vcpus, enum vmm_cache_policy policy)
{
	struct vmm_error err;

	rec_reset();
	assert_int_equal(vmm_guest_init(g, "g1", RAM_BASE, RAM_SIZE, vcpus, policy, &err), 0);
}

#endif
