/*
 * kernel/src/string.c's memcpy, memmove and memset (word-wise when both ends
 * can be aligned, byte-wise otherwise) against byte-by-byte references, for
 * every alignment of each end in a word and pair, lengths around the word and
 * unrolled-loop sizes, and overlaps in both directions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

void *k_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *k_memmove(void *dst, const void *src, size_t n);
void *k_memset(void *s, int c, size_t n);

#define BUF 512
#define GUARD 32

static const size_t lengths[] = {0,  1,	 2,  7,	 8,  9,	  15,  16,  31,
				 32, 33, 63, 64, 65, 100, 255, 256, 300};

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 131 + 7);
}

static void fill(unsigned char *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = pattern(i + seed);
}

static void copies(void **state)
{
	unsigned char src[BUF], dst[BUF], want[BUF];

	(void)state;
	for (size_t so = 0; so < 16; so++)
		for (size_t d0 = 0; d0 < 16; d0++)
			for (size_t l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++) {
				size_t n = lengths[l];

				fill(src, BUF, 1);
				fill(dst, BUF, 2);
				fill(want, BUF, 2);
				for (size_t i = 0; i < n; i++)
					want[GUARD + d0 + i] = src[so + i];
				assert_ptr_equal(k_memcpy(dst + GUARD + d0, src + so, n),
						 dst + GUARD + d0);
				assert_memory_equal(dst, want, BUF);
			}
}

/* memmove within one buffer: destination before and after the source, overlapping. */
static void moves(void **state)
{
	unsigned char buf[BUF], want[BUF], tmp[BUF];

	(void)state;
	for (size_t so = 0; so < 24; so++)
		for (size_t d0 = 0; d0 < 24; d0++)
			for (size_t l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++) {
				size_t n = lengths[l], s = GUARD + so, d = GUARD + d0;

				fill(buf, BUF, 3);
				fill(want, BUF, 3);
				for (size_t i = 0; i < n; i++)
					tmp[i] = want[s + i];
				for (size_t i = 0; i < n; i++)
					want[d + i] = tmp[i];
				assert_ptr_equal(k_memmove(buf + d, buf + s, n), buf + d);
				assert_memory_equal(buf, want, BUF);
			}
}

static void sets(void **state)
{
	unsigned char buf[BUF], want[BUF];
	static const int values[] = {0, 0xa5, 0x1ff /* only the low byte counts */};

	(void)state;
	for (size_t o = 0; o < 16; o++)
		for (size_t l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++)
			for (size_t v = 0; v < 3; v++) {
				size_t n = lengths[l];

				fill(buf, BUF, 4);
				fill(want, BUF, 4);
				for (size_t i = 0; i < n; i++)
					want[GUARD + o + i] = (unsigned char)values[v];
				assert_ptr_equal(k_memset(buf + GUARD + o, values[v], n),
						 buf + GUARD + o);
				assert_memory_equal(buf, want, BUF);
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copies),
		cmocka_unit_test(moves),
		cmocka_unit_test(sets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
