/*
 * Capabilities and the derivation tree. A capability table entry (cte)
 * holds one capability and its place in the tree: every capability made
 * from another (a copy, a mint, an object retyped from untyped memory) is a
 * child of it. All capabilities to one object form one subtree, so a
 * capability is the object's last ("final") exactly when neither its parent
 * nor any of its children names the same object.
 */
#ifndef CLEAVE_CAP_H
#define CLEAVE_CAP_H

#include <assert.h>

#include <cleave/abi.h>
#include <cleave/compiler.h>

/* Capability types: the ABI's object types, shifted up by one to make room for "empty". */
enum cap_type {
	CAP_NULL = 0,
	CAP_UNTYPED = CL_OBJ_UNTYPED + 1,
	CAP_CNODE = CL_OBJ_CNODE + 1,
	CAP_TCB = CL_OBJ_TCB + 1,
	CAP_ENDPOINT = CL_OBJ_ENDPOINT + 1,
	CAP_NOTIFICATION = CL_OBJ_NOTIFICATION + 1,
	CAP_ASPACE = CL_OBJ_ASPACE + 1,
	CAP_FRAME = CL_OBJ_FRAME + 1,
	CAP_IRQ_CONTROL = CL_OBJ_IRQ_CONTROL + 1,
	CAP_IRQ_HANDLER = CL_OBJ_IRQ_HANDLER + 1,
	CAP_CONSOLE = CL_OBJ_CONSOLE + 1,
	CAP_SCHED_CONTROL = CL_OBJ_SCHED_CONTROL + 1,
	CAP_VCPU = CL_OBJ_VCPU + 1,
};

#define CAP_FLAG_DEVICE \
	0x1 /* untyped or frame over device memory: never zeroed, never cacheable by default */

struct cap {
	uint8_t type;	   /* enum cap_type */
	uint8_t rights;	   /* CL_RIGHT_* */
	uint8_t size_bits; /* untyped, cnode, aspace, frame */
	uint8_t flags;	   /* CAP_FLAG_* */
	uint32_t pad;
	uintptr_t obj; /* the object's address; the kernel maps RAM 1:1, so also its PA */
	uint64_t data; /* untyped: bytes used; endpoint, notification: badge; irq handler: line */
	uint64_t map;  /* frame: its mapping (frame.c), 0 when unmapped */
};

struct cte {
	struct cap cap;
	struct cte *parent;
	struct cte *child; /* first child */
	struct cte *next;  /* siblings */
	struct cte *prev;
};

static_assert(sizeof(struct cap) == 32, "cap size is part of the CNode layout");
static_assert(sizeof(struct cte) == 64, "one CNode slot is 64 bytes");

static inline bool cte_empty(const struct cte *c)
{
	return c->cap.type == CAP_NULL;
}

/* Puts cap into the empty slot as the last child of parent (NULL: a root). */
void cte_insert(struct cte *parent, struct cte *slot, const struct cap *cap);
/* Moves src's capability and tree position into the empty slot dest. */
void cte_move(struct cte *dest, struct cte *src);
bool cte_is_final(const struct cte *c);
/* Whether two capabilities name the same object (for frames and IRQs: the same page or line). */
bool cap_same_object(const struct cap *a, const struct cap *b);

/*
 * Deletes one capability. Its children move up to its parent. When it was the
 * object's last capability the object is destroyed, which may delete further
 * capabilities (a CNode's slots, a thread's bindings); that runs as a loop,
 * not a recursion, so deeply nested CNodes cannot overflow the kernel stack.
 */
void cap_delete(struct cte *c);
/* Deletes every descendant of c (not c itself). */
void cap_revoke(struct cte *c);

#endif
