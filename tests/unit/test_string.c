/*
 * The kernel's memcpy and memset (kernel/src/string.c, also the native
 * components'): word loops when the addresses allow, bytes otherwise. Every
 * alignment of source and destination, every length around the word and
 * 32-byte steps, checked against a byte-by-byte reference, with guard bytes
 * on both sides that must stay untouched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

void *kstr_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *kstr_memset(void *s, int c, size_t n);

#define AREA 256
#define GUARD 0xa5

static uint8_t src[AREA], dst[AREA], want[AREA];

static void fill_source(void)
{
	for (unsigned i = 0; i < AREA; i++)
		src[i] = (uint8_t)(i * 7 + 3);
}

static void copies_every_alignment_and_length(void **state)
{
	(void)state;
	fill_source();
	for (unsigned so = 0; so < 16; so++) {
		for (unsigned doff = 0; doff < 16; doff++) {
			for (unsigned n = 0; n <= 100; n++) {
				memset(dst, GUARD, AREA);
				memset(want, GUARD, AREA);
				for (unsigned i = 0; i < n; i++)
					want[doff + i] = src[so + i];
				assert_ptr_equal(kstr_memcpy(dst + doff, src + so, n), dst + doff);
				assert_memory_equal(dst, want, AREA);
			}
		}
	}
}

static void sets_every_alignment_and_length(void **state)
{
	(void)state;
	for (unsigned off = 0; off < 16; off++) {
		for (unsigned n = 0; n <= 100; n++) {
			for (int c = 0; c < 0x200;
			     c += 0xa7) { /* 0, 0xa7, 0x14e (only its low byte) */
				memset(dst, GUARD, AREA);
				memset(want, GUARD, AREA);
				for (unsigned i = 0; i < n; i++)
					want[off + i] = (uint8_t)c;
				assert_ptr_equal(kstr_memset(dst + off, c, n), dst + off);
				assert_memory_equal(dst, want, AREA);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copies_every_alignment_and_length),
		cmocka_unit_test(sets_every_alignment_and_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
