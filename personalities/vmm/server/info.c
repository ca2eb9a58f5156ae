/* Checking the VMM's info page (info.h). */
#include "info.h"

#include <stddef.h>
#include <string.h>

#include <vmm/guest_fdt.h>

/* Guest RAM: 2 MiB aligned (the kernel's base is, booting.rst), up to 1 TiB. */
#define RAM_ALIGN (2ULL << 20)
#define RAM_MAX (1ULL << 40)
#define PAGE 4096ULL
/* SPIs the vGIC has: its 256 INTIDs less the 32 private ones. */
#define SPI_MAX 224U

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

static bool overlaps(uint64_t base, uint64_t size, uint64_t wbase, uint64_t wsize)
{
	return base < wbase + wsize && wbase < base + size;
}

/*
 * A window of the guest's map other than RAM (a passed-through device's registers,
 * a dataport, a doorbell; `what` names it): where the guest sees nothing else.
 */
static int check_window(const struct cl_vmm_info *info, const char *what, const char *name,
			uint64_t base, uint64_t size, struct vmm_error *err)
{
	uint64_t gicr_size = GUEST_FDT_GICR_STRIDE * info->nr_vcpus;

	if (size == 0 || base + size < base || overlaps(base, size, info->ram_ipa, info->ram_size))
		return vmm_fail(err, info->name,
				"info page: %s '%s': window %#llx, %#llx bytes is "
				"empty, wraps or overlaps guest RAM",
				what, name, (unsigned long long)base, (unsigned long long)size);
	if (overlaps(base, size, info->gicd_ipa, GUEST_FDT_GICD_SIZE) ||
	    (info->gic_version == 2 && overlaps(base, size, info->gicc_ipa, GUEST_FDT_GICC_SIZE)) ||
	    (info->gic_version == 3 && overlaps(base, size, info->gicr_ipa, gicr_size)) ||
	    overlaps(base, size, info->uart_ipa, GUEST_FDT_UART_SIZE))
		return vmm_fail(err, info->name,
				"info page: %s '%s': window %#llx overlaps the "
				"emulated GIC or PL011",
				what, name, (unsigned long long)base);
	return 0;
}

/* One interrupt of a passed-through device; taken[] marks the SPIs already claimed. */
static int check_irq(const struct cl_vmm_info *info, const struct cl_vmm_device *dev, unsigned i,
		     bool *taken, struct vmm_error *err)
{
	uint32_t spi = dev->irq[i].spi, flags = dev->irq[i].flags;

	if (spi >= SPI_MAX)
		return vmm_fail(err, info->name,
				"info page: device '%s': interrupt SPI %u is outside the vGIC's "
				"SPIs 0 to %u",
				dev->name, spi, SPI_MAX - 1);
	if (flags != CL_VMM_IRQ_EDGE_RISING && flags != CL_VMM_IRQ_LEVEL_HIGH)
		return vmm_fail(err, info->name,
				"info page: device '%s': interrupt SPI %u has flags %#x; an SPI "
				"is edge-rising (1) or level-high (4)",
				dev->name, spi, flags);
	if (dev->irq[i].slot_handler == 0)
		return vmm_fail(err, info->name,
				"info page: device '%s': interrupt SPI %u has no IRQ handler slot",
				dev->name, spi);
	if (spi == info->uart_spi || taken[spi])
		return vmm_fail(err, info->name,
				"info page: device '%s': interrupt SPI %u is the PL011's or "
				"another device's",
				dev->name, spi);
	taken[spi] = true;
	return 0;
}

static int check_device(const struct cl_vmm_info *info, unsigned d, bool *taken,
			struct vmm_error *err)
{
	const struct cl_vmm_device *dev = &info->devices[d];
	uint32_t len = dev->compatible_len;

	if (!terminated(dev->name, CL_VMM_DEVICE_NAME_MAX) || dev->name[0] == '\0')
		return vmm_fail(err, info->name,
				"info page: device %u's node name is empty or not terminated", d);
	if (len == 0 || len > CL_VMM_COMPATIBLE_MAX || dev->compatible[0] == '\0' ||
	    dev->compatible[len - 1] != '\0')
		return vmm_fail(err, info->name,
				"info page: device '%s': its compatible list is empty, longer "
				"than %u bytes or not terminated",
				dev->name, CL_VMM_COMPATIBLE_MAX);
	if (dev->nr_regs == 0 || dev->nr_regs > CL_VMM_DEVICE_REGS ||
	    dev->nr_irqs > CL_VMM_DEVICE_IRQS)
		return vmm_fail(err, info->name,
				"info page: device '%s': %u register windows and %u interrupts; "
				"a device has 1 to %u and 0 to %u",
				dev->name, dev->nr_regs, dev->nr_irqs, CL_VMM_DEVICE_REGS,
				CL_VMM_DEVICE_IRQS);
	for (unsigned r = 0; r < dev->nr_regs; r++)
		if (check_window(info, "device", dev->name, dev->reg[r].base, dev->reg[r].size,
				 err) != 0)
			return -1;
	for (unsigned i = 0; i < dev->nr_irqs; i++)
		if (check_irq(info, dev, i, taken, err) != 0)
			return -1;
	return 0;
}

static int check_devices(const struct cl_vmm_info *info, bool *taken, struct vmm_error *err)
{
	bool any_irq = false;

	if (info->nr_devices > CL_VMM_MAX_DEVICES)
		return vmm_fail(err, info->name,
				"info page: %u passed-through devices; a VMM takes at most %u",
				info->nr_devices, CL_VMM_MAX_DEVICES);
	for (unsigned d = 0; d < info->nr_devices; d++) {
		if (check_device(info, d, taken, err) != 0)
			return -1;
		any_irq = any_irq || info->devices[d].nr_irqs > 0;
	}
	if ((any_irq || info->nr_events_in > 0) != (info->slot_irq_events != 0))
		return vmm_fail(err, info->name,
				"info page: interrupt events slot %u, but %s device has an "
				"interrupt and %u events go into the guest",
				info->slot_irq_events, any_irq ? "a" : "no", info->nr_events_in);
	/* The VMM's thread waits on one notification: the console's input is the one. */
	if (info->slot_irq_events != 0 && info->slot_console_input != 0 &&
	    info->slot_irq_events != info->slot_console_input)
		return vmm_fail(err, info->name,
				"info page: interrupt events slot %u is not the console input "
				"slot %u",
				info->slot_irq_events, info->slot_console_input);
	return 0;
}

/* A window of a dataport or doorbell must not meet a device's or another one's. */
static bool meets_another(const struct cl_vmm_info *info, uint64_t base, uint64_t size,
			  const void *self)
{
	for (unsigned d = 0; d < info->nr_devices; d++)
		for (unsigned r = 0; r < info->devices[d].nr_regs && r < CL_VMM_DEVICE_REGS; r++)
			if (overlaps(base, size, info->devices[d].reg[r].base,
				     info->devices[d].reg[r].size))
				return true;
	for (unsigned p = 0; p < info->nr_dataports; p++)
		if (&info->dataports[p] != self &&
		    overlaps(base, size, info->dataports[p].ipa, info->dataports[p].size))
			return true;
	for (unsigned e = 0; e < info->nr_events_out; e++)
		if (&info->events_out[e] != self &&
		    overlaps(base, size, info->events_out[e].ipa, PAGE))
			return true;
	return false;
}

/* A dataport or doorbell: named, page aligned, where the guest sees nothing else. */
static int check_port(const struct cl_vmm_info *info, const char *what, const char *name,
		      uint64_t base, uint64_t size, const void *self, struct vmm_error *err)
{
	if (!terminated(name, CL_VMM_IFACE_NAME_MAX) || name[0] == '\0')
		return vmm_fail(err, info->name,
				"info page: a %s's name is empty or not terminated", what);
	if (!page_aligned(base) || !page_aligned(size))
		return vmm_fail(err, info->name,
				"info page: %s '%s': window %#llx, %#llx bytes is not page aligned",
				what, name, (unsigned long long)base, (unsigned long long)size);
	if (check_window(info, what, name, base, size, err) != 0)
		return -1;
	if (meets_another(info, base, size, self))
		return vmm_fail(err, info->name,
				"info page: %s '%s': window %#llx overlaps a device, dataport or "
				"doorbell",
				what, name, (unsigned long long)base);
	return 0;
}

/*
 * The guest's dataports, events in (SPIs not the PL011's, a device's or another
 * event's; `taken` has the devices') and events out (a doorbell each, with the
 * notification it signals).
 */
static int check_ports(const struct cl_vmm_info *info, bool *taken, struct vmm_error *err)
{
	if (info->nr_dataports > CL_VMM_MAX_DATAPORTS || info->nr_events_in > CL_VMM_MAX_EVENTS ||
	    info->nr_events_out > CL_VMM_MAX_EVENTS)
		return vmm_fail(err, info->name,
				"info page: %u dataports, %u events in and %u out; a VMM takes "
				"at most %u, %u and %u",
				info->nr_dataports, info->nr_events_in, info->nr_events_out,
				CL_VMM_MAX_DATAPORTS, CL_VMM_MAX_EVENTS, CL_VMM_MAX_EVENTS);
	for (unsigned p = 0; p < info->nr_dataports; p++) {
		const struct cl_vmm_dataport *d = &info->dataports[p];

		if (check_port(info, "dataport", d->name, d->ipa, d->size, d, err) != 0)
			return -1;
	}
	for (unsigned e = 0; e < info->nr_events_out; e++) {
		const struct cl_vmm_event_out *o = &info->events_out[e];

		if (check_port(info, "doorbell", o->name, o->ipa, PAGE, o, err) != 0)
			return -1;
		if (o->slot_signal == 0)
			return vmm_fail(err, info->name,
					"info page: event '%s' out of the guest has no "
					"notification slot",
					o->name);
	}
	for (unsigned e = 0; e < info->nr_events_in; e++) {
		const struct cl_vmm_event_in *in = &info->events_in[e];

		if (!terminated(in->name, CL_VMM_IFACE_NAME_MAX) || in->name[0] == '\0')
			return vmm_fail(err, info->name,
					"info page: an event's name is empty or not terminated");
		if (in->spi >= SPI_MAX || in->spi == info->uart_spi || taken[in->spi])
			return vmm_fail(err, info->name,
					"info page: event '%s' into the guest: SPI %u is outside "
					"0 to %u or the PL011's, a device's or another event's",
					in->name, in->spi, SPI_MAX - 1);
		taken[in->spi] = true;
	}
	return 0;
}

/* Whether [a, a + an) and [b, b + bn) share a byte (neither wraps: checked before). */
static bool overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return a < b + bn && b < a + an;
}

/*
 * A kernel run in place (docs/image.md, "In place") lies inside the VMM's view of
 * guest RAM, wholly; the guest then never restarts, since a restart loads the kernel
 * again and the guest has written over it. An initrd is always a file of its own.
 */
static int check_files_in_ram(const struct cl_vmm_info *info, const char *name,
			      struct vmm_error *err)
{
	uint64_t k = info->kernel_vaddr, n = info->kernel_size, r = info->ram_vaddr;

	if (k + n < k || info->initrd_vaddr + info->initrd_size < info->initrd_vaddr)
		return vmm_fail(err, name, "info page: a file's size wraps");
	if (info->initrd_size != 0 &&
	    overlap(info->initrd_vaddr, info->initrd_size, r, info->ram_size))
		return vmm_fail(err, name,
				"info page: the initrd file at %#llx lies in guest RAM's view",
				(unsigned long long)info->initrd_vaddr);
	if (!overlap(k, n, r, info->ram_size))
		return 0;
	if (k < r || k + n > r + info->ram_size)
		return vmm_fail(err, name,
				"info page: the kernel file at %#llx, %llu bytes, reaches "
				"out of guest RAM's view",
				(unsigned long long)k, (unsigned long long)n);
	if (info->policy & (CL_VMM_RESTART_ON_RESET | CL_VMM_RESTART_ON_CRASH))
		return vmm_fail(err, name,
				"info page: the kernel runs in place in guest RAM, but the "
				"guest restarts (a restart needs the kernel as the image "
				"holds it)");
	return 0;
}

int vmm_info_check(const struct cl_vmm_info *info, struct vmm_error *err)
{
	bool taken[SPI_MAX] = {false};
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
	if (check_files_in_ram(info, name, err) != 0)
		return -1;
	if ((info->slot_console == 0) != (info->slot_console_input == 0))
		return vmm_fail(err, name,
				"info page: console slot %u and console input slot %u: a console "
				"needs both or neither",
				info->slot_console, info->slot_console_input);
	if (check_devices(info, taken, err) != 0 || check_ports(info, taken, err) != 0)
		return -1;
	if (!terminated(info->cmdline, CL_VMM_CMDLINE_MAX))
		return vmm_fail(err, name, "info page: the command line is not terminated");
	return 0;
}
