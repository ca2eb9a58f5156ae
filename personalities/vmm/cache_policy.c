/*
 * The coherence state machine of a guest (see cache_policy.h and docs/vmm.md).
 *
 * Architecture it rests on (Arm ARM DDI 0487J.a):
 * - With SCTLR_EL1.M = 0 a guest's data accesses are Device-nGnRnE, unless
 *   HCR_EL2.DC = 1, which makes them Normal Write-Back ("The effects of
 *   disabling an address translation stage" in D8; HCR_EL2.DC in D17.2.48).
 * - With M = 1 and C = 0 its data accesses are Non-cacheable (SCTLR_EL1.C).
 * - DC = 1 also makes stage 1 behave as disabled whatever M says, so DC must
 *   go in the same emulated write that sets M.
 * - Non-cacheable accesses do not look in the caches: a dirty line hides the
 *   value from them, a stale line shows an old value to the next cacheable
 *   access. Clean+invalidate to PoC by address removes both hazards (seeds
 *   002, 004). Set/way operations act only on the caches of the CPU that
 *   runs them and the Arm ARM reserves them for power-down and boot, not for
 *   coherence; a vCPU moves between CPUs, so they are emulated by address.
 */
#include <vmm/backend.h>
#include <vmm/cache_policy.h>
#include <vmm/test_break.h>

static uint64_t tracking_traps(const struct vmm_guest *g)
{
	return VMM_HCR_TVM | (g->trap_reads ? VMM_HCR_TRVM : 0);
}

uint64_t cache_policy_initial_traps(const struct vmm_guest *g)
{
	uint64_t hcr = VMM_HCR_TSW;

	if (g->policy == VMM_POLICY_DC && !VMM_BROKEN(no_dc))
		hcr |= VMM_HCR_DC | tracking_traps(g);
	return hcr;
}

bool cache_policy_view_cached(uint64_t hcr, uint64_t sctlr)
{
	if (hcr & VMM_HCR_DC)
		return true;
	return (sctlr & VMM_SCTLR_M) && (sctlr & VMM_SCTLR_C);
}

static int set_traps(struct vmm_guest *g, unsigned vcpu, uint64_t hcr)
{
	if (g->vcpu[vcpu].hcr == hcr)
		return 0;
	g->vcpu[vcpu].hcr = hcr;
	return vmm_be_set_traps(g, vcpu, hcr);
}

static int flush_ram(struct vmm_guest *g, unsigned vcpu)
{
	g->vcpu[vcpu].ram_flushes++;
	return vmm_be_cache_range(
		g, g->ram_base, g->ram_size,
		VMM_BROKEN(inval) ? VMM_CACHE_INVALIDATE : VMM_CACHE_CLEAN_INVALIDATE, VMM_POC);
}

int cache_policy_vcpu_init(struct vmm_guest *g, unsigned vcpu)
{
	/* Force the call: a reset vCPU's kernel-side trap bits are not known to match. */
	g->vcpu[vcpu].hcr = cache_policy_initial_traps(g);
	g->vcpu[vcpu].setway_ops = 0;
	g->vcpu[vcpu].ram_flushes = 0;
	return vmm_be_set_traps(g, vcpu, g->vcpu[vcpu].hcr);
}

int cache_policy_before_first_run(struct vmm_guest *g)
{
	if (g->started)
		return 0;
	g->started = true;
	/*
	 * `clean`: the loader's writes went through cacheable mappings and may
	 * sit dirty in a cache the guest's caches-off reads bypass. Clean to
	 * PoC, not PoU (seed 004); invalidate too, so no line the guest could
	 * later hit with caches on is older than memory.
	 */
	if (g->policy == VMM_POLICY_CLEAN || VMM_BROKEN(no_dc)) {
		for (unsigned i = 0; i < g->nr_written; i++) {
			const struct vmm_range *r = &g->written[i];
			int rc = VMM_BROKEN(pou)
					 ? vmm_be_cache_range(g, r->ipa, r->size, VMM_CACHE_CLEAN,
							      VMM_POU)
					 : vmm_be_cache_range(g, r->ipa, r->size,
							      VMM_CACHE_CLEAN_INVALIDATE, VMM_POC);

			if (rc != 0)
				return -1;
		}
	}
	if (VMM_BROKEN(no_icache))
		return 0;
	/* Code the VMM wrote must not meet stale instructions (seed 001: I-cache before MMU). */
	for (unsigned i = 0; i < g->nr_written; i++) {
		const struct vmm_range *r = &g->written[i];

		if (r->exec &&
		    vmm_be_cache_range(g, r->ipa, r->size, VMM_CACHE_UNIFY_I, VMM_POU) != 0)
			return -1;
	}
	return 0;
}

bool cache_policy_walks_cached(uint64_t tcr)
{
	bool t0 = (tcr & VMM_TCR_EPD0) || (VMM_TCR_IRGN0(tcr) && VMM_TCR_ORGN0(tcr));
	bool t1 = (tcr & VMM_TCR_EPD1) || (VMM_TCR_IRGN1(tcr) && VMM_TCR_ORGN1(tcr));

	return t0 && t1;
}

int cache_policy_sctlr_write(struct vmm_guest *g, unsigned vcpu, uint64_t old_sctlr,
			     uint64_t new_sctlr)
{
	uint64_t hcr = g->vcpu[vcpu].hcr;
	bool was_cached = cache_policy_view_cached(hcr, old_sctlr);
	bool drops_dc = (hcr & VMM_HCR_DC) && (new_sctlr & VMM_SCTLR_M);
	bool now_cached;

	/* Xen's first DC patch: DC and TVM gone as soon as M is set, nothing flushed. */
	if (VMM_BROKEN(m_before_c) && (new_sctlr & VMM_SCTLR_M))
		return set_traps(g, vcpu, hcr & ~(VMM_HCR_DC | tracking_traps(g)));
	/* DC forces stage 1 off: it goes in the very write that turns the MMU on. */
	if (new_sctlr & VMM_SCTLR_M)
		hcr &= ~VMM_HCR_DC;
	now_cached = cache_policy_view_cached(hcr, new_sctlr);
	/*
	 * Caches fully on: nothing more to watch until a set/way operation.
	 * Otherwise keep watching, so the final M+C write (or a later M-before-C
	 * step, as FreeBSD does) is seen.
	 */
	if ((new_sctlr & VMM_SCTLR_M) && (new_sctlr & VMM_SCTLR_C))
		hcr &= ~tracking_traps(g);
	if (set_traps(g, vcpu, hcr) != 0)
		return -1;
	/*
	 * cached -> uncached: lines dirtied through the cached view (under DC,
	 * everything the guest wrote) must reach memory before uncached reads.
	 * uncached -> cached: lines filled before (speculatively, or through
	 * other aliases) must go before cached reads can hit them. Either way
	 * clean+invalidate to PoC.
	 *
	 * Leaving DC for M+C keeps the data view cached, but the guest's table
	 * walks take their cacheability from TCR_EL1, not from the data view:
	 * tables it wrote under DC (caches "off", so it saw no reason to clean
	 * them) may be dirty in a cache a Non-cacheable walker does not look in
	 * (seed 000; found by the cache model, docs/coherence.md). Under DC,
	 * TVM has trapped every TCR_EL1 write, so the kept value is current.
	 */
	if (was_cached != now_cached ||
	    (drops_dc && !VMM_BROKEN(nc_walks) &&
	     !cache_policy_walks_cached(g->vcpu[vcpu].tvm_regs[VMM_TCR_EL1])))
		return flush_ram(g, vcpu);
	return 0;
}

int cache_policy_set_way(struct vmm_guest *g, unsigned vcpu)
{
	struct vmm_vcpu *v = &g->vcpu[vcpu];

	v->setway_ops++;
	/*
	 * A set/way loop is thousands of operations; flushing RAM for each
	 * would be ruinous. The first one after the guest ran with caches on
	 * (TVM off) flushes once and re-arms TVM; the rest of the loop is then
	 * free, and the caches-off/on toggle such loops bracket is trapped and
	 * flushes again (cache_policy_sctlr_write).
	 */
	if (v->hcr & VMM_HCR_TVM)
		return 0;
	if (set_traps(g, vcpu, v->hcr | tracking_traps(g)) != 0)
		return -1;
	return flush_ram(g, vcpu);
}

int cache_policy_guest_reset(struct vmm_guest *g)
{
	g->started = false;
	g->nr_written = 0;
	return vmm_be_cache_range(g, g->ram_base, g->ram_size, VMM_CACHE_CLEAN_INVALIDATE, VMM_POC);
}
