/*
 * A native component written as an ordinary C program against musl:
 * stdio, malloc (small and large: brk and mmap), qsort, floating point.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_value(const void *a, const void *b)
{
	int x = *(const int *)a;
	int y = *(const int *)b;

	return (x > y) - (x < y);
}

int main(void)
{
	int n = 1000;
	int *v = malloc(n * sizeof(*v));
	char *big = malloc(300 * 1024); /* above musl's mmap threshold */
	long sum = 0;

	if (v == NULL || big == NULL) {
		printf("musl: malloc failed\n");
		return 1;
	}
	printf("musl: hello from printf: %d %s %.3f\n", 42, "cleave", 3.14159);
	for (int i = 0; i < n; i++)
		v[i] = n - i;
	qsort(v, n, sizeof(*v), by_value);
	for (int i = 0; i < n; i++) {
		if (v[i] != i + 1) {
			printf("musl: qsort wrong at %d\n", i);
			return 1;
		}
		sum += v[i];
	}
	memset(big, 0x5a, 300 * 1024);
	free(big);
	free(v);
	printf("MUSL HELLO OK sum=%ld\n", sum);
	return 7;
}
