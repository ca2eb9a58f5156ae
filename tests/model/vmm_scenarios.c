/*
 * The guest lives of vmm_scenarios.h. The guest is a small Linux-like boot:
 * it reads its image, device tree and initrd with caches off, zeroes its BSS
 * and builds its tables, turns its MMU and caches on (in every order), and
 * later off again or reboots. Values are tagged by phase so every store is
 * distinct and the oracle can tell an old value from a new one.
 */
#include <stdio.h>
#include <string.h>

#include <vmm/cache_policy.h>
#include <vmm/image.h>
#include <vmm/sysreg_emul.h>

#include "vmm_scenarios.h"

#define M VMM_SCTLR_M
#define C VMM_SCTLR_C
#define I VMM_SCTLR_I
#define WORD 8u
#define LINE 32u

/*
 * TCR_EL1 as Linux sets it: T0SZ = T1SZ = 25, IRGNn/ORGNn Write-Back
 * Write-Allocate (01) for both tables; or the same with Non-cacheable walks.
 */
#define TCR_NC_WALKS (25u | 25u << 16)
#define TCR_WB_WALKS (TCR_NC_WALKS | 1u << 8 | 1u << 10 | 1u << 24 | 1u << 26)

static struct vmm_guest guest;
static struct vmm_error err;
static struct vs_run *run;

void vs_config(struct model_config *cfg)
{
	model_config_default(cfg);
	cfg->cpus = 2;
	cfg->line_bytes = LINE;
	cfg->mem_base = VS_PA;
	cfg->mem_bytes = VS_PAGES * VS_WINDOW;
	cfg->l1_sets = 2;
	cfg->l1_ways = 2;
	cfg->l2_sets = 4;
	cfg->l2_ways = 2;
	cfg->pou = MODEL_POU_L2;
	cfg->spont_max = 2;
}

static bool failed(void)
{
	if (run->error[0] == '\0' && vmm_model_errors() != 0)
		snprintf(run->error, sizeof(run->error), "adapter: %s", vmm_model_error());
	return run->error[0] != '\0';
}

static void vmm_refused(const char *what)
{
	if (run->error[0] == '\0')
		snprintf(run->error, sizeof(run->error), "%s: %s", what,
			 vmm_model_errors() ? vmm_model_error() : err.msg);
}

/* ---- The VMM's side: the real image.c, guest.c, sysreg_emul.c, cache_policy.c ---- */

/* A 128-byte arm64 Image: the header (Linux booting.rst) and 8 words of code. */
static void make_kernel(uint8_t *k, unsigned version)
{
	uint64_t w[16] = {0};

	w[0] = 0x14000010 | (uint64_t)version << 32; /* b over the header; a version mark */
	w[2] = VMM_MODEL_PAGE;			     /* image_size: code and BSS in one page */
	w[3] = 0xa;	   /* little-endian, 4 KiB pages, anywhere in RAM */
	w[7] = 0x644d5241; /* "ARM\x64" at byte 56, no PE header */
	for (unsigned i = 8; i < 16; i++)
		w[i] = 0xc0de000000000000ULL | (uint64_t)version << 16 | i;
	memcpy(k, w, sizeof(w));
}

static void fill(uint8_t *p, unsigned words, uint64_t tag)
{
	for (unsigned i = 0; i < words; i++) {
		uint64_t v = tag | i;

		memcpy(p + i * WORD, &v, WORD);
	}
}

/* The loader: parse, place and write kernel, initrd and DTB (image.c), then the policy. */
static void vmm_load(unsigned version)
{
	uint8_t kernel[128], initrd[64], dtb[64];
	struct image_header h;
	struct image_layout lay;

	if (failed())
		return;
	make_kernel(kernel, version);
	fill(initrd, 8, 0x1417d000000000ULL | (uint64_t)version << 32);
	fill(dtb, 8, 0xd7b0000000000ULL | (uint64_t)version << 32);
	if (image_parse(&guest, kernel, sizeof(kernel), &h, &err) != 0 ||
	    image_plan(&guest, &h, sizeof(kernel), sizeof(initrd), sizeof(dtb), &lay, &err) != 0)
		return vmm_refused("image");
	if (lay.kernel_ipa != VS_RAM || lay.initrd_ipa != VS_INITRD || lay.dtb_ipa != VS_DTB) {
		snprintf(run->error, sizeof(run->error), "unexpected layout %#llx %#llx %#llx",
			 (unsigned long long)lay.kernel_ipa, (unsigned long long)lay.initrd_ipa,
			 (unsigned long long)lay.dtb_ipa);
		return;
	}
	if (image_load(&guest, &lay, kernel, sizeof(kernel), initrd, dtb, sizeof(dtb), &err) != 0)
		return vmm_refused("image_load");
	if (cache_policy_before_first_run(&guest) != 0)
		vmm_refused("cache_policy_before_first_run");
}

/* Make the guest, reset its vCPUs (initial traps), load it, run vCPU 0 on CPU 0. */
static void vmm_start(struct model *m, unsigned vcpus)
{
	struct vmm_model_config cfg = {
		.pa_base = VS_PA, .window = VS_WINDOW, .vmm_cpu = 1, .alias = run->alias};

	run->error[0] = '\0';
	if (vmm_guest_init(&guest, "model", VS_RAM, VS_PAGES * VMM_MODEL_PAGE, vcpus, run->policy,
			   &err) != 0)
		return vmm_refused("vmm_guest_init");
	if (vmm_model_attach(&guest, m, &cfg) != 0)
		return vmm_refused("attach");
	for (unsigned v = 0; v < vcpus; v++)
		if (sysreg_emul_vcpu_reset(&guest, v) != 0)
			return vmm_refused("sysreg_emul_vcpu_reset");
	vmm_load(1);
	if (!failed() && vmm_model_place(0, 0) != 0)
		vmm_refused("place");
}

/* A system reset: the policy's reset, every vCPU reset, the loader again. */
static void vmm_reset(unsigned version)
{
	if (failed())
		return;
	/* Every vCPU is stopped; vCPU 0 starts the new boot. */
	for (unsigned v = 0; v < guest.nr_vcpus; v++)
		vmm_model_pause(v);
	if (cache_policy_guest_reset(&guest) != 0)
		return vmm_refused("cache_policy_guest_reset");
	for (unsigned v = 0; v < guest.nr_vcpus; v++)
		if (sysreg_emul_vcpu_reset(&guest, v) != 0)
			return vmm_refused("sysreg_emul_vcpu_reset");
	vmm_load(version);
	vmm_model_resume(0);
}

/* PSCI CPU_ON: the vCPU is reset (MMU and caches off, initial traps) and starts on cpu. */
static void vmm_cpu_on(unsigned vcpu, unsigned cpu)
{
	if (failed())
		return;
	if (sysreg_emul_vcpu_reset(&guest, vcpu) != 0)
		return vmm_refused("CPU_ON reset");
	if (vmm_model_place(vcpu, cpu) != 0)
		vmm_refused("CPU_ON place");
}

/* ---- The guest's side ---------------------------------------------------- */

static void g_store(unsigned vcpu, uint64_t ipa, unsigned words, uint64_t tag)
{
	for (unsigned i = 0; i < words && !failed(); i++)
		vmm_model_guest_store(vcpu, ipa + i * WORD, tag | i);
}

static void g_load(unsigned vcpu, uint64_t ipa, unsigned words)
{
	struct model_read r;

	for (unsigned i = 0; i < words && !failed(); i++)
		vmm_model_guest_load(vcpu, ipa + i * WORD, &r);
}

static void g_fetch(unsigned vcpu)
{
	struct model_read r;

	for (unsigned i = 0; i < VS_LOADED_WORDS && !failed(); i++)
		vmm_model_guest_ifetch(vcpu, VS_CODE + i * WORD, &r);
}

/* Everything the loader wrote, as a booting kernel reads it. */
static void g_read_loaded(unsigned vcpu)
{
	g_fetch(vcpu);
	g_load(vcpu, VS_HDR, VS_LOADED_WORDS);
	g_load(vcpu, VS_DTB, VS_LOADED_WORDS);
	g_load(vcpu, VS_INITRD, VS_LOADED_WORDS);
}

static void g_msr(unsigned vcpu, enum vmm_sysreg reg, uint64_t value)
{
	if (!failed() && vmm_model_guest_msr(&guest, vcpu, reg, value, &err) != 0)
		vmm_refused("trapped MSR");
}

static void g_sctlr(unsigned vcpu, uint64_t bits)
{
	g_msr(vcpu, VMM_SCTLR_EL1, VMM_SCTLR_RESET | bits);
}

static void g_set_way_loop(unsigned vcpu)
{
	if (!failed() && vmm_model_guest_set_way_loop(&guest, vcpu, &err) != 0)
		vmm_refused("set/way loop");
}

static void g_dc(unsigned vcpu, enum model_dc_op op, uint64_t ipa, unsigned words)
{
	if (!failed())
		vmm_model_guest_dc_range(vcpu, op, ipa, (uint64_t)words * WORD);
}

/*
 * What a Linux-like guest does before reading with caches on what it wrote
 * with caches off: invalidate it to PoC (head.S does so for its tables and
 * boot data), dropping clean lines that speculation brought in meanwhile.
 * Under stage 2 the invalidate is performed as clean+invalidate (HCR_EL2.VM).
 */
static void g_inval_written(unsigned vcpu, uint64_t ipa, unsigned words)
{
	if (!run->sloppy)
		g_dc(vcpu, MODEL_DC_IVAC, ipa, words);
}

/* Zero the BSS and build the tables (one descriptor per page), caches off. */
static void g_early_writes(unsigned vcpu, uint64_t tag)
{
	g_store(vcpu, VS_BSS, 8, tag | 0xb55000);
	g_store(vcpu, VS_TABLES, VS_PAGES, tag | 0x7ab000);
	g_msr(vcpu, VMM_TTBR0_EL1, VS_TABLES);
	g_msr(vcpu, VMM_MAIR_EL1, 0xff);
	g_msr(vcpu, VMM_TCR_EL1, run->nc_walks ? TCR_NC_WALKS : TCR_WB_WALKS);
	g_inval_written(vcpu, VS_BSS, 8);
	g_inval_written(vcpu, VS_TABLES, VS_PAGES);
	if (!failed())
		vmm_model_guest_tlbi(vcpu); /* Linux's __cpu_setup: TLBI VMALLE1 */
}

static void g_walk(unsigned vcpu)
{
	struct model_read r;

	for (unsigned p = 0; p < VS_PAGES && !failed(); p++)
		vmm_model_guest_walk(vcpu, VS_TABLES + p * WORD, &r);
}

/* With the MMU on: walk, then read back what was written early. */
static void g_check_early(unsigned vcpu)
{
	g_walk(vcpu);
	g_load(vcpu, VS_BSS, 8);
}

static void end(void)
{
	failed();
	vmm_model_detach();
}

/* M, C and I in one write (Linux). */
static void scen_m_and_c(struct model *m, void *ctx)
{
	run = ctx;
	vmm_start(m, 1);
	g_read_loaded(0);
	g_early_writes(0, 0x1000000);
	g_sctlr(0, M | C | I);
	g_check_early(0);
	g_read_loaded(0);
	g_store(0, VS_DATA, 8, 0x2000000);
	g_load(0, VS_DATA, 8);
	end();
}

/* M before C (FreeBSD): a stretch with the MMU on and data Non-cacheable. */
static void scen_m_then_c(struct model *m, void *ctx)
{
	run = ctx;
	vmm_start(m, 1);
	g_read_loaded(0);
	g_early_writes(0, 0x1000000);
	g_sctlr(0, M);
	g_check_early(0);
	g_load(0, VS_DTB, VS_LOADED_WORDS); /* the device tree, Non-cacheable */
	g_store(0, VS_DATA, 8, 0x2000000);  /* Non-cacheable: M without C */
	g_load(0, VS_DATA, 8);
	g_inval_written(0, VS_DATA, 8);
	g_sctlr(0, M | C | I);
	g_check_early(0);
	g_load(0, VS_DATA, 8);
	g_read_loaded(0);
	end();
}

/* C before M: caches "on" with the MMU off changes nothing until M comes. */
static void scen_c_then_m(struct model *m, void *ctx)
{
	run = ctx;
	vmm_start(m, 1);
	g_sctlr(0, C | I);
	g_read_loaded(0);
	g_early_writes(0, 0x1000000);
	g_sctlr(0, C | I | M);
	g_check_early(0);
	g_read_loaded(0);
	end();
}

/*
 * Caches off again: data written cached, a set/way clean loop (as Linux's
 * and firmware's "flush everything before turning caches off"), caches off,
 * read and write uncached, caches on again, read cached.
 */
static void scen_off_again(struct model *m, void *ctx)
{
	run = ctx;
	vmm_start(m, 1);
	g_early_writes(0, 0x1000000);
	g_sctlr(0, M | C | I);
	g_check_early(0);
	g_store(0, VS_DATA, 8, 0x2000000);
	g_set_way_loop(0);
	g_sctlr(0, 0);
	g_load(0, VS_DATA, 8);
	g_store(0, VS_DATA, 4, 0x3000000);
	g_inval_written(0, VS_DATA, 4);
	g_sctlr(0, M | C | I);
	g_load(0, VS_DATA, 8);
	end();
}

/*
 * Caches off and on again without any trap (kexec's way): once M and C are
 * on, TVM is off, so the VMM never sees these SCTLR_EL1 writes and its copy
 * goes stale. The guest cleans by address before turning caches off and
 * invalidates what it wrote uncached, as on hardware; a set/way loop then
 * re-arms TVM, and the next trapped write starts from the stale copy.
 */
static void scen_off_untrapped(struct model *m, void *ctx)
{
	run = ctx;
	vmm_start(m, 1);
	g_early_writes(0, 0x1000000);
	g_sctlr(0, M | C | I);
	g_store(0, VS_DATA, 8, 0x2000000);
	g_dc(0, MODEL_DC_CIVAC, VS_DATA, 8);
	g_sctlr(0, 0);
	g_load(0, VS_DATA, 8);
	g_store(0, VS_DATA, 4, 0x3000000);
	g_inval_written(0, VS_DATA, 4);
	g_sctlr(0, M | C | I);
	g_load(0, VS_DATA, 8);
	g_store(0, VS_DATA + 32, 4, 0x4000000);
	g_dc(0, MODEL_DC_CIVAC, VS_DATA, 8);
	g_sctlr(0, 0);
	g_set_way_loop(0);
	g_store(0, VS_DATA, 4, 0x5000000);
	g_inval_written(0, VS_DATA, 4);
	g_sctlr(0, M | C | I);
	g_load(0, VS_DATA, 8);
	end();
}

/* A bootloader's set/way loop with the MMU still off, then MMU and caches on. */
static void scen_set_way_before_mmu(struct model *m, void *ctx)
{
	run = ctx;
	vmm_start(m, 1);
	g_read_loaded(0);
	g_early_writes(0, 0x1000000);
	g_set_way_loop(0);
	g_sctlr(0, M | C | I);
	g_check_early(0);
	g_read_loaded(0);
	end();
}

/*
 * The vCPU moves to another CPU between writing with caches on and its
 * set/way loop: the loop runs on a CPU whose caches do not hold its data
 * (Arm ARM D4.4.8), which is why set/way is trapped and done by address.
 */
static void scen_migrate_set_way(struct model *m, void *ctx)
{
	run = ctx;
	vmm_start(m, 1);
	g_early_writes(0, 0x1000000);
	g_sctlr(0, M | C | I);
	g_store(0, VS_DATA, 8, 0x2000000);
	if (!failed() && vmm_model_place(0, 1) != 0)
		vmm_refused("migrate");
	g_set_way_loop(0);
	g_sctlr(0, 0);
	g_load(0, VS_DATA, 8);
	end();
}

/*
 * A second vCPU: vCPU 0 (caches on) writes the secondary's boot data and
 * cleans it to PoC by address, as Linux does for secondary_data; CPU_ON
 * starts vCPU 1 with caches off; it reads the data, turns its caches on,
 * and reads what vCPU 0 wrote cached.
 */
static void scen_secondary(struct model *m, void *ctx)
{
	run = ctx;
	vmm_start(m, 2);
	g_early_writes(0, 0x1000000);
	g_sctlr(0, M | C | I);
	g_store(0, VS_DATA, 4, 0x2000000);
	g_dc(0, MODEL_DC_CIVAC, VS_DATA, 4);
	g_store(0, VS_DATA + 64, 4, 0x3000000);
	vmm_cpu_on(1, 1);
	g_load(1, VS_DATA, 4);
	g_fetch(1);
	g_msr(1, VMM_TTBR0_EL1, VS_TABLES);
	g_msr(1, VMM_TCR_EL1, run->nc_walks ? TCR_NC_WALKS : TCR_WB_WALKS);
	g_sctlr(1, M | C | I);
	g_walk(1);
	g_load(1, VS_DATA + 64, 4);
	g_load(1, VS_BSS, 8);
	end();
}

/*
 * A reboot: the first run fetched its code with the I-cache on and wrote
 * data; the VMM resets the guest and loads a new version of the image; the
 * second boot must see only the new image, data and code (seed 001).
 */
static void scen_reset(struct model *m, void *ctx)
{
	run = ctx;
	vmm_start(m, 1);
	g_early_writes(0, 0x1000000);
	g_sctlr(0, M | C | I);
	g_fetch(0);
	g_store(0, VS_DATA, 8, 0x2000000);
	vmm_reset(2);
	g_read_loaded(0);
	g_early_writes(0, 0x3000000);
	g_sctlr(0, M | C | I);
	g_check_early(0);
	g_read_loaded(0);
	end();
}

const struct vs_scenario vs_scenarios[] = {
	{"m_and_c", scen_m_and_c},
	{"m_then_c", scen_m_then_c},
	{"c_then_m", scen_c_then_m},
	{"off_again", scen_off_again},
	{"off_untrapped", scen_off_untrapped},
	{"set_way_before_mmu", scen_set_way_before_mmu},
	{"migrate_set_way", scen_migrate_set_way},
	{"secondary", scen_secondary},
	{"reset", scen_reset},
};

const unsigned vs_nr_scenarios = ARRAY_SIZE(vs_scenarios);

const struct vs_scenario *vs_find(const char *name)
{
	for (unsigned i = 0; i < vs_nr_scenarios; i++)
		if (strcmp(vs_scenarios[i].name, name) == 0)
			return &vs_scenarios[i];
	return NULL;
}
