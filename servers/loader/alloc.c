/*
 * Making the specification's objects from the untyped memory the kernel handed
 * over. Retype places an object at the untyped's watermark rounded up to the
 * object's size, so the loader keeps the same watermark to know what fits (the
 * kernel still checks: NO_MEMORY just means "try the next one"). Device frames
 * must land on their physical address: the untyped covering it is advanced
 * with padding frames up to that address first.
 */
#include <cleave/runtime.h>
#include <stdbool.h>

#include "loader.h"

static uint64_t object_bytes(const struct cl_spec_object *o)
{
	switch (o->type) {
	case CL_OBJ_TCB:
		return 1ULL << CL_OBJ_TCB_BITS;
	case CL_OBJ_ENDPOINT:
		return 1ULL << CL_OBJ_ENDPOINT_BITS;
	case CL_OBJ_NOTIFICATION:
		return 1ULL << CL_OBJ_NOTIFICATION_BITS;
	default:
		return 1ULL << o->size_bits;
	}
}

int alloc_order_bits(const struct cl_spec_object *o)
{
	return __builtin_ctzll(object_bytes(o));
}

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* The objects the kernel has once: the loader's own caps to them, from bootinfo. */
static cl_cptr_t singleton(uint8_t type)
{
	switch (type) {
	case CL_OBJ_CONSOLE:
		return CL_SLOT_CONSOLE;
	case CL_OBJ_IRQ_CONTROL:
		return CL_SLOT_IRQ_CONTROL;
	case CL_OBJ_SCHED_CONTROL:
		return CL_SLOT_SCHED_CONTROL;
	default:
		return 0;
	}
}

static void remember(struct loader *l, uint32_t i, cl_cptr_t slot)
{
	struct cl_result r = cl_cnode_identify(CL_SLOT_CNODE, slot);

	if (r.err != CL_OK)
		loader_fail("identify of %s failed (error %llu)", spec_object_name(&l->spec, i),
			    (unsigned long long)r.err);
	l->slot[i] = slot;
	l->paddr[i] = r.mr[3];
}

static void device_frame(struct loader *l, uint32_t i, cl_cptr_t slot)
{
	const struct cl_spec_object *o = &l->spec.objects[i];
	const struct cl_bootinfo *bi = l->bi;
	uint64_t size = 1ULL << o->size_bits;

	for (uint64_t u = 0; u < bi->untyped_count; u++) {
		const struct cl_untyped_desc *d = &bi->untyped[u];
		uint64_t base = d->paddr;
		uint64_t end = base + (1ULL << d->size_bits);

		if (!d->device || o->paddr < base || o->paddr + size > end)
			continue;
		if (o->paddr < base + l->used[u])
			loader_fail("device frame %s at %#llx: that memory is already handed out",
				    spec_object_name(&l->spec, i), (unsigned long long)o->paddr);
		/* Padding frames up to the address; deleted once the frame itself exists
		 * (deleting them earlier would reset the untyped's watermark to its base). */
		cl_cptr_t first_pad = l->next_slot;
		while (base + l->used[u] < o->paddr) {
			uint64_t at = base + l->used[u];
			uint8_t bits =
				(at % (2ULL << 20) == 0 && at + (2ULL << 20) <= o->paddr) ? 21 : 12;

			if (cl_untyped_retype(bi->untyped_first + u, CL_OBJ_FRAME, bits,
					      loader_slot(l), 1)
				    .err != CL_OK)
				loader_fail("padding before device frame %s failed",
					    spec_object_name(&l->spec, i));
			l->used[u] += 1ULL << bits;
		}
		cl_cptr_t last_pad = l->next_slot;
		struct cl_result r = cl_untyped_retype(bi->untyped_first + u, CL_OBJ_FRAME,
						       o->size_bits, slot, 1);
		if (r.err != CL_OK)
			loader_fail("device frame %s at %#llx: retype failed (error %llu)",
				    spec_object_name(&l->spec, i), (unsigned long long)o->paddr,
				    (unsigned long long)r.err);
		l->used[u] += size;
		for (cl_cptr_t s = first_pad; s < last_pad; s++)
			cl_cnode_delete(CL_SLOT_CNODE, s);
		remember(l, i, slot);
		return;
	}
	loader_fail("device frame %s at %#llx: no device memory there",
		    spec_object_name(&l->spec, i), (unsigned long long)o->paddr);
}

static void irq_handler(struct loader *l, uint32_t i, cl_cptr_t slot)
{
	const struct cl_spec_object *o = &l->spec.objects[i];
	struct cl_result r = cl_irq_control_get(CL_SLOT_IRQ_CONTROL, o->irq, slot);

	if (r.err != CL_OK)
		loader_fail("interrupt %u for %s: claim failed (error %llu)", o->irq,
			    spec_object_name(&l->spec, i), (unsigned long long)r.err);
	remember(l, i, slot);
}

/*
 * Which frames filled from a guest's file the payload's own 2 MiB frames can be
 * (docs/image.md, "In place"). A file every capability and mapping only reads (a
 * VMM's kernel or initrd) may share its payload frame with other readers: two guests
 * of one kernel map the same frames. A frame someone may write or execute (a guest's
 * RAM holding the kernel it runs in place) must be the only user of its payload
 * frame (payload_exclusive_writes); otherwise it is a copy of its own.
 */
void alloc_find_files_in_place(struct loader *l)
{
	const struct spec *s = &l->spec;
	static uint8_t filled[LOADER_MAX_OBJECTS];
	static uint32_t which[LOADER_MAX_OBJECTS];
	static int64_t module[LOADER_MAX_OBJECTS];
	static uint8_t written[LOADER_MAX_OBJECTS];
	uint32_t n = 0;

	for (uint32_t m = 0; m < s->h->n_mappings; m++)
		if (s->mappings[m].fill == CL_SPEC_FILL_PAYLOAD)
			filled[s->mappings[m].object] = 1;
	for (uint32_t m = 0; m < s->h->n_mappings; m++)
		if (s->mappings[m].rights & ~(uint32_t)CL_RIGHT_READ)
			l->file_written[s->mappings[m].object] = 1;
	for (uint32_t c = 0; c < s->h->n_caps; c++)
		if (s->caps[c].rights & ~(uint64_t)CL_RIGHT_READ)
			l->file_written[s->caps[c].object] = 1;
	for (uint32_t i = 0; i < s->h->n_objects; i++) {
		const struct cl_spec_object *o = &s->objects[i];

		if (!filled[i] || o->type != CL_OBJ_FRAME)
			continue;
		module[n] =
			payload_in_place(&l->pl, &l->pl.entries[o->irq], o->paddr, o->size_bits);
		if (module[n] >= (int64_t)l->bi->module_count)
			module[n] = -1;
		written[n] = l->file_written[i];
		which[n++] = i;
	}
	payload_exclusive_writes(module, written, n);
	for (uint32_t k = 0; k < n; k++)
		l->file_module[which[k]] = (uint16_t)(module[k] + 1);
}

/*
 * A guest's file frame as the payload's own frame: a copy of the module capability
 * the kernel gave (read-only for a file its VMM reads; with write and exec for the
 * RAM a guest runs its kernel in), no memory made, nothing to fill. A guest kernel is
 * then read, or run, from where QEMU loaded it, not copied first.
 */
static bool file_in_place(struct loader *l, uint32_t i, cl_cptr_t slot)
{
	const struct cl_spec_object *o = &l->spec.objects[i];
	uint64_t k = l->file_module[i];
	uint64_t rights =
		l->file_written[i] ? CL_RIGHT_READ | CL_RIGHT_WRITE | CL_RIGHT_EXEC : CL_RIGHT_READ;

	if (k == 0)
		return false;
	k--;
	struct cl_result r = cl_cnode_copy(CL_SLOT_CNODE, slot, l->bi->module_first + k, rights);

	if (r.err != CL_OK)
		loader_fail("%s: copy of the payload's frame %llu failed (error %llu)",
			    spec_object_name(&l->spec, i), (unsigned long long)k,
			    (unsigned long long)r.err);
	remember(l, i, slot);
	l->in_place[i] = 1;
	l->in_place_bytes += 1ULL << o->size_bits;
	return true;
}

void alloc_object(struct loader *l, uint32_t i)
{
	const struct cl_spec_object *o = &l->spec.objects[i];
	const struct cl_bootinfo *bi = l->bi;
	uint64_t bytes = object_bytes(o);
	cl_cptr_t slot;

	if (singleton(o->type) != 0) {
		remember(l, i, singleton(o->type));
		return;
	}
	/* GICv2's virtual CPU interface exists only when the platform runs GICv2. */
	if ((o->flags & CL_SPEC_OBJ_GICV2_ONLY) && bi->gic_version != 2)
		return;
	slot = loader_slot(l);
	if (o->type == CL_OBJ_IRQ_HANDLER) {
		irq_handler(l, i, slot);
		return;
	}
	if (o->flags & CL_SPEC_OBJ_DEVICE) {
		device_frame(l, i, slot);
		return;
	}
	if (file_in_place(l, i, slot))
		return;
	for (uint64_t u = 0; u < bi->untyped_count; u++) {
		uint64_t at = align_up(l->used[u], bytes);

		if (bi->untyped[u].device || at + bytes > 1ULL << bi->untyped[u].size_bits)
			continue;
		uint64_t bits = o->type == CL_OBJ_TCB || o->type == CL_OBJ_ENDPOINT ||
						o->type == CL_OBJ_NOTIFICATION
					? 0 /* fixed-size types take no size */
					: o->size_bits;
		struct cl_result r =
			cl_untyped_retype(bi->untyped_first + u, o->type, bits, slot, 1);
		if (r.err == CL_NO_MEMORY)
			continue;
		if (r.err != CL_OK)
			loader_fail("making %s (type %u, %u bits) failed (error %llu)",
				    spec_object_name(&l->spec, i), o->type, o->size_bits,
				    (unsigned long long)r.err);
		l->used[u] = at + bytes;
		l->made += bytes;
		remember(l, i, slot);
		return;
	}
	loader_fail("out of memory making %s (%llu bytes; %llu KiB made so far)",
		    spec_object_name(&l->spec, i), (unsigned long long)bytes,
		    (unsigned long long)(l->made >> 10));
}
