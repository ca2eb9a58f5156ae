/*
 * Frames: pages of memory a component maps into an address space. Each
 * frame capability maps at most once (its map token); copies map
 * separately. Deleting a capability removes its mapping. Cache maintenance
 * on a frame goes through the kernel's 1:1 map of RAM.
 */
#include <arch/pgtable.h>
#include <cleave/arch.h>
#include <cleave/aspace.h>
#include <cleave/audit.h>
#include <cleave/invocation.h>
#include <cleave/kobjects.h>

struct map_args {
	uintptr_t aspace;
	uint64_t vaddr;
	uint64_t attrs;
};

static unsigned check_rights_attr(const struct cap *f, uint64_t rights, uint64_t attr,
				  uint64_t *attrs)
{
	if ((rights & ~(uint64_t)CL_RIGHTS_ALL) != 0 || attr > PT_MEM_DEVICE)
		return CL_INVALID_ARG;
	if ((rights & ~(uint64_t)f->rights) != 0)
		return CL_NO_RIGHT;
	/* Device memory must stay device memory: a cacheable alias of a device is never valid. */
	if ((f->flags & CAP_FLAG_DEVICE) && attr != PT_MEM_DEVICE)
		return CL_INVALID_ARG;
	*attrs = pt_s2_attrs((rights & CL_RIGHT_READ) != 0, (rights & CL_RIGHT_WRITE) != 0,
			     (rights & CL_RIGHT_EXEC) != 0, (enum pt_memattr)attr);
	return CL_OK;
}

static unsigned decode_map(const struct invocation *inv, struct map_args *m)
{
	const struct cap *f = &inv->target->cap;
	struct cte *as;
	unsigned err;

	if ((err = lookup_cap(inv->root, inv->args[CL_ARG_FRAME_MAP_ASPACE], &as)) != CL_OK)
		return err;
	if (as->cap.type != CAP_ASPACE)
		return CL_WRONG_TYPE;
	if ((as->cap.rights & CL_RIGHT_WRITE) == 0)
		return CL_NO_RIGHT;
	err = check_rights_attr(f, inv->args[CL_ARG_FRAME_MAP_RIGHTS],
				inv->args[CL_ARG_FRAME_MAP_ATTR], &m->attrs);
	if (err != CL_OK)
		return err;
	if (f->map != 0 && aspace_of_token(f->map) != 0)
		return CL_IN_USE;
	m->aspace = as->cap.obj;
	m->vaddr = inv->args[CL_ARG_FRAME_MAP_VADDR];
	return aspace_check_map(m->aspace, m->vaddr, 1ULL << f->size_bits);
}

static unsigned map(struct invocation *inv)
{
	struct cap *f = &inv->target->cap;
	struct map_args m;
	unsigned err = decode_map(inv, &m);

	if (err != CL_OK)
		return err;
	aspace_map(m.aspace, m.vaddr, f->obj, 1ULL << f->size_bits, m.attrs);
	f->map = aspace_map_token(m.aspace, m.vaddr);
	return CL_OK;
}

void frame_cap_deleted(struct cap *f)
{
	uintptr_t as = aspace_of_token(f->map);

	if (as != 0)
		aspace_unmap(as, aspace_token_vaddr(f->map), 1ULL << f->size_bits);
	f->map = 0;
}

static unsigned remap(struct invocation *inv)
{
	struct cap *f = &inv->target->cap;
	uintptr_t as = aspace_of_token(f->map);
	uint64_t attrs;
	unsigned err;

	if (as == 0)
		return CL_NOT_MAPPED;
	err = check_rights_attr(f, inv->args[CL_ARG_FRAME_REMAP_RIGHTS],
				inv->args[CL_ARG_FRAME_REMAP_ATTR], &attrs);
	if (err != CL_OK)
		return err;
	aspace_remap(as, aspace_token_vaddr(f->map), 1ULL << f->size_bits, attrs);
	return CL_OK;
}

static unsigned cache(struct invocation *inv)
{
	const struct cap *f = &inv->target->cap;
	uint64_t op = inv->args[CL_ARG_FRAME_CACHE_OP];
	uint64_t off = inv->args[CL_ARG_FRAME_CACHE_OFFSET];
	uint64_t size = inv->args[CL_ARG_FRAME_CACHE_SIZE];
	uint64_t frame = 1ULL << f->size_bits;

	if (op > CACHE_UNIFY || size == 0 || off >= frame || size > frame - off ||
	    (f->flags & CAP_FLAG_DEVICE))
		return CL_INVALID_ARG;
	/* Invalidating discards data: only for those who may write it. */
	if (op == CACHE_INVAL && (f->rights & CL_RIGHT_WRITE) == 0)
		return CL_NO_RIGHT;
	arch_cache_op((enum cache_op)op, f->obj + (uintptr_t)off, (size_t)size);
	audit_cache((unsigned)op, CL_AUDIT_SRC_FRAME, 0, f->obj + off, size, 0);
	return CL_OK;
}

/*
 * The caller's note that it wrote part of the frame (docs/coherence.md, "The
 * audit of real boots"): the kernel cannot see stores, so a loader or VMM
 * says where it wrote. The descriptor of the frame's own mapping, if any,
 * tells the replay whether the write was cacheable.
 */
static unsigned audit_write(struct invocation *inv)
{
	const struct cap *f = &inv->target->cap;
	uint64_t off = inv->args[CL_ARG_FRAME_AUDIT_WRITE_OFFSET];
	uint64_t size = inv->args[CL_ARG_FRAME_AUDIT_WRITE_SIZE];
	uint64_t frame = 1ULL << f->size_bits;

	if (size == 0 || off >= frame || size > frame - off)
		return CL_INVALID_ARG;
	if (!AUDIT_ENABLED)
		return CL_ILLEGAL;
#ifdef CLEAVE_AUDIT
	{
		uintptr_t as = aspace_of_token(f->map);
		uint64_t pa;
		uint64_t *e = as != 0 ? aspace_leaf(as, aspace_token_vaddr(f->map), &pa) : NULL;
		struct cl_audit_rec r = {.kind = CL_AUDIT_WRITE,
					 .cpu = (uint8_t)arch_cpu_index(),
					 .flags = CL_AUDIT_SRC_FRAME,
					 .a = f->obj + off,
					 .b = size,
					 .d = e != NULL ? *e & ~(PTE_ADDR_MASK | PTE_LAZY) : 0};

		audit_record(&r);
	}
#endif
	return CL_OK;
}

unsigned frame_invoke(struct invocation *inv)
{
	struct cap *f = &inv->target->cap;

	switch (inv->label) {
	case CL_LABEL_FRAME_MAP:
		return map(inv);
	case CL_LABEL_FRAME_UNMAP:
		if (aspace_of_token(f->map) == 0)
			return CL_NOT_MAPPED;
		frame_cap_deleted(f);
		return CL_OK;
	case CL_LABEL_FRAME_REMAP:
		return remap(inv);
	case CL_LABEL_FRAME_CACHE:
		return cache(inv);
	case CL_LABEL_FRAME_AUDIT_WRITE:
		return audit_write(inv);
	case CL_LABEL_FRAME_ADDRESS:
		inv->results[0] = f->obj;
		inv->nresults = 1;
		return CL_OK;
	default:
		return CL_UNKNOWN_LABEL;
	}
}
