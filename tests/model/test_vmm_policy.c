/*
 * The VMM's real cache policy (personalities/vmm: image.c, guest.c,
 * sysreg_emul.c, cache_policy.c) under the cache model, through the model
 * backend (vmm_backend_model.c). Every scenario of vmm_scenarios.c runs
 * under thousands of random schedules for both shipped policies and must
 * never read, fetch or walk a stale value.
 *
 * Built again with -DVMM_TEST_BREAK=<name> (vmm/test_break.h), the same
 * file checks instead that the model catches that broken policy: a stale
 * read whose report names an address in the expected region and the
 * missing operation.
 *
 * CLEAVE_MODEL_SCHEDULES=N sets the random schedules per case (default
 * below); CLEAVE_MODEL_SEED=S the first seed (default 1).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmm/test_break.h>

#include "vmm_scenarios.h"

#define DEFAULT_SCHEDULES 1500ul

static unsigned long schedules(void)
{
	const char *s = getenv("CLEAVE_MODEL_SCHEDULES");
	char *end;
	unsigned long n;

	if (s == NULL || *s == '\0')
		return DEFAULT_SCHEDULES;
	n = strtoul(s, &end, 10);
	if (*end != '\0' || n == 0)
		fail_msg("CLEAVE_MODEL_SCHEDULES=%s: a positive number of schedules per case", s);
	return n;
}

static uint64_t first_seed(void)
{
	const char *s = getenv("CLEAVE_MODEL_SEED");

	return s == NULL || *s == '\0' ? 1 : strtoull(s, NULL, 0);
}

static const char *policy_name(enum vmm_cache_policy p)
{
	return p == VMM_POLICY_DC ? "dc" : "clean";
}

/* The guest's runs: a fixed number under the random scheduler. */
static void run_random(const struct vs_scenario *s, struct vs_run *r, struct model_run_stats *st)
{
	struct model_config cfg;
	int rc;

	vs_config(&cfg);
	rc = model_run_random(&cfg, s->fn, r, first_seed(), schedules(), st);
	if (rc != 0)
		fail_msg("%s: %s", s->name, st->error);
	if (r->error[0] != '\0')
		fail_msg("%s under %s: %s", s->name, policy_name(r->policy), r->error);
}

/* One run with no spontaneous events at all. */
static unsigned long run_quiet(const struct vs_scenario *s, struct vs_run *r, char *report,
			       size_t len)
{
	struct model_config cfg;
	struct model *m;
	unsigned long stale;
	char why[160];

	vs_config(&cfg);
	cfg.sched = MODEL_SCHED_NONE;
	m = model_new(&cfg, 0, why, sizeof(why));
	assert_non_null(m);
	s->fn(m, r);
	if (r->error[0] != '\0')
		fail_msg("%s under %s: %s", s->name, policy_name(r->policy), r->error);
	stale = model_stale_count(m);
	snprintf(report, len, "%s", model_report(m));
	model_free(m);
	return stale;
}

#ifndef VMM_TEST_BREAK

static const char *alias_name(enum vmm_model_alias a)
{
	return a == VMM_MODEL_ALIAS_ALL	     ? "every CPU"
	       : a == VMM_MODEL_ALIAS_LOADER ? "the loader's CPU"
					     : "none";
}

/* One case of the pass matrix: a scenario, a policy, a guest. */
struct pass_case {
	const char *scenario;
	enum vmm_cache_policy policy;
	bool sloppy;
	bool nc_walks;
	enum vmm_model_alias alias;
};

static void never_stale(void **state)
{
	const struct pass_case *c = *state;
	const struct vs_scenario *s = vs_find(c->scenario);
	struct vs_run r = {c->policy, c->alias, c->sloppy, c->nc_walks, ""};
	struct model_run_stats st;
	char report[MODEL_REPORT_BYTES];

	assert_non_null(s);
	if (run_quiet(s, &r, report, sizeof(report)) != 0) {
		print_message("%s", report);
		fail_msg("%s under %s: stale with no spontaneous event at all", s->name,
			 policy_name(c->policy));
	}
	run_random(s, &r, &st);
	print_message("# %s under %s (%s guest, aliases on %s): %lu schedules, %lu stale\n",
		      s->name, policy_name(c->policy), c->sloppy ? "sloppy" : "Linux-like",
		      alias_name(c->alias), st.runs, st.stale_runs);
	if (st.stale_runs) {
		print_message("%s", st.first_report);
		fail_msg("%lu of %lu schedules read stale data; the first, seed %llu, above",
			 st.stale_runs, st.runs, (unsigned long long)st.first_stale_seed);
	}
}

#define ALL VMM_MODEL_ALIAS_ALL
#define CASES(name)                                                                            \
	{name, VMM_POLICY_DC, false, false, ALL}, {name, VMM_POLICY_CLEAN, false, false, ALL}, \
	{                                                                                      \
		name, VMM_POLICY_DC, true, false, ALL                                          \
	}

static const struct pass_case pass_cases[] = {
	CASES("m_and_c"),
	CASES("m_then_c"),
	CASES("c_then_m"),
	CASES("off_again"),
	/* No DC after boot: the guest's own maintenance is all there is, as on hardware. */
	{"off_untrapped", VMM_POLICY_DC, false, false, ALL},
	{"off_untrapped", VMM_POLICY_CLEAN, false, false, ALL},
	CASES("set_way_before_mmu"),
	CASES("migrate_set_way"),
	CASES("secondary"),
	CASES("reset"),
	/* Seed 000: Non-cacheable table walks, tables written under DC. */
	{"m_and_c", VMM_POLICY_DC, true, true, ALL},
	{"m_and_c", VMM_POLICY_CLEAN, false, true, ALL},
	/* Seed 003's fix the other way: no alias left behind by the loader. */
	{"m_and_c", VMM_POLICY_CLEAN, true, false, VMM_MODEL_ALIAS_NONE},
};

#define NPASS ARRAY_SIZE(pass_cases)

/*
 * What `clean` relies on, shown: with the loader's cacheable alias kept, a
 * guest that does not invalidate what it wrote with caches off reads a stale
 * line a speculative fill brought in (seed 003). `dc` passes the same case.
 */
static void clean_relies_on_guest_invalidation(void **state)
{
	struct vs_run r = {VMM_POLICY_CLEAN, VMM_MODEL_ALIAS_LOADER, true, false, ""};
	struct model_run_stats st;

	(void)state;
	run_random(vs_find("m_and_c"), &r, &st);
	print_message("# m_and_c under clean, sloppy guest: %lu of %lu schedules stale\n",
		      st.stale_runs, st.runs);
	assert_true(st.stale_runs > 0);
	if (strstr(st.first_report, "taken from memory by the speculative fill") == NULL) {
		print_message("%s", st.first_report);
		fail_msg("the report above does not blame the speculative fill");
	}
}

int main(void)
{
	static char names[NPASS][96];
	struct CMUnitTest tests[NPASS + 1];

	for (size_t i = 0; i < NPASS; i++) {
		const struct pass_case *c = &pass_cases[i];

		snprintf(names[i], sizeof(names[i]), "%s_%s%s%s%s", c->scenario,
			 policy_name(c->policy), c->sloppy ? "_sloppy" : "",
			 c->nc_walks ? "_nc_walks" : "",
			 c->alias == VMM_MODEL_ALIAS_NONE ? "_no_alias" : "");
		tests[i] = (struct CMUnitTest){names[i], never_stale, NULL, NULL,
					       (void *)&pass_cases[i]};
	}
	tests[NPASS] = (struct CMUnitTest){"clean_relies_on_guest_invalidation",
					   clean_relies_on_guest_invalidation, NULL, NULL, NULL};
	return _cmocka_run_group_tests("test_vmm_policy", tests, NPASS + 1, NULL, NULL);
}

#else /* VMM_TEST_BREAK: this build's policy is broken on purpose */

/* One way the broken build must be caught. */
struct break_case {
	const char *scenario;
	enum vmm_cache_policy policy;
	bool sloppy;
	bool nc_walks;
	const char *cause;  /* what the report must say */
	uint64_t lo, hi;    /* the stale address must be an IPA in [lo, hi) */
	bool deterministic; /* caught with no spontaneous event */
	bool loader_alias;  /* only the loader's CPU keeps an alias (seed 003), not every CPU */
};

/* The IPA of the first stale access in a report ("stale ... at 0x... ("). */
static uint64_t stale_ipa(const char *report)
{
	const char *at = strstr(report, " at 0x");

	return at == NULL ? 0 : vmm_model_ipa(strtoull(at + 4, NULL, 16));
}

static void check_report(const struct break_case *c, const char *report)
{
	uint64_t ipa = stale_ipa(report);

	if (strstr(report, c->cause) == NULL) {
		print_message("%s", report);
		fail_msg("the report above lacks \"%s\"", c->cause);
	}
	if (ipa < c->lo || ipa >= c->hi) {
		print_message("%s", report);
		fail_msg("the stale address (IPA %#llx) is not in [%#llx, %#llx)",
			 (unsigned long long)ipa, (unsigned long long)c->lo,
			 (unsigned long long)c->hi);
	}
}

static void break_is_caught(void **state)
{
	const struct break_case *c = *state;
	const struct vs_scenario *s = vs_find(c->scenario);
	struct vs_run r = {c->policy,
			   c->loader_alias ? VMM_MODEL_ALIAS_LOADER : VMM_MODEL_ALIAS_ALL,
			   c->sloppy, c->nc_walks, ""};
	struct model_run_stats st;
	char report[MODEL_REPORT_BYTES];

	assert_non_null(s);
	if (c->deterministic) {
		if (run_quiet(s, &r, report, sizeof(report)) == 0)
			fail_msg("%s under %s: no stale read without spontaneous events", s->name,
				 policy_name(c->policy));
		print_message("# quiet run: %.*s", (int)strcspn(report, "\n") + 1, report);
		check_report(c, report);
	}
	run_random(s, &r, &st);
	print_message("# %s under broken %s: %lu of %lu schedules stale\n", s->name,
		      policy_name(c->policy), st.stale_runs, st.runs);
	if (st.stale_runs == 0)
		fail_msg("the broken policy was never caught");
	if (!c->deterministic)
		check_report(c, st.first_report);
}

#define RAM_END (VS_RAM + VS_PAGES * VMM_MODEL_PAGE)
#define EARLY_LO VS_BSS
#define CODE VS_CODE, VS_CODE + 64

static const struct break_case break_cases[] = {
#if VMM_BROKEN(pou)
	{"m_and_c", VMM_POLICY_CLEAN, false, false, "cleaned only to the PoU (DC CVAU at #", VS_HDR,
	 RAM_END, true, false},
#elif VMM_BROKEN(no_dc)
	{"m_and_c", VMM_POLICY_DC, true, false, "taken from memory by the speculative fill", VS_BSS,
	 RAM_END, false, true},
#elif VMM_BROKEN(inval)
	{"m_then_c", VMM_POLICY_DC, false, false, "DC IVAC at #", VS_BSS, RAM_END, true, false},
#elif VMM_BROKEN(m_before_c)
	{"m_then_c", VMM_POLICY_DC, false, false, "never cleaned to PoC", VS_BSS, RAM_END, true,
	 false},
#elif VMM_BROKEN(no_icache)
	{"reset", VMM_POLICY_CLEAN, false, false, "IC IVAU (or IC IALLU/IALLUIS) missing", CODE,
	 true, false},
	/* Under `dc` the first boot already fetches code still dirty in the loader's L1D. */
	{"reset", VMM_POLICY_DC, false, false, "DC CVAU missing before the instruction fetch", CODE,
	 true, false},
#elif VMM_BROKEN(nc_walks)
	{"m_and_c", VMM_POLICY_DC, true, true, "never cleaned to PoC", VS_TABLES, VS_TABLES + 32,
	 true, false},
#endif
};

#define STR2(x) #x
#define STR(x) STR2(x)

int main(void)
{
	static char names[ARRAY_SIZE(break_cases)][96];
	struct CMUnitTest tests[ARRAY_SIZE(break_cases)];

	for (size_t i = 0; i < ARRAY_SIZE(break_cases); i++) {
		snprintf(names[i], sizeof(names[i]), "break_%s_caught_by_%s_%s",
			 STR(VMM_TEST_BREAK), break_cases[i].scenario,
			 policy_name(break_cases[i].policy));
		tests[i] = (struct CMUnitTest){names[i], break_is_caught, NULL, NULL,
					       (void *)&break_cases[i]};
	}
	return _cmocka_run_group_tests("test_vmm_break_" STR(VMM_TEST_BREAK), tests,
				       ARRAY_SIZE(break_cases), NULL, NULL);
}

#endif
