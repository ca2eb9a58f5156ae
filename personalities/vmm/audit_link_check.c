/*
 * Links the VMM's audit hooks the way the audit build of the VMM server will
 * (include/vmm/audit.h), so that libvmm_audit.a is compiled and linked
 * against the generated system-call stubs in every build, before the server
 * uses it. Not part of any image.
 */
#include <cleave/bootinfo.h>
#include <cleave/runtime.h>
#include <vmm/audit.h>

int main(uint64_t arg);

int main(uint64_t arg)
{
	(void)arg;
	return vmm_audit_guest_write(0, 0, 0) | vmm_audit_frame_write(0, 0, 0) |
	       vmm_audit_end(CL_SLOT_CONSOLE);
}
