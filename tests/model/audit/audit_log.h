/*
 * Reading an audit kernel's record out of its console output
 * (docs/coherence.md, "The audit of real boots"; the format is in
 * cleave/audit_abi.h). Every dump is checked: its lines, its count, its
 * CRC-32, that it continues the previous dump's sequence, and that nothing
 * was dropped. Anything else in the output is ignored.
 */
#ifndef AUDIT_LOG_H
#define AUDIT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cleave/audit_abi.h>

struct audit_log {
	struct cl_audit_rec *recs;
	size_t n, cap;
	unsigned dumps;	  /* complete dumps read */
	uint64_t dropped; /* records the kernel could not keep (its buffer was full) */
	char error[256];  /* why parsing failed */
};

void audit_log_init(struct audit_log *log);
void audit_log_free(struct audit_log *log);

/*
 * Parses console output (text of len bytes, NUL bytes allowed nowhere).
 * Returns 0, or -1 with log->error set: a damaged line, a count or CRC that
 * does not match, a dump that does not continue the previous one, a dump
 * without its END, no dump at all. A record with dropped > 0 parses; the
 * replay refuses it (audit_replay.h).
 */
int audit_log_parse(struct audit_log *log, const char *text, size_t len);

/* CRC-32 with the zlib polynomial, as the kernel computes it. */
uint32_t audit_crc32(uint32_t crc, const void *data, size_t len);

/* One record in words, for `audit_replay --dump` and the system test. */
void audit_rec_format(const struct cl_audit_rec *r, uint64_t seq, char *buf, size_t len);

#endif
