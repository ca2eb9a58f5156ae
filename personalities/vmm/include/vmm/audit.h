/*
 * The VMM's part of the audit of real boots (docs/coherence.md, "The audit of
 * real boots"). The kernel records by itself what it does for the VMM (cache
 * maintenance, stage-2 changes, trap and SCTLR_EL1/TCR_EL1 writes, vCPU
 * entries); what only the VMM knows is where it wrote guest memory, and when a
 * guest has ended. The hooks:
 *
 *   - vmm_audit_guest_write(aspace, ipa, len) after every write of its own into
 *     guest RAM (in vmm_be_write_guest, once the bytes are written, before it
 *     returns): aspace is the guest's address-space capability. The server
 *     (server/backend.c) calls it; it has no other way of writing guest RAM;
 *   - vmm_audit_frame_write(frame, offset, len) instead, for a writer of guest
 *     RAM through a frame it maps (offset and length within that frame);
 *   - vmm_audit_end(console) when a guest powers off or resets, for a VMM that
 *     holds the kernel's console capability: the record is printed at once
 *     rather than when the system is next quiet. The server holds none and
 *     relies on the quiet moment after its guest stops.
 *
 * They are calls into the kernel only in the audit build of the server
 * (vmm-audit: CLEAVE_AUDIT defined, linked with libvmm_audit.a, for images
 * built on cleave-loader-audit.bin); otherwise they are empty inline
 * functions and cost nothing (the system test audit/vmm-builds checks that
 * the normal vmm.elf holds no trace of them). Each returns 0 or the
 * kernel's error (CL_*); an ILLEGAL means the kernel is not an audit kernel.
 */
#ifndef VMM_AUDIT_H
#define VMM_AUDIT_H

#include <stdint.h>

#ifdef CLEAVE_AUDIT
int vmm_audit_guest_write(uint64_t aspace, uint64_t ipa, uint64_t len);
int vmm_audit_frame_write(uint64_t frame, uint64_t offset, uint64_t len);
int vmm_audit_end(uint64_t console);
#else
static inline int vmm_audit_guest_write(uint64_t aspace, uint64_t ipa, uint64_t len)
{
	(void)aspace, (void)ipa, (void)len;
	return 0;
}
static inline int vmm_audit_frame_write(uint64_t frame, uint64_t offset, uint64_t len)
{
	(void)frame, (void)offset, (void)len;
	return 0;
}
static inline int vmm_audit_end(uint64_t console)
{
	(void)console;
	return 0;
}
#endif

#endif
