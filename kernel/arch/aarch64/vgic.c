/*
 * List registers and the virtual CPU interface (arch/vgic.h): GICv3's
 * ICH_*_EL2 system registers (Arm IHI 0069, 12.4) and GICv2's GICH frame
 * (IHI 0048B, 5.3). The kernel keeps the guest's list registers in the
 * GICv3 layout; for GICv2 it converts on the way in and out.
 */
#include <arch/mmio.h>
#include <arch/sysreg.h>
#include <arch/vgic.h>

/* ICH_* by encoding, so any assembler takes them (IHI 0069, 12.4). */
#define ICH_HCR "S3_4_C12_C11_0"
#define ICH_VTR "S3_4_C12_C11_1"
#define ICH_EISR "S3_4_C12_C11_3"
#define ICH_VMCR "S3_4_C12_C11_7"

/* GICH registers (IHI 0048B, 5.3.1). */
#define GICH_HCR 0x00
#define GICH_VTR 0x04
#define GICH_VMCR 0x08
#define GICH_EISR0 0x20
#define GICH_APR 0xf0
#define GICH_LR(n) (0x100 + 4 * (n))

static unsigned version;
static unsigned lrs;
static unsigned aprs; /* GICv3 active-priority registers per group */
static unsigned maint_intid;
static uintptr_t gich;

#define RD(enc)                                               \
	({                                                    \
		uint64_t v__;                                 \
		__asm__ volatile("mrs %0, " enc : "=r"(v__)); \
		v__;                                          \
	})
#define WR(enc, val) __asm__ volatile("msr " enc ", %0" : : "r"((uint64_t)(val)) : "memory")

/* The 16 list registers and 4+4 active-priority registers need one case each. */
static uint64_t v3_read_lr(unsigned n)
{
	switch (n) {
	case 0:
		return RD("S3_4_C12_C12_0");
	case 1:
		return RD("S3_4_C12_C12_1");
	case 2:
		return RD("S3_4_C12_C12_2");
	case 3:
		return RD("S3_4_C12_C12_3");
	case 4:
		return RD("S3_4_C12_C12_4");
	case 5:
		return RD("S3_4_C12_C12_5");
	case 6:
		return RD("S3_4_C12_C12_6");
	case 7:
		return RD("S3_4_C12_C12_7");
	case 8:
		return RD("S3_4_C12_C13_0");
	case 9:
		return RD("S3_4_C12_C13_1");
	case 10:
		return RD("S3_4_C12_C13_2");
	case 11:
		return RD("S3_4_C12_C13_3");
	case 12:
		return RD("S3_4_C12_C13_4");
	case 13:
		return RD("S3_4_C12_C13_5");
	case 14:
		return RD("S3_4_C12_C13_6");
	default:
		return RD("S3_4_C12_C13_7");
	}
}

static void v3_write_lr(unsigned n, uint64_t v)
{
	switch (n) {
	case 0:
		WR("S3_4_C12_C12_0", v);
		break;
	case 1:
		WR("S3_4_C12_C12_1", v);
		break;
	case 2:
		WR("S3_4_C12_C12_2", v);
		break;
	case 3:
		WR("S3_4_C12_C12_3", v);
		break;
	case 4:
		WR("S3_4_C12_C12_4", v);
		break;
	case 5:
		WR("S3_4_C12_C12_5", v);
		break;
	case 6:
		WR("S3_4_C12_C12_6", v);
		break;
	case 7:
		WR("S3_4_C12_C12_7", v);
		break;
	case 8:
		WR("S3_4_C12_C13_0", v);
		break;
	case 9:
		WR("S3_4_C12_C13_1", v);
		break;
	case 10:
		WR("S3_4_C12_C13_2", v);
		break;
	case 11:
		WR("S3_4_C12_C13_3", v);
		break;
	case 12:
		WR("S3_4_C12_C13_4", v);
		break;
	case 13:
		WR("S3_4_C12_C13_5", v);
		break;
	case 14:
		WR("S3_4_C12_C13_6", v);
		break;
	default:
		WR("S3_4_C12_C13_7", v);
		break;
	}
}

static uint32_t v3_read_apr(unsigned group, unsigned n)
{
	uint64_t v;

	if (group == 0) {
		switch (n) {
		case 0:
			v = RD("S3_4_C12_C8_0");
			break;
		case 1:
			v = RD("S3_4_C12_C8_1");
			break;
		case 2:
			v = RD("S3_4_C12_C8_2");
			break;
		default:
			v = RD("S3_4_C12_C8_3");
			break;
		}
	} else {
		switch (n) {
		case 0:
			v = RD("S3_4_C12_C9_0");
			break;
		case 1:
			v = RD("S3_4_C12_C9_1");
			break;
		case 2:
			v = RD("S3_4_C12_C9_2");
			break;
		default:
			v = RD("S3_4_C12_C9_3");
			break;
		}
	}
	return (uint32_t)v;
}

static void v3_write_apr(unsigned group, unsigned n, uint32_t v)
{
	if (group == 0) {
		switch (n) {
		case 0:
			WR("S3_4_C12_C8_0", v);
			break;
		case 1:
			WR("S3_4_C12_C8_1", v);
			break;
		case 2:
			WR("S3_4_C12_C8_2", v);
			break;
		default:
			WR("S3_4_C12_C8_3", v);
			break;
		}
	} else {
		switch (n) {
		case 0:
			WR("S3_4_C12_C9_0", v);
			break;
		case 1:
			WR("S3_4_C12_C9_1", v);
			break;
		case 2:
			WR("S3_4_C12_C9_2", v);
			break;
		default:
			WR("S3_4_C12_C9_3", v);
			break;
		}
	}
}

/*
 * GICv2 list registers (IHI 0048B, 5.3.11): VirtualID [9:0], EOI [19]
 * (with HW 0), Priority [27:23] (the top five bits), State [29:28], Grp1
 * [30]. GICv3's: vINTID [31:0], EOI [41], Priority [55:48], Group [60],
 * State [63:62].
 */
static uint32_t lr_to_v2(uint64_t v)
{
	return (uint32_t)(FIELD(v, 9, 0) | FIELD(v, 41, 41) << 19 | FIELD(v, 55, 51) << 23 |
			  FIELD(v, 63, 62) << 28 | FIELD(v, 60, 60) << 30);
}

static uint64_t lr_from_v2(uint32_t v)
{
	return FIELD(v, 9, 0) | FIELD(v, 19, 19) << 41 | FIELD(v, 27, 23) << 51 |
	       FIELD(v, 29, 28) << 62 | FIELD(v, 30, 30) << 60;
}

void vgic_init(const struct boot_info *bi)
{
	version = bi->gic_version;
	maint_intid = bi->gic_maint_intid;
	if (maint_intid == 0)
		return; /* no virtualization support in this GIC */
	if (version == 3) {
		uint64_t vtr = RD(ICH_VTR);

		lrs = (unsigned)FIELD(vtr, 4, 0) + 1;
		/* PREbits [28:26] + 1 preemption bits: 5 -> 1 register, 6 -> 2, 7 -> 4. */
		aprs = 1U << (FIELD(vtr, 28, 26) + 1 - 5);
	} else if (bi->gic_hyp != 0) {
		gich = (uintptr_t)bi->gic_hyp;
		lrs = (unsigned)FIELD(mmio_read32(gich + GICH_VTR), 5, 0) + 1;
	}
	if (lrs > VCPU_LRS_MAX)
		lrs = VCPU_LRS_MAX;
}

unsigned vgic_lrs(void)
{
	return lrs;
}

unsigned vgic_maint_intid(void)
{
	return maint_intid;
}

void vgic_save(struct vcpu *v)
{
	if (version == 3) {
		v->sys[CL_VCPU_ICH_VMCR_EL2] = RD(ICH_VMCR);
		for (unsigned n = 0; n < lrs; n++)
			v->sys[CL_VCPU_LR0 + n] = v3_read_lr(n);
		for (unsigned n = 0; n < aprs; n++) {
			v->apr[0][n] = v3_read_apr(0, n);
			v->apr[1][n] = v3_read_apr(1, n);
		}
	} else {
		v->sys[CL_VCPU_ICH_VMCR_EL2] = mmio_read32(gich + GICH_VMCR);
		for (unsigned n = 0; n < lrs; n++)
			v->sys[CL_VCPU_LR0 + n] = lr_from_v2(mmio_read32(gich + GICH_LR(n)));
		v->apr[1][0] = mmio_read32(gich + GICH_APR);
	}
}

void vgic_restore(const struct vcpu *v)
{
	if (version == 3) {
		WR(ICH_VMCR, v->sys[CL_VCPU_ICH_VMCR_EL2]);
		for (unsigned n = 0; n < lrs; n++)
			v3_write_lr(n, v->sys[CL_VCPU_LR0 + n]);
		for (unsigned n = 0; n < aprs; n++) {
			v3_write_apr(0, n, v->apr[0][n]);
			v3_write_apr(1, n, v->apr[1][n]);
		}
	} else {
		mmio_write32(gich + GICH_VMCR, (uint32_t)v->sys[CL_VCPU_ICH_VMCR_EL2]);
		for (unsigned n = 0; n < lrs; n++)
			mmio_write32(gich + GICH_LR(n), lr_to_v2(v->sys[CL_VCPU_LR0 + n]));
		mmio_write32(gich + GICH_APR, v->apr[1][0]);
	}
}

void vgic_enable(bool on)
{
	if (version == 3)
		WR(ICH_HCR, on ? 1 : 0);
	else
		mmio_write32(gich + GICH_HCR, on ? 1 : 0);
}

void vgic_write_lr(unsigned n, uint64_t v3_value)
{
	if (version == 3)
		v3_write_lr(n, v3_value);
	else
		mmio_write32(gich + GICH_LR(n), lr_to_v2(v3_value));
}

uint32_t vgic_eisr(void)
{
	if (version == 3)
		return (uint32_t)RD(ICH_EISR);
	return mmio_read32(gich + GICH_EISR0);
}
