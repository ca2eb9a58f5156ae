/* Checking the image payload and its specification (see payload.h). */
#include "payload.h"

#include <cleave/abi.h>
#include <cleave/print.h>
#include <cleave/vmm_info.h>
#include <string.h>

/* A CNode slot is 64 bytes (idl/abi.yaml, cnode). */
#define CNODE_SLOT_BITS 6

#define FAIL(...)                                    \
	do {                                         \
		ksnprintf(err, errlen, __VA_ARGS__); \
		return -1;                           \
	} while (0)

uint32_t payload_checksum(const uint8_t *p, uint64_t n)
{
	/* Fletcher over 32-bit little-endian words (docs/image.md, tools/cleave/image.py). */
	uint32_t a = 0, b = 0, w;
	uint64_t i = 0;

	if (((uintptr_t)p & 7) == 0) {
		/*
		 * Eight words a turn, read as four doublewords: the loop's own compare
		 * and branch were more than half of its instructions (7 a word, 3 after),
		 * and under QEMU each load costs a TLB lookup, so one load per two words
		 * halves the part that dominates; over a Linux guest's 33 MiB before
		 * anything else starts. Little-endian: a doubleword's low half is the
		 * word at the lower address.
		 */
		for (; i + 32 <= n; i += 32) {
			const uint64_t *q = (const uint64_t *)(const void *)(p + i);
			uint64_t d0 = q[0], d1 = q[1], d2 = q[2], d3 = q[3];

			/* Written out: the compiler keeps a loop of k at -O2. */
			a += (uint32_t)d0;
			b += a;
			a += (uint32_t)(d0 >> 32);
			b += a;
			a += (uint32_t)d1;
			b += a;
			a += (uint32_t)(d1 >> 32);
			b += a;
			a += (uint32_t)d2;
			b += a;
			a += (uint32_t)(d2 >> 32);
			b += a;
			a += (uint32_t)d3;
			b += a;
			a += (uint32_t)(d3 >> 32);
			b += a;
		}
		for (; i + 4 <= n; i += 4) {
			w = *(const uint32_t *)(const void *)(p + i);
			a += w;
			b += a;
		}
	}
	for (; i < n; i += 4) {
		w = 0;
		for (unsigned k = 0; k < 4 && i + k < n; k++)
			w |= (uint32_t)p[i + k] << (8 * k);
		a += w;
		b += a;
	}
	return a ^ (b << 16 | b >> 16);
}

static int name_ok(const char *name)
{
	return memchr(name, '\0', CL_IMAGE_NAME_MAX) != NULL && name[0] != '\0';
}

int payload_open(struct payload *pl, const void *base, uint64_t size, char *err, size_t errlen)
{
	const struct cl_image_header *h = base;
	uint64_t table_end;

	if (size < sizeof(*h))
		FAIL("image payload: %llu bytes, shorter than its header",
		     (unsigned long long)size);
	if (h->magic != CL_IMAGE_MAGIC)
		FAIL("image payload: bad magic %#llx", (unsigned long long)h->magic);
	if (h->version != CL_IMAGE_VERSION)
		FAIL("image payload: version %u, this loader reads %u", h->version,
		     CL_IMAGE_VERSION);
	if (h->size < sizeof(*h) || h->size > size)
		FAIL("image payload: says %llu bytes, %llu are there", (unsigned long long)h->size,
		     (unsigned long long)size);
	table_end = sizeof(*h) + (uint64_t)h->count * sizeof(struct cl_image_entry);
	if (h->count == 0 || table_end > h->size)
		FAIL("image payload: %u entries do not fit its %llu bytes", h->count,
		     (unsigned long long)h->size);
	if (payload_checksum((const uint8_t *)base + 32, h->size - 32) != h->checksum)
		FAIL("image payload: checksum mismatch (the image is damaged)");
	pl->base = base;
	pl->size = h->size;
	pl->header = h;
	pl->entries = (const struct cl_image_entry *)(h + 1);
	pl->flags = h->flags;
	for (uint32_t i = 0; i < h->count; i++) {
		const struct cl_image_entry *e = &pl->entries[i];

		if (!name_ok(e->name))
			FAIL("image entry %u: name is empty or not terminated", i);
		if (e->offset % CL_IMAGE_ALIGN != 0 || e->offset < table_end ||
		    e->offset > h->size || e->size > h->size - e->offset)
			FAIL("image entry %u (%s): [%#llx, +%#llx) is outside the payload", i,
			     e->name, (unsigned long long)e->offset, (unsigned long long)e->size);
		if (e->kind < CL_IMAGE_SPEC || e->kind > CL_IMAGE_VMM_INFO)
			FAIL("image entry %u (%s): unknown kind %u", i, e->name, e->kind);
	}
	return 0;
}

const struct cl_image_entry *payload_find(const struct payload *pl, uint32_t kind)
{
	for (uint32_t i = 0; i < pl->header->count; i++)
		if (pl->entries[i].kind == kind)
			return &pl->entries[i];
	return NULL;
}

/*
 * Whether a frame of size_bits filled from entry e at offset (a guest's file the
 * VMM maps read-only) can be the payload's own frame instead of a copy: the
 * kernel hands the payload to the loader as 2 MiB frames while 2 MiB or more
 * remain (bootinfo.h, module_*), so a 2 MiB frame on a 2 MiB boundary that lies
 * wholly inside the payload is one of them. Past the entry's end the frame must
 * hold zeroes, as a copy would: the VMM must see its guest's file and nothing
 * else of the image. The index of that module frame, or -1: copy it.
 */
int64_t payload_in_place(const struct payload *pl, const struct cl_image_entry *e, uint64_t offset,
			 unsigned size_bits)
{
	const uint64_t large = 2ULL << 20;
	uint64_t at = e->offset + offset, end, last;

	if (size_bits != 21 || offset >= e->size || at % large != 0 || at + large > pl->size)
		return -1;
	end = at + large;
	last = e->offset + e->size;
	uint64_t b = last < end ? last : end;

	for (; b < end && b % 8 != 0; b++)
		if (pl->base[b] != 0)
			return -1;
	for (; b < end; b += 8) /* a word at a time: up to 2 MiB of padding */
		if (*(const uint64_t *)(pl->base + b) != 0)
			return -1;
	return (int64_t)(at / large);
}

void payload_exclusive_writes(int64_t *module, const uint8_t *written, uint32_t n)
{
	/* Decide from the claims as they stand before any is dropped: a dropped claim
	 * was still a second user of that frame's bytes in the payload. */
	for (uint32_t i = 0; i < n; i++) {
		if (!written[i] || module[i] < 0)
			continue;
		for (uint32_t j = 0; j < n; j++)
			if (j != i && (module[j] == module[i] || module[j] == -2 - module[i])) {
				module[i] = -2 - module[i]; /* dropped; -2 - k remembers k */
				break;
			}
	}
	for (uint32_t i = 0; i < n; i++)
		if (module[i] < -1)
			module[i] = -1;
}

/* A table of n records of size sz at offset off, inside the specification's size. */
static int table_ok(const struct cl_spec_header *h, uint32_t off, uint32_t n, uint32_t sz)
{
	return off >= sizeof(*h) && off % 4 == 0 && off <= h->size &&
	       (uint64_t)n * sz <= h->size - off;
}

/*
 * A frame filled from an image entry: the entry exists, is of the right kind, and
 * the frame's offset lies inside it (its last frame may hold less than a frame).
 */
static int check_fill(const struct spec *s, const struct payload *pl, const char *name,
		      const struct cl_spec_mapping *mp, char *err, size_t errlen)
{
	const struct cl_spec_object *o = &s->objects[mp->object];
	const struct cl_image_entry *e;

	if (mp->fill > CL_SPEC_FILL_VMM_INFO)
		FAIL("spec holder '%s': mapping of %s has unknown fill %u", name,
		     spec_object_name(s, mp->object), mp->fill);
	if (mp->fill != CL_SPEC_FILL_PAYLOAD && mp->fill != CL_SPEC_FILL_VMM_INFO)
		return 0;
	if (o->irq >= pl->header->count)
		FAIL("spec holder '%s': %s is filled from image entry %u of %u", name,
		     spec_object_name(s, mp->object), o->irq, pl->header->count);
	e = &pl->entries[o->irq];
	if (mp->fill == CL_SPEC_FILL_VMM_INFO &&
	    (e->kind != CL_IMAGE_VMM_INFO || e->size != sizeof(struct cl_vmm_info) ||
	     o->paddr != 0 || o->size_bits != 12))
		FAIL("spec holder '%s': its info page %s is not filled from a %llu-byte info "
		     "entry (%s)",
		     name, spec_object_name(s, mp->object),
		     (unsigned long long)sizeof(struct cl_vmm_info), e->name);
	if (mp->fill == CL_SPEC_FILL_PAYLOAD &&
	    ((e->kind != CL_IMAGE_GUEST_KERNEL && e->kind != CL_IMAGE_GUEST_INITRD) ||
	     o->paddr >= e->size))
		FAIL("spec holder '%s': %s is filled from offset %#llx of %s, which is no guest "
		     "kernel or initrd of that size",
		     name, spec_object_name(s, mp->object), (unsigned long long)o->paddr, e->name);
	return 0;
}

/* A guest: each vCPU (its caps of type vcpu) is bound to a thread, numbered in order. */
static int check_guest(const struct spec *s, const struct cl_spec_holder *hd, const char *name,
		       char *err, size_t errlen)
{
	uint32_t n = 0;

	if (s->objects[hd->tcb].type != CL_OBJ_VCPU)
		FAIL("spec holder '%s': a guest whose first vCPU is not a vCPU", name);
	for (uint32_t c = hd->first_cap; c < hd->first_cap + hd->n_caps; c++) {
		const struct cl_spec_object *o = &s->objects[s->caps[c].object];

		if (o->type != CL_OBJ_VCPU)
			continue;
		if (o->notification >= s->h->n_objects ||
		    s->objects[o->notification].type != CL_OBJ_TCB || o->irq != n)
			FAIL("spec holder '%s': vCPU %u is not bound to a thread of its own", name,
			     n);
		n++;
	}
	if (n == 0 || n > CL_VMM_MAX_VCPUS)
		FAIL("spec holder '%s': %u vCPUs; a guest has 1 to %u", name, n, CL_VMM_MAX_VCPUS);
	return 0;
}

static int check_holder(const struct spec *s, const struct payload *pl, uint32_t i, char *err,
			size_t errlen)
{
	const struct cl_spec_holder *hd = &s->holders[i];
	const struct cl_spec_header *h = s->h;
	const char *name;

	if (hd->name >= h->strings_size)
		FAIL("spec holder %u: name outside the string table", i);
	name = spec_str(s, hd->name);
	if (hd->kind < CL_SPEC_COMPONENT || hd->kind > CL_SPEC_LOADER)
		FAIL("spec holder '%s': unknown kind %u", name, hd->kind);
	if ((uint64_t)hd->first_cap + hd->n_caps > h->n_caps ||
	    (uint64_t)hd->first_mapping + hd->n_mappings > h->n_mappings)
		FAIL("spec holder '%s': its capabilities or mappings run past the tables", name);
	if (hd->kind == CL_SPEC_LOADER)
		return 0;
	if (hd->cnode >= h->n_objects || s->objects[hd->cnode].type != CL_OBJ_CNODE ||
	    hd->aspace >= h->n_objects || s->objects[hd->aspace].type != CL_OBJ_ASPACE ||
	    hd->tcb >= h->n_objects)
		FAIL("spec holder '%s': its CNode, thread or address space is not one", name);
	if (hd->cnode_slots < 2 ||
	    hd->cnode_slots != 1u << (s->objects[hd->cnode].size_bits - CNODE_SLOT_BITS))
		FAIL("spec holder '%s': %u slots do not match its CNode", name, hd->cnode_slots);
	if (hd->kind == CL_SPEC_COMPONENT &&
	    (hd->elf >= pl->header->count || pl->entries[hd->elf].kind != CL_IMAGE_ELF))
		FAIL("spec holder '%s': no program in the image", name);
	for (uint32_t c = hd->first_cap; c < hd->first_cap + hd->n_caps; c++) {
		const struct cl_spec_cap *cap = &s->caps[c];

		if (cap->slot == 0 || cap->slot >= hd->cnode_slots)
			FAIL("spec holder '%s': slot %u outside its %u-slot CNode", name, cap->slot,
			     hd->cnode_slots);
		if (cap->object >= h->n_objects)
			FAIL("spec holder '%s': slot %u names object %u of %u", name, cap->slot,
			     cap->object, h->n_objects);
		if ((cap->rights & ~(uint64_t)CL_RIGHTS_ALL) != 0)
			FAIL("spec holder '%s': slot %u has unknown rights %#llx", name, cap->slot,
			     (unsigned long long)cap->rights);
		for (uint32_t d = hd->first_cap; d < c; d++)
			if (s->caps[d].slot == cap->slot)
				FAIL("spec holder '%s': slot %u given twice", name, cap->slot);
	}
	for (uint32_t m = hd->first_mapping; m < hd->first_mapping + hd->n_mappings; m++) {
		const struct cl_spec_mapping *mp = &s->mappings[m];

		if (mp->object >= h->n_objects || s->objects[mp->object].type != CL_OBJ_FRAME)
			FAIL("spec holder '%s': mapping %u is not of a frame", name,
			     m - hd->first_mapping);
		if (mp->vaddr % (1ULL << s->objects[mp->object].size_bits) != 0)
			FAIL("spec holder '%s': mapping of %s at %#llx is misaligned", name,
			     spec_object_name(s, mp->object), (unsigned long long)mp->vaddr);
		if (check_fill(s, pl, name, mp, err, errlen) != 0)
			return -1;
	}
	if (hd->kind == CL_SPEC_GUEST)
		return check_guest(s, hd, name, err, errlen);
	return 0;
}

int spec_open(struct spec *s, const struct payload *pl, const void *data, uint64_t size, char *err,
	      size_t errlen)
{
	const struct cl_spec_header *h = data;
	const uint8_t *p = data;

	if (size < sizeof(*h))
		FAIL("specification: %llu bytes, shorter than its header",
		     (unsigned long long)size);
	if (h->magic != CL_SPEC_MAGIC)
		FAIL("specification: bad magic %#llx", (unsigned long long)h->magic);
	if (h->size != size)
		FAIL("specification: says %u bytes, the entry has %llu", h->size,
		     (unsigned long long)size);
	if (!table_ok(h, h->objects, h->n_objects, sizeof(struct cl_spec_object)) ||
	    !table_ok(h, h->holders, h->n_holders, sizeof(struct cl_spec_holder)) ||
	    !table_ok(h, h->caps, h->n_caps, sizeof(struct cl_spec_cap)) ||
	    !table_ok(h, h->mappings, h->n_mappings, sizeof(struct cl_spec_mapping)) ||
	    !table_ok(h, h->windows, h->n_windows, sizeof(struct cl_spec_window)) ||
	    !table_ok(h, h->strings, h->strings_size, 1))
		FAIL("specification: a table lies outside its %u bytes", h->size);
	if (h->strings_size == 0 || p[h->strings + h->strings_size - 1] != '\0' ||
	    h->name >= h->strings_size)
		FAIL("specification: the string table is not terminated");
	s->h = h;
	s->objects = (const void *)(p + h->objects);
	s->holders = (const void *)(p + h->holders);
	s->caps = (const void *)(p + h->caps);
	s->mappings = (const void *)(p + h->mappings);
	s->windows = (const void *)(p + h->windows);
	s->strings = (const char *)(p + h->strings);
	for (uint32_t i = 0; i < h->n_objects; i++) {
		const struct cl_spec_object *o = &s->objects[i];

		if (o->name >= h->strings_size)
			FAIL("spec object %u: name outside the string table", i);
		if (o->type > CL_OBJ_VCPU ||
		    (o->type == CL_OBJ_UNTYPED && (o->size_bits < 12 || o->size_bits > 40)))
			FAIL("spec object '%s': type %u is not one the loader makes",
			     spec_object_name(s, i), o->type);
		if (o->type == CL_OBJ_IRQ_HANDLER &&
		    (o->notification >= h->n_objects ||
		     s->objects[o->notification].type != CL_OBJ_NOTIFICATION))
			FAIL("spec object '%s': its notification is not an object",
			     spec_object_name(s, i));
	}
	for (uint32_t i = 0; i < h->n_holders; i++)
		if (check_holder(s, pl, i, err, errlen) != 0)
			return -1;
	for (uint32_t i = 0; i < h->n_windows; i++)
		if (s->windows[i].partition > 3 || s->windows[i].microseconds == 0)
			FAIL("specification: window %u (partition %u, %u us) is not valid", i,
			     s->windows[i].partition, s->windows[i].microseconds);
	return 0;
}
