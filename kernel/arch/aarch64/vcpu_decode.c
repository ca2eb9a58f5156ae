/* Guest exit syndromes decoded for a VMM (arch/vcpu_decode.h). Pure: host-tested. */
#include <arch/esr.h>
#include <arch/vcpu_decode.h>
#include <uapi/cleave/vcpu_abi.h>

uint64_t esr_sysreg_key(uint32_t iss)
{
	uint64_t op0 = FIELD(iss, 21, 20);
	uint64_t op2 = FIELD(iss, 19, 17);
	uint64_t op1 = FIELD(iss, 16, 14);
	uint64_t crn = FIELD(iss, 13, 10);
	uint64_t crm = FIELD(iss, 4, 1);

	return op0 << 14 | op1 << 11 | crn << 7 | crm << 3 | op2;
}

unsigned esr_sysreg_rt(uint32_t iss)
{
	return (unsigned)FIELD(iss, 9, 5);
}

bool esr_sysreg_read(uint32_t iss)
{
	return (iss & 1) != 0;
}

bool esr_dabt_valid(uint32_t iss)
{
	return (iss & BIT(24)) != 0;
}

bool esr_dabt_write(uint32_t iss)
{
	return (iss & BIT(6)) != 0;
}

unsigned esr_dabt_srt(uint32_t iss)
{
	return (unsigned)FIELD(iss, 20, 16);
}

static uint64_t size_mask(uint32_t iss)
{
	unsigned bits = 8U << FIELD(iss, 23, 22);

	return bits == 64 ? ~0ULL : (1ULL << bits) - 1;
}

uint64_t esr_dabt_store_value(uint32_t iss, uint64_t reg)
{
	return reg & size_mask(iss);
}

uint64_t esr_dabt_load_value(uint32_t iss, uint64_t data)
{
	uint64_t mask = size_mask(iss);
	uint64_t v = data & mask;

	/* SSE: sign-extend from the access size (LDRSB/LDRSH/LDRSW). */
	if ((iss & BIT(21)) != 0 && mask != ~0ULL && (v & ((mask >> 1) + 1)) != 0)
		v |= ~mask;
	/* SF clear: the target is a W register, whose upper half a write clears. */
	if ((iss & BIT(15)) == 0)
		v &= 0xffffffffULL;
	return v;
}

uint64_t vcpu_fault_ipa(uint64_t hpfar, uint64_t far)
{
	return (FIELD(hpfar, 43, 4) << 12) | (far & 0xfff);
}

unsigned vcpu_exit_kind(unsigned ec)
{
	switch (ec) {
	case EC_DABT_LOW:
	case EC_IABT_LOW:
		return CL_VCPU_EXIT_STAGE2;
	case EC_SYS64:
		return CL_VCPU_EXIT_SYSREG;
	case EC_HVC64:
		return CL_VCPU_EXIT_HVC;
	case EC_SMC64:
		return CL_VCPU_EXIT_SMC;
	case EC_WFX:
		return CL_VCPU_EXIT_WFX;
	case EC_FPSIMD:
		return CL_VCPU_EXIT_FPSIMD;
	default:
		return CL_VCPU_EXIT_OTHER;
	}
}
