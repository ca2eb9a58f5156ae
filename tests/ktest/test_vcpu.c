/*
 * vCPUs on QEMU: tiny EL1 guests (guest.S) run as threads with a bound vCPU
 * in a fresh stage-2 address space; the runner is their VMM (their fault
 * endpoint's receiver). Exits arrive as fault messages, the replies
 * complete emulated instructions; the trap mask, the virtual identity,
 * EL1 state across a switch between guests, virtual interrupts (the timer's
 * and injected ones) and stage-2 isolation are checked from inside the guest.
 */
#include "ktest.h"

#include <cleave/vcpu_abi.h>

void guest_hvc(void);
void guest_mmio(void);
void guest_fast_uart(void);
void guest_sctlr(void);
void guest_setway(void);
void guest_wfx(void);
void guest_identity(void);
void guest_keep_regs(void);
void guest_escape(void);
void guest_spin(void);
void guest_irqs(void);
void guest_smc_insn(void);
void guest_sve(void);
void guest_idregs(void);
void guest_debug_pmu(void);
void guest_newer_reg(void);
void guest_pacga(void);

#define HCR_BASE (CL_HCR_GUEST_FORCED | CL_HCR_DC)
#define GUEST_PRIO 100
#define HVC_REPORT 1
#define HVC_PARK 2
#define HVC_BAD 0xbad
#define MMIO_IPA 0x09000000ULL /* the UART's physical address: not in a guest's space */
#define GICV_IPA 0x08010000ULL /* where a GICv2 guest finds its CPU interface */

struct guest {
	cl_cptr_t tcb;
	cl_cptr_t vcpu;
	cl_cptr_t as;
};

/* Makes a guest in a new address space and starts it at entry(x0, x1) at priority prio. */
static bool guest_make(struct kt *t, struct guest *g, void (*entry)(void), uint64_t x0, uint64_t x1,
		       uint64_t hcr, cl_cptr_t ep, unsigned prio)
{
	uint64_t stack_top;
	uint64_t err;

	g->as = kt_space(t, &stack_top);
	g->tcb = kt_make(t, CL_OBJ_TCB, 0);
	g->vcpu = kt_make(t, CL_OBJ_VCPU, 0);
	if ((err = ERR(cl_tcb_configure(g->tcb, CL_SLOT_CNODE, g->as, ep))) != CL_OK ||
	    (err = ERR(cl_vcpu_bind(g->vcpu, g->tcb))) != CL_OK ||
	    (err = ERR(cl_vcpu_set_traps(g->vcpu, hcr))) != CL_OK ||
	    (err = ERR(cl_tcb_write_regs(g->tcb, (uint64_t)entry, stack_top, x0, x1))) != CL_OK ||
	    (err = ERR(cl_tcb_set_priority(g->tcb, prio))) != CL_OK) {
		kt_fail(t, __FILE__, __LINE__, "guest_make", err, 0);
		return false;
	}
	return !t->failed;
}

static bool guest_start(struct kt *t, struct guest *g, void (*entry)(void), uint64_t x0,
			uint64_t x1, uint64_t hcr, cl_cptr_t ep)
{
	return guest_make(t, g, entry, x0, x1, hcr, ep, GUEST_PRIO) &&
	       ERR(cl_tcb_resume(g->tcb)) == CL_OK;
}

static struct cl_result wait_exit(cl_cptr_t ep)
{
	return cl_sys_recv(ep, 0, 0, 0, 0, 0, 0);
}

static void reply(uint64_t label, unsigned len, uint64_t m0, uint64_t m1, uint64_t m2, uint64_t m3)
{
	cl_sys_reply(0, cl_msginfo(label, len, 0), m0, m1, m2, m3, 0);
}

/* The guest's entries to EL2 of kind k so far (vcpu read_exits), ~0 when the call fails. */
static uint64_t exits_of(cl_cptr_t vcpu, unsigned k)
{
	struct cl_result r = cl_vcpu_read_exits(vcpu, k);

	return r.err == CL_OK ? r.mr[0] : ~0ULL;
}

#define CHECK_EXIT(r, label_)                                   \
	do {                                                    \
		CHECK_EQ(ERR(r), CL_OK);                        \
		CHECK_EQ(cl_msginfo_label((r).info), (label_)); \
	} while (0)

KTEST(vcpu_hvc_exit_and_reply_sets_registers)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct guest g;
	struct cl_result r;

	CHECK(guest_start(t, &g, guest_hvc, 0, 0, HCR_BASE, ep));
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_IMM], 0x5a);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0], 0x10);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X1], 0x11);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X2], 0x12);
	/* x3 through read_gpr; the pc is already past the HVC. */
	CHECK_EQ(ERR(cl_vcpu_read_gpr(g.vcpu, 3)), CL_OK);
	CHECK_EQ(cl_vcpu_read_gpr(g.vcpu, 3).mr[0], 0x13);
	CHECK_EQ(cl_vcpu_read_gpr(g.vcpu, CL_VCPU_GPR_PC).mr[0], (uint64_t)guest_hvc + 5 * 4);
	/* Emulated, two results: x0 and x1 change, x2 and x3 do not. */
	reply(CL_VCPU_REPLY_EMULATED, 2, 0xabc, 0xdef, 0, 0);
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_IMM], HVC_REPORT);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0], 0xabc);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X1], 0xdef);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X2], 0x13);
	/* The kernel counted both HVCs and nothing else it forwards. */
	CHECK_EQ(exits_of(g.vcpu, CL_VCPU_EXIT_HVC), 2);
	CHECK_EQ(exits_of(g.vcpu, CL_VCPU_EXIT_STAGE2), 0);
	CHECK_EQ(exits_of(g.vcpu, CL_VCPU_EXIT_SYSREG), 0);
	CHECK_EQ(exits_of(g.vcpu, CL_VCPU_EXIT_SYSREG_KERNEL), 0);
	CHECK_EQ(exits_of(g.vcpu, CL_VCPU_EXIT_OTHER), 0);
	CHECK_EQ(ERR(cl_vcpu_read_exits(g.vcpu, CL_VCPU_NUM_EXIT_KINDS)), CL_INVALID_ARG);
}

KTEST(vcpu_mmio_exits_carry_ipa_and_take_emulated_loads)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct guest g;
	struct cl_result r;
	uint64_t esr;

	CHECK(guest_start(t, &g, guest_mmio, 0, MMIO_IPA, HCR_BASE, ep));
	/* ldr x5, [x1]: a 64-bit load with a valid syndrome (ISV, SAS 3, SRT 5, SF). */
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_STAGE2);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_STAGE2_IPA], MMIO_IPA);
	esr = r.mr[CL_FAULT_VCPU_STAGE2_ESR];
	CHECK_EQ(esr >> 26, 0x24);
	CHECK_EQ((esr >> 24) & 1, 1);
	CHECK_EQ((esr >> 22) & 3, 3);
	CHECK_EQ((esr >> 16) & 31, 5);
	CHECK_EQ((esr >> 6) & 1, 0);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_STAGE2_PC], (uint64_t)guest_mmio + 4);
	reply(CL_VCPU_REPLY_EMULATED, 1, 0x1122334455667788ULL, 0, 0, 0);
	/* ldrh w6, [x1, #8]: narrowed to 16 bits. */
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_STAGE2);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_STAGE2_IPA], MMIO_IPA + 8);
	reply(CL_VCPU_REPLY_EMULATED, 1, 0xaaaabbbbULL, 0, 0, 0);
	/* ldrsb x8, [x1, #12]: sign-extended. */
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_STAGE2);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_STAGE2_IPA], MMIO_IPA + 12);
	reply(CL_VCPU_REPLY_EMULATED, 1, 0x80, 0, 0, 0);
	/* str x7, [x1, #16]: the value stored comes with the exit. */
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_STAGE2);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_STAGE2_IPA], MMIO_IPA + 16);
	CHECK_EQ((r.mr[CL_FAULT_VCPU_STAGE2_ESR] >> 6) & 1, 1);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_STAGE2_VALUE], 0x77);
	reply(CL_VCPU_REPLY_EMULATED, 0, 0, 0, 0, 0);
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0], 0x1122334455667788ULL);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X1], 0xbbbb);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X2], 0xffffffffffffff80ULL);
	/* Four accesses, four stage-2 exits; one HVC; no other forwarded exit. */
	CHECK_EQ(exits_of(g.vcpu, CL_VCPU_EXIT_STAGE2), 4);
	CHECK_EQ(exits_of(g.vcpu, CL_VCPU_EXIT_HVC), 1);
	CHECK_EQ(exits_of(g.vcpu, CL_VCPU_EXIT_SYSREG) + exits_of(g.vcpu, CL_VCPU_EXIT_SMC) +
			 exits_of(g.vcpu, CL_VCPU_EXIT_WFX) + exits_of(g.vcpu, CL_VCPU_EXIT_OTHER),
		 0);
}

/*
 * The MMIO fast path: loads of the flag register answered by the kernel (narrowed and
 * sign-extended as the loads say), stores to the data register kept until the stop
 * byte exits, taken in order; another register still exits.
 */
KTEST(vcpu_fast_mmio_answers_loads_and_keeps_stores)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct guest g;
	struct cl_result r;

	CHECK(guest_make(t, &g, guest_fast_uart, 0, MMIO_IPA, HCR_BASE, ep, GUEST_PRIO));
	CHECK_EQ(ERR(cl_vcpu_set_fast_read(g.vcpu, MMIO_IPA + 0x18, 0x1234ff90)), CL_OK);
	CHECK_EQ(ERR(cl_vcpu_set_fast_write(g.vcpu, MMIO_IPA, '\n')), CL_OK);
	CHECK_EQ(ERR(cl_tcb_resume(g.tcb)), CL_OK);
	/* The newline is the stop byte: its store exits, after the two kept ones. */
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_STAGE2);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_STAGE2_IPA], MMIO_IPA);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_STAGE2_VALUE], '\n');
	r = cl_vcpu_take_writes(g.vcpu);
	CHECK_EQ(ERR(r), CL_OK);
	CHECK_EQ(r.mr[0], 2);
	CHECK_EQ(r.mr[1], 'h' | 'i' << 8);
	CHECK_EQ(ERR(cl_vcpu_take_writes(g.vcpu)), CL_OK);
	CHECK_EQ(cl_vcpu_take_writes(g.vcpu).mr[0], 0);
	reply(CL_VCPU_REPLY_EMULATED, 0, 0, 0, 0, 0);
	/* Another register of the same device exits as before. */
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_STAGE2);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_STAGE2_IPA], MMIO_IPA + 0x30);
	reply(CL_VCPU_REPLY_EMULATED, 1, 0x301, 0, 0, 0);
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0], 0xff90);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X1], 0xffffffffffffff90ULL);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X2], 0x301);
	/* Six aborts, of which two loads and two stores the kernel answered. */
	CHECK_EQ(exits_of(g.vcpu, CL_VCPU_EXIT_FAST), 4);
	CHECK_EQ(exits_of(g.vcpu, CL_VCPU_EXIT_STAGE2), 6);
}

KTEST(vcpu_tvm_and_trvm_trap_sctlr)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct guest g;
	struct cl_result r;
	uint64_t value = 0x30d00801; /* M set: what a guest turning its MMU on writes */

	CHECK(guest_start(t, &g, guest_sctlr, value, 0, HCR_BASE | CL_HCR_TVM | CL_HCR_TRVM, ep));
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_SYSREG);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_SYSREG_REG], CL_SYSREG(3, 0, 1, 0, 0));
	CHECK_EQ(r.mr[CL_FAULT_VCPU_SYSREG_READ], 0);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_SYSREG_VALUE], value);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_SYSREG_ESR] >> 26, 0x18);
	/* The write was trapped, not done: the guest's SCTLR_EL1 is still the reset value. */
	CHECK_EQ(cl_vcpu_read_sysreg(g.vcpu, CL_VCPU_SCTLR_EL1).mr[0], 0x30d00800);
	reply(CL_VCPU_REPLY_EMULATED, 0, 0, 0, 0, 0);
	/* mrs x2, sctlr_el1 (TRVM): the VMM's answer lands in x2. */
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_SYSREG);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_SYSREG_REG], CL_SYSREG(3, 0, 1, 0, 0));
	CHECK_EQ(r.mr[CL_FAULT_VCPU_SYSREG_READ], 1);
	reply(CL_VCPU_REPLY_EMULATED, 1, value, 0, 0, 0);
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0], value);
}

KTEST(vcpu_tsw_traps_set_way_maintenance)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct guest g;
	struct cl_result r;
	static const uint64_t ops[3] = {CL_SYSREG(1, 0, 7, 14, 2), CL_SYSREG(1, 0, 7, 6, 2),
					CL_SYSREG(1, 0, 7, 10, 2)}; /* DC CISW, ISW, CSW */

	CHECK(guest_start(t, &g, guest_setway, 0x42, 0, HCR_BASE | CL_HCR_TSW, ep));
	for (unsigned i = 0; i < 3; i++) {
		r = wait_exit(ep);
		CHECK_EXIT(r, CL_FAULT_VCPU_SYSREG);
		CHECK_EQ(r.mr[CL_FAULT_VCPU_SYSREG_REG], ops[i]);
		CHECK_EQ(r.mr[CL_FAULT_VCPU_SYSREG_READ], 0);
		CHECK_EQ(r.mr[CL_FAULT_VCPU_SYSREG_VALUE], 0x42);
		reply(CL_VCPU_REPLY_EMULATED, 0, 0, 0, 0, 0);
	}
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_IMM], HVC_REPORT);
}

KTEST(vcpu_twi_and_twe_trap_wfi_and_wfe)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct guest g;
	struct cl_result r;

	CHECK(guest_start(t, &g, guest_wfx, 0, 0, HCR_BASE | CL_HCR_TWI | CL_HCR_TWE, ep));
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_WFX);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_WFX_WFE], 0);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_WFX_PC], (uint64_t)guest_wfx);
	reply(CL_VCPU_REPLY_EMULATED, 0, 0, 0, 0, 0);
	/*
	 * WFE traps only when it would wait (Arm ARM D17.2.48, TWE): with the
	 * event register set (an exception return sets it) it completes. QEMU
	 * 7.2 never traps it (its WFE is a yield), so the exit is optional.
	 */
	r = wait_exit(ep);
	if (cl_msginfo_label(r.info) == CL_FAULT_VCPU_WFX) {
		CHECK_EQ(r.mr[CL_FAULT_VCPU_WFX_WFE], 1);
		CHECK_EQ(r.mr[CL_FAULT_VCPU_WFX_PC], (uint64_t)guest_wfx + 4);
		reply(CL_VCPU_REPLY_EMULATED, 0, 0, 0, 0, 0);
		r = wait_exit(ep);
	}
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0], 0x3f);
}

KTEST(vcpu_trap_mask_is_enforced)
{
	cl_cptr_t v = kt_make(t, CL_OBJ_VCPU, 0);

	CHECK_EQ(ERR(cl_vcpu_set_traps(v, HCR_BASE | CL_HCR_TGE)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_vcpu_set_traps(v, HCR_BASE & ~CL_HCR_IMO)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_vcpu_set_traps(v, HCR_BASE & ~CL_HCR_VM)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_vcpu_set_traps(v, HCR_BASE & ~CL_HCR_TSC)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_vcpu_set_traps(v, HCR_BASE | CL_HCR_E2H)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_vcpu_set_traps(v, HCR_BASE | (1ULL << 63))), CL_INVALID_ARG);
	CHECK_EQ(cl_vcpu_read_sysreg(v, CL_VCPU_HCR_EL2).mr[0], CL_HCR_GUEST_FORCED);
	CHECK_EQ(ERR(cl_vcpu_set_traps(v, HCR_BASE | CL_HCR_TVM | CL_HCR_TSW)), CL_OK);
	CHECK_EQ(cl_vcpu_read_sysreg(v, CL_VCPU_HCR_EL2).mr[0], HCR_BASE | CL_HCR_TVM | CL_HCR_TSW);
}

KTEST(vcpu_smc_is_always_trapped)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct guest g;
	struct cl_result r;

	/* Made at guest_spin, then moved to an SMC with write_gpr (which also gets tested). */
	CHECK(guest_make(t, &g, guest_spin, 0, 0, HCR_BASE, ep, GUEST_PRIO));
	CHECK_EQ(ERR(cl_vcpu_write_gpr(g.vcpu, CL_VCPU_GPR_PC, (uint64_t)guest_smc_insn)), CL_OK);
	CHECK_EQ(ERR(cl_vcpu_write_gpr(g.vcpu, 0, 0x84000000)), CL_OK); /* PSCI_VERSION */
	CHECK_EQ(ERR(cl_tcb_resume(g.tcb)), CL_OK);
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_SMC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_SMC_X0], 0x84000000);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_SMC_IMM], 0);
	reply(CL_VCPU_REPLY_EMULATED, 1, 0x10001, 0, 0, 0);
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0], 0x10001);
}

KTEST(vcpu_identity_is_the_same_on_every_cpu)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct guest g;
	struct cl_result r;

	CHECK(guest_make(t, &g, guest_identity, 0, 0, HCR_BASE, ep, GUEST_PRIO));
	CHECK_EQ(ERR(cl_vcpu_write_sysreg(g.vcpu, CL_VCPU_VMPIDR_EL2, 0x0102)), CL_OK);
	CHECK_EQ(ERR(cl_vcpu_write_sysreg(g.vcpu, CL_VCPU_VPIDR_EL2, 0x411fd070)), CL_OK);
	CHECK_EQ(ERR(cl_tcb_resume(g.tcb)), CL_OK);
	for (uint64_t cpu = 0; cpu < t->bi->num_cpus; cpu++) {
		r = wait_exit(ep);
		CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
		CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0], 0x80000102);
		CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X1], 0x411fd070);
		/* On to the next CPU: it reads its identity there again. */
		CHECK_EQ(ERR(cl_tcb_set_affinity(g.tcb, (cpu + 1) % t->bi->num_cpus)), CL_OK);
		reply(CL_VCPU_REPLY_RESUME, 0, 0, 0, 0, 0);
	}
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0], 0x80000102);
}

KTEST(vcpu_el1_state_survives_another_guest_on_the_cpu)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct guest a;
	struct guest b;
	struct cl_result r;

	/* a stops in its hvc #3 with its registers set; b, higher, then runs on the same CPU. */
	CHECK(guest_start(t, &a, guest_keep_regs, 0xa1a1, 0, HCR_BASE, ep));
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_IMM], 3);
	CHECK_EQ(cl_vcpu_read_sysreg(a.vcpu, CL_VCPU_TPIDR_EL1).mr[0], 0xa1a1);
	CHECK_EQ(cl_vcpu_read_sysreg(a.vcpu, CL_VCPU_CONTEXTIDR_EL1).mr[0], 0xa1a2);
	CHECK(guest_start(t, &b, guest_keep_regs, 0xb2b2, 0, HCR_BASE, ep));
	CHECK_EQ(ERR(cl_tcb_set_priority(b.tcb, GUEST_PRIO + 10)), CL_OK);
	reply(CL_VCPU_REPLY_RESUME, 0, 0, 0, 0, 0); /* a is runnable, b runs first */
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_IMM], 3); /* b set its registers */
	reply(CL_VCPU_REPLY_RESUME, 0, 0, 0, 0, 0);
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_IMM], HVC_REPORT);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0], 0); /* b: nothing changed */
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X1], 0xb2b2);
	/* b waits in its park; a runs now, after b had the CPU's EL1 registers. */
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_IMM], HVC_REPORT);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0], 0); /* a: nothing changed */
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X1], 0xa1a1);
}

/* Interrupts from a guest: the timer's through the kernel's list register, or injected ones. */
static bool irq_guest(struct kt *t, struct guest *g, uint64_t timer, uint64_t count, cl_cptr_t ep)
{
	uint64_t gicc = 0;

	if (!guest_make(t, g, guest_irqs, timer, count, HCR_BASE, ep, GUEST_PRIO))
		return false;
	if (t->bi->gic_version == 2) {
		cl_cptr_t ut = kt_device_untyped(t, t->bi->gic_vcpu);
		cl_cptr_t frame = kt_slot(t);

		if (t->bi->gic_vcpu == 0) {
			/* A component the loader starts gets no device memory (examples/ktest). */
			t->skip = "this system gives the suite no GICv2 virtual CPU interface";
			return false;
		}
		if (ut == 0 || ERR(cl_untyped_retype(ut, CL_OBJ_FRAME, 12, frame, 1)) != CL_OK ||
		    ERR(cl_frame_map(frame, g->as, GICV_IPA, CL_RIGHT_READ | CL_RIGHT_WRITE, 2)) !=
			    CL_OK) {
			kt_fail(t, __FILE__, __LINE__, "mapping the GICV frame", ut,
				t->bi->gic_vcpu);
			return false;
		}
		gicc = GICV_IPA;
	}
	return ERR(cl_vcpu_write_gpr(g->vcpu, 2, gicc)) == CL_OK;
}

KTEST(vcpu_virtual_timer_reaches_the_guest)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct guest g;
	struct cl_result r;

	CHECK(irq_guest(t, &g, 1, 3, ep));
	CHECK(cl_vcpu_read_sysreg(g.vcpu, CL_VCPU_VGIC_LRS).mr[0] >= 1);
	CHECK_EQ(ERR(cl_tcb_resume(g.tcb)), CL_OK);
	/* Three ticks, each delivered, deactivated and unmasked again without the VMM. */
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_IMM], HVC_REPORT);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0], 27); /* the virtual timer's PPI on QEMU's virt */
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X1], 3);
	/* Each tick: a physical interrupt, counted as the timer's, then the maintenance of its
	 * deactivation; the kernel handled them all, the VMM saw one HVC. */
	CHECK(exits_of(g.vcpu, CL_VCPU_EXIT_VTIMER) >= 3);
	CHECK(exits_of(g.vcpu, CL_VCPU_EXIT_MAINTENANCE) >= 3);
	CHECK(exits_of(g.vcpu, CL_VCPU_EXIT_IRQ) >=
	      exits_of(g.vcpu, CL_VCPU_EXIT_VTIMER) + exits_of(g.vcpu, CL_VCPU_EXIT_MAINTENANCE));
	CHECK_EQ(exits_of(g.vcpu, CL_VCPU_EXIT_HVC), 1);
}

KTEST(vcpu_injected_interrupt_and_its_maintenance)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct guest g;
	struct cl_result r;
	uint64_t group = t->bi->gic_version == 3 ? CL_VIRQ_GROUP1 : 0;

	CHECK(irq_guest(t, &g, 0, 1, ep));
	CHECK_EQ(ERR(cl_vcpu_inject(g.vcpu, 0, 40, 0xa0, CL_VIRQ_PENDING | group | CL_VIRQ_EOI)),
		 CL_OK);
	CHECK_EQ(ERR(cl_tcb_resume(g.tcb)), CL_OK);
	/* The guest's EOI of interrupt 40 comes back as maintenance for list register 0. */
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_MAINTENANCE);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_MAINTENANCE_EOI_LRS], 1);
	CHECK_EQ(cl_vcpu_read_sysreg(g.vcpu, CL_VCPU_LR0).mr[0], 0); /* free again */
	reply(CL_VCPU_REPLY_RESUME, 0, 0, 0, 0, 0);
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0], 40);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X1], 1);
}

KTEST(vcpu_guest_cannot_reach_outside_its_space)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	cl_cptr_t other_as = kt_make(t, CL_OBJ_ASPACE, 16);
	cl_cptr_t secret = kt_make(t, CL_OBJ_FRAME, 12);
	uint64_t kernel = 0x40080000; /* where QEMU loads the kernel: its physical address */
	uint64_t other = 0x50000000;
	struct guest g;
	struct cl_result r;

	/* A page of another address space, at an IPA this guest's space leaves empty. */
	CHECK_EQ(ERR(cl_frame_map(secret, other_as, other, CL_RIGHT_READ | CL_RIGHT_WRITE, 0)),
		 CL_OK);
	CHECK(guest_start(t, &g, guest_escape, kernel, other, HCR_BASE, ep));
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_STAGE2);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_STAGE2_IPA], kernel);
	reply(CL_VCPU_REPLY_EMULATED, 1, 0, 0, 0, 0);
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_STAGE2);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_STAGE2_IPA], other);
	reply(CL_VCPU_REPLY_EMULATED, 1, 0, 0, 0, 0);
	/* Its own code is mapped without write: a permission fault, not a write. */
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_STAGE2);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_STAGE2_IPA], (uint64_t)guest_escape);
	CHECK_EQ((r.mr[CL_FAULT_VCPU_STAGE2_ESR] >> 6) & 1, 1);
	reply(CL_VCPU_REPLY_EMULATED, 0, 0, 0, 0, 0);
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0], 0);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X1], 0);
	CHECK_EQ(*(volatile uint32_t *)(uint64_t)guest_escape, 0xf9400005); /* ldr x5, [x0] */
}

KTEST(vcpu_guest_without_handler_is_stopped)
{
	struct guest g;

	/* The runner's priority: its yields in kt_wait_state let the guest run. */
	CHECK(guest_make(t, &g, guest_hvc, 0, 0, HCR_BASE, 0, 255));
	CHECK_EQ(ERR(cl_tcb_resume(g.tcb)), CL_OK);
	CHECK(kt_wait_state(g.tcb, KT_INACTIVE));
	CHECK_EQ(cl_tcb_read_regs(g.tcb).mr[0], (uint64_t)guest_hvc + 5 * 4); /* at its HVC */
}

KTEST(vcpu_deleted_under_a_running_guest)
{
	struct guest g;
	struct guest h;
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	uint64_t cpu = t->bi->num_cpus - 1; /* another CPU when there is one */
	struct cl_result r;

	CHECK(guest_make(t, &g, guest_spin, 0, 0, HCR_BASE, ep, GUEST_PRIO));
	CHECK_EQ(ERR(cl_tcb_set_affinity(g.tcb, cpu)), CL_OK);
	CHECK_EQ(ERR(cl_tcb_resume(g.tcb)), CL_OK);
	/* Once it runs there, its registers are not in memory: they are refused. */
	if (cpu != 0) {
		for (int i = 0; i < KT_WAIT_YIELDS && ERR(cl_vcpu_read_gpr(g.vcpu, 0)) == CL_OK;
		     i++)
			cl_sys_yield(0, 0, 0, 0, 0, 0, 0);
		CHECK_EQ(ERR(cl_vcpu_read_gpr(g.vcpu, 0)), CL_ILLEGAL);
	}
	CHECK_EQ(ERR(cl_cnode_delete(CL_SLOT_CNODE, g.vcpu)), CL_OK);
	CHECK(kt_wait_state(g.tcb, KT_INACTIVE));
	/* The CPU it ran on runs guests as before. */
	CHECK(guest_make(t, &h, guest_hvc, 0, 0, HCR_BASE, ep, GUEST_PRIO));
	CHECK_EQ(ERR(cl_tcb_set_affinity(h.tcb, cpu)), CL_OK);
	CHECK_EQ(ERR(cl_tcb_resume(h.tcb)), CL_OK);
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_IMM], 0x5a);
}

KTEST(vcpu_invocations_refuse_bad_arguments)
{
	cl_cptr_t v = kt_make(t, CL_OBJ_VCPU, 0);
	cl_cptr_t v2 = kt_make(t, CL_OBJ_VCPU, 0);
	cl_cptr_t tcb = kt_make(t, CL_OBJ_TCB, 0);
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	uint64_t lrs = cl_vcpu_read_sysreg(v, CL_VCPU_VGIC_LRS).mr[0];

	CHECK_EQ(ERR(cl_vcpu_bind(v, ep)), CL_WRONG_TYPE);
	CHECK_EQ(ERR(cl_vcpu_bind(v, 0)), CL_INVALID_CAP);
	CHECK_EQ(ERR(cl_vcpu_bind(v, CL_SLOT_TCB)), CL_ILLEGAL); /* the runner itself: running */
	CHECK_EQ(ERR(cl_vcpu_unbind(v)), CL_ILLEGAL);
	CHECK_EQ(ERR(cl_vcpu_read_gpr(v, 0)), CL_ILLEGAL);
	CHECK_EQ(ERR(cl_vcpu_write_gpr(v, 0, 0)), CL_ILLEGAL);
	CHECK_EQ(ERR(cl_vcpu_bind(v, tcb)), CL_OK);
	CHECK_EQ(ERR(cl_vcpu_bind(v2, tcb)), CL_IN_USE);
	CHECK_EQ(ERR(cl_vcpu_read_gpr(v, CL_VCPU_NUM_GPRS)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_vcpu_write_gpr(v, CL_VCPU_GPR_PSTATE, 0x3c9)), CL_INVALID_ARG); /* EL2h */
	CHECK_EQ(ERR(cl_vcpu_write_gpr(v, CL_VCPU_GPR_PSTATE, 0x10)), CL_INVALID_ARG); /* AArch32 */
	CHECK_EQ(ERR(cl_vcpu_read_sysreg(v, CL_VCPU_NUM_REGS)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_vcpu_read_sysreg(v, ~0ULL)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_vcpu_write_sysreg(v, CL_VCPU_HCR_EL2, HCR_BASE)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_vcpu_write_sysreg(v, CL_VCPU_LR0, 1)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_vcpu_write_sysreg(v, CL_VCPU_VTIMER_PRIO, 0x100)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_vcpu_write_sysreg(v, CL_VCPU_NUM_REGS, 0)), CL_INVALID_ARG);
	CHECK_EQ(ERR(cl_vcpu_set_traps(v, 0)), CL_INVALID_ARG);
	if (lrs == 0) {
		CHECK_EQ(ERR(cl_vcpu_inject(v, 0, 40, 0, CL_VIRQ_PENDING)), CL_ILLEGAL);
	} else {
		CHECK_EQ(ERR(cl_vcpu_inject(v, lrs, 40, 0, CL_VIRQ_PENDING)), CL_INVALID_ARG);
		CHECK_EQ(ERR(cl_vcpu_inject(v, 0, 1020, 0, CL_VIRQ_PENDING)), CL_INVALID_ARG);
		CHECK_EQ(ERR(cl_vcpu_inject(v, 0, 40, 256, CL_VIRQ_PENDING)), CL_INVALID_ARG);
		CHECK_EQ(ERR(cl_vcpu_inject(v, 0, 40, 0, 0x10)), CL_INVALID_ARG);
	}
	CHECK_EQ(ERR(cl_vcpu_unbind(v)), CL_OK);
	CHECK_EQ(ERR(cl_vcpu_bind(v2, tcb)), CL_OK);
}

KTEST(vcpu_inject_into_a_running_guest)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	uint64_t cpu = t->bi->num_cpus - 1;
	uint64_t group = t->bi->gic_version == 3 ? CL_VIRQ_GROUP1 : 0;
	struct guest g;
	struct cl_result r;

	CHECK(irq_guest(t, &g, 0, 1, ep));
	CHECK_EQ(ERR(cl_tcb_set_affinity(g.tcb, cpu)), CL_OK);
	CHECK_EQ(ERR(cl_tcb_resume(g.tcb)), CL_OK);
	/* On SMP it waits for interrupts in its WFI loop on another CPU while this injects. */
	if (cpu != 0) {
		for (int i = 0; i < KT_WAIT_YIELDS && ERR(cl_vcpu_read_gpr(g.vcpu, 0)) == CL_OK;
		     i++)
			cl_sys_yield(0, 0, 0, 0, 0, 0, 0);
		CHECK_EQ(ERR(cl_vcpu_read_gpr(g.vcpu, 0)), CL_ILLEGAL);
	}
	CHECK_EQ(ERR(cl_vcpu_inject(g.vcpu, 1, 41, 0x80, CL_VIRQ_PENDING | group)), CL_OK);
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0], 41);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X1], 1);
}

KTEST(vcpu_sve_traps_to_the_vmm)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct guest g;
	struct cl_result r;

	CHECK(guest_start(t, &g, guest_sve, 0, 0, HCR_BASE, ep));
	r = wait_exit(ep);
	if (cl_msginfo_label(r.info) == CL_FAULT_VCPU_HVC) {
		/* No SVE on this CPU: RDVL was undefined at EL1 (EC 0). */
		CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_IMM], HVC_BAD);
		CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0] >> 26, 0);
		return;
	}
	/* Its SVE state would not be switched: RDVL traps (EC 0x19), the VMM decides. */
	CHECK_EXIT(r, CL_FAULT_VCPU_OTHER);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_OTHER_ESR] >> 26, 0x19);
	reply(CL_VCPU_REPLY_EMULATED, 0, 0, 0, 0, 0); /* skip it */
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
}

/*
 * A guest reads no SVE, SME, MTE or pointer authentication in its ID registers
 * (the kernel answers them under HCR_EL2.TID3 on CPUs that have these; on a
 * Cortex-A57 they are zero anyway), and the reads cost no exit.
 */
KTEST(vcpu_id_registers_hide_unswitched_features)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct guest g;
	struct cl_result r;

	CHECK(guest_start(t, &g, guest_idregs, 0, 0, HCR_BASE, ep));
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC); /* the first exit is its report */
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_IMM], HVC_REPORT);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0], 0); /* SVE */
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X1], 0); /* SME, MTE */
	/* x2, pointer authentication, is shown as the CPU has it: its keys are switched. */
	/* Trapped (on max) or not (Cortex-A57): every read the kernel took, it answered. */
	CHECK_EQ(exits_of(g.vcpu, CL_VCPU_EXIT_SYSREG_KERNEL),
		 exits_of(g.vcpu, CL_VCPU_EXIT_SYSREG));
}

/*
 * A guest has no debug and no PMU (docs/vmm.md, "CPU features"): its
 * accesses to MDSCR_EL1, DBGBVR0_EL1, OSLAR_EL1/OSLSR_EL1, PMUSERENR_EL0,
 * PMCR_EL0, PMCCNTR_EL0 and PMINTENSET_EL1 trap (MDCR_EL2) and the kernel
 * answers them: reads give 0, writes do not stick, and the VMM sees only the
 * guest's report. Each access is still an entry to EL2, counted as sysreg
 * and as sysreg_kernel.
 */
KTEST(vcpu_debug_and_pmu_registers_read_as_zero_in_the_kernel)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct guest g;
	struct cl_result r;

	CHECK(guest_start(t, &g, guest_debug_pmu, 0, 0, HCR_BASE, ep));
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC); /* not a vcpu_sysreg exit */
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_IMM], HVC_REPORT);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0], 0); /* the debug reads */
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X1], 0); /* the PMU reads */
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X2], 12);
	CHECK_EQ(cl_vcpu_read_gpr(g.vcpu, CL_VCPU_GPR_PC).mr[0],
		 (uint64_t)guest_debug_pmu + 33 * 4);
	CHECK_EQ(exits_of(g.vcpu, CL_VCPU_EXIT_SYSREG), 12);
	CHECK_EQ(exits_of(g.vcpu, CL_VCPU_EXIT_SYSREG_KERNEL), 12);
	CHECK_EQ(exits_of(g.vcpu, CL_VCPU_EXIT_HVC), 1);
	CHECK_EQ(exits_of(g.vcpu, CL_VCPU_EXIT_OTHER), 0);
}

/*
 * TPIDR2_EL0 (which = 0) or DISR_EL1 (which = 1): a guest writes it, another
 * guest on the CPU reads its own (zero), the first reads its value back. Both
 * are reachable from EL1 without a trap, so the world switch must carry them.
 */
static void newer_reg_is_per_guest(struct kt *t, uint64_t which, uint64_t value)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct guest a;
	struct guest b;
	struct cl_result r;

	CHECK(guest_start(t, &a, guest_newer_reg, value, which, HCR_BASE, ep));
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	if (r.mr[CL_FAULT_VCPU_HVC_IMM] == HVC_BAD) {
		CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X0] >> 26, 0); /* not on this CPU: undefined */
		return;
	}
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_IMM], 3);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X1], 0); /* a new guest's */
	CHECK(guest_start(t, &b, guest_newer_reg, 0, which, HCR_BASE, ep));
	CHECK_EQ(ERR(cl_tcb_set_priority(b.tcb, GUEST_PRIO + 10)), CL_OK);
	reply(CL_VCPU_REPLY_RESUME, 0, 0, 0, 0, 0); /* a is runnable, b runs first */
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_IMM], 3);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X1], 0); /* b does not see a's value */
	reply(CL_VCPU_REPLY_RESUME, 0, 0, 0, 0, 0);
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_IMM], HVC_REPORT);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X1], 0);
	r = wait_exit(ep);
	CHECK_EXIT(r, CL_FAULT_VCPU_HVC);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_IMM], HVC_REPORT);
	CHECK_EQ(r.mr[CL_FAULT_VCPU_HVC_X1], value); /* a kept its own */
}

KTEST(vcpu_tpidr2_is_per_guest)
{
	newer_reg_is_per_guest(t, 0, 0xa1a1);
}

KTEST(vcpu_disr_is_per_guest)
{
	/* DISR_EL1.A [31] and DFSC [5:0] (0b010001, an SError): bits a guest can write. */
	newer_reg_is_per_guest(t, 1, 0x80000011);
}

/* The pointer-authentication keys are switched (docs/vmm.md, "CPU features"). */
KTEST(vcpu_pauth_keys_are_per_guest)
{
	newer_reg_is_per_guest(t, 2, 0x0123456789abcdefULL); /* APIAKeyLo_EL1 */
	newer_reg_is_per_guest(t, 3, 0xfedcba9876543210ULL); /* APGAKeyHi_EL1 */
}

/*
 * A guest's PAC instructions run without a trap (HCR_EL2.API) with its own key:
 * two guests with different generic keys get different codes for the same input,
 * and the same key the same code again.
 */
static uint64_t pacga_of(struct kt *t, uint64_t key, bool *present)
{
	cl_cptr_t ep = kt_make(t, CL_OBJ_ENDPOINT, 0);
	struct guest g;
	struct cl_result r;

	*present = false;
	if (!guest_start(t, &g, guest_pacga, key, 0, HCR_BASE, ep))
		return 0;
	r = wait_exit(ep);
	if (ERR(r) != CL_OK || cl_msginfo_label(r.info) != CL_FAULT_VCPU_HVC) {
		kt_fail(t, __FILE__, __LINE__, "PACGA exited, not with an HVC: label, mr0",
			cl_msginfo_label(r.info), r.mr[0]);
		return 0;
	}
	if (r.mr[CL_FAULT_VCPU_HVC_IMM] == HVC_BAD)
		return 0; /* no pointer authentication on this CPU */
	*present = true;
	return r.mr[CL_FAULT_VCPU_HVC_X2];
}

KTEST(vcpu_pauth_instructions_use_the_guests_key)
{
	bool present;
	uint64_t a = pacga_of(t, 0x1111, &present);

	if (!present)
		return;
	uint64_t b = pacga_of(t, 0x2222, &present);
	uint64_t again = pacga_of(t, 0x1111, &present);

	CHECK_EQ(a & 0xffffffffULL, 0); /* the code is the top half */
	CHECK(a != b);
	CHECK_EQ(a, again);
}
