/*
 * Start-up of a native component linked against musl (Debian's
 * musl-dev:arm64, libc.a unchanged). musl makes Linux system calls with
 * `svc #0`; the kernel has no POSIX layer and delivers each as an "unknown
 * system call" fault. So the component's first thread becomes its system-call
 * server (posix_server.c) and runs `main` in a second thread whose fault
 * endpoint it listens on: every musl system call is one IPC round trip to it.
 *
 * Memory: the root component takes what it needs from its bootinfo's
 * untyped memory: the main thread's stack, and a heap for brk/mmap.
 */
#include <cleave/bootinfo.h>
#include <cleave/syscalls.h>
#include <stddef.h>

#include "posix.h"

#define MAIN_STACK_TOP 0x0fe10000ULL
#define MAIN_STACK_PAGES 16
#define HEAP_BASE 0x20000000ULL
#define HEAP_PAGES 512 /* 2 MiB: one level-3 table of the root's address space */

/* The program's main, called by musl the way C allows: main(void), (argc, argv) or with envp. */
int main(int argc, char **argv, char **envp);
int __libc_start_main(int (*m)(int, char **, char **), int argc, char **argv, void (*init)(void),
		      void (*fini)(void), void (*ldso)(void));

/*
 * What the Linux boot protocol would have put on the stack: argv, an empty
 * environment and an auxiliary vector that says "no TLS segment, not
 * setuid" (so musl skips the checks that would need files).
 */
static char name[] = "component";
static char *start_stack[] = {
	name,	   NULL,	 /* argv */
	NULL,			 /* envp */
	(char *)6, (char *)4096, /* AT_PAGESZ */
	(char *)0, (char *)0,	 /* AT_NULL */
};

static void main_thread(uint64_t unused)
{
	(void)unused;
	__libc_start_main(main, 1, start_stack, NULL, NULL, NULL);
}

/* Frames from the first untyped that has room, mapped read-write at va (at most 256 at a time). */
static int map_some(const struct cl_bootinfo *bi, uint64_t *slot, uint64_t va, unsigned n)
{
	for (uint64_t i = 0; i < bi->untyped_count; i++) {
		if (bi->untyped[i].device || bi->untyped[i].size_bits < 22)
			continue;
		if (cl_untyped_retype(bi->untyped_first + i, CL_OBJ_FRAME, 12, *slot, n).err !=
		    CL_OK)
			continue;
		for (unsigned p = 0; p < n; p++) {
			if (cl_frame_map(*slot + p, CL_SLOT_ASPACE, va + 4096ULL * p,
					 CL_RIGHT_READ | CL_RIGHT_WRITE, 0)
				    .err != CL_OK)
				return -1;
		}
		*slot += n;
		return 0;
	}
	return -1;
}

static int map_pages(const struct cl_bootinfo *bi, uint64_t *slot, uint64_t va, unsigned n)
{
	for (unsigned done = 0; done < n; done += 256) {
		unsigned chunk = n - done < 256 ? n - done : 256;

		if (map_some(bi, slot, va + 4096ULL * done, chunk) != 0)
			return -1;
	}
	return 0;
}

static int make(const struct cl_bootinfo *bi, uint64_t *slot, unsigned type)
{
	for (uint64_t i = 0; i < bi->untyped_count; i++) {
		if (!bi->untyped[i].device &&
		    cl_untyped_retype(bi->untyped_first + i, type, 0, *slot, 1).err == CL_OK) {
			(*slot)++;
			return 0;
		}
	}
	return -1;
}

void cl_runtime_start(uint64_t arg);

void cl_runtime_start(uint64_t arg)
{
	const struct cl_bootinfo *bi = (const struct cl_bootinfo *)arg;
	uint64_t slot = bi->first_free_slot;
	uint64_t ep = slot;
	uint64_t tcb = slot + 1;

	if (make(bi, &slot, CL_OBJ_ENDPOINT) || make(bi, &slot, CL_OBJ_TCB) ||
	    map_pages(bi, &slot, MAIN_STACK_TOP - MAIN_STACK_PAGES * 4096ULL, MAIN_STACK_PAGES) ||
	    map_pages(bi, &slot, HEAP_BASE, HEAP_PAGES)) {
		posix_print("posix: not enough memory to start the component\n");
		return;
	}
	/* The main thread runs one priority below this one, which serves its system calls. */
	if (cl_tcb_configure(tcb, CL_SLOT_CNODE, CL_SLOT_ASPACE, ep).err != CL_OK ||
	    cl_tcb_write_regs(tcb, (uint64_t)main_thread, MAIN_STACK_TOP, 0, 0).err != CL_OK ||
	    cl_tcb_set_priority(tcb, 254).err != CL_OK || cl_tcb_resume(tcb).err != CL_OK) {
		posix_print("posix: cannot start the main thread\n");
		return;
	}
	posix_serve(ep, HEAP_BASE, HEAP_PAGES * 4096ULL);
}
