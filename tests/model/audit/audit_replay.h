/*
 * Replaying an audit record through the cache model (docs/coherence.md, "The
 * audit of real boots") and judging, per guest, whether a read it could make
 * might see stale data.
 *
 * The record's physical ranges are cut into segments at every boundary any
 * record names (line aligned); every line of a segment sees exactly the same
 * operations, so each segment is one line of the model. The model runs
 * without spontaneous events except where the replay places the worst one on
 * purpose: with caches-off reads, a dirty line is worst left alone; with a
 * caches-off guest writing under a cacheable alias, a speculative fill just
 * before is worst (seed 003). Writers, maintenance and stage-2 mappings come
 * from the record; the guest's own accesses are not recorded, so at each run
 * of a vCPU the replay makes the accesses its state allows: it reads all of
 * its RAM (caches off: from memory), then writes all of it (caches off: to
 * memory; on: into its CPU's cache).
 */
#ifndef AUDIT_REPLAY_H
#define AUDIT_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cleave/audit_abi.h>

enum audit_class {
	AUDIT_STALE,	  /* a read may see stale data whatever the guest does */
	AUDIT_GUEST_DUTY, /* stale unless the guest does the maintenance (the `clean` policy) */
};

struct audit_problem {
	enum audit_class cls;
	unsigned vmid;
	uint64_t ipa, pa, size;
	size_t at; /* the record of the run that could read it */
	char text[640];
};

#define AUDIT_MAX_GUESTS 64
#define AUDIT_MAX_NAMES 16

struct audit_opts {
	unsigned line_bytes; /* the cache line: ranges are widened to it (default 64) */
	struct {
		unsigned vmid;
		const char *name;
	} names[AUDIT_MAX_NAMES];
	unsigned nnames;
};

struct audit_result {
	unsigned nguests;
	unsigned vmids[AUDIT_MAX_GUESTS]; /* in the order they first ran */
	struct audit_problem *problems;
	size_t nproblems, cap;
	size_t stale, duties; /* problems of each class */
	size_t segments;      /* model lines the record was cut into */
	char error[256];      /* why the record cannot be judged */
};

void audit_opts_default(struct audit_opts *o);

/*
 * Returns 0 with the problems in out (none: every guest clean), or -1 with
 * out->error set: the record cannot be judged (records were dropped, it is
 * too large for the model, or it is inconsistent).
 */
int audit_replay(const struct cl_audit_rec *recs, size_t n, uint64_t dropped,
		 const struct audit_opts *opts, struct audit_result *out);
void audit_result_free(struct audit_result *r);

/* The report: per guest "clean" or its problems, then a summary line. */
void audit_report(const struct audit_result *r, const struct audit_opts *opts, FILE *out);

#endif
