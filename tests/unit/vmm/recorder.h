/*
 * The recording backend of the VMM host tests: every vmm_be_* call is kept
 * in order so a test can assert the exact sequence the policy code produced.
 * It is the test's instrument, not a stand-in for code under test.
 */
#ifndef TEST_VMM_RECORDER_H
#define TEST_VMM_RECORDER_H

#include <vmm/backend.h>

enum rec_kind {
	REC_CACHE,
	REC_TRAPS,
	REC_SYSREG,
	REC_WRITE,
	REC_CONSOLE,
	REC_CONSOLE_PARTIAL,
};

struct rec_call {
	enum rec_kind kind;
	unsigned vcpu;
	uint64_t ipa;
	uint64_t size;
	enum vmm_cache_op op;
	enum vmm_cache_point point;
	uint64_t value; /* trap bits or register value */
	enum vmm_sysreg reg;
	char text[256]; /* console line */
};

#define REC_MAX 256

extern struct rec_call rec_calls[REC_MAX];
extern unsigned rec_count;
/* The call with this index (counting from 0 since rec_reset) fails; -1: none. */
extern int rec_fail_at;
/* Guest RAM the recorder copies writes into, when a test sets it. */
extern uint8_t *rec_ram;
extern uint64_t rec_ram_base;
extern uint64_t rec_ram_size;
/* What vmm_be_console_partial answers (false after rec_reset). */
extern bool rec_partial_taken;

void rec_reset(void);

/* Assert that call i is exactly this. */
void rec_expect_cache(unsigned i, uint64_t ipa, uint64_t size, enum vmm_cache_op op,
		      enum vmm_cache_point point);
void rec_expect_traps(unsigned i, unsigned vcpu, uint64_t hcr);
void rec_expect_sysreg(unsigned i, unsigned vcpu, enum vmm_sysreg reg, uint64_t value);
void rec_expect_write(unsigned i, uint64_t ipa, uint64_t size);
void rec_expect_console(unsigned i, const char *line);
void rec_expect_console_partial(unsigned i, const char *text);

#endif
