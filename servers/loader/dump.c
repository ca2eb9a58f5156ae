/*
 * The debug dump: each holder's capability table, read back from the kernel
 * with cnode identify (not from the loader's own bookkeeping), one line per
 * capability. tools/cleave/capdump.py compares it with the specification.
 *
 *   CAP <holder> <slot> <type> <rights> <badge> <object>
 *
 * <object> is the specification's name of the object the capability refers
 * to, found by its physical address (or, for an IRQ handler, its line), or
 * "?" when it is none the loader made.
 */
#include <cleave/runtime.h>
#include <stdbool.h>

#include "loader.h"

static bool is_object(struct loader *l, uint32_t i, uint64_t type, uint64_t paddr, uint64_t badge)
{
	const struct cl_spec_object *o = &l->spec.objects[i];

	return loader_has(l, i) && o->type == type && l->paddr[i] == paddr &&
	       (type != CL_OBJ_IRQ_HANDLER || o->irq == badge);
}

/*
 * The holder's own objects first: a guest file's frame in place (alloc.c) is one
 * physical frame for every guest of that file, under a name per VMM.
 */
static const char *object_named(struct loader *l, const struct cl_spec_holder *hd, uint64_t type,
				uint64_t paddr, uint64_t badge)
{
	for (uint32_t c = hd->first_cap; c < hd->first_cap + hd->n_caps; c++)
		if (is_object(l, l->spec.caps[c].object, type, paddr, badge))
			return spec_object_name(&l->spec, l->spec.caps[c].object);
	for (uint32_t i = 0; i < l->spec.h->n_objects; i++)
		if (is_object(l, i, type, paddr, badge))
			return spec_object_name(&l->spec, i);
	return "?";
}

static void dump_cnode(struct loader *l, const struct cl_spec_holder *hd, cl_cptr_t cnode,
		       uint64_t slots)
{
	const char *who = spec_str(&l->spec, hd->name);

	for (uint64_t s = 1; s < slots; s++) {
		struct cl_result r = cl_cnode_identify(cnode, s);

		if (r.err == CL_INVALID_CAP)
			continue; /* empty */
		if (r.err != CL_OK)
			loader_fail("%s: identify of slot %llu failed (error %llu)", who,
				    (unsigned long long)s, (unsigned long long)r.err);
		uint64_t badge = r.mr[0] == CL_OBJ_IRQ_HANDLER ? 0 : r.mr[2];
		cl_printf("CAP %s %llu %llu %llu %llu %s\n", who, (unsigned long long)s,
			  (unsigned long long)r.mr[0], (unsigned long long)(r.mr[1] & 0xff),
			  (unsigned long long)badge,
			  object_named(l, hd, r.mr[0], r.mr[3], r.mr[2]));
	}
}

void dump_caps(struct loader *l, const char *when)
{
	/* The GIC version tells the reader which GICv2-only capabilities to expect. */
	cl_printf("CAPS BEGIN %s gic=%llu\n", when, (unsigned long long)l->bi->gic_version);
	for (uint32_t h = 0; h < l->spec.h->n_holders; h++) {
		const struct cl_spec_holder *hd = &l->spec.holders[h];

		/* The loader's own table is checked by drop_caps() instead. */
		if (hd->kind != CL_SPEC_LOADER)
			dump_cnode(l, hd, l->slot[hd->cnode], hd->cnode_slots);
	}
	cl_printf("CAPS END %s\n", when);
}
