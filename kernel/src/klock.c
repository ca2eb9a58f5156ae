/* The big kernel lock (see klock.h). */
#include <cleave/arch.h>
#include <cleave/klock.h>
#include <cleave/spinlock.h>

#define NO_OWNER 0xffffffffU

static struct spinlock lock = SPINLOCK_INIT;
static unsigned owner = NO_OWNER;
static unsigned depth;

void kernel_lock(void)
{
	unsigned me = arch_cpu_index();

	if (__atomic_load_n(&owner, __ATOMIC_RELAXED) == me) {
		depth++;
		return;
	}
	spin_lock(&lock);
	__atomic_store_n(&owner, me, __ATOMIC_RELAXED);
	depth = 1;
}

void kernel_unlock(void)
{
	if (--depth != 0)
		return;
	__atomic_store_n(&owner, NO_OWNER, __ATOMIC_RELAXED);
	spin_unlock(&lock);
}
