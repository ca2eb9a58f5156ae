/* CNode objects and their invocations: copy, mint, move, delete, revoke (see cnode.h). */
#include <cleave/cnode.h>
#include <cleave/invocation.h>

void cnode_init(uintptr_t mem)
{
	(void)mem; /* zeroed memory is an empty CNode */
}

void cnode_destroy(const struct cap *cap)
{
	struct cnode_header *h = (struct cnode_header *)cap->obj;

	obj_queue_slots(&h->pending, cnode_slots(cap) + 1, (unsigned)cnode_nslots(cap) - 1);
}

/* Which capabilities may be copied, and which may carry a badge. */
static bool copyable(const struct cap *c)
{
	return c->type !=
	       CAP_UNTYPED; /* untyped memory has one owner: its watermark lives in the cap */
}

static bool badgeable(const struct cap *c)
{
	return c->type == CAP_ENDPOINT || c->type == CAP_NOTIFICATION;
}

struct derive {
	struct cte *dest;
	struct cte *src;
	struct cap cap;
};

/* Decode half of copy and mint: src in the caller's CNode, dest in the invoked one. */
static unsigned decode_derive(struct invocation *inv, bool mint, struct derive *d)
{
	const struct cte *cn = inv->target;
	uint64_t rights = inv->args[CL_ARG_CNODE_COPY_RIGHTS];
	unsigned err;

	if ((err = lookup_cap(inv->root, inv->args[CL_ARG_CNODE_COPY_SRC], &d->src)) != CL_OK)
		return err;
	if ((err = lookup_empty(cn, inv->args[CL_ARG_CNODE_COPY_DEST], &d->dest)) != CL_OK)
		return err;
	if ((rights & ~(uint64_t)CL_RIGHTS_ALL) != 0)
		return CL_INVALID_ARG;
	if (!copyable(&d->src->cap))
		return CL_ILLEGAL;
	d->cap = d->src->cap;
	d->cap.rights = (uint8_t)(d->cap.rights & rights);
	d->cap.map = 0; /* a frame's copy starts unmapped */
	if (mint) {
		uint64_t badge = inv->args[CL_ARG_CNODE_MINT_BADGE];

		if (badge != 0 && (!badgeable(&d->src->cap) || d->src->cap.data != 0))
			return CL_ILLEGAL;
		if (badge != 0)
			d->cap.data = badge;
	}
	return CL_OK;
}

static unsigned do_derive(struct invocation *inv, bool mint)
{
	struct derive d;
	unsigned err = decode_derive(inv, mint, &d);

	if (err != CL_OK)
		return err;
	cte_insert(d.src, d.dest, &d.cap);
	return CL_OK;
}

static unsigned do_move(struct invocation *inv)
{
	struct cte *src;
	struct cte *dest;
	unsigned err;

	if ((err = lookup_cap(inv->root, inv->args[CL_ARG_CNODE_MOVE_SRC], &src)) != CL_OK)
		return err;
	if ((err = lookup_empty(inv->target, inv->args[CL_ARG_CNODE_MOVE_DEST], &dest)) != CL_OK)
		return err;
	cte_move(dest, src);
	return CL_OK;
}

static unsigned do_delete(struct invocation *inv, bool revoke)
{
	struct cte *c;
	uint64_t index = inv->args[CL_ARG_CNODE_DELETE_SLOT];
	unsigned err;

	if (index == 0 || index >= cnode_nslots(&inv->target->cap))
		return CL_INVALID_ARG;
	if ((err = lookup_cap(inv->target, index, &c)) != CL_OK)
		return err;
	if (revoke)
		cap_revoke(c);
	else
		cap_delete(c);
	return CL_OK;
}

/*
 * What a slot holds, for the loader's debug dump (docs/system-language.md, "The
 * loader"): read straight from the CNode, so a test comparing the dump with the
 * specification checks the kernel's state, not the loader's bookkeeping.
 */
static unsigned do_identify(struct invocation *inv)
{
	uint64_t index = inv->args[CL_ARG_CNODE_IDENTIFY_SLOT];
	struct cte *c;
	unsigned err;

	if (index == 0 || index >= cnode_nslots(&inv->target->cap))
		return CL_INVALID_ARG;
	if ((err = lookup_cap(inv->target, index, &c)) != CL_OK)
		return err;
	inv->results[0] = (uint64_t)c->cap.type - 1; /* enum cap_type is CL_OBJ_* + 1 */
	inv->results[1] = (uint64_t)c->cap.rights | ((uint64_t)c->cap.size_bits << 16);
	inv->results[2] = c->cap.type == CAP_ENDPOINT || c->cap.type == CAP_NOTIFICATION ||
					  c->cap.type == CAP_IRQ_HANDLER
				  ? c->cap.data
				  : 0;
	inv->results[3] = c->cap.obj;
	inv->nresults = 4;
	return CL_OK;
}

unsigned cnode_invoke(struct invocation *inv)
{
	switch (inv->label) {
	case CL_LABEL_CNODE_COPY:
		return do_derive(inv, false);
	case CL_LABEL_CNODE_MINT:
		return do_derive(inv, true);
	case CL_LABEL_CNODE_MOVE:
		return do_move(inv);
	case CL_LABEL_CNODE_DELETE:
		return do_delete(inv, false);
	case CL_LABEL_CNODE_REVOKE:
		return do_delete(inv, true);
	case CL_LABEL_CNODE_IDENTIFY:
		return do_identify(inv);
	default:
		return CL_UNKNOWN_LABEL;
	}
}
