/*
 * The derivation tree and deletion (see cap.h). The tree is kept with
 * parent, first-child and sibling links in each slot, so moving a capability
 * only rewrites its neighbours' links, and revoking walks the subtree.
 */
#include <cleave/cap.h>
#include <cleave/object.h>

/* Makes c the first child of parent (NULL: a root), keeping c's own children. */
static void link_child(struct cte *parent, struct cte *c)
{
	c->parent = parent;
	c->prev = NULL;
	c->next = NULL;
	if (parent == NULL)
		return;
	c->next = parent->child;
	if (parent->child != NULL)
		parent->child->prev = c;
	parent->child = c;
}

void cte_insert(struct cte *parent, struct cte *slot, const struct cap *cap)
{
	slot->cap = *cap;
	slot->child = NULL;
	link_child(parent, slot);
}

void cte_move(struct cte *dest, struct cte *src)
{
	*dest = *src;
	if (dest->prev != NULL)
		dest->prev->next = dest;
	else if (dest->parent != NULL)
		dest->parent->child = dest;
	if (dest->next != NULL)
		dest->next->prev = dest;
	for (struct cte *c = dest->child; c != NULL; c = c->next)
		c->parent = dest;
	*src = (struct cte){0};
}

bool cap_same_object(const struct cap *a, const struct cap *b)
{
	if (a->type != b->type || a->obj != b->obj)
		return false;
	if (a->type == CAP_IRQ_HANDLER)
		return a->data == b->data;
	if (a->type == CAP_UNTYPED)
		return a->size_bits == b->size_bits;
	return true;
}

bool cte_is_final(const struct cte *c)
{
	if (c->parent != NULL && cap_same_object(&c->parent->cap, &c->cap))
		return false;
	for (const struct cte *k = c->child; k != NULL; k = k->next) {
		if (cap_same_object(&k->cap, &c->cap))
			return false;
	}
	return true;
}

/* Takes c out of the tree; its children become its parent's. */
static void cte_unlink(struct cte *c)
{
	struct cte *p = c->parent;
	struct cte *k = c->child;

	if (c->prev != NULL)
		c->prev->next = c->next;
	else if (p != NULL)
		p->child = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	while (k != NULL) {
		struct cte *next = k->next;

		link_child(p, k);
		k = next;
	}
	/* An untyped region with no objects left is free again (seL4's reset). */
	if (p != NULL && p->cap.type == CAP_UNTYPED && p->child == NULL)
		p->cap.data = 0;
	*c = (struct cte){0};
}

static void delete_one(struct cte *c)
{
	struct cap cap = c->cap;
	bool final = cte_is_final(c);

	obj_cap_deleted(c);
	cte_unlink(c);
	if (final)
		obj_destroy(&cap);
}

void cap_delete(struct cte *c)
{
	struct cte *more;

	if (cte_empty(c))
		return;
	delete_one(c);
	/* Destroying objects queues further slots to empty (CNodes, threads). */
	while ((more = obj_next_pending()) != NULL)
		delete_one(more);
}

void cap_revoke(struct cte *c)
{
	while (c->child != NULL) {
		struct cte *leaf = c->child;

		while (leaf->child != NULL)
			leaf = leaf->child;
		cap_delete(leaf);
	}
}
