/*
 * Capability tables. A CNode of 2^size_bits bytes is an array of 64-byte
 * slots; slot 0 holds the table's own header, so capability pointer 0 never
 * names a capability and can mean "none".
 */
#ifndef CLEAVE_CNODE_H
#define CLEAVE_CNODE_H

#include <cleave/object.h>

#define CTE_BITS 6

struct cnode_header {
	struct pending pending; /* used while the CNode is being destroyed */
};

static_assert(sizeof(struct cnode_header) <= sizeof(struct cte), "header fits slot 0");

static inline uint64_t cnode_nslots(const struct cap *cnode)
{
	return 1ULL << (cnode->size_bits - CTE_BITS);
}

static inline struct cte *cnode_slots(const struct cap *cnode)
{
	return (struct cte *)cnode->obj;
}

void cnode_init(uintptr_t mem);
void cnode_destroy(const struct cap *cap);

#endif
