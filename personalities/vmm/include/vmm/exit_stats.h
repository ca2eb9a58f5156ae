/*
 * The VMM's count of the exits it serves, by cause: MMIO by device, trapped
 * system registers by register, HVC and SMC calls by function. With the
 * kernel's per-vCPU counts by kind (vcpu read_exits, which also counts what
 * the kernel handles alone) it is the exit report of docs/bench.md, "Exit
 * counts". Pure: counters in, "name=count" words out.
 */
#ifndef VMM_EXIT_STATS_H
#define VMM_EXIT_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Distinct registers and call functions kept by name; the rest count as "more". */
#define EXIT_STATS_KEYS 32
#define EXIT_STATS_NAME_MAX 32

enum exit_stats_dev {
	EXIT_DEV_GICD,
	EXIT_DEV_GICR,
	EXIT_DEV_UART,
	EXIT_DEV_DOORBELL, /* a guest's emitted event (doorbell.h) */
	EXIT_DEV_NONE,	   /* no device there, or not an access to emulate: the guest is stopped */
	EXIT_DEV_COUNT,
};

struct exit_stats_key {
	uint32_t key; /* a CL_SYSREG encoding, or a call's function ID (x0) */
	uint64_t count;
};

struct exit_stats_table {
	struct exit_stats_key keys[EXIT_STATS_KEYS];
	unsigned n;
	uint64_t more; /* counted once the table was full */
};

struct exit_stats {
	uint64_t mmio[EXIT_DEV_COUNT];
	struct exit_stats_table sysreg;
	struct exit_stats_table hvc;
	struct exit_stats_table smc;
	uint64_t wfx, maintenance, other;
};

struct exit_stats_word {
	char name[EXIT_STATS_NAME_MAX];
	uint64_t count;
};

void exit_stats_mmio(struct exit_stats *s, enum exit_stats_dev dev);
/* A trapped system register or instruction: its CL_SYSREG(op0, op1, CRn, CRm, op2). */
void exit_stats_sysreg(struct exit_stats *s, uint32_t key);
/* An HVC or SMC with function ID fn (SMCCC: x0). */
void exit_stats_call(struct exit_stats *s, bool smc, uint32_t fn);

/*
 * The counts as words, in a fixed order, zero counts left out: mmio.gicd, ...,
 * sysreg.SCTLR_EL1 (or sysreg.S3_0_C1_C0_0 for registers without a name here),
 * sysreg.more, hvc.0x84000000, ..., smc.*, wfx, maintenance, other. Returns how
 * many it wrote into out (at most max).
 */
unsigned exit_stats_words(const struct exit_stats *s, struct exit_stats_word *out, unsigned max);

/* Words a full report can have. */
#define EXIT_STATS_WORDS_MAX (EXIT_DEV_COUNT + 3 * (EXIT_STATS_KEYS + 1) + 3)

#endif
