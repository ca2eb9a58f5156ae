/*
 * Capability lookup. A thread's capability space is one CNode, its root:
 * a capability pointer is a slot index in it. (A guarded multi-level space
 * as in seL4 can come later without changing the invocations.)
 */
#include <cleave/cnode.h>
#include <cleave/invocation.h>

static struct cte *slot_of(const struct cte *root, uint64_t index)
{
	if (root == NULL || root->cap.type != CAP_CNODE || index == 0 ||
	    index >= cnode_nslots(&root->cap))
		return NULL;
	return &cnode_slots(&root->cap)[index];
}

unsigned lookup_cap(const struct cte *root, uint64_t cptr, struct cte **out)
{
	struct cte *c = slot_of(root, cptr);

	if (c == NULL || cte_empty(c))
		return CL_INVALID_CAP;
	*out = c;
	return CL_OK;
}

unsigned lookup_empty(const struct cte *root, uint64_t index, struct cte **out)
{
	struct cte *c = slot_of(root, index);

	if (c == NULL)
		return CL_INVALID_ARG;
	if (!cte_empty(c))
		return CL_SLOT_FULL;
	*out = c;
	return CL_OK;
}
