/*
 * 2 MiB frames zeroed at their first touch, not when they are made (docs/objects.md,
 * "Zero when first touched"). A guest's RAM is made of them, and a Linux guest
 * touches about a third of its 256 MiB by the time it reaches userspace: zeroing the
 * rest at creation was most of the time its VMM's system took before Linux ran.
 *
 * A deferred frame is mapped with invalid leaves marked PTE_LAZY (aspace.c), so the
 * first access through any mapping faults to the kernel, which zeroes the frame,
 * cleans it to the Point of Coherency, as creation would have, and makes the leaves
 * valid. Nothing can read the frame before that: its only ways in are mappings.
 */
#ifndef CLEAVE_LAZY_ZERO_H
#define CLEAVE_LAZY_ZERO_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Leaves a new frame of size_bits at pa for its first touch if it may be (2 MiB, in
 * the RAM the bits cover): true when it did, and the frame is not zeroed yet.
 */
bool lazy_zero_defer(uintptr_t pa, unsigned size_bits);
/* Forgets any deferral in [pa, pa + size): an object made there was zeroed at once. */
void lazy_zero_forget(uintptr_t pa, uint64_t size);
/* Whether the 2 MiB frame at pa is still to be zeroed. */
bool lazy_zero_pending(uintptr_t pa);
/* Zeroes and cleans to PoC the 2 MiB frame at pa if it is still to be zeroed. */
void lazy_zero_now(uintptr_t pa);

#endif
