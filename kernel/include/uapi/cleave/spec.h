/*
 * The capability specification as the loader reads it (docs/image.md): the binary
 * form of what idl/cleave_idl/spec.py builds, written by idl/cleave_idl/specbin.py
 * into the image entry of kind CL_IMAGE_SPEC. Tables of fixed-size records, indices
 * instead of pointers, names in a string table; all little-endian.
 */
#ifndef CLEAVE_UAPI_SPEC_H
#define CLEAVE_UAPI_SPEC_H

#include <stdint.h>

#define CL_SPEC_MAGIC 0x3130434550534c43ULL /* "CLSPEC01" */
#define CL_SPEC_NONE 0xffffffffu	    /* no object / no image entry */

enum cl_spec_holder_kind {
	CL_SPEC_COMPONENT = 1,
	CL_SPEC_GUEST = 2,
	CL_SPEC_LOADER = 3,
};

enum cl_spec_attr {
	CL_SPEC_NORMAL = 0,
	CL_SPEC_DEVICE = 2, /* as frame map's attr */
};

enum cl_spec_fill {
	CL_SPEC_FILL_NONE = 0,	   /* zeroed by retype */
	CL_SPEC_FILL_IMAGE = 1,	   /* the holder's program bytes at that address */
	CL_SPEC_FILL_BOOTINFO = 2, /* a struct cl_bootinfo describing the holder's untyped */
	CL_SPEC_FILL_PAYLOAD = 3,  /* bytes of an image entry (the object says which, where) */
	CL_SPEC_FILL_VMM_INFO = 4, /* a struct cl_vmm_info from an image entry, completed */
};

/* Objects the kernel has once (the loader gets them at boot; no retype). */
#define CL_SPEC_OBJ_DEVICE 0x1	   /* a frame over device memory at paddr */
#define CL_SPEC_OBJ_GICV2_ONLY 0x2 /* made only when the platform runs GICv2 (its GICV) */

struct cl_spec_header {
	uint64_t magic;
	uint32_t size; /* bytes of the whole specification */
	uint32_t n_objects;
	uint32_t n_holders;
	uint32_t n_caps;
	uint32_t n_mappings;
	uint32_t n_windows;
	uint32_t objects; /* byte offsets of each table from the header */
	uint32_t holders;
	uint32_t caps;
	uint32_t mappings;
	uint32_t windows;
	uint32_t strings;
	uint32_t strings_size;
	uint32_t name; /* the system's name (a string offset) */
};

struct cl_spec_object {
	uint32_t name; /* string offset */
	uint8_t type;  /* CL_OBJ_* */
	uint8_t size_bits;
	uint8_t flags; /* CL_SPEC_OBJ_* */
	uint8_t pad;
	/* irq_handler: its line; vcpu: its number in the guest (its exits carry badge
	 * number + 1); a frame filled from the image: the image entry. */
	uint32_t irq;
	/* irq_handler: the notification object it signals; vcpu: the thread object it
	 * is bound to. */
	uint32_t notification;
	/* device frames: the address; a frame filled from the image: the offset into the
	 * entry; irq_handler: the badge its signals carry (0: unbadged). */
	uint64_t paddr;
};

struct cl_spec_holder {
	uint32_t name;
	uint8_t kind; /* enum cl_spec_holder_kind */
	uint8_t priority;
	uint8_t cpu;
	uint8_t partition;
	uint32_t cnode; /* object indices; CL_SPEC_NONE for the loader */
	uint32_t cnode_slots;
	uint32_t tcb; /* a guest: its first vCPU */
	uint32_t aspace;
	uint32_t elf; /* the image entry of its program; CL_SPEC_NONE for none */
	uint32_t first_cap;
	uint32_t n_caps;
	uint32_t first_mapping;
	uint32_t n_mappings;
	uint32_t pad;
};

struct cl_spec_cap {
	uint32_t slot;
	uint32_t object;
	uint64_t rights; /* CL_RIGHT_* */
	uint64_t badge;	 /* 0: none */
};

struct cl_spec_mapping {
	uint32_t object;
	uint8_t rights;
	uint8_t attr; /* enum cl_spec_attr */
	uint8_t fill; /* enum cl_spec_fill: what the loader writes into the frame first */
	uint8_t pad;
	uint64_t vaddr; /* where it is mapped (a guest: the IPA) */
};

struct cl_spec_window {
	uint32_t partition;
	uint32_t microseconds;
};

_Static_assert(sizeof(struct cl_spec_header) == 64, "spec header layout");
_Static_assert(sizeof(struct cl_spec_object) == 24, "spec object layout");
_Static_assert(sizeof(struct cl_spec_holder) == 48, "spec holder layout");
_Static_assert(sizeof(struct cl_spec_cap) == 24, "spec cap layout");
_Static_assert(sizeof(struct cl_spec_mapping) == 16, "spec mapping layout");
_Static_assert(sizeof(struct cl_spec_window) == 8, "spec window layout");

#endif
