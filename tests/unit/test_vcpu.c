/*
 * vCPU objects on the fake arch (kernel/src/vcpu.c): the HCR_EL2 mask a VMM
 * cannot get around, binding, and every invocation's refusal of bad
 * arguments. The world switch and exits run on QEMU (tests/ktest/test_vcpu.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arch/fake.h>
#include <cleave/sched.h>
#include <cleave/vcpu.h>

#include "kenv.h"

enum { S_AS = 10, S_T0 = 20, S_T1 = 21, S_V0 = 30, S_V1 = 31, S_EP = 40 };

#define HCR_OK (CL_HCR_GUEST_FORCED | CL_HCR_TVM | CL_HCR_DC)

static struct vcpu *vcpu_at(uint64_t slot)
{
	return (struct vcpu *)kenv_slot(slot)->cap.obj;
}

static struct tcb *tcb_at(uint64_t slot)
{
	return (struct tcb *)kenv_slot(slot)->cap.obj;
}

static int setup(void **state)
{
	(void)state;
	kenv_setup();
	kretype(CL_OBJ_ASPACE, 14, S_AS, 1);
	kretype(CL_OBJ_TCB, 0, S_T0, 2);
	kretype(CL_OBJ_VCPU, 0, S_V0, 2);
	kretype(CL_OBJ_ENDPOINT, 0, S_EP, 1);
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_CONFIGURE, 3, S_ROOT, S_AS, S_EP, 0), CL_OK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kenv_teardown();
	return 0;
}

static void hcr_mask(void **state)
{
	(void)state;
	assert_true(vcpu_hcr_valid(CL_HCR_GUEST_FORCED));
	assert_true(vcpu_hcr_valid(CL_HCR_GUEST_FORCED | CL_HCR_GUEST_ALLOWED));
	/* Each forced bit alone may not be cleared. */
	for (unsigned b = 0; b < 64; b++) {
		uint64_t bit = 1ULL << b;

		if ((CL_HCR_GUEST_FORCED & bit) != 0)
			assert_false(vcpu_hcr_valid(CL_HCR_GUEST_FORCED & ~bit));
		else if ((CL_HCR_GUEST_ALLOWED & bit) != 0)
			assert_true(vcpu_hcr_valid(CL_HCR_GUEST_FORCED | bit));
		else
			assert_false(vcpu_hcr_valid(CL_HCR_GUEST_FORCED | bit));
	}
	/* The ones that matter most, by name. */
	assert_false(vcpu_hcr_valid(CL_HCR_GUEST_FORCED | CL_HCR_TGE));
	assert_false(vcpu_hcr_valid(CL_HCR_GUEST_FORCED | CL_HCR_E2H));
	assert_false(vcpu_hcr_valid(CL_HCR_GUEST_FORCED & ~CL_HCR_IMO));
	assert_false(vcpu_hcr_valid(CL_HCR_GUEST_FORCED & ~CL_HCR_VM));
	assert_false(vcpu_hcr_valid(CL_HCR_GUEST_FORCED & ~CL_HCR_TSC));
	assert_false(vcpu_hcr_valid(CL_HCR_GUEST_FORCED | CL_HCR_VI));
	assert_true(vcpu_hcr_valid(HCR_OK | CL_HCR_TSW | CL_HCR_TRVM | CL_HCR_TWI | CL_HCR_TID3));
}

static void set_traps(void **state)
{
	(void)state;
	assert_int_equal(vcpu_at(S_V0)->hcr,
			 CL_HCR_GUEST_FORCED); /* a new vCPU traps the minimum */
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_SET_TRAPS, 1, HCR_OK | CL_HCR_TGE, 0, 0, 0),
			 CL_INVALID_ARG);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_SET_TRAPS, 1, HCR_OK & ~CL_HCR_IMO, 0, 0, 0),
			 CL_INVALID_ARG);
	assert_int_equal(vcpu_at(S_V0)->hcr, CL_HCR_GUEST_FORCED); /* refused: unchanged */
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_SET_TRAPS, 1, HCR_OK, 0, 0, 0), CL_OK);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_READ_SYSREG, 1, CL_VCPU_HCR_EL2, 0, 0, 0),
			 CL_OK);
	assert_int_equal(kres[0], HCR_OK);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_SET_TRAPS, 0, 0, 0, 0, 0), CL_INVALID_ARG);
}

static void bind_rules(void **state)
{
	(void)state;
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_BIND, 1, S_EP, 0, 0, 0), CL_WRONG_TYPE);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_BIND, 1, 999, 0, 0, 0), CL_INVALID_CAP);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_UNBIND, 0, 0, 0, 0, 0), CL_ILLEGAL);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_READ_GPR, 1, 0, 0, 0, 0), CL_ILLEGAL);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_BIND, 1, S_T0, 0, 0, 0), CL_OK);
	assert_ptr_equal(tcb_at(S_T0)->vcpu, vcpu_at(S_V0));
	assert_int_equal(tcb_at(S_T0)->regs.spsr, VCPU_SPSR_START);
	/* One thread per vCPU and one vCPU per thread. */
	assert_int_equal(kcall(S_V1, CL_LABEL_VCPU_BIND, 1, S_T0, 0, 0, 0), CL_IN_USE);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_BIND, 1, S_T1, 0, 0, 0), CL_IN_USE);
	/* write_regs on a guest: sp is SP_EL1, the thread starts in EL1h. */
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_WRITE_REGS, 4, 0x40000000, 0x40100000, 7, 8),
			 CL_OK);
	assert_int_equal(vcpu_at(S_V0)->sys[CL_VCPU_SP_EL1], 0x40100000);
	assert_int_equal(tcb_at(S_T0)->regs.spsr, VCPU_SPSR_START);
	/* A thread that runs cannot be bound. */
	assert_int_equal(kcall(S_T1, CL_LABEL_TCB_CONFIGURE, 3, S_ROOT, S_AS, 0, 0), CL_OK);
	assert_int_equal(kcall(S_T1, CL_LABEL_TCB_RESUME, 0, 0, 0, 0, 0), CL_OK);
	assert_int_equal(kcall(S_V1, CL_LABEL_VCPU_BIND, 1, S_T1, 0, 0, 0), CL_ILLEGAL);
	/* Unbinding stops the guest and makes it native again. */
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_RESUME, 0, 0, 0, 0, 0), CL_OK);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_UNBIND, 0, 0, 0, 0, 0), CL_OK);
	assert_null(tcb_at(S_T0)->vcpu);
	assert_int_equal(tcb_at(S_T0)->state, TCB_INACTIVE);
	assert_int_equal(tcb_at(S_T0)->regs.spsr, 0);
}

static void registers(void **state)
{
	(void)state;
	assert_int_equal(
		kcall(S_V0, CL_LABEL_VCPU_WRITE_SYSREG, 2, CL_VCPU_TTBR0_EL1, 0x1234000, 0, 0),
		CL_OK);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_READ_SYSREG, 1, CL_VCPU_TTBR0_EL1, 0, 0, 0),
			 CL_OK);
	assert_int_equal(kres[0], 0x1234000);
	/* VMPIDR_EL2 bit 31 is RES1 whatever the VMM writes. */
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_WRITE_SYSREG, 2, CL_VCPU_VMPIDR_EL2, 3, 0, 0),
			 CL_OK);
	assert_int_equal(vcpu_at(S_V0)->sys[CL_VCPU_VMPIDR_EL2], 0x80000003);
	/* Out of range, read-only, bad values. */
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_READ_SYSREG, 1, CL_VCPU_NUM_REGS, 0, 0, 0),
			 CL_INVALID_ARG);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_READ_SYSREG, 1, CL_VCPU_LR0 + 4, 0, 0, 0),
			 CL_INVALID_ARG); /* three for the VMM and the kernel's one */
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_READ_SYSREG, 1, CL_VCPU_LR0 + 3, 0, 0, 0),
			 CL_OK);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_WRITE_SYSREG, 2, CL_VCPU_NUM_REGS, 0, 0, 0),
			 CL_INVALID_ARG);
	assert_int_equal(
		kcall(S_V0, CL_LABEL_VCPU_WRITE_SYSREG, 2, CL_VCPU_HCR_EL2, CL_HCR_TGE, 0, 0),
		CL_INVALID_ARG);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_WRITE_SYSREG, 2, CL_VCPU_VGIC_LRS, 9, 0, 0),
			 CL_INVALID_ARG);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_WRITE_SYSREG, 2, CL_VCPU_LR0, 1, 0, 0),
			 CL_INVALID_ARG);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_WRITE_SYSREG, 2, CL_VCPU_VTIMER_PRIO, 256, 0, 0),
			 CL_INVALID_ARG);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_WRITE_SYSREG, 1, CL_VCPU_TTBR0_EL1, 0, 0, 0),
			 CL_INVALID_ARG); /* too few arguments */
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_READ_SYSREG, 1, CL_VCPU_VGIC_LRS, 0, 0, 0),
			 CL_OK);
	assert_int_equal(kres[0], 3);
}

/* read_exits: four counts from the kind asked for, fewer at the end, a bad kind refused. */
static void exit_counts(void **state)
{
	struct vcpu *v;

	(void)state;
	v = vcpu_at(S_V0);
	for (unsigned k = 0; k < CL_VCPU_NUM_EXIT_KINDS; k++)
		v->exits[k] = 100 + k;
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_READ_EXITS, 1, 0, 0, 0, 0), CL_OK);
	assert_int_equal(kres[0], 100);
	assert_int_equal(kres[3], 103);
	assert_int_equal(
		kcall(S_V0, CL_LABEL_VCPU_READ_EXITS, 1, CL_VCPU_NUM_EXIT_KINDS - 2, 0, 0, 0),
		CL_OK);
	assert_int_equal(knres, 2);
	assert_int_equal(kres[1], 100 + CL_VCPU_NUM_EXIT_KINDS - 1);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_READ_EXITS, 1, CL_VCPU_NUM_EXIT_KINDS, 0, 0, 0),
			 CL_INVALID_ARG);
	/* A new vCPU has counted nothing. */
	assert_int_equal(kcall(S_V1, CL_LABEL_VCPU_READ_EXITS, 1, 0, 0, 0, 0), CL_OK);
	assert_int_equal(kres[0] | kres[1] | kres[2] | kres[3], 0);
}

#define UART_FR 0x09000018ULL
#define UART_DR 0x09000000ULL

/* The MMIO fast path's invocations refuse bad addresses and stop values. */
static void fast_path_errors(void **state)
{
	(void)state;
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_SET_FAST_READ, 2, UART_FR + 1, 0, 0, 0),
			 CL_MISALIGNED);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_SET_FAST_READ, 2, 1ULL << 39, 0, 0, 0),
			 CL_INVALID_ARG);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_SET_FAST_READ, 1, UART_FR, 0, 0, 0),
			 CL_INVALID_ARG); /* too few arguments */
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_SET_FAST_WRITE, 2, UART_DR + 2, '\n', 0, 0),
			 CL_MISALIGNED);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_SET_FAST_WRITE, 2, 1ULL << 40, '\n', 0, 0),
			 CL_INVALID_ARG);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_SET_FAST_WRITE, 2, UART_DR,
			       CL_VCPU_FAST_NO_STOP + 1, 0, 0),
			 CL_INVALID_ARG);
	/* Nothing was set: no access is answered. */
	assert_int_equal(vcpu_at(S_V0)->fast_read_ipa | vcpu_at(S_V0)->fast_write_ipa, 0);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_TAKE_WRITES, 0, 0, 0, 0, 0), CL_OK);
	assert_int_equal(kres[0], 0);
}

/*
 * Loads of the fast register return the value set; stores to the fast register are
 * kept in order until the stop byte or a full buffer, and take_writes hands them out
 * and forgets them; other addresses, and everything once turned off, still exit.
 */
static void fast_path(void **state)
{
	struct vcpu *v;
	uint64_t loaded = 0;

	(void)state;
	v = vcpu_at(S_V0);
	assert_false(vcpu_fast_mmio(v, UART_FR, false, 0, &loaded));
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_SET_FAST_READ, 2, UART_FR, 0x90, 0, 0), CL_OK);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_SET_FAST_WRITE, 2, UART_DR, '\n', 0, 0), CL_OK);
	assert_true(vcpu_fast_mmio(v, UART_FR, false, 0, &loaded));
	assert_int_equal(loaded, 0x90);
	assert_false(vcpu_fast_mmio(v, UART_FR + 4, false, 0, &loaded));
	assert_false(vcpu_fast_mmio(v, UART_FR, true, 1, &loaded));  /* a store to it exits */
	assert_false(vcpu_fast_mmio(v, UART_DR, false, 0, &loaded)); /* a load from DR exits */
	assert_false(vcpu_fast_mmio(v, 0, false, 0, &loaded));
	/* The other vCPU has no fast path. */
	assert_false(vcpu_fast_mmio(vcpu_at(S_V1), UART_FR, false, 0, &loaded));
	for (unsigned i = 0; i < CL_VCPU_FAST_WRITES; i++)
		assert_true(vcpu_fast_mmio(v, UART_DR, true, 0x100 | ('a' + i), &loaded));
	assert_false(vcpu_fast_mmio(v, UART_DR, true, 'z', &loaded)); /* full */
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_TAKE_WRITES, 0, 0, 0, 0, 0), CL_OK);
	assert_int_equal(knres, 4);
	assert_int_equal(kres[0], CL_VCPU_FAST_WRITES);
	assert_int_equal(kres[1] & 0xff, 'a');
	assert_int_equal(kres[1] >> 56, 'h');
	assert_int_equal(kres[3] >> 56, 'a' + CL_VCPU_FAST_WRITES - 1);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_TAKE_WRITES, 0, 0, 0, 0, 0), CL_OK);
	assert_int_equal(kres[0], 0);
	assert_int_equal(kres[1] | kres[2] | kres[3], 0);
	assert_true(vcpu_fast_mmio(v, UART_DR, true, 'x', &loaded));
	assert_false(vcpu_fast_mmio(v, UART_DR, true, '\n', &loaded));	/* the stop byte */
	assert_false(vcpu_fast_mmio(v, UART_DR, true, 0x20a, &loaded)); /* by its low byte */
	/* Turned off: stores exit, what was kept stays to be taken. */
	assert_int_equal(
		kcall(S_V0, CL_LABEL_VCPU_SET_FAST_WRITE, 2, 0, CL_VCPU_FAST_NO_STOP, 0, 0), CL_OK);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_SET_FAST_READ, 2, 0, 0, 0, 0), CL_OK);
	assert_false(vcpu_fast_mmio(v, UART_DR, true, 'y', &loaded));
	assert_false(vcpu_fast_mmio(v, UART_FR, false, 0, &loaded));
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_TAKE_WRITES, 0, 0, 0, 0, 0), CL_OK);
	assert_int_equal(kres[0], 1);
	assert_int_equal(kres[1], 'x');
}

static void general_registers(void **state)
{
	(void)state;
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_BIND, 1, S_T0, 0, 0, 0), CL_OK);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_WRITE_GPR, 2, 5, 0x55, 0, 0), CL_OK);
	assert_int_equal(tcb_at(S_T0)->regs.x[5], 0x55);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_WRITE_GPR, 2, CL_VCPU_GPR_PC, 0x40001000, 0, 0),
			 CL_OK);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_READ_GPR, 1, CL_VCPU_GPR_PC, 0, 0, 0), CL_OK);
	assert_int_equal(kres[0], 0x40001000);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_READ_GPR, 1, CL_VCPU_NUM_GPRS, 0, 0, 0),
			 CL_INVALID_ARG);
	/* PSTATE: EL1h, EL1t and EL0t in AArch64 only; never EL2, AArch32 or stray bits. */
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_WRITE_GPR, 2, CL_VCPU_GPR_PSTATE, 0x3c5, 0, 0),
			 CL_OK);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_WRITE_GPR, 2, CL_VCPU_GPR_PSTATE, 0x3c9, 0, 0),
			 CL_INVALID_ARG);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_WRITE_GPR, 2, CL_VCPU_GPR_PSTATE, 0x10, 0, 0),
			 CL_INVALID_ARG);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_WRITE_GPR, 2, CL_VCPU_GPR_PSTATE, 0x1, 0, 0),
			 CL_INVALID_ARG);
	assert_int_equal(
		kcall(S_V0, CL_LABEL_VCPU_WRITE_GPR, 2, CL_VCPU_GPR_PSTATE, 1ULL << 20 | 5, 0, 0),
		CL_INVALID_ARG);
	/* While it runs, its registers are not in memory: refused. */
	assert_int_equal(kcall(S_T0, CL_LABEL_TCB_RESUME, 0, 0, 0, 0, 0), CL_OK);
	sched_set_current(tcb_at(S_T0));
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_READ_GPR, 1, 0, 0, 0, 0), CL_ILLEGAL);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_WRITE_SYSREG, 2, CL_VCPU_TTBR0_EL1, 0, 0, 0),
			 CL_ILLEGAL);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_READ_SYSREG, 1, CL_VCPU_TTBR0_EL1, 0, 0, 0),
			 CL_ILLEGAL);
	/* An injection then waits for its next entry. */
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_INJECT, 4, 1, 40, 0xa0, CL_VIRQ_PENDING), CL_OK);
	assert_int_equal(vcpu_at(S_V0)->lr_pending_mask, 2);
	assert_int_equal(vcpu_at(S_V0)->sys[CL_VCPU_LR0 + 1], 0);
	sched_set_current(NULL);
}

static void inject(void **state)
{
	uint64_t lr;

	(void)state;
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_INJECT, 4, 0, 27, 0x80,
			       CL_VIRQ_PENDING | CL_VIRQ_GROUP1 | CL_VIRQ_EOI),
			 CL_OK);
	lr = vcpu_at(S_V0)->sys[CL_VCPU_LR0];
	/* ICH_LR<n>_EL2: vINTID, EOI [41], Priority [55:48], Group [60], State [63:62]. */
	assert_int_equal(lr, 27 | 1ULL << 41 | 0x80ULL << 48 | 1ULL << 60 | 1ULL << 62);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_INJECT, 4, 0, 27, 0x80, 0), CL_OK);
	assert_int_equal(vcpu_at(S_V0)->sys[CL_VCPU_LR0], 0); /* state 0 clears it */
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_INJECT, 4, 3, 27, 0x80, 1), CL_INVALID_ARG);
	/* SGIs too: a guest's vCPUs interrupt each other through their VMM. */
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_INJECT, 4, 0, 1, 0x80, CL_VIRQ_PENDING), CL_OK);
	assert_int_equal(vcpu_at(S_V0)->sys[CL_VCPU_LR0], 1 | 0x80ULL << 48 | 1ULL << 62);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_INJECT, 4, 0, 1020, 0x80, 1), CL_INVALID_ARG);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_INJECT, 4, 0, 27, 0x100, 1), CL_INVALID_ARG);
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_INJECT, 4, 0, 27, 0x80, 16), CL_INVALID_ARG);
}

static void deleting_either_unbinds(void **state)
{
	(void)state;
	assert_int_equal(kcall(S_V0, CL_LABEL_VCPU_BIND, 1, S_T0, 0, 0, 0), CL_OK);
	assert_int_equal(kcall(S_ROOT, CL_LABEL_CNODE_DELETE, 1, S_V0, 0, 0, 0), CL_OK);
	assert_null(tcb_at(S_T0)->vcpu);
	assert_int_equal(tcb_at(S_T0)->regs.spsr, 0);
	assert_int_equal(kcall(S_V1, CL_LABEL_VCPU_BIND, 1, S_T0, 0, 0, 0), CL_OK);
	assert_int_equal(kcall(S_ROOT, CL_LABEL_CNODE_DELETE, 1, S_T0, 0, 0, 0), CL_OK);
	assert_null(vcpu_at(S_V1)->tcb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hcr_mask),
		cmocka_unit_test_setup_teardown(set_traps, setup, teardown),
		cmocka_unit_test_setup_teardown(bind_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(registers, setup, teardown),
		cmocka_unit_test_setup_teardown(exit_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(fast_path_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(fast_path, setup, teardown),
		cmocka_unit_test_setup_teardown(general_registers, setup, teardown),
		cmocka_unit_test_setup_teardown(inject, setup, teardown),
		cmocka_unit_test_setup_teardown(deleting_either_unbinds, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
