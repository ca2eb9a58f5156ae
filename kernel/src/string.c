/*
 * Freestanding string functions: the kernel's own, the EL0 runtime's (the
 * loader and the VMM), the test guests' and the ones Debian's static libfdt.a
 * (linked unchanged) expects from a C library. Most are byte loops: they run
 * before the MMU is on (and in guests with it off), where every access is to
 * Device memory and an unaligned one faults. memcpy, memmove and memset move
 * eight bytes at a time when both ends are 8-byte aligned (after a byte head
 * when they can be brought there together): aligned accesses are fine on
 * Device memory too, and the loader and the VMM copy and clear whole guest
 * kernels, where a byte loop costs minutes under QEMU's -icount
 * (docs/bench.md). The kernel is built with -fno-tree-loop-distribute-patterns
 * so these loops are not turned back into calls to themselves.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n != 0; n--, p++) {
		if (*p == (unsigned char)c)
			return (void *)p;
	}
	return NULL;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a;
	const unsigned char *y = b;

	for (; n != 0; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

/* A word that may alias any object (these functions move other types' bytes). */
typedef uint64_t __attribute__((may_alias)) word_t;

#define WORD 8U
#define WORD_MASK (WORD - 1)

static int both_aligned(const void *a, const void *b)
{
	return (((uintptr_t)a | (uintptr_t)b) & WORD_MASK) == 0;
}

/* Forwards, words when both ends can be aligned together; safe for memmove when d < s. */
static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	if ((((uintptr_t)d ^ (uintptr_t)s) & WORD_MASK) == 0) {
		for (; n != 0 && !both_aligned(d, s); n--)
			*d++ = *s++;
		for (; n >= 4 * WORD; n -= 4 * WORD, d += 4 * WORD, s += 4 * WORD) {
			word_t w0 = ((const word_t *)s)[0], w1 = ((const word_t *)s)[1];
			word_t w2 = ((const word_t *)s)[2], w3 = ((const word_t *)s)[3];

			((word_t *)d)[0] = w0;
			((word_t *)d)[1] = w1;
			((word_t *)d)[2] = w2;
			((word_t *)d)[3] = w3;
		}
		for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
			*(word_t *)d = *(const word_t *)s;
	}
	while (n--)
		*d++ = *s++;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d < s) {
		copy_forward(d, s, n);
		return dst;
	}
	/* Backwards, from the end: words while both ends are aligned. */
	d += n;
	s += n;
	if ((((uintptr_t)d ^ (uintptr_t)s) & WORD_MASK) == 0) {
		for (; n != 0 && !both_aligned(d, s); n--)
			*--d = *--s;
		for (; n >= WORD; n -= WORD) {
			d -= WORD;
			s -= WORD;
			*(word_t *)d = *(const word_t *)s;
		}
	}
	while (n--)
		*--d = *--s;
	return dst;
}

void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;
	word_t w = (unsigned char)c * 0x0101010101010101ULL;

	for (; n != 0 && ((uintptr_t)p & WORD_MASK) != 0; n--)
		*p++ = (unsigned char)c;
	for (; n >= 4 * WORD; n -= 4 * WORD, p += 4 * WORD) {
		((word_t *)p)[0] = w;
		((word_t *)p)[1] = w;
		((word_t *)p)[2] = w;
		((word_t *)p)[3] = w;
	}
	for (; n >= WORD; n -= WORD, p += WORD)
		*(word_t *)p = w;
	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (*s == '\0')
			return (char *)last;
	}
}

int strcmp(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n != 0; n--, a++, b++) {
		if (*a != *b || *a == '\0')
			return (unsigned char)*a - (unsigned char)*b;
	}
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

size_t strnlen(const char *s, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen && s[n] != '\0')
		n++;
	return n;
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack != '\0'; haystack++) {
		if (strncmp(haystack, needle, n) == 0)
			return (char *)haystack;
	}
	return n == 0 ? (char *)haystack : NULL;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	unsigned long v = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = s[0] == '0' ? 8 : 10;
	}
	for (; digit_value(*s) < base; s++) {
		unsigned long d = (unsigned long)digit_value(*s);

		v = v > (ULONG_MAX - d) / (unsigned long)base ? ULONG_MAX
							      : v * (unsigned long)base + d;
	}
	if (end != NULL)
		*end = (char *)s;
	return v;
}
