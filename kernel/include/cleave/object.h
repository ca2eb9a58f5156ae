/*
 * What is common to all kernel objects: their sizes, how retype makes them
 * and how they go when their last capability does. The per-type work lives
 * in each object's module (cnode.c, tcb.c, endpoint.c, ...); this is the
 * switch in front of them.
 */
#ifndef CLEAVE_OBJECT_H
#define CLEAVE_OBJECT_H

#include <cleave/cap.h>

/*
 * Containers whose slots must be emptied when they are destroyed (CNodes,
 * threads). Destruction queues them here instead of recursing.
 */
struct pending {
	struct pending *next;
	struct cte *slots;
	unsigned count;
	unsigned pos;
};

/* log2 of the size of an object of this type, or -1 if retype cannot make it. */
int obj_size_bits(unsigned obj_type, unsigned size_bits);
/* Makes a new object in zeroed memory (device memory is not zeroed) and returns its cap. */
struct cap obj_create(unsigned obj_type, uintptr_t mem, unsigned size_bits, bool device);
/* A capability is being deleted (any, not only the last): per-cap clean-up such as unmapping. */
void obj_cap_deleted(struct cte *c);
/* The object's last capability is gone. */
void obj_destroy(const struct cap *cap);
/* Queue a container's slots for deletion; obj_next_pending() hands them out. */
void obj_queue_slots(struct pending *p, struct cte *slots, unsigned count);
struct cte *obj_next_pending(void);

#endif
