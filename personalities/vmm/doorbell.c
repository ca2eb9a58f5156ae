/* The doorbells of a guest's emitted events (doorbell.h). */
#include <vmm/doorbell.h>

enum doorbell_op doorbell_access(const struct doorbells *b, uint64_t ipa, bool write, unsigned size,
				 unsigned *event)
{
	for (unsigned e = 0; e < b->n && e < DOORBELL_MAX; e++) {
		if (ipa < b->ipa[e] || ipa - b->ipa[e] >= DOORBELL_PAGE)
			continue;
		*event = e;
		if (!write)
			return DOORBELL_READ;
		return size == 4 ? DOORBELL_RING : DOORBELL_IGNORED;
	}
	return DOORBELL_NONE;
}
