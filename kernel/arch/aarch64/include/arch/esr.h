/* Decoding ESR_EL2 (Arm ARM D17.2.37): the exception class and its name. */
#ifndef ARCH_ESR_H
#define ARCH_ESR_H

#include <cleave/compiler.h>

#define ESR_EC(esr) ((unsigned)FIELD(esr, 31, 26))
#define ESR_ISS(esr) ((uint32_t)FIELD(esr, 24, 0))

#define EC_UNKNOWN 0x00
#define EC_WFX 0x01
#define EC_FPSIMD 0x07 /* FP/SIMD access trapped by CPTR_EL2.TFP */
#define EC_HVC64 0x16
#define EC_SMC64 0x17
#define EC_SYS64 0x18
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_PC_ALIGN 0x22
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define EC_SP_ALIGN 0x26
#define EC_SERROR 0x2f
#define EC_BRK64 0x3c

/* A short lower-case name for the class, "unknown class" for reserved values. */
const char *esr_class_name(unsigned ec);
/* True when FAR_EL2 holds a meaningful address for this class. */
bool esr_far_valid(uint64_t esr);
/*
 * True for an instruction or data abort from a lower EL whose status is a translation
 * fault at level 2 or 3 (ISS.xFSC 0b000110 or 0b000111, Arm ARM D17.2.40): no valid
 * entry where a 2 MiB block or a page would be. At level 0 or 1 the walk found no
 * table at all, so no leaf, lazy or not, can be there.
 */
bool esr_lower_leaf_translation_fault(uint64_t esr);

#endif
