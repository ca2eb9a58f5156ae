/*
 * Untyped memory and retype. Objects are cut from the region in order, each
 * aligned to its own size, from a watermark kept in the untyped capability
 * (cap.data, bytes used). Memory comes back only when every object made from
 * the region is gone: then the watermark returns to 0 (cap.c), as in seL4.
 * Accounting is exact: the watermark never passes the region's end and
 * objects never overlap.
 */
#include <cleave/cnode.h>
#include <cleave/invocation.h>
#include <cleave/kobjects.h>

#define RETYPE_MAX_COUNT 256

struct retype {
	unsigned type;
	unsigned obj_bits;
	uint64_t offset;
	uint64_t count;
	struct cte *dest; /* the first of count consecutive empty slots */
};

static unsigned check_slots(const struct invocation *inv, struct retype *r)
{
	uint64_t first = inv->args[CL_ARG_UNTYPED_RETYPE_DEST];
	unsigned err;

	if (first + r->count < first)
		return CL_INVALID_ARG;
	for (uint64_t i = 0; i < r->count; i++) {
		struct cte *slot;

		if ((err = lookup_empty(inv->root, first + i, &slot)) != CL_OK)
			return err;
		if (i == 0)
			r->dest = slot;
	}
	return CL_OK;
}

static unsigned decode(const struct invocation *inv, struct retype *r)
{
	const struct cap *ut = &inv->target->cap;
	uint64_t type = inv->args[CL_ARG_UNTYPED_RETYPE_TYPE];
	uint64_t size_bits = inv->args[CL_ARG_UNTYPED_RETYPE_SIZE_BITS];
	uint64_t region = 1ULL << ut->size_bits;
	int bits;

	r->count = inv->args[CL_ARG_UNTYPED_RETYPE_COUNT];
	if (type >= CL_NUM_OBJ_TYPES || size_bits > 63 || r->count == 0 ||
	    r->count > RETYPE_MAX_COUNT)
		return CL_INVALID_ARG;
	bits = obj_size_bits((unsigned)type, (unsigned)size_bits);
	if (bits < 0)
		return CL_INVALID_ARG;
	/* Device memory only becomes frames (or smaller device untyped): never kernel objects. */
	if ((ut->flags & CAP_FLAG_DEVICE) && type != CL_OBJ_FRAME && type != CL_OBJ_UNTYPED)
		return CL_ILLEGAL;
	/* VMIDs are a resource too: every address space takes one when it is made. */
	if (type == CL_OBJ_ASPACE && r->count > aspace_vmids_free())
		return CL_NO_MEMORY;
	r->type = (unsigned)type;
	r->obj_bits = (unsigned)bits;
	if (r->obj_bits > ut->size_bits)
		return CL_NO_MEMORY;
	r->offset = ALIGN_UP(ut->data, 1ULL << r->obj_bits);
	if (r->offset > region || r->count > (region - r->offset) >> r->obj_bits)
		return CL_NO_MEMORY;
	return check_slots(inv, r);
}

unsigned untyped_invoke(struct invocation *inv)
{
	struct cte *ut = inv->target;
	struct retype r;
	unsigned err;
	bool device = (ut->cap.flags & CAP_FLAG_DEVICE) != 0;

	if (inv->label != CL_LABEL_UNTYPED_RETYPE)
		return CL_UNKNOWN_LABEL;
	if ((err = decode(inv, &r)) != CL_OK)
		return err;
	for (uint64_t i = 0; i < r.count; i++) {
		uintptr_t mem = ut->cap.obj + (uintptr_t)(r.offset + (i << r.obj_bits));
		struct cap cap = obj_create(r.type, mem, r.obj_bits, device);

		cte_insert(ut, r.dest + i, &cap);
	}
	ut->cap.data = r.offset + (r.count << r.obj_bits);
	return CL_OK;
}
