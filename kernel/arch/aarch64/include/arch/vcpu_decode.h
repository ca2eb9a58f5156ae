/*
 * Decoding a guest exit's syndrome (ESR_EL2, Arm ARM D17.2.37) into what a
 * VMM needs, and completing an emulated instruction. Pure: built into the
 * host unit tests (tests/unit/test_vcpu_decode.c) as well.
 */
#ifndef ARCH_VCPU_DECODE_H
#define ARCH_VCPU_DECODE_H

#include <cleave/compiler.h>

/*
 * EC 0x18 (trapped MSR, MRS or system instruction), ISS: Op0 [21:20], Op2
 * [19:17], Op1 [16:14], CRn [13:10], Rt [9:5], CRm [4:1], Direction [0]
 * (1: a read, MRS). Arm ARM D17.2.37, "ISS encoding for an exception from
 * MSR, MRS or System instruction execution in AArch64 state".
 */
/* The register as CL_SYSREG(op0, op1, CRn, CRm, op2) (uapi/cleave/vcpu_abi.h). */
uint64_t esr_sysreg_key(uint32_t iss);
unsigned esr_sysreg_rt(uint32_t iss);
bool esr_sysreg_read(uint32_t iss);

/*
 * Data aborts (EC 0x24), ISS: ISV [24] says bits [23:14] are valid: SAS
 * [23:22] (access size 1 << SAS bytes), SSE [21] (sign-extend a load), SRT
 * [20:16] (the register), SF [15] (64-bit register); WnR [6] (a write).
 */
bool esr_dabt_valid(uint32_t iss);
bool esr_dabt_write(uint32_t iss);
unsigned esr_dabt_srt(uint32_t iss);
/* A register's value as the store of this syndrome writes it: narrowed to the access size. */
uint64_t esr_dabt_store_value(uint32_t iss, uint64_t reg);
/* The register value a load of this syndrome produces from data: narrowed, sign-extended. */
uint64_t esr_dabt_load_value(uint32_t iss, uint64_t data);

/* The faulting IPA: HPFAR_EL2.FIPA [43:4] is IPA [51:12]; FAR gives the page offset (D17.2.55). */
uint64_t vcpu_fault_ipa(uint64_t hpfar, uint64_t far);

/* The enum cl_vcpu_exit_kind a synchronous exit with exception class ec counts under. */
unsigned vcpu_exit_kind(unsigned ec);

#endif
