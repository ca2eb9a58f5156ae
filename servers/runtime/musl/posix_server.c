/*
 * Linux system calls of a musl component, served at user level. Each one
 * arrives on the server's endpoint as an "unknown system call" fault of the
 * main thread (MRs: pc, svc immediate, x8 = the Linux call number); the
 * arguments are the thread's x0-x5, read with tcb_read_gprs while it waits;
 * the reply's MR0 becomes its x0, the call's result. The server shares the
 * main thread's address space, so pointers need no copying.
 *
 * Only what musl's start-up, stdio and malloc use is served; anything else
 * answers -ENOSYS, which musl reports as an ordinary error. There is no
 * kernel POSIX layer: this file is the whole of it.
 */
#include <cleave/bootinfo.h>
#include <cleave/console_write.h>
#include <cleave/syscalls.h>
#include <stddef.h>
#include <string.h>

#include "posix.h"

#define ENOSYS 38
#define ENOMEM 12
#define EBADF 9

/* Linux AArch64 system-call numbers (asm-generic/unistd.h). */
enum {
	NR_ioctl = 29,
	NR_write = 64,
	NR_writev = 66,
	NR_exit = 93,
	NR_exit_group = 94,
	NR_set_tid_address = 96,
	NR_rt_sigprocmask = 135,
	NR_getpid = 172,
	NR_gettid = 178,
	NR_brk = 214,
	NR_munmap = 215,
	NR_mremap = 216,
	NR_mmap = 222,
	NR_madvise = 233,
};

struct iovec_ {
	const void *base;
	size_t len;
};

/* The heap: brk grows up from its start, anonymous mmap takes pages down from its end. */
static uint64_t heap_start, heap_brk, heap_top;

void posix_print(const char *s)
{
	cl_write(s, strlen(s));
}

static int64_t do_write(uint64_t fd, const void *buf, size_t n)
{
	if (fd != 1 && fd != 2)
		return -EBADF;
	cl_write(buf, n);
	return (int64_t)n;
}

static int64_t do_writev(uint64_t fd, const struct iovec_ *iov, uint64_t cnt)
{
	int64_t total = 0;

	if (fd != 1 && fd != 2)
		return -EBADF;
	for (uint64_t i = 0; i < cnt; i++) {
		cl_write(iov[i].base, iov[i].len);
		total += (int64_t)iov[i].len;
	}
	return total;
}

static int64_t do_brk(uint64_t want)
{
	if (want >= heap_start && want <= heap_top)
		heap_brk = want;
	return (int64_t)heap_brk; /* Linux returns the (unchanged, on failure) break */
}

static int64_t do_mmap(uint64_t addr, uint64_t len, uint64_t flags)
{
	const uint64_t anonymous = 0x20;

	len = (len + 4095) & ~4095ULL;
	if (addr != 0 || (flags & anonymous) == 0 || len == 0 || heap_top - len < heap_brk)
		return -ENOMEM;
	heap_top -= len;
	memset((void *)heap_top, 0, len); /* anonymous memory starts zeroed */
	return (int64_t)heap_top;
}

static int64_t serve(uint64_t nr, const uint64_t a[6], int *exited)
{
	switch (nr) {
	case NR_write:
		return do_write(a[0], (const void *)a[1], a[2]);
	case NR_writev:
		return do_writev(a[0], (const struct iovec_ *)a[1], a[2]);
	case NR_ioctl:
		return 0; /* TIOCGWINSZ on stdout: "a terminal", so stdout is line buffered */
	case NR_brk:
		return do_brk(a[0]);
	case NR_mmap:
		return do_mmap(a[0], a[1], a[3]);
	case NR_munmap:
	case NR_madvise:
	case NR_rt_sigprocmask:
		return 0; /* pages from mmap are not reused: a simple, bounded heap */
	case NR_set_tid_address:
	case NR_getpid:
	case NR_gettid:
		return 1;
	case NR_exit:
	case NR_exit_group:
		*exited = 1;
		return 0;
	default:
		return -ENOSYS;
	}
}

void posix_serve(uint64_t ep, uint64_t heap, uint64_t size)
{
	uint64_t main_tcb = ep + 1;
	struct cl_result r;

	heap_start = heap_brk = heap;
	heap_top = heap + size;
	r = cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);
	for (;;) {
		uint64_t a[6];
		struct cl_result lo;
		struct cl_result hi;
		int exited = 0;
		int64_t ret;

		if (cl_msginfo_label(r.info) != CL_FAULT_UNKNOWN_SYSCALL) {
			char line[96];
			static const char hex[] = "0123456789abcdef";
			uint64_t pc = r.mr[0];

			strcpy(line, "posix: the main thread took a fault at pc 0x");
			for (int i = 60; i >= 0; i -= 4)
				strncat(line, &hex[(pc >> i) & 0xf], 1);
			strcat(line, "; stopped\n");
			posix_print(line);
			r = cl_sys_recv(ep, 0, 0, 0, 0, 0, 0); /* it stays stopped */
			continue;
		}
		lo = cl_tcb_read_gprs(main_tcb, 0);
		hi = cl_tcb_read_gprs(main_tcb, 4);
		memcpy(a, lo.mr, 4 * sizeof(uint64_t));
		a[4] = hi.mr[0];
		a[5] = hi.mr[1];
		ret = serve(r.mr[CL_FAULT_UNKNOWN_SYSCALL_X8], a, &exited);
		if (exited) {
			char line[48] = "CLEAVE COMPONENT EXIT ";
			char num[8];
			int n = 0;
			uint64_t code = a[0] & 0xff;

			do {
				num[n++] = (char)('0' + code % 10);
				code /= 10;
			} while (code != 0);
			while (n > 0)
				strncat(line, &num[--n], 1);
			strcat(line, "\n");
			posix_print(line);
			r = cl_sys_recv(ep, 0, 0, 0, 0, 0, 0); /* no reply: the thread is done */
			continue;
		}
		r = cl_sys_reply_recv(ep, cl_msginfo(0, 1, 0), (uint64_t)ret, 0, 0, 0, 0);
	}
}
