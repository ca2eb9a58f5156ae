/*
 * Decoding ESR_EL2 for the exits that reach the VMM: the ISS encodings of the
 * Arm ARM (DDI 0487J.a D17.2.37 "ESR_EL2"; D13.2.37 in earlier issues). Pure:
 * syndrome in, a typed description out, nothing touched.
 */
#ifndef VMM_EXIT_DECODE_H
#define VMM_EXIT_DECODE_H

#include <vmm/sysregs.h>

enum vmm_exit_kind {
	VMM_EXIT_WFX,
	VMM_EXIT_HVC,
	VMM_EXIT_SMC,
	VMM_EXIT_SYSREG,
	VMM_EXIT_MMIO,
	VMM_EXIT_CANNOT_EMULATE,
};

struct vmm_exit_mmio {
	uint8_t size;	      /* access size in bytes: 1, 2, 4 or 8 (SAS) */
	uint8_t reg;	      /* SRT: general register, 31 = XZR/WZR */
	bool write;	      /* WnR */
	bool sign_extend;     /* SSE: a load that sign-extends to the register width */
	bool reg64;	      /* SF: the register is X (else W) */
	bool acquire_release; /* AR */
};

struct vmm_exit_sysreg {
	enum vmm_sysreg reg; /* VMM_SYSREG_UNKNOWN for anything outside the table */
	uint8_t op0, op1, crn, crm, op2;
	uint8_t rt; /* 31 = XZR */
	bool read;  /* Direction = 1: MRS */
};

enum vmm_wfx_kind {
	VMM_WFI,
	VMM_WFE,
	VMM_WFIT,
	VMM_WFET,
};

struct vmm_exit {
	enum vmm_exit_kind kind;
	unsigned ec;
	bool insn32; /* IL: the trapping instruction was 32 bits (advance the PC by 4, not 2) */
	union {
		struct vmm_exit_mmio mmio;
		struct vmm_exit_sysreg sysreg;
		uint16_t imm; /* HVC/SMC immediate */
		enum vmm_wfx_kind wfx;
	};
	const char *why; /* VMM_EXIT_CANNOT_EMULATE: one clause saying why */
};

/* Decode one syndrome. Never fails: what the VMM cannot handle is VMM_EXIT_CANNOT_EMULATE. */
struct vmm_exit vmm_exit_decode(uint64_t esr);

/*
 * The value an emulated load leaves in its register: the access size's
 * bytes of data, sign-extended when SSE, cut to 32 bits for a W register
 * (ISS.SSE and ISS.SF). A load to register 31 (XZR) is discarded by the caller.
 */
uint64_t vmm_mmio_load_result(const struct vmm_exit_mmio *m, uint64_t data);

/* The data an emulated store writes: the access size's low bytes of the register; XZR is 0. */
uint64_t vmm_mmio_store_data(const struct vmm_exit_mmio *m, uint64_t reg_value);

/* The register a system-register access names, from its encoding. */
enum vmm_sysreg vmm_sysreg_lookup(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
				  unsigned op2);

#endif
