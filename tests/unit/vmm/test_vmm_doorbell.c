/* The doorbells of a guest's emitted events (personalities/vmm/doorbell.c). */
#include <vmm/doorbell.h>

#include "vmm_test.h"

static const struct doorbells bells = {2, {0x20200000, 0x20201000}};

static void stores_of_32_bits_ring_their_own_doorbell(void **state)
{
	unsigned e = 99;

	(void)state;
	assert_int_equal(doorbell_access(&bells, 0x20200000, true, 4, &e), DOORBELL_RING);
	assert_int_equal(e, 0);
	/* Anywhere in the page; the second page is the second event's. */
	assert_int_equal(doorbell_access(&bells, 0x20200ffc, true, 4, &e), DOORBELL_RING);
	assert_int_equal(e, 0);
	assert_int_equal(doorbell_access(&bells, 0x20201000, true, 4, &e), DOORBELL_RING);
	assert_int_equal(e, 1);
}

static void loads_read_and_other_widths_do_not_ring(void **state)
{
	unsigned e = 99;

	(void)state;
	assert_int_equal(doorbell_access(&bells, 0x20201008, false, 4, &e), DOORBELL_READ);
	assert_int_equal(e, 1);
	for (unsigned size = 1; size <= 8; size *= 2)
		if (size != 4)
			assert_int_equal(doorbell_access(&bells, 0x20200000, true, size, &e),
					 DOORBELL_IGNORED);
}

static void outside_every_doorbell_is_none(void **state)
{
	static const struct doorbells none = {0, {0}};
	unsigned e = 99;

	(void)state;
	assert_int_equal(doorbell_access(&bells, 0x201ffffc, true, 4, &e), DOORBELL_NONE);
	assert_int_equal(doorbell_access(&bells, 0x20202000, true, 4, &e), DOORBELL_NONE);
	assert_int_equal(doorbell_access(&bells, 0, false, 4, &e), DOORBELL_NONE);
	assert_int_equal(doorbell_access(&none, 0x20200000, true, 4, &e), DOORBELL_NONE);
	assert_int_equal(e, 99);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stores_of_32_bits_ring_their_own_doorbell),
		cmocka_unit_test(loads_read_and_other_widths_do_not_ring),
		cmocka_unit_test(outside_every_doorbell_is_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
