/*
 * One guest as its VMM sees it: name, RAM window, vCPUs with their trapped
 * register files and trap bits, the cache policy, and what the loader wrote.
 */
#ifndef VMM_GUEST_H
#define VMM_GUEST_H

#include <vmm/error.h>
#include <vmm/sysregs.h>

/* Guests have 1 to 4 vCPUs (issue 5 part 6). */
#define VMM_MAX_VCPUS 4
/* Distinct ranges the loader writes: kernel, initrd, DTB, and a few more. */
#define VMM_MAX_WRITTEN 16

/* How the guest's caches-off start is made coherent (docs/vmm.md). */
enum vmm_cache_policy {
	VMM_POLICY_DC,
	VMM_POLICY_CLEAN,
};

struct vmm_range {
	uint64_t ipa;
	uint64_t size;
	bool exec; /* holds code: made coherent with the I-cache before the guest runs */
};

struct vmm_vcpu {
	uint64_t hcr;			  /* the VMM_HCR_* bits asked for last */
	uint64_t tvm_regs[VMM_TVM_COUNT]; /* what the guest wrote (sysreg_emul.c) */
	uint64_t setway_ops;		  /* trapped set/way operations seen */
	uint64_t ram_flushes;		  /* whole-RAM clean+invalidates this vCPU caused */
};

struct vmm_guest {
	const char *name;
	uint64_t ram_base;
	uint64_t ram_size;
	unsigned nr_vcpus;
	enum vmm_cache_policy policy;
	bool trap_reads; /* TRVM with TVM: reads of the TVM registers come to the VMM too */
	bool started;	 /* a vCPU has run since the last reset */
	struct vmm_vcpu vcpu[VMM_MAX_VCPUS];
	struct vmm_range written[VMM_MAX_WRITTEN];
	unsigned nr_written;
};

/* Set up g (zeroed first); refuses 0 or more than VMM_MAX_VCPUS vCPUs and empty RAM. */
int vmm_guest_init(struct vmm_guest *g, const char *name, uint64_t ram_base, uint64_t ram_size,
		   unsigned nr_vcpus, enum vmm_cache_policy policy, struct vmm_error *err);

/* True when [ipa, ipa + size) lies inside the guest's RAM (size 0 never does). */
bool vmm_guest_ram_contains(const struct vmm_guest *g, uint64_t ipa, uint64_t size);

/*
 * The loader's one way into guest RAM: checks the range, writes through the
 * backend and remembers the range (page-rounded, merged with its neighbours)
 * for the cache policy. exec marks code.
 */
int vmm_guest_write(struct vmm_guest *g, uint64_t ipa, const void *src, size_t len, bool exec,
		    struct vmm_error *err);

/*
 * Remembers [ipa, ipa + len) for the cache policy as if the loader had written it:
 * bytes that were already in guest RAM when the VMM started (a kernel run in place,
 * docs/image.md) get the same cleaning, and I-cache work when exec, as written ones.
 */
int vmm_guest_loaded(struct vmm_guest *g, uint64_t ipa, size_t len, bool exec,
		     struct vmm_error *err);

#endif
