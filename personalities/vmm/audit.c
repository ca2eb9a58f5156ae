/*
 * The VMM's audit hooks in the audit build (include/vmm/audit.h): each is one
 * kernel invocation (idl/abi.yaml: aspace audit_write, frame audit_write,
 * console audit_dump). Compiled only into libvmm_audit.a.
 */
#include <cleave/syscalls.h>
#include <vmm/audit.h>

#ifndef CLEAVE_AUDIT
#error "audit.c belongs to the audit build only (CLEAVE_AUDIT)"
#endif

int vmm_audit_guest_write(uint64_t aspace, uint64_t ipa, uint64_t len)
{
	return len == 0 ? 0 : (int)cl_aspace_audit_write((cl_cptr_t)aspace, ipa, len).err;
}

int vmm_audit_frame_write(uint64_t frame, uint64_t offset, uint64_t len)
{
	return len == 0 ? 0 : (int)cl_frame_audit_write((cl_cptr_t)frame, offset, len).err;
}

int vmm_audit_end(uint64_t console)
{
	return (int)cl_console_audit_dump((cl_cptr_t)console).err;
}
