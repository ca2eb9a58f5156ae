/*
 * More faults: the "other" class (misaligned PC, breakpoints), FP/SIMD state,
 * undefined instructions at EL0, SVC immediates around Cleave's range,
 * badged fault endpoints, and a fault that waits for its handler.
 */
#include "ktest.h"

static volatile uint64_t result;
static cl_cptr_t done_ntfn;
static cl_cptr_t park_ep;

/* Waits for the next fault message on ep. */
static struct cl_result take_fault(cl_cptr_t ep)
{
	return cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);
}

/* Replies to the fault just taken: the thread continues at pc (reply label 1). */
static void skip_to(uint64_t pc)
{
	cl_sys_reply(0, cl_msginfo(1, 1, 0), pc, 0, 0, 0, 0);
}

/* A thread's FP/SIMD registers are its own: set d0, let another thread use d0, read it back. */
static volatile uint64_t fp_seen[2];

static void fp_user(uint64_t value)
{
	uint64_t back;

	__asm__ volatile("fmov d0, %0" : : "r"(value) : "v0");
	for (int i = 0; i < 20; i++)
		cl_sys_yield(0, 0, 0, 0, 0, 0, 0); /* the other thread runs and changes its d0 */
	__asm__ volatile("fmov %0, d0" : "=r"(back) : : "v0");
	fp_seen[value & 1] = back;
}

KTEST(fp_simd_state_is_kept_per_thread)
{
	fp_seen[0] = fp_seen[1] = 0;
	/* Same priority as each other, lower than the runner: they alternate while it waits. */
	kt_thread(t, fp_user, 0x1234567800000000ULL, 100, 0);
	kt_thread(t, fp_user, 0x8765432100000001ULL, 100, 0);
	kt_join(t);
	kt_join(t);
	CHECK_EQ(fp_seen[0], 0x1234567800000000ULL);
	CHECK_EQ(fp_seen[1], 0x8765432100000001ULL);
}

static void brk_user(uint64_t unused)
{
	(void)unused;
	__asm__ volatile("brk #0x77" ::: "memory");
	result = 6;
}

KTEST(breakpoint_is_an_other_fault)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct cl_result r;

	result = 0;
	kt_thread(t, brk_user, 0, 100, ep);
	r = take_fault(ep);
	CHECK_EQ(cl_msginfo_label(r.info), CL_FAULT_OTHER);
	CHECK_EQ(r.mr[CL_FAULT_OTHER_ESR] >> 26, 0x3c); /* BRK in AArch64 */
	CHECK_EQ(r.mr[CL_FAULT_OTHER_ESR] & 0xffff, 0x77);
	skip_to(r.mr[CL_FAULT_OTHER_PC] + 4);
	kt_join(t);
	CHECK_EQ(result, 6);
}

static void hvc_user(uint64_t unused)
{
	(void)unused;
	__asm__ volatile("hvc #1" ::: "memory");
	result = 7;
}

KTEST(hvc_from_el0_is_undefined)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct cl_result r;

	result = 0;
	kt_thread(t, hvc_user, 0, 100, ep);
	r = take_fault(ep);
	CHECK_EQ(cl_msginfo_label(r.info), CL_FAULT_UNDEFINED);
	CHECK_EQ(r.mr[CL_FAULT_UNDEFINED_ESR] >> 26, 0);
	skip_to(r.mr[CL_FAULT_UNDEFINED_PC] + 4);
	kt_join(t);
	CHECK_EQ(result, 7);
}

static void landing(uint64_t x0)
{
	result = x0;
	cl_sys_send(done_ntfn, 0, 0, 0, 0, 0, 0);
	for (;;)
		cl_sys_recv(park_ep, 0, 0, 0, 0, 0, 0);
}

KTEST(misaligned_pc_is_an_other_fault)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t tcb = kt_make(t, CL_OBJ_TCB, 0);
	uint64_t stack = kt_map(t, NULL) + 4096;
	uint64_t bad = (uint64_t)landing + 2;
	struct cl_result r;

	done_ntfn = kt_make(t, CL_OBJ_NOTIFICATION, 0);
	park_ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	result = 0;
	CHECK_EQ(kt_start(tcb, CL_SLOT_CNODE, CL_SLOT_ASPACE, ep, bad, stack, 0x99, 0, 100), CL_OK);
	r = take_fault(ep);
	CHECK_EQ(cl_msginfo_label(r.info), CL_FAULT_OTHER);
	CHECK_EQ(r.mr[CL_FAULT_OTHER_ESR] >> 26, 0x22); /* PC alignment fault */
	CHECK_EQ(r.mr[CL_FAULT_OTHER_PC], bad);
	CHECK_EQ(r.mr[CL_FAULT_OTHER_FAR], bad);
	/* The handler sends it to the real entry; x0 is still the argument. */
	skip_to((uint64_t)landing);
	CHECK_EQ(cl_sys_recv(done_ntfn, 0, 0, 0, 0, 0, 0).err, CL_OK);
	CHECK_EQ(result, 0x99);
}

static void odd_svcs(uint64_t unused)
{
	register uint64_t x0 __asm__("x0");

	(void)unused;
	x0 = 1;
	__asm__ volatile("svc #0xc108" : "+r"(x0) : : "memory"); /* one past the last call */
	result = x0;
	x0 = 2;
	__asm__ volatile("svc #0xc0ff" : "+r"(x0) : : "memory"); /* one below the first */
	result += x0 << 16;
}

KTEST(svc_immediates_outside_cleaves_range_fault)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct cl_result r;

	result = 0;
	kt_thread(t, odd_svcs, 0, 100, ep);
	r = take_fault(ep);
	CHECK_EQ(cl_msginfo_label(r.info), CL_FAULT_UNKNOWN_SYSCALL);
	CHECK_EQ(r.mr[CL_FAULT_UNKNOWN_SYSCALL_IMM], 0xc108);
	cl_sys_reply(0, cl_msginfo(0, 1, 0), 0x11, 0, 0, 0, 0);
	r = take_fault(ep);
	CHECK_EQ(cl_msginfo_label(r.info), CL_FAULT_UNKNOWN_SYSCALL);
	CHECK_EQ(r.mr[CL_FAULT_UNKNOWN_SYSCALL_IMM], 0xc0ff);
	cl_sys_reply(0, cl_msginfo(0, 1, 0), 0x22, 0, 0, 0, 0);
	kt_join(t);
	CHECK_EQ(result, 0x11 + (0x22ULL << 16));
}

static void linux_write(uint64_t unused)
{
	register uint64_t x8 __asm__("x8") = 64;

	(void)unused;
	__asm__ volatile("svc #0" : : "r"(x8) : "memory");
	result = 1;
}

KTEST(unknown_syscall_without_handler_stops_the_thread)
{
	cl_cptr_t tcb;

	result = 0;
	tcb = kt_thread(t, linux_write, 0, 255, 0);
	CHECK(kt_wait_state(tcb, KT_INACTIVE));
	CHECK_EQ(result, 0);
}

static void touch(uint64_t addr)
{
	*(volatile uint64_t *)addr = addr;
}

KTEST(fault_endpoint_badge_names_the_thread)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t b1 = kt_slot(t);
	cl_cptr_t b2 = kt_slot(t);
	uint64_t seen = 0;

	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, b1, ep, CL_RIGHT_WRITE, 0xa1)), CL_OK);
	CHECK_EQ(ERR(cl_cnode_mint(CL_SLOT_CNODE, b2, ep, CL_RIGHT_WRITE, 0xa2)), CL_OK);
	kt_thread(t, touch, 0x31001000, 100, b1);
	kt_thread(t, touch, 0x31002000, 100, b2);
	for (int i = 0; i < 2; i++) {
		struct cl_result r = take_fault(ep);

		CHECK_EQ(cl_msginfo_label(r.info), CL_FAULT_STAGE2);
		CHECK_EQ(r.mr[CL_FAULT_STAGE2_IPA], r.badge == 0xa1 ? 0x31001000 : 0x31002000);
		seen |= r.badge;
	}
	CHECK_EQ(seen, 0xa1 | 0xa2);
}

static void load_or_default(uint64_t addr)
{
	uint64_t v = 0x5eed;

	__asm__ volatile("ldr %0, [%1]" : "+r"(v) : "r"(addr) : "memory");
	result = v;
}

KTEST(fault_waits_for_its_handler)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t tcb;
	struct cl_result r;

	result = 0;
	tcb = kt_thread(t, load_or_default, 0x31003000, 255, ep);
	/* Nobody receives on the endpoint yet: the fault message waits like a call. */
	CHECK(kt_wait_state(tcb, KT_BLOCKED_SEND));
	r = cl_sys_nb_recv(ep, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(cl_msginfo_label(r.info), CL_FAULT_STAGE2);
	CHECK_EQ(r.mr[CL_FAULT_STAGE2_IPA], 0x31003000);
	CHECK_EQ(cl_tcb_read_regs(tcb).mr[3], KT_BLOCKED_REPLY);
	/* Skipping the load leaves its register as it was. */
	skip_to(r.mr[CL_FAULT_STAGE2_PC] + 4);
	kt_join(t);
	CHECK_EQ(result, 0x5eed);
}
