/* Small compiler helpers shared by the kernel and its host unit tests. */
#ifndef CLEAVE_COMPILER_H
#define CLEAVE_COMPILER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define BIT(n) (1ULL << (n))
/* Extract bits [hi:lo] of a register value, as the Arm ARM writes fields. */
#define FIELD(v, hi, lo) (((uint64_t)(v) >> (lo)) & ((1ULL << ((hi) - (lo) + 1)) - 1))

#define NORETURN _Noreturn
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define UNUSED __attribute__((unused))
/* Rarely run: kept out of line so its stack buffers cost the hot caller nothing. */
#define COLD __attribute__((noinline, cold))
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

#endif
