/*
 * The audit record (docs/coherence.md, "The audit of real boots"): compiled
 * only into audit kernels (CLEAVE_AUDIT), which are separate images
 * (cleave-loader-audit.bin, audit-test.bin); the normal ones have the empty
 * hooks of audit.h. Every caller holds the kernel lock, which is all the
 * serialisation the buffer needs.
 *
 * Records are coalesced as they come: a record that continues the previous
 * one (same kind, CPU, operation and address space, the next addresses)
 * extends it, so a page-by-page loop over a guest's RAM costs one record.
 * The buffer is bounded; what does not fit is counted and the dump says how
 * many records were dropped, so a replay can refuse an incomplete record
 * instead of judging it.
 */
#include <cleave/arch.h>
#include <cleave/aspace.h>
#include <cleave/audit.h>
#include <cleave/kobjects.h>
#include <cleave/print.h>
#include <cleave/vcpu.h>

#include <plat_config.h>

static struct cl_audit_rec recs[AUDIT_RECS];
static unsigned nrecs;	     /* records in the buffer */
static uint64_t first_seq;   /* the sequence number of recs[0] */
static uint64_t dropped;     /* records lost since the last dump */
static uint64_t significant; /* records other than entries, ever */
static uint32_t idle_mask, seen_mask;

/* Whether r continues last: one range operation split into contiguous pieces. */
static bool continues(const struct cl_audit_rec *last, const struct cl_audit_rec *r)
{
	if (last->kind != r->kind || last->cpu != r->cpu || last->op != r->op ||
	    last->flags != r->flags || last->id != r->id || last->d != r->d)
		return false;
	switch (r->kind) {
	case CL_AUDIT_CACHE:
	case CL_AUDIT_WRITE:
		return last->a + last->b == r->a &&
		       (r->c == 0 ? last->c == 0 : last->c + last->b == r->c);
	case CL_AUDIT_ZERO:
		return last->a + last->b == r->a;
	case CL_AUDIT_S2_MAP:
		return last->a + last->c == r->a && last->b + last->c == r->b;
	default:
		return false;
	}
}

void audit_record(const struct cl_audit_rec *r)
{
	if (r->kind != CL_AUDIT_ENTER)
		significant++;
	if (nrecs > 0 && continues(&recs[nrecs - 1], r)) {
		struct cl_audit_rec *last = &recs[nrecs - 1];

		if (r->kind == CL_AUDIT_S2_MAP)
			last->c += r->c;
		else
			last->b += r->b;
		return;
	}
	if (nrecs == AUDIT_RECS) {
		dropped++;
		return;
	}
	recs[nrecs++] = *r;
}

void audit_cache(unsigned op, unsigned src, unsigned vmid, uint64_t pa, uint64_t size, uint64_t ipa)
{
	struct cl_audit_rec r = {.kind = CL_AUDIT_CACHE,
				 .cpu = (uint8_t)arch_cpu_index(),
				 .op = (uint8_t)op,
				 .flags = (uint8_t)src,
				 .id = vmid,
				 .a = pa,
				 .b = size,
				 .c = ipa};

	audit_record(&r);
}

void audit_s2(unsigned kind, unsigned vmid, uint64_t ipa, uint64_t pa, uint64_t size,
	      uint64_t attrs, unsigned flags)
{
	struct cl_audit_rec r = {.kind = (uint8_t)kind,
				 .cpu = (uint8_t)arch_cpu_index(),
				 .flags = (uint8_t)flags,
				 .id = vmid,
				 .a = ipa,
				 .b = pa,
				 .c = size,
				 .d = attrs};

	audit_record(&r);
}

void audit_traps(const struct vcpu *v, uint64_t hcr)
{
	struct cl_audit_rec r = {.kind = CL_AUDIT_TRAPS,
				 .cpu = (uint8_t)arch_cpu_index(),
				 .id = CL_AUDIT_VCPU_ID((uintptr_t)v),
				 .a = hcr};

	audit_record(&r);
}

void audit_sysreg(const struct vcpu *v, unsigned reg, uint64_t value, uint64_t old, unsigned by)
{
	struct cl_audit_rec r = {.kind = CL_AUDIT_SYSREG,
				 .cpu = (uint8_t)arch_cpu_index(),
				 .op = (uint8_t)reg,
				 .flags = (uint8_t)by,
				 .id = CL_AUDIT_VCPU_ID((uintptr_t)v),
				 .a = value,
				 .b = old};

	/* Only the registers that decide the guest's memory types (docs/coherence.md). */
	if ((reg == CL_VCPU_SCTLR_EL1 || reg == CL_VCPU_TCR_EL1) && value != old)
		audit_record(&r);
}

void audit_enter(struct vcpu *v, unsigned vmid)
{
	struct cl_audit_rec r = {.kind = CL_AUDIT_ENTER,
				 .cpu = (uint8_t)arch_cpu_index(),
				 .op = !v->audit_ran,
				 .id = CL_AUDIT_VCPU_ID((uintptr_t)v),
				 .a = vmid,
				 .b = v->sys[CL_VCPU_SCTLR_EL1],
				 .c = v->hcr};

	/* Every entry would flood the buffer; one after anything else happened is what a
	 * replay needs (the guest then runs with whatever state and memory it finds). */
	if (v->audit_ran && v->audit_seen == significant)
		return;
	v->audit_ran = true;
	v->audit_seen = significant;
	audit_record(&r);
}

void audit_zero(unsigned type, uint64_t pa, uint64_t size)
{
	struct cl_audit_rec r = {.kind = CL_AUDIT_ZERO,
				 .cpu = (uint8_t)arch_cpu_index(),
				 .op = (uint8_t)type,
				 .a = pa,
				 .b = size};

	audit_record(&r);
}

/* CRC-32 with the zlib polynomial (reflected 0xedb88320), bit by bit: the dump is rare. */
static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (unsigned b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0xedb88320U & (0U - (crc & 1U)));
	}
	return ~crc;
}

static void print_record(const struct cl_audit_rec *r)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = (const uint8_t *)r;
	char line[2 * sizeof(*r) + 1];

	for (size_t i = 0; i < sizeof(*r); i++) {
		line[2 * i] = hex[p[i] >> 4];
		line[2 * i + 1] = hex[p[i] & 0xf];
	}
	line[2 * sizeof(*r)] = '\0';
	kprintf("AUDIT %s\n", line);
}

void audit_dump(void)
{
	uint32_t crc = 0;

	kprintf("AUDIT BEGIN seq=%llu\n", (unsigned long long)first_seq);
	for (unsigned i = 0; i < nrecs; i++) {
		print_record(&recs[i]);
		crc = crc32_update(crc, (const uint8_t *)&recs[i], sizeof(recs[i]));
	}
	kprintf("AUDIT END count=%u dropped=%llu crc=%08x\n", nrecs, (unsigned long long)dropped,
		crc);
	first_seq += nrecs + dropped;
	nrecs = 0;
	dropped = 0;
}

/*
 * The system is quiet when every CPU that has ever scheduled is idle; what
 * was recorded since the last dump is printed then. A CPU still starting may
 * make a dump early; the record simply continues in the next one.
 */
void audit_cpu_idle(unsigned cpu, bool idle)
{
	uint32_t bit = 1U << cpu;

	seen_mask |= bit;
	if (!idle) {
		idle_mask &= ~bit;
		return;
	}
	idle_mask |= bit;
	if (idle_mask == seen_mask && (nrecs > 0 || dropped > 0))
		audit_dump();
}
