/*
 * ESR_EL2 decoding (Arm ARM DDI 0487J.a D17.2.37, ESR_EL2, and the ISS
 * encodings it lists per exception class).
 */
#include <vmm/exit_decode.h>

/* Exception classes (ESR_EL2.EC, bits [31:26]). */
#define EC_WFX 0x01
#define EC_HVC64 0x16
#define EC_SMC64 0x17
#define EC_SYS64 0x18
#define EC_IABT_LOW 0x20
#define EC_DABT_LOW 0x24

struct sysreg_enc {
	uint8_t op0, op1, crn, crm, op2;
	enum vmm_sysreg reg;
	const char *name;
};

/* Encodings from the register descriptions (D17.2) and DC ISW/CSW/CISW (C5.3). */
static const struct sysreg_enc sysregs[] = {
	{3, 0, 1, 0, 0, VMM_SCTLR_EL1, "SCTLR_EL1"},
	{3, 0, 2, 0, 0, VMM_TTBR0_EL1, "TTBR0_EL1"},
	{3, 0, 2, 0, 1, VMM_TTBR1_EL1, "TTBR1_EL1"},
	{3, 0, 2, 0, 2, VMM_TCR_EL1, "TCR_EL1"},
	{3, 0, 5, 2, 0, VMM_ESR_EL1, "ESR_EL1"},
	{3, 0, 6, 0, 0, VMM_FAR_EL1, "FAR_EL1"},
	{3, 0, 5, 1, 0, VMM_AFSR0_EL1, "AFSR0_EL1"},
	{3, 0, 5, 1, 1, VMM_AFSR1_EL1, "AFSR1_EL1"},
	{3, 0, 10, 2, 0, VMM_MAIR_EL1, "MAIR_EL1"},
	{3, 0, 10, 3, 0, VMM_AMAIR_EL1, "AMAIR_EL1"},
	{3, 0, 13, 0, 1, VMM_CONTEXTIDR_EL1, "CONTEXTIDR_EL1"},
	{1, 0, 7, 6, 2, VMM_DC_ISW, "DC ISW"},
	{1, 0, 7, 10, 2, VMM_DC_CSW, "DC CSW"},
	{1, 0, 7, 14, 2, VMM_DC_CISW, "DC CISW"},
	{3, 0, 12, 11, 5, VMM_ICC_SGI1R_EL1, "ICC_SGI1R_EL1"},
	{3, 0, 12, 11, 6, VMM_ICC_ASGI1R_EL1, "ICC_ASGI1R_EL1"},
	{3, 0, 12, 11, 7, VMM_ICC_SGI0R_EL1, "ICC_SGI0R_EL1"},
};

enum vmm_sysreg vmm_sysreg_lookup(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
				  unsigned op2)
{
	for (size_t i = 0; i < ARRAY_SIZE(sysregs); i++) {
		const struct sysreg_enc *e = &sysregs[i];

		if (e->op0 == op0 && e->op1 == op1 && e->crn == crn && e->crm == crm &&
		    e->op2 == op2)
			return e->reg;
	}
	return VMM_SYSREG_UNKNOWN;
}

const char *vmm_sysreg_name(enum vmm_sysreg reg)
{
	for (size_t i = 0; i < ARRAY_SIZE(sysregs); i++) {
		if (sysregs[i].reg == reg)
			return sysregs[i].name;
	}
	return "unknown";
}

static struct vmm_exit cannot(struct vmm_exit x, const char *why)
{
	x.kind = VMM_EXIT_CANNOT_EMULATE;
	x.why = why;
	return x;
}

/*
 * Data abort ISS: ISV [24], SAS [23:22], SSE [21], SRT [20:16], SF [15],
 * AR [14], FnV [10], EA [9], CM [8], S1PTW [7], WnR [6], DFSC [5:0].
 * Only ISV = 1 gives the VMM what it needs to emulate the access; the rest
 * (load/store pair, writeback, SIMD registers, atomics) it cannot replay.
 */
static struct vmm_exit decode_dabt(struct vmm_exit x, uint32_t iss)
{
	unsigned dfsc = FIELD(iss, 5, 0);

	if (FIELD(iss, 7, 7))
		return cannot(x, "stage-2 fault on a stage-1 translation table walk");
	if (FIELD(iss, 8, 8))
		return cannot(x, "cache maintenance on an emulated device");
	if (FIELD(iss, 9, 9))
		return cannot(x, "external abort");
	/* Translation fault levels 0-3 (0b0001LL): nothing is mapped there at stage 2. */
	if ((dfsc & 0x3c) != 0x04)
		return cannot(x, "data abort that is not a stage-2 translation fault");
	if (!FIELD(iss, 24, 24))
		return cannot(x, "data abort without a valid instruction syndrome (ISV=0)");
	x.kind = VMM_EXIT_MMIO;
	x.mmio.size = (uint8_t)(1U << FIELD(iss, 23, 22));
	x.mmio.sign_extend = FIELD(iss, 21, 21);
	x.mmio.reg = (uint8_t)FIELD(iss, 20, 16);
	x.mmio.reg64 = FIELD(iss, 15, 15);
	x.mmio.acquire_release = FIELD(iss, 14, 14);
	x.mmio.write = FIELD(iss, 6, 6);
	return x;
}

/*
 * MSR/MRS/SYS ISS (EC 0x18): Op0 [21:20], Op2 [19:17], Op1 [16:14],
 * CRn [13:10], Rt [9:5], CRm [4:1], Direction [0] (1 = read).
 */
static struct vmm_exit decode_sysreg(struct vmm_exit x, uint32_t iss)
{
	struct vmm_exit_sysreg *s = &x.sysreg;

	x.kind = VMM_EXIT_SYSREG;
	s->op0 = (uint8_t)FIELD(iss, 21, 20);
	s->op2 = (uint8_t)FIELD(iss, 19, 17);
	s->op1 = (uint8_t)FIELD(iss, 16, 14);
	s->crn = (uint8_t)FIELD(iss, 13, 10);
	s->rt = (uint8_t)FIELD(iss, 9, 5);
	s->crm = (uint8_t)FIELD(iss, 4, 1);
	s->read = FIELD(iss, 0, 0);
	s->reg = vmm_sysreg_lookup(s->op0, s->op1, s->crn, s->crm, s->op2);
	return x;
}

struct vmm_exit vmm_exit_decode(uint64_t esr)
{
	struct vmm_exit x = {0};
	uint32_t iss = (uint32_t)FIELD(esr, 24, 0);

	x.ec = (unsigned)FIELD(esr, 31, 26);
	x.insn32 = FIELD(esr, 25, 25);
	switch (x.ec) {
	case EC_WFX:
		/* TI [1:0]: 00 WFI, 01 WFE, 10 WFIT, 11 WFET. */
		x.kind = VMM_EXIT_WFX;
		x.wfx = (enum vmm_wfx_kind)FIELD(iss, 1, 0);
		return x;
	case EC_HVC64:
		x.kind = VMM_EXIT_HVC;
		x.imm = (uint16_t)FIELD(iss, 15, 0);
		return x;
	case EC_SMC64:
		x.kind = VMM_EXIT_SMC;
		x.imm = (uint16_t)FIELD(iss, 15, 0);
		return x;
	case EC_SYS64:
		return decode_sysreg(x, iss);
	case EC_DABT_LOW:
		return decode_dabt(x, iss);
	case EC_IABT_LOW:
		return cannot(x, "instruction fetch from memory that is not guest RAM");
	default:
		return cannot(x, "exception class the VMM does not emulate");
	}
}

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ULL : BIT(8 * size) - 1;
}

uint64_t vmm_mmio_load_result(const struct vmm_exit_mmio *m, uint64_t data)
{
	uint64_t v = data & size_mask(m->size);

	if (m->sign_extend && m->size < 8 && (v & BIT(8 * m->size - 1)))
		v |= ~size_mask(m->size);
	return m->reg64 ? v : v & 0xffffffffULL;
}

uint64_t vmm_mmio_store_data(const struct vmm_exit_mmio *m, uint64_t reg_value)
{
	if (m->reg == 31)
		return 0;
	return reg_value & size_mask(m->size);
}
