/* Reading the audit record from console output (audit_log.h). */
#include "audit_log.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cleave/vcpu_abi.h>

#define REC_HEX (2 * sizeof(struct cl_audit_rec))

void audit_log_init(struct audit_log *log)
{
	memset(log, 0, sizeof(*log));
}

void audit_log_free(struct audit_log *log)
{
	free(log->recs);
	audit_log_init(log);
}

uint32_t audit_crc32(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	crc = ~crc;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (unsigned b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0xedb88320U & (0U - (crc & 1U)));
	}
	return ~crc;
}

static int fail(struct audit_log *log, unsigned lineno, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(log->error, sizeof(log->error), "line %u: ", lineno);

	va_start(ap, fmt);
	vsnprintf(log->error + n, sizeof(log->error) - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool push(struct audit_log *log, const struct cl_audit_rec *r)
{
	if (log->n == log->cap) {
		size_t cap = log->cap ? 2 * log->cap : 256;
		struct cl_audit_rec *p = realloc(log->recs, cap * sizeof(*p));

		if (p == NULL)
			return false;
		log->recs = p;
		log->cap = cap;
	}
	log->recs[log->n++] = *r;
	return true;
}

/* Parser state across lines: inside a dump or not, and what it must end with. */
struct dump_state {
	bool open;
	unsigned begin_line;
	uint64_t seq, next_seq;
	size_t first; /* index of the dump's first record in log->recs */
	uint32_t crc;
};

static int record_line(struct audit_log *log, struct dump_state *d, const char *s, size_t n,
		       unsigned lineno)
{
	struct cl_audit_rec r;
	uint8_t *p = (uint8_t *)&r;

	if (!d->open)
		return fail(log, lineno, "an AUDIT record outside AUDIT BEGIN ... END");
	if (n != REC_HEX)
		return fail(log, lineno, "an AUDIT record of %zu hex digits, not %zu", n, REC_HEX);
	for (size_t i = 0; i < sizeof(r); i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return fail(log, lineno,
				    "an AUDIT record with a character that is not "
				    "a lower-case hex digit");
		p[i] = (uint8_t)(hi << 4 | lo);
	}
	if (r.kind < CL_AUDIT_CACHE || r.kind > CL_AUDIT_ZERO)
		return fail(log, lineno, "an AUDIT record of unknown kind %u", r.kind);
	d->crc = audit_crc32(d->crc, &r, sizeof(r));
	if (!push(log, &r))
		return fail(log, lineno, "out of memory");
	return 0;
}

static int end_line(struct audit_log *log, struct dump_state *d, const char *s, unsigned lineno)
{
	unsigned long long count, dropped;
	unsigned crc;
	size_t got = log->n - d->first;

	if (!d->open)
		return fail(log, lineno, "AUDIT END without AUDIT BEGIN");
	if (sscanf(s, "count=%llu dropped=%llu crc=%x", &count, &dropped, &crc) != 3)
		return fail(log, lineno, "a damaged AUDIT END line");
	if (count != got)
		return fail(log, lineno, "AUDIT END says %llu records, the dump holds %zu", count,
			    got);
	if (crc != d->crc)
		return fail(log, lineno, "AUDIT END's CRC %08x does not match the records' %08x",
			    crc, d->crc);
	log->dropped += dropped;
	d->next_seq = d->seq + count + dropped;
	d->open = false;
	log->dumps++;
	return 0;
}

static int begin_line(struct audit_log *log, struct dump_state *d, const char *s, unsigned lineno)
{
	unsigned long long seq;

	if (d->open)
		return fail(log, lineno, "AUDIT BEGIN inside the dump begun at line %u",
			    d->begin_line);
	if (sscanf(s, "seq=%llu", &seq) != 1)
		return fail(log, lineno, "a damaged AUDIT BEGIN line");
	if (seq != d->next_seq)
		return fail(log, lineno,
			    "AUDIT BEGIN seq=%llu, the record so far ends at %" PRIu64
			    ": a dump is missing",
			    seq, d->next_seq);
	d->open = true;
	d->begin_line = lineno;
	d->seq = seq;
	d->first = log->n;
	d->crc = 0;
	return 0;
}

static int parse_line(struct audit_log *log, struct dump_state *d, const char *s, size_t n,
		      unsigned lineno)
{
	char buf[128];

	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' '))
		n--;
	if (n < 6 || memcmp(s, "AUDIT ", 6) != 0)
		return 0; /* not ours: AUDIT-EXPECT lines, other output */
	s += 6;
	n -= 6;
	if (n >= 6 && memcmp(s, "BEGIN ", 6) == 0 && n - 6 < sizeof(buf)) {
		memcpy(buf, s + 6, n - 6);
		buf[n - 6] = '\0';
		return begin_line(log, d, buf, lineno);
	}
	if (n >= 4 && memcmp(s, "END ", 4) == 0 && n - 4 < sizeof(buf)) {
		memcpy(buf, s + 4, n - 4);
		buf[n - 4] = '\0';
		return end_line(log, d, buf, lineno);
	}
	return record_line(log, d, s, n, lineno);
}

int audit_log_parse(struct audit_log *log, const char *text, size_t len)
{
	struct dump_state d = {0};
	unsigned lineno = 0;
	size_t at = 0;

	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl != NULL ? (size_t)(nl - (text + at)) : len - at;

		lineno++;
		if (parse_line(log, &d, text + at, n, lineno) != 0)
			return -1;
		at += n + 1;
	}
	if (d.open)
		return fail(log, d.begin_line,
			    "the dump begun here has no AUDIT END (the output was cut short)");
	if (log->dumps == 0) {
		snprintf(log->error, sizeof(log->error),
			 "no audit record in the output (no AUDIT BEGIN ... END: not an audit "
			 "kernel, or the system never went quiet)");
		return -1;
	}
	return 0;
}

static const char *op_name(unsigned op)
{
	static const char *const names[] = {"clean", "invalidate", "clean+invalidate", "unify"};

	return op < 4 ? names[op] : "?";
}

static const char *src_name(unsigned src)
{
	static const char *const names[] = {"frame", "aspace", "kernel"};

	return src < 3 ? names[src] : "?";
}

static const char *attr_name(uint64_t desc)
{
	switch ((desc >> 2) & 0xf) {
	case 0xf:
		return "normal";
	case 0x5:
		return "nc";
	case 0x0:
		return "device";
	default:
		return "other";
	}
}

static const char *reg_name(unsigned reg)
{
	if (reg == CL_VCPU_SCTLR_EL1)
		return "SCTLR_EL1";
	return reg == CL_VCPU_TCR_EL1 ? "TCR_EL1" : "?";
}

void audit_rec_format(const struct cl_audit_rec *r, uint64_t seq, char *buf, size_t len)
{
	int n = snprintf(buf, len, "#%" PRIu64 " cpu%u ", seq, r->cpu);
	size_t left = len - (size_t)n;
	char *p = buf + n;

	switch (r->kind) {
	case CL_AUDIT_CACHE:
		snprintf(p, left,
			 "CACHE op=%s point=%s src=%s vmid=%u pa=%#" PRIx64 " size=%#" PRIx64
			 " ipa=%#" PRIx64,
			 op_name(r->op), r->op == 3 ? "PoU" : "PoC", src_name(r->flags), r->id,
			 r->a, r->b, r->c);
		break;
	case CL_AUDIT_S2_MAP:
	case CL_AUDIT_S2_REMAP:
		snprintf(p, left,
			 "%s vmid=%u ipa=%#" PRIx64 " pa=%#" PRIx64 " size=%#" PRIx64
			 " attr=%s rights=%c%c%c",
			 r->kind == CL_AUDIT_S2_MAP ? "S2_MAP" : "S2_REMAP", r->id, r->a, r->b,
			 r->c, attr_name(r->d), (r->d >> 6) & 1 ? 'r' : '-',
			 (r->d >> 7) & 1 ? 'w' : '-', (r->d >> 54) & 1 ? '-' : 'x');
		break;
	case CL_AUDIT_S2_UNMAP:
		snprintf(p, left, "S2_UNMAP vmid=%u ipa=%#" PRIx64 " pa=%#" PRIx64 "%s", r->id,
			 r->a, r->b, r->flags & CL_AUDIT_ALL ? " all" : "");
		break;
	case CL_AUDIT_TRAPS:
		snprintf(p, left, "TRAPS vcpu=%#x hcr=%#" PRIx64, r->id, r->a);
		break;
	case CL_AUDIT_SYSREG:
		snprintf(p, left, "SYSREG vcpu=%#x reg=%s by=%s value=%#" PRIx64 " old=%#" PRIx64,
			 r->id, reg_name(r->op), r->flags == CL_AUDIT_BY_GUEST ? "guest" : "vmm",
			 r->a, r->b);
		break;
	case CL_AUDIT_ENTER:
		snprintf(p, left,
			 "ENTER vcpu=%#x first=%u vmid=%" PRIu64 " sctlr=%#" PRIx64
			 " hcr=%#" PRIx64,
			 r->id, r->op, r->a, r->b, r->c);
		break;
	case CL_AUDIT_WRITE:
		snprintf(p, left,
			 "WRITE src=%s vmid=%u pa=%#" PRIx64 " size=%#" PRIx64 " ipa=%#" PRIx64
			 " attr=%s",
			 src_name(r->flags), r->id, r->a, r->b, r->c,
			 r->d == 0 ? "normal" : attr_name(r->d));
		break;
	case CL_AUDIT_ZERO:
		snprintf(p, left, "ZERO type=%u pa=%#" PRIx64 " size=%#" PRIx64, r->op, r->a, r->b);
		break;
	default:
		snprintf(p, left, "kind %u", r->kind);
		break;
	}
}
