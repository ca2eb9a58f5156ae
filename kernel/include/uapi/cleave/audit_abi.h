/*
 * The record of an audit kernel (docs/coherence.md, "The audit of real
 * boots"), shared by the kernel that writes it and the host replay tool that
 * reads it (tests/model/audit_replay.c). A kernel built with CLEAVE_AUDIT
 * appends one fixed-size record per event to a bounded buffer and prints it
 * on the console when the system goes quiet or is asked to: a line
 * `AUDIT BEGIN seq=S`, one line `AUDIT <80 hex digits>` per record (its
 * 40 bytes, little-endian, in memory order) and a line
 * `AUDIT END count=N dropped=D crc=C` (C: the CRC-32 of the records' bytes,
 * the zlib polynomial). D > 0 means the buffer filled up and D records were
 * lost: a replay must refuse such a record rather than judge it.
 */
#ifndef CLEAVE_UAPI_AUDIT_ABI_H
#define CLEAVE_UAPI_AUDIT_ABI_H

#include <stdint.h>

/* What a record says; the fields a..d of each kind are listed beside it. */
enum cl_audit_kind {
	/* Cache maintenance for user level or by the kernel on its own behalf.
	 * op: CACHE_* (0 clean to PoC, 1 invalidate to PoC, 2 clean+invalidate
	 * to PoC, 3 unify: clean D to PoU and invalidate I), flags: CL_AUDIT_SRC_*,
	 * id: VMID (aspace source), a: physical address, b: size, c: the IPA
	 * (aspace source) or 0. */
	CL_AUDIT_CACHE = 1,
	/* Stage-2 mapping made. id: VMID, a: IPA, b: physical address, c: size,
	 * d: the stage-2 descriptor's attribute bits (MemAttr [5:2], S2AP [7:6],
	 * XN [54]). */
	CL_AUDIT_S2_MAP = 2,
	/* Stage-2 mapping removed. id: VMID, a: IPA, b: physical address, c: size
	 * (0: the whole mapping at a; CL_AUDIT_ALL in flags: every mapping of the
	 * VMID, the address space is gone). */
	CL_AUDIT_S2_UNMAP = 3,
	/* Stage-2 attributes changed (break-before-make): fields as S2_MAP. */
	CL_AUDIT_S2_REMAP = 4,
	/* vCPU trap configuration (vcpu set_traps). id: vCPU, a: HCR_EL2. */
	CL_AUDIT_TRAPS = 5,
	/* A guest register changed. op: enum cl_vcpu_reg (SCTLR_EL1, TCR_EL1),
	 * flags: CL_AUDIT_BY_VMM (vcpu write_sysreg: an emulated write) or
	 * CL_AUDIT_BY_GUEST (the guest wrote it itself, seen when it left the
	 * CPU), id: vCPU, a: new value, b: old value. */
	CL_AUDIT_SYSREG = 6,
	/* A vCPU enters its guest: its first run (op 1), or its first entry
	 * after other records (op 0). id: vCPU, a: VMID, b: SCTLR_EL1, c: HCR_EL2. */
	CL_AUDIT_ENTER = 7,
	/* User level wrote memory (frame or aspace audit_write). flags:
	 * CL_AUDIT_SRC_*, id: VMID (aspace source), a: physical address, b: size,
	 * c: IPA (aspace source), d: the writer's own descriptor of the frame
	 * (frame source, 0 when unknown: taken as Normal write-back). */
	CL_AUDIT_WRITE = 8,
	/* The kernel zeroed a new object through its cacheable map of RAM.
	 * op: object type (CL_OBJ_*), a: physical address, b: size. */
	CL_AUDIT_ZERO = 9,
};

enum cl_audit_src {
	CL_AUDIT_SRC_FRAME = 0,
	CL_AUDIT_SRC_ASPACE = 1,
	CL_AUDIT_SRC_KERNEL = 2,
};

#define CL_AUDIT_BY_VMM 0
#define CL_AUDIT_BY_GUEST 1
#define CL_AUDIT_ALL 0x80

struct cl_audit_rec {
	uint8_t kind;
	uint8_t cpu; /* the physical CPU that did it */
	uint8_t op;
	uint8_t flags;
	uint32_t id;
	uint64_t a, b, c, d;
};

_Static_assert(sizeof(struct cl_audit_rec) == 40, "the record is 40 bytes");

/* A vCPU's id in records: its object's physical address / 1 KiB (vCPUs are 1 KiB). */
#define CL_AUDIT_VCPU_ID(addr) ((uint32_t)((addr) >> 10))

#endif
