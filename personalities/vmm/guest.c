/* The guest record and the loader's writes into guest RAM (see guest.h). */
#include <string.h>

#include <vmm/backend.h>
#include <vmm/guest.h>

#define PAGE 4096ULL

int vmm_guest_init(struct vmm_guest *g, const char *name, uint64_t ram_base, uint64_t ram_size,
		   unsigned nr_vcpus, enum vmm_cache_policy policy, struct vmm_error *err)
{
	memset(g, 0, sizeof(*g));
	g->name = name;
	if (nr_vcpus == 0 || nr_vcpus > VMM_MAX_VCPUS)
		return vmm_fail(err, name, "%u vCPUs: a guest has 1 to %u", nr_vcpus,
				VMM_MAX_VCPUS);
	if (ram_size == 0 || ram_base + ram_size < ram_base)
		return vmm_fail(err, name, "guest RAM at %#llx of %#llx bytes is not a window",
				(unsigned long long)ram_base, (unsigned long long)ram_size);
	if (!IS_ALIGNED(ram_base, PAGE) || !IS_ALIGNED(ram_size, PAGE))
		return vmm_fail(err, name, "guest RAM at %#llx of %#llx bytes is not page aligned",
				(unsigned long long)ram_base, (unsigned long long)ram_size);
	g->ram_base = ram_base;
	g->ram_size = ram_size;
	g->nr_vcpus = nr_vcpus;
	g->policy = policy;
	return 0;
}

bool vmm_guest_ram_contains(const struct vmm_guest *g, uint64_t ipa, uint64_t size)
{
	if (size == 0 || ipa < g->ram_base)
		return false;
	return ipa - g->ram_base <= g->ram_size && size <= g->ram_size - (ipa - g->ram_base);
}

/* Merge r into the list when it touches or overlaps a range of the same kind. */
static bool merge(struct vmm_guest *g, struct vmm_range r)
{
	for (unsigned i = 0; i < g->nr_written; i++) {
		struct vmm_range *w = &g->written[i];
		uint64_t end = w->ipa + w->size;
		uint64_t rend = r.ipa + r.size;

		if (w->exec != r.exec || r.ipa > end || rend < w->ipa)
			continue;
		w->ipa = w->ipa < r.ipa ? w->ipa : r.ipa;
		w->size = (end > rend ? end : rend) - w->ipa;
		return true;
	}
	return false;
}

int vmm_guest_write(struct vmm_guest *g, uint64_t ipa, const void *src, size_t len, bool exec,
		    struct vmm_error *err)
{
	if (!vmm_guest_ram_contains(g, ipa, len))
		return vmm_fail(err, g->name, "write of %zu bytes at %#llx is outside guest RAM",
				len, (unsigned long long)ipa);
	if (vmm_be_write_guest(g, ipa, src, len) != 0)
		return vmm_fail(err, g->name, "writing %zu bytes at %#llx failed", len,
				(unsigned long long)ipa);
	return vmm_guest_loaded(g, ipa, len, exec, err);
}

int vmm_guest_loaded(struct vmm_guest *g, uint64_t ipa, size_t len, bool exec,
		     struct vmm_error *err)
{
	struct vmm_range r;

	if (!vmm_guest_ram_contains(g, ipa, len))
		return vmm_fail(err, g->name, "%zu bytes at %#llx are outside guest RAM", len,
				(unsigned long long)ipa);
	/* Cache maintenance works on whole lines; pages keep the list short. */
	r.ipa = ALIGN_DOWN(ipa, PAGE);
	r.size = ALIGN_UP(ipa + len, PAGE) - r.ipa;
	r.exec = exec;
	if (merge(g, r))
		return 0;
	if (g->nr_written == VMM_MAX_WRITTEN)
		return vmm_fail(err, g->name, "more than %u separate ranges written",
				VMM_MAX_WRITTEN);
	g->written[g->nr_written++] = r;
	return 0;
}
