/*
 * The big kernel lock. Object code runs with it held, on one CPU at a time:
 * from the entry of a trap from user level to the return, and around
 * interrupt work done while a CPU idles. It is recursive for the CPU that
 * holds it, so the interrupt path can take it whether or not the CPU
 * already does. (Finer locking can come once the object code is proven.)
 */
#ifndef CLEAVE_KLOCK_H
#define CLEAVE_KLOCK_H

void kernel_lock(void);
void kernel_unlock(void);

#endif
