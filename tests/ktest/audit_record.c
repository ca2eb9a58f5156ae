/*
 * The audit kernel's record, from the inside (audit-test.bin; docs/coherence.md,
 * "The audit of real boots"). Each case does what the kernel must record -
 * a frame made, written, cleaned and unified; a stage-2 mapping made, cleaned
 * through, noted, remapped and removed; a vCPU's traps and registers set by
 * its VMM, its first run and the guest's own SCTLR_EL1 write - and prints an
 * `AUDIT-EXPECT <record>` line for each record that must follow (fields
 * unknown here are `*`). The host test (tools/cleave/audit.py) finds each in
 * the dump the kernel prints once the suite is over.
 */
#include "ktest.h"

#include <cleave/vcpu_abi.h>

void guest_sctlr(void);

#define HCR_BASE (CL_HCR_GUEST_FORCED | CL_HCR_DC)
#define GUEST_IPA 0x40000000ULL
#define RW (CL_RIGHT_READ | CL_RIGHT_WRITE)

static uint64_t frame_pa(cl_cptr_t f)
{
	return cl_frame_address(f).mr[0];
}

KTEST(audit_records_frames)
{
	cl_cptr_t f;
	uint64_t va = kt_map(t, &f);
	uint64_t pa = frame_pa(f);

	cl_printf("AUDIT-EXPECT ZERO type=%u pa=%#lx size=0x1000\n", CL_OBJ_FRAME, pa);
	cl_printf("AUDIT-EXPECT CACHE op=clean point=PoC src=kernel vmid=0 pa=%#lx size=0x1000 "
		  "ipa=0\n",
		  pa);
	cl_printf("AUDIT-EXPECT S2_MAP vmid=* ipa=%#lx pa=%#lx size=0x1000 attr=normal "
		  "rights=rw-\n",
		  va, pa);
	*(volatile uint64_t *)(va + 0x100) = 0x1234;
	CHECK_EQ(ERR(cl_frame_audit_write(f, 0x100, 0x80)), CL_OK);
	cl_printf("AUDIT-EXPECT WRITE src=frame vmid=0 pa=%#lx size=0x80 ipa=0 attr=normal\n",
		  pa + 0x100);
	CHECK_EQ(ERR(cl_frame_cache(f, 0, 0x100, 0x80)), CL_OK);
	cl_printf("AUDIT-EXPECT CACHE op=clean point=PoC src=frame vmid=0 pa=%#lx size=0x80 "
		  "ipa=0\n",
		  pa + 0x100);
	CHECK_EQ(ERR(cl_frame_cache(f, 3, 0, 0x40)), CL_OK);
	cl_printf("AUDIT-EXPECT CACHE op=unify point=PoU src=frame vmid=0 pa=%#lx size=0x40 "
		  "ipa=0\n",
		  pa);
	/* Bad notes are refused before anything is recorded. */
	CHECK_EQ(ERR(cl_frame_audit_write(f, 0xff0, 0x20)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_frame_audit_write(f, 0, 0)), CL_INVALID_ARG);
}

KTEST(audit_records_stage2_changes)
{
	cl_cptr_t as = kt_make(t, CL_OBJ_ASPACE, 15);
	cl_cptr_t g = kt_make(t, CL_OBJ_FRAME, 12);
	uint64_t pa = frame_pa(g);

	CHECK_EQ(ERR(cl_frame_map(g, as, GUEST_IPA, RW, 0)), CL_OK);
	cl_printf("AUDIT-EXPECT S2_MAP vmid=* ipa=%#llx pa=%#lx size=0x1000 attr=normal "
		  "rights=rw-\n",
		  GUEST_IPA, pa);
	CHECK_EQ(ERR(cl_aspace_cache_range(as, 2, GUEST_IPA + 0x40, 0x40)), CL_OK);
	cl_printf("AUDIT-EXPECT CACHE op=clean+invalidate point=PoC src=aspace vmid=* pa=%#lx "
		  "size=0x40 ipa=%#llx\n",
		  pa + 0x40, GUEST_IPA + 0x40);
	CHECK_EQ(ERR(cl_aspace_audit_write(as, GUEST_IPA, 0x1000)), CL_OK);
	cl_printf("AUDIT-EXPECT WRITE src=aspace vmid=* pa=%#lx size=0x1000 ipa=%#llx "
		  "attr=normal\n",
		  pa, GUEST_IPA);
	CHECK_EQ(ERR(cl_aspace_audit_write(as, GUEST_IPA + 0x800, 0x1000)), CL_NOT_MAPPED);
	CHECK_EQ(ERR(cl_frame_remap(g, CL_RIGHT_READ, 1)), CL_OK);
	cl_printf("AUDIT-EXPECT S2_REMAP vmid=* ipa=%#llx pa=%#lx size=0 attr=nc rights=r--\n",
		  GUEST_IPA, pa);
	CHECK_EQ(ERR(cl_frame_unmap(g)), CL_OK);
	cl_printf("AUDIT-EXPECT S2_UNMAP vmid=* ipa=%#llx pa=%#lx\n", GUEST_IPA, pa);
}

static struct cl_result wait_exit(cl_cptr_t ep)
{
	return cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);
}

/* A guest running guest_sctlr(x0) (guest.S) in a copy of the root's space; 0 on error. */
static cl_cptr_t guest(struct kt *t, uint64_t x0, uint64_t hcr, cl_cptr_t ep, cl_cptr_t *tcb)
{
	uint64_t stack_top;
	cl_cptr_t as = kt_space(t, &stack_top);
	cl_cptr_t vcpu = kt_make(t, CL_OBJ_VCPU, 0);

	*tcb = kt_make(t, CL_OBJ_TCB, 0);
	if (ERR(cl_tcb_configure(*tcb, CL_SLOT_CNODE, as, ep)) != CL_OK ||
	    ERR(cl_vcpu_bind(vcpu, *tcb)) != CL_OK || ERR(cl_vcpu_set_traps(vcpu, hcr)) != CL_OK ||
	    ERR(cl_tcb_write_regs(*tcb, (uint64_t)guest_sctlr, stack_top, x0, 0)) != CL_OK ||
	    ERR(cl_tcb_set_priority(*tcb, 100)) != CL_OK)
		return 0;
	return vcpu;
}

KTEST(audit_records_vcpu_state)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	uint64_t caches_on = 0x30d00804; /* C set, M clear: harmless without tables */
	uint64_t tcr = 0x25b5103510ULL;
	cl_cptr_t tcb, vcpu = guest(t, caches_on, HCR_BASE | CL_HCR_TVM, ep, &tcb);
	struct cl_result r;

	CHECK(vcpu != 0);
	cl_printf("AUDIT-EXPECT TRAPS vcpu=* hcr=%#llx\n", HCR_BASE | CL_HCR_TVM);
	CHECK_EQ(ERR(cl_vcpu_write_sysreg(vcpu, CL_VCPU_TCR_EL1, tcr)), CL_OK);
	cl_printf("AUDIT-EXPECT SYSREG vcpu=* reg=TCR_EL1 by=vmm value=%#lx old=0\n", tcr);
	CHECK_EQ(ERR(cl_tcb_resume(tcb)), CL_OK);
	cl_printf("AUDIT-EXPECT ENTER vcpu=* first=1 vmid=* sctlr=0x30d00800 hcr=%#llx\n",
		  HCR_BASE | CL_HCR_TVM);
	/* Its MSR SCTLR_EL1 traps (TVM); the VMM applies it, as vmm_be_write_sysreg does. */
	r = wait_exit(ep);
	CHECK_EQ(ERR(r), CL_OK);
	CHECK_EQ(cl_msginfo_label(r.info), CL_FAULT_VCPU_SYSREG);
	CHECK_EQ(ERR(cl_vcpu_write_sysreg(vcpu, CL_VCPU_SCTLR_EL1, caches_on)), CL_OK);
	cl_printf("AUDIT-EXPECT SYSREG vcpu=* reg=SCTLR_EL1 by=vmm value=%#lx old=0x30d00800\n",
		  caches_on);
	cl_sys_reply(0, cl_msginfo(CL_VCPU_REPLY_EMULATED, 0, 0), 0, 0, 0, 0, 0);
	r = wait_exit(ep);
	CHECK_EQ(cl_msginfo_label(r.info), CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0], caches_on);
	/* Without TVM the guest writes SCTLR_EL1 itself; the kernel sees it at the exit. */
	vcpu = guest(t, 0x30d01800, HCR_BASE, ep, &tcb);
	CHECK(vcpu != 0);
	CHECK_EQ(ERR(cl_tcb_resume(tcb)), CL_OK);
	r = wait_exit(ep);
	CHECK_EQ(cl_msginfo_label(r.info), CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0], 0x30d01800);
	cl_printf("AUDIT-EXPECT SYSREG vcpu=* reg=SCTLR_EL1 by=guest value=0x30d01800 "
		  "old=0x30d00800\n");
}

/*
 * Last: the dump on request, then one more record (a new frame), which the
 * kernel must print in a dump of its own once the suite is over and every
 * CPU is idle (the host test waits for that one).
 */
KTEST_LAST(audit_dump_on_request_and_when_quiet)
{
	cl_cptr_t f;

	CHECK_EQ(ERR(cl_console_audit_dump(CL_SLOT_CONSOLE)), CL_OK);
	f = kt_make(t, CL_OBJ_FRAME, 12);
	cl_printf("AUDIT-EXPECT ZERO type=%u pa=%#lx size=0x1000\n", CL_OBJ_FRAME, frame_pa(f));
}
