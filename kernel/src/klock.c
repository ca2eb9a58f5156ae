/* The big kernel lock (see klock.h, where taking and dropping it are inline). */
#include <cleave/klock.h>

struct klock kernel_klock = {SPINLOCK_INIT, KLOCK_NO_OWNER, 0};
