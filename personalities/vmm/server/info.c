/* Checking the VMM's info page (info.h). */
#include "info.h"

#include <stddef.h>
#include <string.h>

/* Guest RAM: 2 MiB aligned (the kernel's base is, booting.rst), up to 1 TiB. */
#define RAM_ALIGN (2ULL << 20)
#define RAM_MAX (1ULL << 40)
#define PAGE 4096ULL

static bool terminated(const char *s, size_t max)
{
	return memchr(s, '\0', max) != NULL;
}

static bool page_aligned(uint64_t x)
{
	return x % PAGE == 0;
}

static int check_slots(const struct cl_vmm_info *info, const char *name, struct vmm_error *err)
{
	if (info->slot_exits == 0 || info->slot_guest_aspace == 0)
		return vmm_fail(err, name, "info page: no exits endpoint or address space slot");
	for (unsigned v = 0; v < info->nr_vcpus; v++)
		if (info->slot_vcpu[v] == 0 || info->slot_tcb[v] == 0)
			return vmm_fail(err, name, "info page: vCPU %u has no vCPU or thread slot",
					v);
	return 0;
}

int vmm_info_check(const struct cl_vmm_info *info, struct vmm_error *err)
{
	const char *name = "?";

	if (info->magic != CL_VMM_INFO_MAGIC || info->version != CL_VMM_INFO_VERSION ||
	    info->size != sizeof(*info))
		return vmm_fail(err, name,
				"info page: magic %#llx, version %u, size %u; this VMM "
				"reads version %u of %u bytes",
				(unsigned long long)info->magic, info->version, info->size,
				CL_VMM_INFO_VERSION, (unsigned)sizeof(*info));
	if (!terminated(info->name, CL_VMM_NAME_MAX) || info->name[0] == '\0')
		return vmm_fail(err, name,
				"info page: the guest's name is empty or not terminated");
	name = info->name;
	if (info->ram_size == 0 || info->ram_size > RAM_MAX || info->ram_ipa % RAM_ALIGN != 0 ||
	    info->ram_vaddr % RAM_ALIGN != 0 || info->ram_ipa + info->ram_size < info->ram_ipa)
		return vmm_fail(err, name,
				"info page: guest RAM at %#llx, %#llx bytes (VMM view "
				"%#llx) is not 2 MiB aligned or not a size",
				(unsigned long long)info->ram_ipa,
				(unsigned long long)info->ram_size,
				(unsigned long long)info->ram_vaddr);
	if (info->kernel_size == 0 || !page_aligned(info->kernel_vaddr) ||
	    (info->initrd_size != 0 && !page_aligned(info->initrd_vaddr)))
		return vmm_fail(err, name,
				"info page: no kernel, or its files are not page aligned");
	if (info->nr_vcpus == 0 || info->nr_vcpus > CL_VMM_MAX_VCPUS)
		return vmm_fail(err, name, "info page: %u vCPUs; a VMM runs 1 to %u",
				info->nr_vcpus, CL_VMM_MAX_VCPUS);
	if (info->coherence > CL_VMM_COHERENCE_CLEAN)
		return vmm_fail(err, name, "info page: unknown coherence policy %u",
				info->coherence);
	if (check_slots(info, name, err) != 0)
		return -1;
	if (info->gic_version != 2 && info->gic_version != 3)
		return vmm_fail(err, name, "info page: GIC version %u; the vGIC emulates 2 and 3",
				info->gic_version);
	if (info->num_cpus == 0)
		return vmm_fail(err, name, "info page: no CPUs online");
	if (!page_aligned(info->gicd_ipa) || !page_aligned(info->gicc_ipa) ||
	    !page_aligned(info->gicr_ipa) || !page_aligned(info->uart_ipa) ||
	    info->uart_spi >= 224 - 32)
		return vmm_fail(err, name,
				"info page: device windows not page aligned, or UART "
				"SPI %u out of range",
				info->uart_spi);
	if ((info->policy & 0xffffU & ~CL_VMM_POLICY_FLAGS) != 0 ||
	    CL_VMM_RESTART_LIMIT(info->policy) > CL_VMM_RESTART_LIMIT_MAX)
		return vmm_fail(err, name,
				"info page: policy word %#x: unknown flags or a restart limit "
				"above %u",
				info->policy, CL_VMM_RESTART_LIMIT_MAX);
	if ((info->slot_console == 0) != (info->slot_console_input == 0))
		return vmm_fail(err, name,
				"info page: console slot %u and console input slot %u: a console "
				"needs both or neither",
				info->slot_console, info->slot_console_input);
	if (!terminated(info->cmdline, CL_VMM_CMDLINE_MAX))
		return vmm_fail(err, name, "info page: the command line is not terminated");
	return 0;
}
