/*
 * Exception class names for the exception dump, from the ESR_ELx.EC table in
 * the Arm ARM (DDI 0487, D17.2.37). Pure: also built into the host tests.
 */
#include <arch/esr.h>

struct ec_name {
	uint8_t ec;
	const char *name;
};

static const struct ec_name ec_names[] = {
	{0x00, "unknown reason (undefined instruction)"},
	{0x01, "WFI or WFE"},
	{0x07, "SVE/SIMD/FP access"},
	{0x0e, "illegal execution state"},
	{0x11, "SVC from AArch32"},
	{0x12, "HVC from AArch32"},
	{0x13, "SMC from AArch32"},
	{0x15, "SVC from AArch64"},
	{0x16, "HVC from AArch64"},
	{0x17, "SMC from AArch64"},
	{0x18, "system register access"},
	{0x19, "SVE access"},
	{0x20, "instruction abort, lower EL"},
	{0x21, "instruction abort, same EL"},
	{0x22, "PC alignment fault"},
	{0x24, "data abort, lower EL"},
	{0x25, "data abort, same EL"},
	{0x26, "SP alignment fault"},
	{0x2f, "SError interrupt"},
	{0x30, "breakpoint, lower EL"},
	{0x31, "breakpoint, same EL"},
	{0x32, "software step, lower EL"},
	{0x33, "software step, same EL"},
	{0x34, "watchpoint, lower EL"},
	{0x35, "watchpoint, same EL"},
	{0x3c, "BRK instruction"},
};

const char *esr_class_name(unsigned ec)
{
	for (size_t i = 0; i < ARRAY_SIZE(ec_names); i++) {
		if (ec_names[i].ec == ec)
			return ec_names[i].name;
	}
	return "unknown class";
}

bool esr_far_valid(uint64_t esr)
{
	switch (ESR_EC(esr)) {
	case EC_IABT_LOW:
	case EC_IABT_CUR:
	case EC_PC_ALIGN:
	case EC_DABT_LOW:
	case EC_DABT_CUR:
	case 0x34:
	case 0x35:
		/* ISS.FnV (bit 10) set means FAR is not valid for aborts. */
		return ESR_EC(esr) == EC_PC_ALIGN || (ESR_ISS(esr) & BIT(10)) == 0;
	default:
		return false;
	}
}

bool esr_lower_leaf_translation_fault(uint64_t esr)
{
	unsigned ec = ESR_EC(esr);

	return (ec == EC_DABT_LOW || ec == EC_IABT_LOW) && (ESR_ISS(esr) & 0x3e) == 0x06;
}
