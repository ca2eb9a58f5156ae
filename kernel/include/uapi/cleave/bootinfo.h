/*
 * What the kernel tells the root component at start (shared with user
 * level). The root component starts with x0 = CL_BOOTINFO_VADDR, where this
 * structure is mapped read-only, and the capabilities below in its CNode.
 */
#ifndef CLEAVE_UAPI_BOOTINFO_H
#define CLEAVE_UAPI_BOOTINFO_H

#include <stdint.h>

#define CL_BOOTINFO_MAGIC 0x4f464e49424c43ULL /* "CLBINFO" */
#define CL_BOOTINFO_VADDR 0x10000000ULL
#define CL_ROOT_STACK_TOP CL_BOOTINFO_VADDR
#define CL_ROOT_STACK_PAGES 16
#define CL_BOOTINFO_MAX_UNTYPED 160
#define CL_MODULE_VADDR 0x20000000ULL /* where the image payload is mapped, read-only */
#define CL_MODULE_MAX (256ULL << 20)

/* Fixed slots of the root component's CNode. */
enum {
	CL_SLOT_CNODE = 1,	   /* the root CNode itself */
	CL_SLOT_TCB = 2,	   /* the root thread */
	CL_SLOT_ASPACE = 3,	   /* the root address space */
	CL_SLOT_IRQ_CONTROL = 4,   /* the authority to claim interrupt lines */
	CL_SLOT_CONSOLE = 5,	   /* the kernel's debug console */
	CL_SLOT_BOOTINFO = 6,	   /* the frame holding this structure */
	CL_SLOT_SCHED_CONTROL = 7, /* the authority over the time-partition schedule */
	CL_SLOT_FIRST_DYNAMIC = 8,
};

struct cl_untyped_desc {
	uint64_t paddr;
	uint8_t size_bits;
	uint8_t device;
	uint8_t pad[6];
};

struct cl_bootinfo {
	uint64_t magic;
	uint64_t cnode_slots;	  /* slots in the root CNode */
	uint64_t first_free_slot; /* the first empty slot after everything below */
	uint64_t image_first;	  /* frames of the root image, in address order */
	uint64_t image_count;
	uint64_t image_vaddr; /* where the first of them is mapped */
	uint64_t stack_first; /* the stack frames */
	uint64_t dtb_first;   /* read-only frames holding the device tree */
	uint64_t dtb_count;
	uint64_t dtb_paddr;
	uint64_t dtb_size;
	/*
	 * Frames of the image payload (cleave/image.h), in order from its start:
	 * 2 MiB frames while 2 MiB or more remain, then 4 KiB frames. Mapped
	 * read-only into the root; the capabilities carry read, write and exec.
	 */
	uint64_t module_first;
	uint64_t module_count; /* 0: the image has no payload */
	uint64_t module_paddr;
	uint64_t module_size;
	uint64_t aspaces_in_use; /* address spaces (VMIDs) made before this one started */
	uint64_t num_cpus;
	uint64_t timer_freq;
	uint64_t timer_hz;	/* kernel ticks per second: the unit of partition windows */
	uint64_t gic_version;	/* 2 or 3: the interrupt controller guests see virtualised */
	uint64_t gic_vcpu;	/* GICv2 virtual CPU interface (GICV) for guests, or 0; its
				   pages are device untyped below */
	uint64_t untyped_first; /* slot of untyped[0] */
	uint64_t untyped_count;
	struct cl_untyped_desc untyped[CL_BOOTINFO_MAX_UNTYPED];
};

#endif
