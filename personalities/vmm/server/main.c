/*
 * The per-guest VMM's entry: start the guest (start.c), then serve its exits on
 * the exits endpoint for ever. The badge says which vCPU exited (the loader
 * badged each vCPU's fault endpoint with its number + 1); each exit is answered
 * with one reply_recv, so an exit costs one message and one reply.
 */
#include <cleave/runtime.h>

#include "vmm.h"

struct vmm the_vmm;

/* libfdt.a (Debian's arm64 build) is compiled with the stack protector. */
uintptr_t __stack_chk_guard = 0x5d3e8b2c7a9f41e7ULL;
_Noreturn void __stack_chk_fail(void);
_Noreturn void __stack_chk_fail(void)
{
	cl_printf("vmm: stack smashed\n");
	cl_exit(1);
}

static _Noreturn void serve(struct vmm *v)
{
	cl_cptr_t exits = v->info->slot_exits;
	struct cl_result r = cl_sys_recv(exits, 0, 0, 0, 0, 0, 0);

	for (;;) {
		uint64_t info, reply[4];
		uint64_t n = r.badge - 1;
		bool resume;

		if (r.err == CL_OK && cl_msginfo_label(r.info) == 0) {
			/*
			 * The notification bound to this thread, no exit: the console's input
			 * (the low half of the word) and passed-through interrupts (the high
			 * half, one bit each: cleave/vmm_info.h).
			 */
			if ((r.badge & CL_VMM_EVENT_CONSOLE_MASK) != 0 && vmm_console_connected(v))
				vmm_console_input(v);
			if ((r.badge & ~CL_VMM_EVENT_CONSOLE_MASK) != 0)
				vmm_passthru_irq(v, r.badge);
			r = cl_sys_recv(exits, 0, 0, 0, 0, 0, 0);
			continue;
		}
		if (r.err != CL_OK || n >= v->g.nr_vcpus) {
			cl_printf("vmm: guest '%s': a message on the exits endpoint that is no "
				  "vCPU's exit (error %llu, badge %llu); ignored\n",
				  v->g.name, (unsigned long long)r.err,
				  (unsigned long long)r.badge);
			r = cl_sys_recv(exits, 0, 0, 0, 0, 0, 0);
			continue;
		}
		resume = vmm_exit(v, (unsigned)n, cl_msginfo_label(r.info), r.mr, &info, reply);
		if (resume)
			r = cl_sys_reply_recv(exits, info, reply[0], reply[1], reply[2], reply[3],
					      0);
		else
			r = cl_sys_recv(exits, 0, 0, 0, 0, 0, 0);
	}
}

int main(uint64_t arg)
{
	struct vmm_error err;

	(void)arg;
	if (vmm_start(&the_vmm, &err) != 0) {
		cl_printf("vmm: %s\n", err.msg);
		return 1;
	}
	serve(&the_vmm);
}
