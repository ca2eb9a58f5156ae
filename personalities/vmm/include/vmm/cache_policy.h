/*
 * The guest's cache-coherence state machine (issue 5 part 5; docs/vmm.md has
 * the reasoning from the seeds). Its outputs are backend calls: trap bits,
 * and cache maintenance by address over guest RAM.
 *
 * Lifecycle: vmm_guest_init, sysreg_emul_vcpu_reset for each vCPU (which
 * calls cache_policy_vcpu_init), the loader's writes, then
 * cache_policy_before_first_run before any vCPU runs. On guest reset:
 * cache_policy_guest_reset, the vCPU resets, the loader again, and
 * cache_policy_before_first_run again. A vCPU that PSCI CPU_ON starts is
 * reset with sysreg_emul_vcpu_reset first: it too begins with MMU and caches
 * off, and under `dc` with DC and TVM.
 */
#ifndef VMM_CACHE_POLICY_H
#define VMM_CACHE_POLICY_H

#include <vmm/guest.h>

/* The trap bits a vCPU starts with: DC|TVM|TSW under `dc`, TSW under `clean` (+TRVM). */
uint64_t cache_policy_initial_traps(const struct vmm_guest *g);

/* Give a (reset) vCPU its initial trap bits. */
int cache_policy_vcpu_init(struct vmm_guest *g, unsigned vcpu);

/*
 * Before the first vCPU first runs: under `clean`, clean+invalidate every
 * page the VMM wrote to PoC; under both, make the written code coherent
 * with the I-cache (clean to PoU, invalidate I). Runs once per boot.
 */
int cache_policy_before_first_run(struct vmm_guest *g);

/*
 * The guest wrote SCTLR_EL1 (trapped by TVM): old -> new. Clears DC in the
 * same write that sets M; cleans+invalidates guest RAM to PoC whenever the
 * guest's view of its memory turns between cached and uncached, and when DC
 * goes while TCR_EL1 makes table walks Non-cacheable; drops TVM once M and C
 * are both set.
 */
int cache_policy_sctlr_write(struct vmm_guest *g, unsigned vcpu, uint64_t old_sctlr,
			     uint64_t new_sctlr);

/*
 * A trapped DC ISW/CSW/CISW. With TVM off (the guest ran with caches on),
 * clean+invalidate all guest RAM by address once and re-arm TVM so the
 * coming caches-off/on toggle is seen; with TVM on, the toggle does the work.
 */
int cache_policy_set_way(struct vmm_guest *g, unsigned vcpu);

/*
 * The guest is reset: clean+invalidate all its RAM (the previous run's dirty
 * lines must not land on the next run's caches-off writes) and forget what
 * the loader wrote.
 */
int cache_policy_guest_reset(struct vmm_guest *g);

/*
 * Whether the guest's stage-1 table walks look in the caches, by TCR_EL1:
 * inner and outer cacheable for both TTBR0 and TTBR1, or that table's walks
 * disabled (EPDn).
 */
bool cache_policy_walks_cached(uint64_t tcr);

/* Whether accesses with these trap bits and SCTLR_EL1 value are cacheable: DC, or M and C. */
bool cache_policy_view_cached(uint64_t hcr, uint64_t sctlr);

#endif
