/*
 * The VMM's real policy code (personalities/vmm) under the cache model
 * (docs/coherence.md, "The real VMM policy under the model").
 *
 * vmm_backend_model.c implements personalities/vmm/include/vmm/backend.h on
 * top of a struct model: it plays the kernel (cache maintenance through the
 * guest's stage-2 mapping, trap bits, guest registers) and the memory the
 * loader writes through. vmm_guest_cpu.c plays the hardware running the
 * guest: its loads, stores, fetches and walks take their memory type from the
 * vCPU's SCTLR_EL1/TCR_EL1 and HCR_EL2 state, and its MSRs and set/way
 * instructions trap to the real sysreg_emul.c exactly when the trap bits the
 * policy chose say so.
 *
 * Guest RAM is projected onto the model's small memory: only the first
 * `window` bytes of each 4 KiB guest page exist in the model (page p, offset
 * o < window is physical address pa_base + p * window + o). Scenarios keep
 * everything they write and read inside the windows; whole-range maintenance
 * covers every window it overlaps, so a whole-RAM flush is a few dozen lines,
 * not thousands, and thousands of schedules stay cheap.
 */
#ifndef TEST_MODEL_VMM_MODEL_H
#define TEST_MODEL_VMM_MODEL_H

#include <model/guest.h>
#include <model/model.h>
#include <vmm/guest.h>

#define VMM_MODEL_PAGE 4096ULL

/* Which CPUs hold a cacheable mapping of guest RAM besides the running guest. */
enum vmm_model_alias {
	/* The loader maps each range only while writing it (an seL4-style VMM). */
	VMM_MODEL_ALIAS_NONE,
	/* The loader's CPU keeps its cacheable mapping of what it wrote (seed 003). */
	VMM_MODEL_ALIAS_LOADER,
	/* Every CPU has a cacheable linear map of all RAM (Cleave's kernel maps all RAM). */
	VMM_MODEL_ALIAS_ALL,
};

struct vmm_model_config {
	uint64_t pa_base;	    /* physical address of guest RAM's first window */
	uint64_t window;	    /* bytes of each guest page the model holds */
	unsigned vmm_cpu;	    /* the CPU the VMM (and the kernel calls it makes) runs on */
	enum vmm_model_alias alias; /* the host's cacheable aliases of guest RAM */
};

/* Where the vCPU state the policy writes through the backend lives. */
struct vmm_model_vcpu {
	unsigned cpu;		      /* the physical CPU it runs on */
	bool placed;		      /* it runs somewhere (vmm_model_place) */
	bool paused;		      /* stopped in a trap or by the VMM: its regime is not live */
	uint64_t hcr;		      /* the VMM's trap bits (vmm_be_set_traps) */
	uint64_t regs[VMM_TVM_COUNT]; /* its EL1 registers, by whoever wrote them last */
};

/*
 * Bind guest g (already vmm_guest_init'ed) to model m for one run; the
 * backend serves only this guest until vmm_model_detach. The model's memory
 * must hold one window per guest page. Returns 0 or -1 (vmm_model_error()).
 */
int vmm_model_attach(struct vmm_guest *g, struct model *m, const struct vmm_model_config *cfg);
void vmm_model_detach(void);

/* Calls the backend refused or the model rejected since attach ("" if none). */
unsigned vmm_model_errors(void);
const char *vmm_model_error(void);
/* Count an error (the first one's text is kept); returns -1. */
int vmm_model_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The physical address of a guest IPA; false (and an error) outside the windows. */
bool vmm_model_pa(uint64_t ipa, uint64_t *pa);
/* The IPA of a physical address in the model's memory (for reports). */
uint64_t vmm_model_ipa(uint64_t pa);

struct vmm_model_vcpu *vmm_model_vcpu(unsigned vcpu);
/* The model the attached guest runs on. */
struct model *vmm_model_model(void);

/*
 * Run vCPU vcpu on CPU cpu from now on (placement or migration): the CPU
 * takes the vCPU's translation regime, the CPU it left no longer maps guest
 * RAM through it.
 */
int vmm_model_place(unsigned vcpu, unsigned cpu);

/*
 * The vCPU stops (a trap, or the VMM stopped it) and resumes: while stopped
 * its CPU does not run the guest's translation regime, so nothing is filled
 * or walked speculatively through it, and what the VMM changes (trap bits,
 * registers) takes effect when it resumes, as backend.h promises.
 */
void vmm_model_pause(unsigned vcpu);
void vmm_model_resume(unsigned vcpu);

/*
 * The vCPU's state changed (trap bits, SCTLR_EL1, TCR_EL1): give its CPU the
 * matching model regime and mappings, so speculation follows the guest.
 */
void vmm_model_sync(unsigned vcpu);

/* The model type of the guest's stage-1 walks, from TCR_EL1.IRGN0/ORGN0. */
enum model_type vmm_model_tcr_walk(uint64_t tcr);

/* ---- The guest, as the hardware runs it (vmm_guest_cpu.c) --------------- */

/* Word accesses at an IPA with the vCPU's current attributes; read checked by the oracle. */
int vmm_model_guest_store(unsigned vcpu, uint64_t ipa, uint64_t value);
int vmm_model_guest_load(unsigned vcpu, uint64_t ipa, struct model_read *out);
int vmm_model_guest_ifetch(unsigned vcpu, uint64_t ipa, struct model_read *out);
/* A stage-1 walk reading the descriptor at desc_ipa (stage 1 must be on). */
int vmm_model_guest_walk(unsigned vcpu, uint64_t desc_ipa, struct model_read *out);

/* DC CIVAC/CVAC/IVAC by VA over [ipa, ipa + size) at EL1 (not trapped). */
int vmm_model_guest_dc_range(unsigned vcpu, enum model_dc_op op, uint64_t ipa, uint64_t size);
/* TLBI VMALLE1IS: the guest's own TLB maintenance. */
int vmm_model_guest_tlbi(unsigned vcpu);

/*
 * MSR to a TVM-group register: trapped to sysreg_emul_access (decoded from
 * its ESR_EL2 by the real exit_decode.c) when the vCPU's HCR has TVM, else a
 * direct hardware write. Returns 0, or -1 with the VMM's refusal in err.
 */
int vmm_model_guest_msr(struct vmm_guest *g, unsigned vcpu, enum vmm_sysreg reg, uint64_t value,
			struct vmm_error *err);
/*
 * The usual clean+invalidate loop by set/way over every level, set and way:
 * each DC CISW trapped to sysreg_emul_access when HCR has TSW, else executed
 * on the vCPU's CPU (local caches only).
 */
int vmm_model_guest_set_way_loop(struct vmm_guest *g, unsigned vcpu, struct vmm_error *err);

#endif
