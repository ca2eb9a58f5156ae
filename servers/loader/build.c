/*
 * Filling each instance: its capabilities (minted from the loader's own, with
 * the specification's rights and badges), its mappings (each through a frame
 * capability that ends up in its own CNode, so the mapping outlives the
 * loader's caps), its program's bytes, and its thread.
 */
#include <cleave/runtime.h>
#include <cleave/spec.h>
#include <cleave/vcpu_abi.h>
#include <cleave/vmm_info.h>
#include <stdbool.h>
#include <string.h>

#include "loader.h"

/*
 * Where the loader maps a frame to write into it: above its own payload window; 2 MiB
 * frames elsewhere, since a block cannot go where 4 KiB pages left a table.
 */
#define SCRATCH_VADDR 0x38000000ULL
#define SCRATCH_LARGE_VADDR 0x3a000000ULL
#define PAGE 4096ULL

static const struct cl_spec_cap *cap_of(struct loader *l, const struct cl_spec_holder *hd,
					uint32_t object);

static const struct cl_spec_holder *holder(struct loader *l, uint32_t h)
{
	return &l->spec.holders[h];
}

static void check(struct cl_result r, const char *what, const char *who, const char *obj)
{
	if (r.err != CL_OK)
		loader_fail("%s: %s %s failed (error %llu)", who, what, obj,
			    (unsigned long long)r.err);
}

/* Copies the ELF's bytes that fall in [vaddr, vaddr + size) to dst (zero elsewhere). */
static void fill_from_elf(struct loader *l, const struct cl_image_entry *e, uint64_t vaddr,
			  uint64_t size, uint8_t *dst, const char *who)
{
	const uint8_t *elf = payload_data(&l->pl, e);
	uint64_t phoff;
	uint16_t phnum;

	memset(dst, 0, size);
	if (e->size < 64 || memcmp(elf, "\177ELF\2\1", 6) != 0)
		loader_fail("%s: its program %s is not a 64-bit little-endian ELF", who, e->name);
	memcpy(&phoff, elf + 32, 8);
	memcpy(&phnum, elf + 56, 2);
	if (phoff > e->size || (uint64_t)phnum * 56 > e->size - phoff)
		loader_fail("%s: program %s: program headers outside the file", who, e->name);
	for (uint16_t i = 0; i < phnum; i++) {
		const uint8_t *ph = elf + phoff + (uint64_t)i * 56;
		uint32_t type;
		uint64_t off, va, filesz;

		memcpy(&type, ph, 4);
		memcpy(&off, ph + 8, 8);
		memcpy(&va, ph + 16, 8);
		memcpy(&filesz, ph + 32, 8);
		if (type != 1 /* PT_LOAD */)
			continue;
		if (off > e->size || filesz > e->size - off)
			loader_fail("%s: program %s: segment %u outside the file", who, e->name, i);
		uint64_t lo = va > vaddr ? va : vaddr;
		uint64_t hi = va + filesz < vaddr + size ? va + filesz : vaddr + size;
		if (lo < hi)
			memcpy(dst + (lo - vaddr), elf + off + (lo - va), hi - lo);
	}
}

/*
 * The bootinfo page of a component given untyped memory: the same structure the
 * kernel gives the root component, describing the slots the specification gives
 * this component (its untyped capabilities, its image frames), so code written
 * for the root (the kernel test suite) runs as such a component unchanged.
 */
static void fill_bootinfo(struct loader *l, const struct cl_spec_holder *hd, struct cl_bootinfo *bi)
{
	const struct spec *s = &l->spec;
	uint32_t top = 0;

	*bi = (struct cl_bootinfo){.magic = CL_BOOTINFO_MAGIC,
				   .cnode_slots = hd->cnode_slots,
				   .num_cpus = l->bi->num_cpus,
				   .timer_freq = l->bi->timer_freq,
				   .timer_hz = l->bi->timer_hz,
				   .aspaces_in_use = l->bi->aspaces_in_use,
				   .gic_version = l->bi->gic_version};
	for (uint32_t i = 0; i < s->h->n_objects; i++)
		bi->aspaces_in_use += s->objects[i].type == CL_OBJ_ASPACE;
	for (uint32_t c = hd->first_cap; c < hd->first_cap + hd->n_caps; c++) {
		const struct cl_spec_cap *cap = &s->caps[c];
		const struct cl_spec_object *o = &s->objects[cap->object];

		top = cap->slot > top ? cap->slot : top;
		if (o->type != CL_OBJ_UNTYPED)
			continue;
		if (bi->untyped_count == 0)
			bi->untyped_first = cap->slot;
		if (bi->untyped_count == CL_BOOTINFO_MAX_UNTYPED ||
		    cap->slot != bi->untyped_first + bi->untyped_count)
			loader_fail("%s: its untyped capabilities are not in consecutive slots",
				    spec_str(s, hd->name));
		bi->untyped[bi->untyped_count++] = (struct cl_untyped_desc){
			.paddr = l->paddr[cap->object], .size_bits = o->size_bits};
	}
	for (uint32_t m = hd->first_mapping; m < hd->first_mapping + hd->n_mappings; m++) {
		const struct cl_spec_cap *cap = cap_of(l, hd, s->mappings[m].object);

		if (s->mappings[m].fill != CL_SPEC_FILL_IMAGE || cap == NULL)
			continue;
		if (bi->image_count == 0) {
			bi->image_first = cap->slot;
			bi->image_vaddr = s->mappings[m].vaddr;
		}
		bi->image_count++;
	}
	bi->first_free_slot = top + 1;
}

/*
 * A frame filled from an image entry (payload.c checked that its offset lies inside
 * the entry): the entry's bytes from that offset, zero past its end. An info page is
 * completed with what only this boot knows.
 */
static void fill_from_entry(struct loader *l, const struct cl_spec_mapping *m, uint64_t size,
			    uint8_t *dst)
{
	const struct cl_spec_object *o = &l->spec.objects[m->object];
	const struct cl_image_entry *e = &l->pl.entries[o->irq];
	uint64_t n = e->size - o->paddr < size ? e->size - o->paddr : size;

	memcpy(dst, payload_data(&l->pl, e) + o->paddr, n);
	memset(dst + n, 0, size - n);
	if (m->fill == CL_SPEC_FILL_VMM_INFO) {
		struct cl_vmm_info *info = (struct cl_vmm_info *)dst;

		info->gic_version = (uint32_t)l->bi->gic_version;
		info->num_cpus = (uint32_t)l->bi->num_cpus;
	}
}

/* Writes a frame's initial contents through a scratch mapping. */
static void fill_frame(struct loader *l, uint32_t h, const struct cl_spec_mapping *m)
{
	const struct cl_spec_holder *hd = holder(l, h);
	const char *who = spec_str(&l->spec, hd->name);
	cl_cptr_t frame = l->slot[m->object];
	uint64_t size = 1ULL << l->spec.objects[m->object].size_bits;

	uint64_t scratch = size > PAGE ? SCRATCH_LARGE_VADDR : SCRATCH_VADDR;

	check(cl_frame_map(frame, CL_SLOT_ASPACE, scratch, CL_RIGHT_READ | CL_RIGHT_WRITE, 0),
	      "scratch map of", who, spec_object_name(&l->spec, m->object));
	if (m->fill == CL_SPEC_FILL_BOOTINFO)
		fill_bootinfo(l, hd, (struct cl_bootinfo *)scratch);
	else if (m->fill == CL_SPEC_FILL_PAYLOAD || m->fill == CL_SPEC_FILL_VMM_INFO)
		fill_from_entry(l, m, size, (uint8_t *)scratch);
	else
		fill_from_elf(l, &l->pl.entries[hd->elf], m->vaddr, size, (uint8_t *)scratch, who);
	check(cl_frame_unmap(frame), "scratch unmap of", who,
	      spec_object_name(&l->spec, m->object));
	/* The component fetches instructions from it: clean to PoU, invalidate the I-cache. */
	if (m->rights & CL_RIGHT_EXEC)
		check(cl_frame_cache(frame, 3, 0, size), "cache unify of", who,
		      spec_object_name(&l->spec, m->object));
}

static const struct cl_spec_cap *cap_of(struct loader *l, const struct cl_spec_holder *hd,
					uint32_t object)
{
	for (uint32_t c = hd->first_cap; c < hd->first_cap + hd->n_caps; c++)
		if (l->spec.caps[c].object == object)
			return &l->spec.caps[c];
	return NULL;
}

static bool has_bootinfo(struct loader *l, const struct cl_spec_holder *hd)
{
	for (uint32_t m = hd->first_mapping; m < hd->first_mapping + hd->n_mappings; m++)
		if (l->spec.mappings[m].fill == CL_SPEC_FILL_BOOTINFO)
			return true;
	return false;
}

/* The exits endpoint the guest holds for vCPU n: its endpoint capability badged n + 1. */
static const struct cl_spec_cap *exits_of(struct loader *l, const struct cl_spec_holder *hd,
					  uint32_t n)
{
	for (uint32_t c = hd->first_cap; c < hd->first_cap + hd->n_caps; c++) {
		const struct cl_spec_cap *cap = &l->spec.caps[c];

		if (l->spec.objects[cap->object].type == CL_OBJ_ENDPOINT && cap->badge == n + 1)
			return cap;
	}
	return NULL;
}

/*
 * A guest's vCPU threads: each runs in the guest's CNode and address space with the
 * guest's exits endpoint (badged with its vCPU's number + 1) as its fault endpoint,
 * bound to its vCPU, at the guest's priority, vCPU n on CPU n modulo the CPUs there
 * are. None is started: the guest's VMM loads the guest and starts vCPU 0.
 */
static void guest_threads(struct loader *l, const struct cl_spec_holder *hd, const char *who)
{
	for (uint32_t c = hd->first_cap; c < hd->first_cap + hd->n_caps; c++) {
		const struct cl_spec_object *o = &l->spec.objects[l->spec.caps[c].object];
		const struct cl_spec_cap *exits = exits_of(l, hd, o->irq);

		if (o->type != CL_OBJ_VCPU)
			continue;
		if (exits == NULL)
			loader_fail("%s: vCPU %u has no exits endpoint badged %u", who, o->irq,
				    o->irq + 1);
		cl_cptr_t tcb = l->slot[o->notification], fault = loader_slot(l);
		check(cl_cnode_mint(CL_SLOT_CNODE, fault, l->slot[exits->object], CL_RIGHT_WRITE,
				    exits->badge),
		      "mint of", who, "its exits endpoint");
		check(cl_tcb_configure(tcb, l->slot[hd->cnode], l->slot[hd->aspace], fault),
		      "configure of", who, "a vCPU thread");
		check(cl_cnode_delete(CL_SLOT_CNODE, fault), "delete of", who, "a fault endpoint");
		check(cl_vcpu_bind(l->slot[l->spec.caps[c].object], tcb), "bind of", who, "a vCPU");
		check(cl_tcb_set_priority(tcb, hd->priority), "priority of", who, "a vCPU thread");
		check(cl_tcb_set_affinity(tcb, o->irq % l->bi->num_cpus), "affinity of", who,
		      "a vCPU thread");
	}
}

void build_holder(struct loader *l, uint32_t h)
{
	const struct cl_spec_holder *hd = holder(l, h);
	const char *who = spec_str(&l->spec, hd->name);
	cl_cptr_t cnode = l->slot[hd->cnode];
	cl_cptr_t aspace = l->slot[hd->aspace];

	/* Mappings first: each frame cap is mapped here, then moved to its slot. */
	for (uint32_t i = hd->first_mapping; i < hd->first_mapping + hd->n_mappings; i++) {
		const struct cl_spec_mapping *m = &l->spec.mappings[i];
		const struct cl_spec_cap *c = cap_of(l, hd, m->object);

		if (!loader_has(l, m->object))
			continue; /* not in this boot (GICv2 only) */
		cl_cptr_t tmp = loader_slot(l);

		if (c == NULL)
			loader_fail("%s: mapping of %s has no capability in its CNode", who,
				    spec_object_name(&l->spec, m->object));
		if (m->fill != CL_SPEC_FILL_NONE && !l->in_place[m->object])
			fill_frame(l, h, m);
		check(cl_cnode_copy(CL_SLOT_CNODE, tmp, l->slot[m->object], c->rights), "copy of",
		      who, spec_object_name(&l->spec, m->object));
		check(cl_frame_map(tmp, aspace, m->vaddr, m->rights, m->attr), "map of", who,
		      spec_object_name(&l->spec, m->object));
		check(cl_cnode_move(cnode, c->slot, tmp), "move of", who,
		      spec_object_name(&l->spec, m->object));
	}
	/* Then every other capability, minted with its rights and badge. */
	for (uint32_t i = hd->first_cap; i < hd->first_cap + hd->n_caps; i++) {
		const struct cl_spec_cap *c = &l->spec.caps[i];
		const struct cl_spec_object *o = &l->spec.objects[c->object];

		if (o->type == CL_OBJ_FRAME || !loader_has(l, c->object))
			continue; /* placed with its mapping above, or not in this boot */
		if (o->type == CL_OBJ_UNTYPED) {
			/* Untyped memory has one owner (it cannot be copied): it moves. */
			check(cl_cnode_move(cnode, c->slot, l->slot[c->object]), "move of", who,
			      spec_object_name(&l->spec, c->object));
			continue;
		}
		check(cl_cnode_mint(cnode, c->slot, l->slot[c->object], c->rights, c->badge),
		      "mint of", who, spec_object_name(&l->spec, c->object));
	}
	if (hd->kind == CL_SPEC_GUEST)
		guest_threads(l, hd, who);
	if (hd->kind != CL_SPEC_COMPONENT)
		return;
	/* The thread: its CNode and address space, its entry, stack and place. */
	const uint8_t *elf = payload_data(&l->pl, &l->pl.entries[hd->elf]);
	uint64_t entry;
	cl_cptr_t tcb = l->slot[hd->tcb];

	memcpy(&entry, elf + 24, 8);
	check(cl_tcb_configure(tcb, cnode, aspace, 0), "configure of", who, "its thread");
	check(cl_tcb_write_regs(tcb, entry, CL_ROOT_STACK_TOP,
				has_bootinfo(l, hd) ? CL_BOOTINFO_VADDR : 0, 0),
	      "registers of", who, "its thread");
	check(cl_tcb_set_priority(tcb, hd->priority), "priority of", who, "its thread");
	if (hd->cpu >= l->bi->num_cpus)
		loader_fail("%s: wants CPU %u, but %llu CPUs are online (run with more CPUs)", who,
			    hd->cpu, (unsigned long long)l->bi->num_cpus);
	check(cl_tcb_set_affinity(tcb, hd->cpu), "affinity of", who, "its thread");
}

void start_all(struct loader *l)
{
	const struct spec *s = &l->spec;
	uint64_t w[3] = {0, 0, 0};

	if (s->h->n_windows > 6)
		loader_fail("the schedule has %u windows; the kernel takes at most 6",
			    s->h->n_windows);
	for (uint32_t i = 0; i < s->h->n_windows; i++) {
		uint64_t ticks = (uint64_t)s->windows[i].microseconds * l->bi->timer_hz / 1000000;

		if (ticks == 0)
			ticks = 1; /* shorter than a tick: one tick */
		if (ticks > 0xffffff)
			loader_fail("window %u: %u us is too long", i, s->windows[i].microseconds);
		w[i / 2] |= ((uint64_t)s->windows[i].partition << 24 | ticks) << (32 * (i % 2));
	}
	for (uint32_t h = 0; h < s->h->n_holders; h++) {
		const struct cl_spec_holder *hd = holder(l, h);

		if (hd->kind == CL_SPEC_COMPONENT && hd->partition != 0)
			check(cl_sched_control_set_partition(CL_SLOT_SCHED_CONTROL,
							     l->slot[hd->tcb], hd->partition),
			      "partition of", spec_str(s, hd->name), "its thread");
		if (hd->kind != CL_SPEC_GUEST || hd->partition == 0)
			continue;
		for (uint32_t c = hd->first_cap; c < hd->first_cap + hd->n_caps; c++) {
			const struct cl_spec_object *o = &s->objects[s->caps[c].object];

			if (o->type == CL_OBJ_VCPU)
				check(cl_sched_control_set_partition(CL_SLOT_SCHED_CONTROL,
								     l->slot[o->notification],
								     hd->partition),
				      "partition of", spec_str(s, hd->name), "a vCPU thread");
		}
	}
	if (s->h->n_windows != 0)
		check(cl_sched_control_set_schedule(CL_SLOT_SCHED_CONTROL, s->h->n_windows, w[0],
						    w[1], w[2]),
		      "setting", "the schedule", "");
	for (uint32_t h = 0; h < s->h->n_holders; h++) {
		const struct cl_spec_holder *hd = holder(l, h);

		if (hd->kind == CL_SPEC_COMPONENT)
			check(cl_tcb_resume(l->slot[hd->tcb]), "start of", spec_str(s, hd->name),
			      "its thread");
	}
}
