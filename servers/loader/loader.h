/*
 * The loader: the first user-level component of a system image. It reads the
 * capability specification from the image payload, makes every object in it
 * from untyped memory, fills every instance's CNode and address space, starts
 * the threads, and gives up its own capabilities (docs/image.md).
 */
#ifndef LOADER_H
#define LOADER_H

#include <cleave/bootinfo.h>
#include <cleave/syscalls.h>

#include "payload.h"

#define LOADER_MAX_OBJECTS 1536

struct loader {
	const struct cl_bootinfo *bi;
	struct payload pl;
	struct spec spec;
	cl_cptr_t next_slot;			/* the next free slot of the loader's CNode */
	cl_cptr_t slot[LOADER_MAX_OBJECTS];	/* where each object's first cap is */
	uint64_t paddr[LOADER_MAX_OBJECTS];	/* each object's identity (cnode identify) */
	uint64_t used[CL_BOOTINFO_MAX_UNTYPED]; /* bytes used of each untyped (watermark) */
	uint64_t made;				/* bytes of objects made */
	/*
	 * A frame filled from a guest's file that may be the payload's own frame: its
	 * index among bootinfo's module frames plus 1, 0 when it must be a copy; with
	 * file_written, one a guest writes (alloc_find_files_in_place).
	 */
	uint16_t file_module[LOADER_MAX_OBJECTS];
	uint8_t file_written[LOADER_MAX_OBJECTS];
	uint8_t in_place[LOADER_MAX_OBJECTS]; /* it does: nothing to fill (alloc.c) */
	uint64_t in_place_bytes;
};

/* Whether object i is made in this boot: GICv2-only objects are not on GICv3. */
static inline int loader_has(const struct loader *l, uint32_t i)
{
	return l->slot[i] != 0;
}

/* Prints "LOADER ERROR: ..." and stops the loader (nothing more is started). */
_Noreturn void loader_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A fresh slot of the loader's own CNode. */
cl_cptr_t loader_slot(struct loader *l);

/* The log2 size the allocator orders object o by (alloc.c). */
int alloc_order_bits(const struct cl_spec_object *o);
/* Picks the frames filled from a guest's file that the payload's own frames can be. */
void alloc_find_files_in_place(struct loader *l);
/* Makes object i of the specification (alloc.c). */
void alloc_object(struct loader *l, uint32_t i);

/* Fills holder h's CNode, address space and (components) program (build.c). */
void build_holder(struct loader *l, uint32_t h);
/* Sets the schedule and starts every thread (build.c). */
void start_all(struct loader *l);

/* Prints each holder's capability table as the kernel holds it (dump.c). */
void dump_caps(struct loader *l, const char *when);

/* Deletes every capability of the loader but its CNode, thread and address space. */
void drop_caps(struct loader *l);

#endif
