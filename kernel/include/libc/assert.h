/* Freestanding <assert.h>: only the compile-time assertion (the kernel uses CHECK() at run time).
 */
#ifndef CLEAVE_LIBC_ASSERT_H
#define CLEAVE_LIBC_ASSERT_H

#define static_assert _Static_assert

#endif
