/*
 * The doorbells of a guest's emitted events (docs/vmm.md, "A guest's events and
 * dataports"): one 4 KiB page each, which the VMM emulates. A 32-bit store of any
 * value anywhere in the page rings it (the caller signals the event's
 * notification); a load reads 0; a store of another width is ignored, so that a
 * stray byte store does not ring.
 */
#ifndef VMM_DOORBELL_H
#define VMM_DOORBELL_H

#include <stdbool.h>
#include <stdint.h>

#define DOORBELL_MAX 8
#define DOORBELL_PAGE 0x1000ULL

struct doorbells {
	unsigned n;
	uint64_t ipa[DOORBELL_MAX]; /* page aligned */
};

enum doorbell_op {
	DOORBELL_NONE,	  /* no doorbell at the IPA */
	DOORBELL_READ,	  /* a load: reads 0 */
	DOORBELL_RING,	  /* a 32-bit store: signal the event */
	DOORBELL_IGNORED, /* a store of another width */
};

/* What an access of `size` bytes at `ipa` does; *event is the doorbell's number. */
enum doorbell_op doorbell_access(const struct doorbells *b, uint64_t ipa, bool write, unsigned size,
				 unsigned *event);

#endif
