/* The per-type switch for creating and destroying objects (see object.h). */
#include <cleave/arch.h>
#include <cleave/audit.h>
#include <cleave/cnode.h>
#include <cleave/object.h>
#include <cleave/kobjects.h>
#include <cleave/lazy_zero.h>
#include <cleave/vcpu.h>

#include <string.h>

#include <abi_tables.h>

static struct pending *pending_head;

int obj_size_bits(unsigned obj_type, unsigned size_bits)
{
	const struct abi_object *o;

	if (obj_type >= CL_NUM_OBJ_TYPES)
		return -1;
	o = &abi_objects[obj_type];
	if (o->fixed_bits != 0)
		return o->fixed_bits;
	if (o->max_bits == 0 || size_bits < o->min_bits || size_bits > o->max_bits)
		return -1; /* not made by retype, or outside the type's range */
	if (obj_type == CL_OBJ_FRAME && size_bits != 12 && size_bits != 21)
		return -1;
	return (int)size_bits;
}

struct cap obj_create(unsigned obj_type, uintptr_t mem, unsigned size_bits, bool device)
{
	struct cap cap = {
		.type = (uint8_t)(obj_type + 1),
		.rights = CL_RIGHTS_ALL,
		.size_bits = (uint8_t)size_bits,
		.flags = device ? CAP_FLAG_DEVICE : 0,
		.obj = mem,
	};

	/*
	 * Untyped children are zeroed when they become objects, not when they are cut.
	 * Every object is at least 64 bytes and aligned to its size: arch_zero's terms.
	 *
	 * The zeroes of a new frame would sit dirty in this CPU's cache: a guest
	 * reading it with its MMU off would see older memory, and their eviction
	 * could later overwrite what the guest wrote uncached. So they go to the
	 * Point of Coherency now, in the zeroing's own pass (Arm ARM D4.4.7;
	 * docs/vmm.md, "What the kernel must guarantee"; the audit finds this,
	 * docs/coherence.md).
	 */
	if (!device && obj_type != CL_OBJ_UNTYPED) {
		bool frame = obj_type == CL_OBJ_FRAME;

		/*
		 * A 2 MiB frame is zeroed and cleaned the same way at its first touch
		 * through a mapping instead, the only way anything reaches it
		 * (lazy_zero.h): most of a guest's RAM is never touched in its boot.
		 */
		if (!frame || !lazy_zero_defer(mem, size_bits)) {
			arch_zero(mem, (size_t)1 << size_bits, frame);
			audit_zero(obj_type, mem, 1ULL << size_bits);
			if (frame)
				audit_cache(CACHE_CLEAN, CL_AUDIT_SRC_KERNEL, 0, mem,
					    1ULL << size_bits, 0);
			lazy_zero_forget(mem, 1ULL << size_bits);
		}
	}
	switch (obj_type) {
	case CL_OBJ_CNODE:
		cnode_init(mem);
		break;
	case CL_OBJ_TCB:
		tcb_init((struct tcb *)mem);
		break;
	case CL_OBJ_ASPACE:
		aspace_init(mem, size_bits);
		break;
	case CL_OBJ_VCPU:
		vcpu_init((struct vcpu *)mem);
		break;
	default:
		break; /* zeroed memory is a valid endpoint, notification, frame or untyped */
	}
	return cap;
}

void obj_cap_deleted(struct cte *c)
{
	if (c->cap.type == CAP_FRAME)
		frame_cap_deleted(&c->cap);
}

void obj_destroy(const struct cap *cap)
{
	switch (cap->type) {
	case CAP_CNODE:
		cnode_destroy(cap);
		break;
	case CAP_TCB:
		tcb_destroy((struct tcb *)cap->obj);
		break;
	case CAP_ENDPOINT:
		endpoint_destroy((struct endpoint *)cap->obj);
		break;
	case CAP_NOTIFICATION:
		notification_destroy((struct notification *)cap->obj);
		break;
	case CAP_ASPACE:
		aspace_destroy(cap->obj);
		break;
	case CAP_IRQ_HANDLER:
		irq_release((unsigned)cap->data);
		break;
	case CAP_VCPU:
		vcpu_destroy((struct vcpu *)cap->obj);
		break;
	default:
		break; /* untyped, frames, irq control, console: nothing to undo */
	}
}

void obj_queue_slots(struct pending *p, struct cte *slots, unsigned count)
{
	p->slots = slots;
	p->count = count;
	p->pos = 0;
	p->next = pending_head;
	pending_head = p;
}

struct cte *obj_next_pending(void)
{
	while (pending_head != NULL) {
		struct pending *p = pending_head;

		while (p->pos < p->count) {
			struct cte *c = &p->slots[p->pos++];

			if (!cte_empty(c))
				return c;
		}
		pending_head = p->next;
	}
	return NULL;
}
