/*
 * Which guest-file frames the loader takes from the payload in place
 * (servers/loader/payload.c, payload_in_place): a 2 MiB frame on a 2 MiB
 * boundary inside the payload, zero past the file's end; anything else is
 * copied, so a VMM never sees bytes of the image that are not its guest's file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "payload.h"

#define MIB (1ULL << 20)
#define PAYLOAD (8 * MIB)

static uint8_t *bytes;
static struct payload pl;

static int setup(void **state)
{
	(void)state;
	bytes = calloc(1, PAYLOAD);
	assert_non_null(bytes);
	pl = (struct payload){.base = bytes, .size = PAYLOAD};
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(bytes);
	return 0;
}

/* A file of size bytes at offset, each byte nonzero. */
static struct cl_image_entry file(uint64_t offset, uint64_t size)
{
	struct cl_image_entry e = {.kind = CL_IMAGE_GUEST_KERNEL, .offset = offset, .size = size};

	memset(bytes + offset, 0xa5, size);
	return e;
}

static void test_aligned_frames_are_in_place(void **state)
{
	(void)state;
	struct cl_image_entry e = file(2 * MIB, 3 * MIB + 4096);

	assert_int_equal(payload_in_place(&pl, &e, 0, 21), 1);
	assert_int_equal(payload_in_place(&pl, &e, 2 * MIB, 21), 2);
}

static void test_small_frames_are_copied(void **state)
{
	(void)state;
	struct cl_image_entry e = file(2 * MIB, 3 * MIB);

	assert_int_equal(payload_in_place(&pl, &e, 0, 12), -1);
}

static void test_unaligned_file_is_copied(void **state)
{
	(void)state;
	struct cl_image_entry e = file(2 * MIB + 4096, 3 * MIB);

	assert_int_equal(payload_in_place(&pl, &e, 0, 21), -1);
	assert_int_equal(payload_in_place(&pl, &e, 2 * MIB, 21), -1);
}

static void test_other_bytes_past_the_end_are_copied(void **state)
{
	(void)state;
	struct cl_image_entry e = file(2 * MIB, 3 * MIB + 1);

	/* Another entry's byte in the last frame, one word past the file's end. */
	bytes[2 * MIB + 3 * MIB + 9] = 1;
	assert_int_equal(payload_in_place(&pl, &e, 0, 21), 1);
	assert_int_equal(payload_in_place(&pl, &e, 2 * MIB, 21), -1);
	bytes[2 * MIB + 3 * MIB + 9] = 0;
	/* And in the bytes before the first whole word. */
	bytes[2 * MIB + 3 * MIB + 3] = 1;
	assert_int_equal(payload_in_place(&pl, &e, 2 * MIB, 21), -1);
	bytes[2 * MIB + 3 * MIB + 3] = 0;
	assert_int_equal(payload_in_place(&pl, &e, 2 * MIB, 21), 2);
}

static void test_frame_past_the_payload_is_copied(void **state)
{
	(void)state;
	struct cl_image_entry e = file(6 * MIB, MIB);

	pl.size = 7 * MIB; /* the last 2 MiB of the payload are 4 KiB frames */
	assert_int_equal(payload_in_place(&pl, &e, 0, 21), -1);
	pl.size = PAYLOAD;
	assert_int_equal(payload_in_place(&pl, &e, 0, 21), 3);
}

static void test_offset_past_the_file_is_copied(void **state)
{
	(void)state;
	struct cl_image_entry e = file(2 * MIB, MIB);

	assert_int_equal(payload_in_place(&pl, &e, 2 * MIB, 21), -1);
}

/* A frame a guest writes (its RAM holding its kernel) is in place only as the sole user. */
static void test_written_frames_must_be_alone(void **state)
{
	(void)state;
	/* Readers share frame 1; a writer alone on frame 2 keeps it; -1 stays a copy. */
	int64_t module[] = {1, 1, 2, -1};
	const uint8_t written[] = {0, 0, 1, 1};

	payload_exclusive_writes(module, written, 4);
	assert_int_equal(module[0], 1);
	assert_int_equal(module[1], 1);
	assert_int_equal(module[2], 2);
	assert_int_equal(module[3], -1);

	/* A writer beside a reader of its frame: the writer copies, the reader stays. */
	int64_t shared[] = {3, 3};
	const uint8_t one_writes[] = {1, 0};

	payload_exclusive_writes(shared, one_writes, 2);
	assert_int_equal(shared[0], -1);
	assert_int_equal(shared[1], 3);

	/* Two writers of one frame (two guests of one kernel, both in place): both copy,
	 * the second as well although the first already gave the frame up. */
	int64_t both[] = {0, 0, 5};
	const uint8_t both_write[] = {1, 1, 1};

	payload_exclusive_writes(both, both_write, 3);
	assert_int_equal(both[0], -1);
	assert_int_equal(both[1], -1);
	assert_int_equal(both[2], 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_aligned_frames_are_in_place, setup, teardown),
		cmocka_unit_test_setup_teardown(test_small_frames_are_copied, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unaligned_file_is_copied, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_bytes_past_the_end_are_copied, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_frame_past_the_payload_is_copied, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_offset_past_the_file_is_copied, setup,
						teardown),
		cmocka_unit_test(test_written_frames_must_be_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
