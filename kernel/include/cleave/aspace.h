/* Address spaces as seen by frames and the scheduler (aspace.c). */
#ifndef CLEAVE_ASPACE_H
#define CLEAVE_ASPACE_H

#include <cleave/compiler.h>

/*
 * A mapping token names (VMID, generation, vaddr) in one word, so a frame
 * capability can find its address space and tell when it has been destroyed.
 */
uint64_t aspace_map_token(uintptr_t aspace, uint64_t vaddr);
/* The live address space of a token, or 0. */
uintptr_t aspace_of_token(uint64_t token);
static inline uint64_t aspace_token_vaddr(uint64_t token)
{
	return token & 0x7ffffff000ULL;
}

/* CL_OK if one page or block can be mapped at vaddr, else the error (changes nothing). */
unsigned aspace_check_map(uintptr_t aspace, uint64_t vaddr, uint64_t size);
void aspace_map(uintptr_t aspace, uint64_t vaddr, uint64_t pa, uint64_t size, uint64_t attrs);
void aspace_unmap(uintptr_t aspace, uint64_t vaddr, uint64_t size);
void aspace_remap(uintptr_t aspace, uint64_t vaddr, uint64_t size, uint64_t attrs);
/* The address space's VMID (the audit record names address spaces by it). */
unsigned aspace_vmid(uintptr_t aspace);
/*
 * A translation fault at vaddr on a mapping kept invalid until first touched
 * (lazy_zero.h): zeroes its frame if need be and makes the mapping valid; true when
 * it did, or another CPU's touch had (the access is to be tried again), false when
 * nothing is mapped there.
 */
bool aspace_touch(uintptr_t aspace, uint64_t vaddr);
/* The leaf entry mapping vaddr and the physical address it maps to, or NULL. */
uint64_t *aspace_leaf(uintptr_t aspace, uint64_t vaddr, uint64_t *pa);

#endif
