/*
 * The audit's host half (docs/coherence.md, "The audit of real boots"): the
 * record parser against damaged dumps, and the replay through the real cache
 * model on synthetic records: a correct boot is clean, and each seed's
 * mistake is reported with its address and the missing operation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "audit/audit_log.h"
#include "audit/audit_replay.h"
#include <cleave/vcpu_abi.h>

#define RAM_PA 0x48000000ULL
#define RAM_IPA 0x40000000ULL
#define RAM_SIZE 0x10000ULL
#define VMID 2
#define VCPU 0x100
#define NORMAL_RW (0xfULL << 2 | 3ULL << 6 | 1ULL << 10)
#define SCTLR_RESET 0x30d00800ULL
#define HCR_BASE (CL_HCR_VM | CL_HCR_IMO | CL_HCR_FMO | CL_HCR_AMO | CL_HCR_TSW)
#define HCR_DC_TVM (HCR_BASE | CL_HCR_DC | CL_HCR_TVM)

/* ---- Building records --------------------------------------------------- */

struct rec_list {
	struct cl_audit_rec r[64];
	size_t n;
};

static size_t add(struct rec_list *l, struct cl_audit_rec r)
{
	assert_true(l->n < 64);
	l->r[l->n] = r;
	return l->n++;
}

static size_t zero(struct rec_list *l, uint64_t pa, uint64_t size)
{
	return add(l, (struct cl_audit_rec){.kind = CL_AUDIT_ZERO, .op = 6, .a = pa, .b = size});
}

static size_t cache(struct rec_list *l, unsigned cpu, unsigned op, unsigned src, uint64_t pa,
		    uint64_t size)
{
	return add(l, (struct cl_audit_rec){.kind = CL_AUDIT_CACHE,
					    .cpu = (uint8_t)cpu,
					    .op = (uint8_t)op,
					    .flags = (uint8_t)src,
					    .id = src == CL_AUDIT_SRC_ASPACE ? VMID : 0,
					    .a = pa,
					    .b = size,
					    .c = src == CL_AUDIT_SRC_ASPACE ? pa - RAM_PA + RAM_IPA
									    : 0});
}

static size_t map_ram(struct rec_list *l)
{
	return add(l, (struct cl_audit_rec){.kind = CL_AUDIT_S2_MAP,
					    .id = VMID,
					    .a = RAM_IPA,
					    .b = RAM_PA,
					    .c = RAM_SIZE,
					    .d = NORMAL_RW});
}

static size_t vmm_write(struct rec_list *l, unsigned cpu, uint64_t ipa, uint64_t size)
{
	return add(l, (struct cl_audit_rec){.kind = CL_AUDIT_WRITE,
					    .cpu = (uint8_t)cpu,
					    .flags = CL_AUDIT_SRC_ASPACE,
					    .id = VMID,
					    .a = ipa - RAM_IPA + RAM_PA,
					    .b = size,
					    .c = ipa});
}

static size_t traps(struct rec_list *l, uint64_t hcr)
{
	return add(l, (struct cl_audit_rec){.kind = CL_AUDIT_TRAPS, .id = VCPU, .a = hcr});
}

static size_t sysreg(struct rec_list *l, unsigned reg, uint64_t value, unsigned by)
{
	return add(l, (struct cl_audit_rec){.kind = CL_AUDIT_SYSREG,
					    .op = (uint8_t)reg,
					    .flags = (uint8_t)by,
					    .id = VCPU,
					    .a = value});
}

static size_t enter_vcpu(struct rec_list *l, uint32_t vcpu, bool first, uint64_t sctlr,
			 uint64_t hcr)
{
	return add(l, (struct cl_audit_rec){.kind = CL_AUDIT_ENTER,
					    .op = first,
					    .id = vcpu,
					    .a = VMID,
					    .b = sctlr,
					    .c = hcr});
}

static size_t enter(struct rec_list *l, bool first, uint64_t sctlr, uint64_t hcr)
{
	return enter_vcpu(l, VCPU, first, sctlr, hcr);
}

/* The start of every boot: guest RAM zeroed and cleaned by the kernel, then mapped. */
static void boot_start(struct rec_list *l)
{
	zero(l, RAM_PA, RAM_SIZE);
	cache(l, 0, 0, CL_AUDIT_SRC_KERNEL, RAM_PA, RAM_SIZE);
	map_ram(l);
}

static struct audit_result replay(const struct rec_list *l)
{
	struct audit_opts o;
	struct audit_result r;

	audit_opts_default(&o);
	assert_int_equal(audit_replay(l->r, l->n, 0, &o, &r), 0);
	return r;
}

static void expect_problem(const struct audit_result *r, enum audit_class cls, uint64_t ipa,
			   uint64_t size, const char *text1, const char *text2)
{
	for (size_t i = 0; i < r->nproblems; i++) {
		const struct audit_problem *p = &r->problems[i];

		if (p->ipa != ipa)
			continue;
		assert_int_equal(p->cls, cls);
		assert_int_equal(p->size, size);
		assert_int_equal(p->vmid, VMID);
		if (strstr(p->text, text1) == NULL || strstr(p->text, text2) == NULL)
			fail_msg("problem at %#llx says: %s", (unsigned long long)ipa, p->text);
		return;
	}
	fail_msg("no problem reported at IPA %#llx (%zu problems)", (unsigned long long)ipa,
		 r->nproblems);
}

/* ---- The replay: the `clean` policy's first run ------------------------- */

/* The VMM loads a page on CPU 1 and cleans it as given; the guest runs with caches off. */
static struct audit_result load_and_run(unsigned op)
{
	struct rec_list l = {0};

	boot_start(&l);
	vmm_write(&l, 1, RAM_IPA + 0x1000, 0x1000);
	if (op < 4)
		cache(&l, 1, op, CL_AUDIT_SRC_ASPACE, RAM_PA + 0x1000, 0x1000);
	traps(&l, HCR_BASE);
	enter(&l, true, SCTLR_RESET, HCR_BASE);
	return replay(&l);
}

static void clean_to_poc_is_clean(void **state)
{
	struct audit_result r = load_and_run(2);

	(void)state;
	assert_int_equal(r.nguests, 1);
	assert_int_equal(r.stale, 0);
	assert_int_equal(r.duties, 0);
	audit_result_free(&r);
	r = load_and_run(0); /* clean without invalidate is enough for a caches-off read */
	assert_int_equal(r.stale, 0);
	audit_result_free(&r);
}

static void clean_to_pou_only_is_reported(void **state)
{
	struct audit_result r = load_and_run(3);

	(void)state;
	assert_int_equal(r.stale, 1);
	expect_problem(&r, AUDIT_STALE, RAM_IPA + 0x1000, 0x1000,
		       "written by the VMM into guest memory at #3 (Normal-WB, CPU 1), cleaned "
		       "only to the PoU at #4: needs clean to PoC",
		       "caches-off read at the first run of vCPU 0x100 (#6)");
	audit_result_free(&r);
}

static void invalidate_without_clean_is_reported(void **state)
{
	struct audit_result r = load_and_run(1);

	(void)state;
	assert_int_equal(r.stale, 1);
	expect_problem(&r, AUDIT_STALE, RAM_IPA + 0x1000, 0x1000, "invalidated without clean at #4",
		       "needs clean+invalidate to PoC (DC CIVAC) instead");
	audit_result_free(&r);
}

static void no_clean_is_reported(void **state)
{
	struct audit_result r = load_and_run(9);

	(void)state;
	assert_int_equal(r.stale, 1);
	expect_problem(&r, AUDIT_STALE, RAM_IPA + 0x1000, 0x1000, "at #3",
		       "never cleaned to PoC after it: needs clean to PoC");
	audit_result_free(&r);
}

static void write_after_clean_through_kept_mapping_is_reported(void **state)
{
	struct rec_list l = {0};
	struct audit_result r;

	(void)state;
	boot_start(&l);
	vmm_write(&l, 1, RAM_IPA + 0x1000, 0x1000);
	cache(&l, 1, 2, CL_AUDIT_SRC_ASPACE, RAM_PA + 0x1000, 0x1000);
	/* The loader still maps the page cacheable and writes 64 bytes more: a frame note. */
	add(&l, (struct cl_audit_rec){.kind = CL_AUDIT_WRITE,
				      .cpu = 1,
				      .flags = CL_AUDIT_SRC_FRAME,
				      .a = RAM_PA + 0x1040,
				      .b = 0x40,
				      .d = NORMAL_RW});
	enter(&l, true, SCTLR_RESET, HCR_BASE);
	r = replay(&l);
	assert_int_equal(r.stale, 1);
	expect_problem(&r, AUDIT_STALE, RAM_IPA + 0x1040, 0x40,
		       "written by user level through a frame at #5 (Normal-WB, CPU 1)",
		       "never cleaned to PoC after it");
	audit_result_free(&r);
}

static void uncleaned_kernel_zeroes_are_reported(void **state)
{
	struct rec_list l = {0};
	struct audit_result r;

	(void)state;
	zero(&l, RAM_PA, RAM_SIZE);
	map_ram(&l);
	enter(&l, true, SCTLR_RESET, HCR_BASE);
	r = replay(&l);
	assert_int_equal(r.stale, 1);
	expect_problem(&r, AUDIT_STALE, RAM_IPA, RAM_SIZE, "zeroed by the kernel at #0",
		       "needs clean to PoC");
	audit_result_free(&r);
}

static void a_non_cacheable_writer_needs_no_clean(void **state)
{
	struct rec_list l = {0};
	struct audit_result r;

	(void)state;
	boot_start(&l);
	add(&l, (struct cl_audit_rec){.kind = CL_AUDIT_WRITE,
				      .cpu = 1,
				      .flags = CL_AUDIT_SRC_FRAME,
				      .a = RAM_PA,
				      .b = 0x1000,
				      .d = 0x5ULL << 2 | 3ULL << 6});
	enter(&l, true, SCTLR_RESET, HCR_BASE);
	r = replay(&l);
	assert_int_equal(r.stale, 0);
	audit_result_free(&r);
}

/* ---- The `dc` policy's transitions -------------------------------------- */

/* A DC boot: loaded without cleaning; runs with DC; then sets M (and C if with_c). */
static struct audit_result dc_boot(bool with_c, bool flush, uint64_t tcr)
{
	struct rec_list l = {0};

	boot_start(&l);
	vmm_write(&l, 1, RAM_IPA + 0x1000, 0x1000);
	traps(&l, HCR_DC_TVM);
	enter(&l, true, SCTLR_RESET, HCR_DC_TVM);
	if (tcr != 0)
		sysreg(&l, CL_VCPU_TCR_EL1, tcr, CL_AUDIT_BY_VMM);
	/* The trapped SCTLR write: the VMM flushes (or not), drops DC, writes SCTLR. */
	if (flush)
		cache(&l, 1, 2, CL_AUDIT_SRC_ASPACE, RAM_PA, RAM_SIZE);
	traps(&l, HCR_BASE);
	sysreg(&l, CL_VCPU_SCTLR_EL1, SCTLR_RESET | 1 | (with_c ? 4 : 0), CL_AUDIT_BY_VMM);
	enter(&l, false, SCTLR_RESET | 1 | (with_c ? 4 : 0), HCR_BASE);
	return replay(&l);
}

static void dc_policy_is_clean(void **state)
{
	struct audit_result r = dc_boot(true, false, 0);

	(void)state;
	assert_int_equal(r.stale, 0); /* M+C after DC: cached to cached, no flush needed */
	assert_int_equal(r.duties, 0);
	audit_result_free(&r);
	r = dc_boot(false, true, 0); /* M before C, with the flush */
	assert_int_equal(r.stale, 0);
	audit_result_free(&r);
}

static void dropping_dc_on_m_without_flush_is_reported(void **state)
{
	struct audit_result r = dc_boot(false, false, 0);

	(void)state;
	assert_true(r.stale >= 1);
	expect_problem(&r, AUDIT_STALE, RAM_IPA, RAM_SIZE,
		       "written by the guest with its caches on (as it may) at #5",
		       "when the VMM turned the view uncached at #6: needs clean to PoC");
	audit_result_free(&r);
}

static void non_cacheable_walks_after_dc_are_reported(void **state)
{
	/* TCR_EL1: T0SZ 25, IRGN0 = ORGN0 = 0 (Non-cacheable walks), TTBR1 walks off. */
	struct audit_result r = dc_boot(true, false, 25 | 1ULL << 23);

	(void)state;
	assert_true(r.stale >= 1);
	expect_problem(&r, AUDIT_STALE, RAM_IPA, RAM_SIZE, "Non-cacheable table walk",
		       "needs clean to PoC");
	audit_result_free(&r);
	r = dc_boot(true, true, 25 | 1ULL << 23); /* the fixed policy flushes */
	assert_int_equal(r.stale, 0);
	audit_result_free(&r);
}

/* ---- Caches-off writes read back with caches on ------------------------- */

static struct audit_result caches_on_later(bool by_guest, bool flush)
{
	struct rec_list l = {0};
	uint64_t on = SCTLR_RESET | 1 | 4;

	boot_start(&l);
	vmm_write(&l, 1, RAM_IPA, 0x1000);
	cache(&l, 1, 2, CL_AUDIT_SRC_ASPACE, RAM_PA, 0x1000);
	enter(&l, true, SCTLR_RESET, HCR_BASE);
	if (by_guest) {
		sysreg(&l, CL_VCPU_SCTLR_EL1, on, CL_AUDIT_BY_GUEST);
	} else {
		if (flush)
			cache(&l, 1, 2, CL_AUDIT_SRC_ASPACE, RAM_PA, RAM_SIZE);
		sysreg(&l, CL_VCPU_SCTLR_EL1, on, CL_AUDIT_BY_VMM);
		enter(&l, false, on, HCR_BASE);
	}
	return replay(&l);
}

static void guest_turning_caches_on_itself_relies_on_it(void **state)
{
	struct audit_result r = caches_on_later(true, false);

	(void)state;
	assert_int_equal(r.stale, 0);
	assert_true(r.duties >= 1);
	expect_problem(&r, AUDIT_GUEST_DUTY, RAM_IPA, RAM_SIZE,
		       "written by the guest with its caches off",
		       "needs invalidate to PoC (DC CIVAC) after the caches-off run, when the "
		       "guest changed the view at #6");
	audit_result_free(&r);
}

static void vmm_turning_caches_on_must_invalidate(void **state)
{
	struct audit_result r = caches_on_later(false, false);

	(void)state;
	assert_true(r.stale >= 1);
	expect_problem(&r, AUDIT_STALE, RAM_IPA, RAM_SIZE, "caches-on read",
		       "when the VMM changed the view at #6; a caches-on read at a run of vCPU "
		       "0x100 (#7)");
	audit_result_free(&r);
	r = caches_on_later(false, true);
	assert_int_equal(r.stale, 0);
	assert_int_equal(r.duties, 0);
	audit_result_free(&r);
}

/*
 * The set/way test guest's power-down (tests/guests/setway.c), as its audit recorded
 * it: caches on (trapped, flushed), it writes with caches on, clears C itself with
 * TVM off (seen at its next exit), and runs a set/way loop the VMM emulates with a
 * clean+invalidate of its RAM. Leaving its lines dirty is the guest's own duty; the
 * replay's guest is then taken to have done it, so the VMM's flush is not blamed for
 * writing back lines the guest left dirty over what it wrote uncached since.
 */
static void guest_turning_caches_off_itself_relies_on_it(void **state)
{
	struct rec_list l = {0};
	struct audit_result r;
	uint64_t on = SCTLR_RESET | 1 | 4, m_only = SCTLR_RESET | 1;

	(void)state;
	boot_start(&l);
	vmm_write(&l, 1, RAM_IPA, 0x1000);
	cache(&l, 1, 2, CL_AUDIT_SRC_ASPACE, RAM_PA, 0x1000);
	traps(&l, HCR_BASE | CL_HCR_TVM);
	enter(&l, true, SCTLR_RESET, HCR_BASE | CL_HCR_TVM);
	sysreg(&l, CL_VCPU_SCTLR_EL1, on, CL_AUDIT_BY_VMM);
	traps(&l, HCR_BASE);
	cache(&l, 1, 2, CL_AUDIT_SRC_ASPACE, RAM_PA, RAM_SIZE);
	enter(&l, false, on, HCR_BASE);
	sysreg(&l, CL_VCPU_SCTLR_EL1, m_only, CL_AUDIT_BY_GUEST);
	traps(&l, HCR_BASE | CL_HCR_TVM);
	cache(&l, 1, 2, CL_AUDIT_SRC_ASPACE, RAM_PA, RAM_SIZE);
	enter(&l, false, m_only, HCR_BASE | CL_HCR_TVM);
	r = replay(&l);
	assert_int_equal(r.stale, 0);
	assert_true(r.duties >= 1);
	expect_problem(&r, AUDIT_GUEST_DUTY, RAM_IPA, RAM_SIZE,
		       "written by the guest with its caches on (as it may) at #10",
		       "still dirty in a cache when the guest turned the view uncached at #11");
	audit_result_free(&r);
}

/*
 * A `clean` guest with two vCPUs (audit/linux/clean/vcpus2): vCPU 0 runs with its
 * caches on and writes, then a second vCPU enters for the first time with its caches
 * off, as PSCI CPU_ON starts it. What vCPU 0 left dirty is the guest's to clean before
 * CPU_ON (Linux does for what its secondaries read so), not the VMM's.
 */
static void second_vcpu_started_by_the_guest_relies_on_it(void **state)
{
	struct rec_list l = {0};
	struct audit_result r;
	uint64_t on = SCTLR_RESET | 1 | 4;

	(void)state;
	boot_start(&l);
	vmm_write(&l, 1, RAM_IPA, 0x1000);
	cache(&l, 1, 2, CL_AUDIT_SRC_ASPACE, RAM_PA, 0x1000);
	enter(&l, true, on, HCR_BASE);
	enter_vcpu(&l, VCPU + 1, true, SCTLR_RESET, HCR_BASE);
	r = replay(&l);
	assert_int_equal(r.stale, 0);
	assert_true(r.duties >= 1);
	expect_problem(&r, AUDIT_GUEST_DUTY, RAM_IPA, RAM_SIZE,
		       "written by the guest with its caches on (as it may) at #5",
		       "when the guest turned the view uncached at #6");
	audit_result_free(&r);
}

/*
 * The same vCPU starting again with its caches off, without the VMM cleaning guest
 * RAM first, is a restart gone wrong: the VMM's fault, whatever the guest left dirty.
 */
static void vcpu_started_again_without_a_clean_is_stale(void **state)
{
	struct rec_list l = {0};
	struct audit_result r;
	uint64_t on = SCTLR_RESET | 1 | 4;

	(void)state;
	boot_start(&l);
	vmm_write(&l, 1, RAM_IPA, 0x1000);
	cache(&l, 1, 2, CL_AUDIT_SRC_ASPACE, RAM_PA, 0x1000);
	enter(&l, true, on, HCR_BASE);
	enter(&l, true, SCTLR_RESET, HCR_BASE);
	r = replay(&l);
	assert_true(r.stale >= 1);
	expect_problem(&r, AUDIT_STALE, RAM_IPA, RAM_SIZE,
		       "written by the guest with its caches on (as it may) at #5",
		       "when the VMM turned the view uncached at #6");
	audit_result_free(&r);
}

static void unmapped_ram_is_not_judged(void **state)
{
	struct rec_list l = {0};
	struct audit_result r;

	(void)state;
	boot_start(&l);
	vmm_write(&l, 1, RAM_IPA + 0x1000, 0x1000);
	add(&l, (struct cl_audit_rec){.kind = CL_AUDIT_S2_UNMAP, .id = VMID, .a = RAM_IPA});
	enter(&l, true, SCTLR_RESET, HCR_BASE);
	r = replay(&l);
	assert_int_equal(r.stale, 0);
	assert_int_equal(r.nguests, 1);
	audit_result_free(&r);
}

static void dropped_records_are_refused(void **state)
{
	struct rec_list l = {0};
	struct audit_opts o;
	struct audit_result r;

	(void)state;
	boot_start(&l);
	audit_opts_default(&o);
	assert_int_equal(audit_replay(l.r, l.n, 3, &o, &r), -1);
	assert_non_null(strstr(r.error, "3 records were dropped"));
}

static void the_report_names_guest_address_and_fix(void **state)
{
	struct audit_result r = load_and_run(3);
	struct audit_opts o;
	char buf[4096] = {0};
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	(void)state;
	audit_opts_default(&o);
	o.names[0].vmid = VMID;
	o.names[0].name = "hello";
	o.nnames = 1;
	audit_report(&r, &o, f);
	fclose(f);
	if (strstr(buf, "guest 'hello' (VMID 2) STALE IPA 0x40001000-0x40002000 (PA 0x48001000): "
			"written by the VMM") == NULL ||
	    strstr(buf, "audit: 1 guest, 1 stale, 0 relying on the guest") == NULL)
		fail_msg("report:\n%s", buf);
	audit_result_free(&r);
}

/* ---- The parser --------------------------------------------------------- */

/* A dump as the kernel prints it (audit.c: audit_dump). */
static void dump(char *out, size_t len, const struct cl_audit_rec *r, size_t n, uint64_t seq,
		 uint64_t dropped, int count_delta, uint32_t crc_xor)
{
	size_t at = (size_t)snprintf(out, len, "noise\r\nAUDIT BEGIN seq=%llu\r\n",
				     (unsigned long long)seq);
	uint32_t crc = 0;

	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = (const uint8_t *)&r[i];

		at += (size_t)snprintf(out + at, len - at, "AUDIT ");
		for (size_t b = 0; b < sizeof(r[i]); b++)
			at += (size_t)snprintf(out + at, len - at, "%02x", p[b]);
		at += (size_t)snprintf(out + at, len - at, "\r\nAUDIT-EXPECT something\n");
		crc = audit_crc32(crc, &r[i], sizeof(r[i]));
	}
	snprintf(out + at, len - at, "AUDIT END count=%zu dropped=%llu crc=%08x\r\n",
		 (size_t)((long)n + count_delta), (unsigned long long)dropped, crc ^ crc_xor);
}

static int parse(const char *text, struct audit_log *log)
{
	audit_log_init(log);
	return audit_log_parse(log, text, strlen(text));
}

static void crc_is_zlibs(void **state)
{
	(void)state;
	assert_int_equal(audit_crc32(0, "123456789", 9), 0xcbf43926);
}

static void good_dumps_parse(void **state)
{
	struct rec_list l = {0};
	static char text[2][8192];
	struct audit_log log;
	char both[16384];

	(void)state;
	boot_start(&l);
	dump(text[0], sizeof(text[0]), l.r, 2, 0, 0, 0, 0);
	dump(text[1], sizeof(text[1]), l.r + 2, 1, 2, 0, 0, 0);
	snprintf(both, sizeof(both), "%s%s", text[0], text[1]);
	assert_int_equal(parse(both, &log), 0);
	assert_int_equal(log.n, 3);
	assert_int_equal(log.dumps, 2);
	assert_memory_equal(log.recs, l.r, 3 * sizeof(l.r[0]));
	audit_log_free(&log);
}

static void expect_parse_error(const char *text, const char *why)
{
	struct audit_log log;

	assert_int_equal(parse(text, &log), -1);
	if (strstr(log.error, why) == NULL)
		fail_msg("error '%s' does not say '%s'", log.error, why);
	audit_log_free(&log);
}

static void damaged_dumps_are_refused(void **state)
{
	struct rec_list l = {0};
	static char text[8192];
	char *rec;

	(void)state;
	boot_start(&l);
	dump(text, sizeof(text), l.r, 3, 0, 0, 0, 0x1);
	expect_parse_error(text, "CRC");
	dump(text, sizeof(text), l.r, 3, 0, 0, 1, 0);
	expect_parse_error(text, "AUDIT END says 4 records, the dump holds 3");
	dump(text, sizeof(text), l.r, 3, 5, 0, 0, 0);
	expect_parse_error(text, "a dump is missing");
	dump(text, sizeof(text), l.r, 3, 0, 0, 0, 0);
	*strstr(text, "AUDIT END") = '\0';
	expect_parse_error(text, "has no AUDIT END");
	dump(text, sizeof(text), l.r, 3, 0, 0, 0, 0);
	rec = strstr(text, "\nAUDIT 0") + 7;
	rec[3] = 'G';
	expect_parse_error(text, "not a lower-case hex digit");
	dump(text, sizeof(text), l.r, 3, 0, 0, 0, 0);
	rec = strstr(text, "\nAUDIT 0") + 7;
	memmove(rec, rec + 2, strlen(rec + 2) + 1);
	expect_parse_error(text, "of 78 hex digits, not 80");
	expect_parse_error("AUDIT 00\n", "outside AUDIT BEGIN");
	expect_parse_error("booted\nnothing here\n", "no audit record in the output");
}

static void dropped_count_is_kept(void **state)
{
	struct rec_list l = {0};
	static char text[8192];
	struct audit_log log;

	(void)state;
	boot_start(&l);
	dump(text, sizeof(text), l.r, 3, 0, 7, 0, 0);
	assert_int_equal(parse(text, &log), 0);
	assert_int_equal(log.dropped, 7);
	audit_log_free(&log);
}

static void records_format_in_words(void **state)
{
	struct rec_list l = {0};
	char buf[256];

	(void)state;
	cache(&l, 1, 3, CL_AUDIT_SRC_ASPACE, RAM_PA + 0x1000, 0x1000);
	audit_rec_format(&l.r[0], 4, buf, sizeof(buf));
	assert_string_equal(buf, "#4 cpu1 CACHE op=unify point=PoU src=aspace vmid=2 "
				 "pa=0x48001000 size=0x1000 ipa=0x40001000");
	map_ram(&l);
	audit_rec_format(&l.r[1], 5, buf, sizeof(buf));
	assert_string_equal(buf, "#5 cpu0 S2_MAP vmid=2 ipa=0x40000000 pa=0x48000000 "
				 "size=0x10000 attr=normal rights=rwx");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean_to_poc_is_clean),
		cmocka_unit_test(clean_to_pou_only_is_reported),
		cmocka_unit_test(invalidate_without_clean_is_reported),
		cmocka_unit_test(no_clean_is_reported),
		cmocka_unit_test(write_after_clean_through_kept_mapping_is_reported),
		cmocka_unit_test(uncleaned_kernel_zeroes_are_reported),
		cmocka_unit_test(a_non_cacheable_writer_needs_no_clean),
		cmocka_unit_test(dc_policy_is_clean),
		cmocka_unit_test(dropping_dc_on_m_without_flush_is_reported),
		cmocka_unit_test(non_cacheable_walks_after_dc_are_reported),
		cmocka_unit_test(guest_turning_caches_on_itself_relies_on_it),
		cmocka_unit_test(vmm_turning_caches_on_must_invalidate),
		cmocka_unit_test(guest_turning_caches_off_itself_relies_on_it),
		cmocka_unit_test(unmapped_ram_is_not_judged),
		cmocka_unit_test(dropped_records_are_refused),
		cmocka_unit_test(the_report_names_guest_address_and_fix),
		cmocka_unit_test(crc_is_zlibs),
		cmocka_unit_test(good_dumps_parse),
		cmocka_unit_test(damaged_dumps_are_refused),
		cmocka_unit_test(dropped_count_is_kept),
		cmocka_unit_test(second_vcpu_started_by_the_guest_relies_on_it),
		cmocka_unit_test(vcpu_started_again_without_a_clean_is_stale),
		cmocka_unit_test(records_format_in_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
