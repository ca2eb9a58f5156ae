/*
 * The default root component until the loader arrives: it reports, from
 * user level, what the kernel handed over, then waits.
 */
#include <cleave/bootinfo.h>
#include <cleave/runtime.h>

int main(uint64_t arg)
{
	const struct cl_bootinfo *bi = (const struct cl_bootinfo *)arg;
	uint64_t kib = 0;
	cl_cptr_t wait = bi->first_free_slot;

	if (bi->magic != CL_BOOTINFO_MAGIC) {
		cl_printf("init: bad bootinfo magic\n");
		return 1;
	}
	for (uint64_t i = 0; i < bi->untyped_count; i++)
		kib += (1ULL << bi->untyped[i].size_bits) >> 10;
	cl_printf("init: running at EL0 with %llu untyped capabilities (%llu KiB), %llu CPUs\n",
		  (unsigned long long)bi->untyped_count, (unsigned long long)kib,
		  (unsigned long long)bi->num_cpus);
	/* Nothing to start yet: wait on a notification nobody signals. */
	cl_untyped_retype(bi->untyped_first, CL_OBJ_NOTIFICATION, 0, wait, 1);
	cl_printf("CLEAVE INIT OK\n");
	cl_sys_recv(wait, 0, 0, 0, 0, 0, 0);
	return 0;
}
