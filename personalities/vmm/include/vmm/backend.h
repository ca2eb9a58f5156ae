/*
 * What the VMM's pure modules ask of the world: the kernel's cache-maintenance
 * calls on the guest's address space, its vCPU trap configuration and register
 * writes, writes into guest RAM, and the console. Plain functions, chosen at
 * link time (DESIGN.md, "choose implementations at build time"): the host unit
 * tests link a recording backend (tests/unit/vmm/recorder.c), the coherence
 * model links one that drives the cache model, the real VMM one that invokes
 * the kernel. Every call that can fail returns 0 or a negative error, and the
 * modules pass the failure on.
 */
#ifndef VMM_BACKEND_H
#define VMM_BACKEND_H

#include <vmm/sysregs.h>

struct vmm_guest;

enum vmm_cache_op {
	VMM_CACHE_CLEAN,
	VMM_CACHE_INVALIDATE,
	VMM_CACHE_CLEAN_INVALIDATE,
	VMM_CACHE_UNIFY_I, /* clean D to PoU, then invalidate I: code made fetchable */
};

enum vmm_cache_point {
	VMM_POU,
	VMM_POC,
};

/*
 * Cache maintenance by address over [ipa, ipa + size) of the guest's RAM,
 * done by the kernel through the guest's stage-2 mapping, so the VMM needs no
 * mapping of its own (issue 5 part 5).
 */
int vmm_be_cache_range(struct vmm_guest *g, uint64_t ipa, uint64_t size, enum vmm_cache_op op,
		       enum vmm_cache_point point);

/*
 * Set the VMM-chosen HCR_EL2 trap bits (VMM_HCR_*) of one vCPU; takes effect
 * before it next runs. A change of DC also invalidates the guest's stage-1
 * TLB entries: they may hold attributes DC gave them.
 */
int vmm_be_set_traps(struct vmm_guest *g, unsigned vcpu, uint64_t hcr_bits);

/* Write one guest EL1 register of a vCPU (the value an emulated MSR wrote). */
int vmm_be_write_sysreg(struct vmm_guest *g, unsigned vcpu, enum vmm_sysreg reg, uint64_t value);

/* Copy len bytes into guest RAM at ipa (the loader's writes). */
int vmm_be_write_guest(struct vmm_guest *g, uint64_t ipa, const void *src, size_t len);

/* One line of the guest's console output (without its newline) for the console server. */
void vmm_be_console_line(struct vmm_guest *g, const char *line, size_t len);

/*
 * The guest's output went quiet in the middle of a line (a shell's prompt, the echo of
 * a key typed): true when the console took the unfinished line to show now (the PL011
 * then forgets it and sends only what follows), false to keep it until the line ends.
 */
bool vmm_be_console_partial(struct vmm_guest *g, const char *text, size_t len);

#endif
