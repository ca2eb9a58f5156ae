/*
 * Freestanding string functions: the kernel's own, the native components'
 * (servers/runtime) and the ones Debian's static libfdt.a (linked unchanged)
 * expects from a C library. They run before the MMU is on too, where memory
 * is Device memory and an unaligned access faults (Arm ARM B2.5.2): so
 * memcpy and memset move aligned 8-byte words only when every address they
 * touch that way is 8-byte aligned, and bytes otherwise. The words matter
 * for speed: the loader copies a guest's kernel and initramfs into frames
 * and the VMM copies the kernel into guest RAM, tens of MiB each (docs/bench.md).
 * The kernel is built with -fno-tree-loop-distribute-patterns so these loops
 * are not turned back into calls to themselves.
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

/* A word that may alias anything, as the C rules for memcpy's arguments require. */
typedef uint64_t __attribute__((may_alias)) word_t;

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
		word_t *dw = (word_t *)d;
		const word_t *sw = (const word_t *)s;

		for (; n >= 32; n -= 32, dw += 4, sw += 4) {
			word_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];

			dw[0] = a;
			dw[1] = b;
			dw[2] = c;
			dw[3] = e;
		}
		for (; n >= 8; n -= 8)
			*dw++ = *sw++;
		d = (unsigned char *)dw;
		s = (const unsigned char *)sw;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;

	if (((uintptr_t)p & 7) == 0) {
		word_t v = 0x0101010101010101ULL * (unsigned char)c;
		word_t *pw = (word_t *)p;

		for (; n >= 32; n -= 32, pw += 4) {
			pw[0] = v;
			pw[1] = v;
			pw[2] = v;
			pw[3] = v;
		}
		for (; n >= 8; n -= 8)
			*pw++ = v;
		p = (unsigned char *)pw;
	}
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
