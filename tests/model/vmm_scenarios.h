/*
 * Guest lives for the VMM's real policy code under the cache model
 * (vmm_scenarios.c; docs/coherence.md, "The real VMM policy under the
 * model"). Each scenario is a model_scenario_fn: the VMM loads an image with
 * image.c, the guest boots with caches off and does what its name says, every
 * trapped register write going through sysreg_emul.c and cache_policy.c.
 * The model's oracle judges every read, fetch and walk.
 */
#ifndef TEST_MODEL_VMM_SCENARIOS_H
#define TEST_MODEL_VMM_SCENARIOS_H

#include <model/explore.h>

#include "vmm_model.h"

/* Guest RAM: 4 pages at 0x40000000; the model holds 256 bytes of each. */
#define VS_RAM 0x40000000ULL
#define VS_PAGES 4u
#define VS_WINDOW 256u
#define VS_PA 0x80000000ULL

/* Where things are, as IPAs: the loaded image and the guest's own data. */
#define VS_HDR VS_RAM		       /* the Image header, 8 words */
#define VS_CODE (VS_RAM + 64)	       /* the kernel's code, 8 words */
#define VS_BSS (VS_RAM + 128)	       /* its BSS, in the loaded page */
#define VS_TABLES (VS_RAM + 0x1000)    /* its stage-1 tables: one descriptor a page */
#define VS_DATA (VS_RAM + 0x1000 + 64) /* other data, in a page never loaded */
#define VS_INITRD (VS_RAM + 0x2000)
#define VS_DTB (VS_RAM + 0x3000)
#define VS_LOADED_WORDS 8u /* words in each of header, code, initrd, DTB */

struct vs_run {
	enum vmm_cache_policy policy;
	enum vmm_model_alias alias;
	/*
	 * The guest does not invalidate what it wrote with its caches off
	 * before reading it with them on. Linux does (booting.rst leaves it to
	 * the kernel); the `clean` policy relies on it, `dc` does not.
	 */
	bool sloppy;
	/* The guest's TCR_EL1 makes its table walks Non-cacheable (IRGN0 = ORGN0 = 0). */
	bool nc_walks;
	char error[256]; /* the first VMM refusal or adapter error of a run */
};

struct vs_scenario {
	const char *name;
	model_scenario_fn fn;
};

extern const struct vs_scenario vs_scenarios[];
extern const unsigned vs_nr_scenarios;

const struct vs_scenario *vs_find(const char *name);

/* The model configuration all scenarios use (2 CPUs: vCPU 0 on CPU 0, the VMM on CPU 1). */
void vs_config(struct model_config *cfg);

#endif
