/*
 * The boot CPU's path from "MMU on" to an idle, interrupt-driven kernel:
 * read and cross-check the device tree, check this CPU, bring up the GIC and
 * the timer, start the other CPUs, and print the boot report. The last line
 * of a good boot is "CLEAVE BOOT OK cpus=<online>/<in device tree>".
 */
#include <arch/boot.h>
#include <arch/frame.h>
#include <arch/pgtable.h>
#include <cleave/boot_root.h>
#include <cleave/bootinfo.h>
#include <cleave/image.h>
#include <cleave/arch.h>
#include <cleave/boot_info.h>
#include <cleave/console.h>
#include <cleave/cpu.h>
#include <cleave/gic.h>
#include <cleave/klock.h>
#include <cleave/panic.h>
#include <cleave/plat_check.h>
#include <cleave/platform.h>
#include <cleave/print.h>
#include <cleave/psci.h>
#include <cleave/selftest.h>
#include <cleave/smp.h>
#include <cleave/tick.h>
#include <cleave/timer.h>

#define TICK_WAIT_MS 5000

extern struct cpu_requirements smp_requirements;
extern bool smp_user_ready;

static struct boot_info boot_info;

static void read_device_tree(struct boot_info *bi)
{
	char err[192];

	if (boot_dtb_size == 0)
		panic("no usable device tree (x0 = %#lx); boot with a loader that passes one",
		      boot_dtb);
	if (dtb_parse((const void *)boot_dtb, boot_dtb_size, bi, err, sizeof(err)) != 0)
		panic("%s", err);
	if (plat_check(&plat_desc, bi, err, sizeof(err)) != 0)
		panic("%s", err);
	/* An HVC from EL2 is taken by EL2 itself: it can never reach PSCI firmware. */
	if (bi->psci != PSCI_SMC)
		panic("psci: device tree method \"%s\" cannot reach firmware from EL2; need "
		      "\"smc\"",
		      psci_conduit_name(bi->psci));
}

static void report(const struct boot_info *bi)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < bi->num_mem; i++) {
		kprintf("memory: %#llx-%#llx\n", (unsigned long long)bi->mem[i].base,
			(unsigned long long)(bi->mem[i].base + bi->mem[i].size));
		total += bi->mem[i].size;
	}
	kprintf("memory: %llu MiB in %u range(s)\n", (unsigned long long)(total >> 20),
		bi->num_mem);
	if (bi->gic_version == 3)
		kprintf("gic: GICv3, distributor %#llx, redistributors %#llx\n",
			(unsigned long long)bi->gic_dist, (unsigned long long)bi->gic_redist);
	else
		kprintf("gic: GICv2, distributor %#llx, cpu interface %#llx\n",
			(unsigned long long)bi->gic_dist, (unsigned long long)bi->gic_cpu);
	kprintf("timer: EL2 physical timer, interrupt %u, counter %llu kHz, tick %u Hz\n",
		bi->timer_hyp_intid, (unsigned long long)(arch_counter_freq() / 1000), TIMER_HZ);
	kprintf("psci: %s; %u cpu(s) in the device tree\n", psci_conduit_name(bi->psci),
		bi->num_cpus);
}

/* The PA range every CPU must reach: the top of the platform's RAM window and devices. */
static unsigned pa_bits_needed(void)
{
	uint64_t top = plat_desc.ram_base + plat_desc.ram_size - 1;
	unsigned bits = 32;

	for (size_t i = 0; i < plat_desc.num_devices; i++) {
		uint64_t end = plat_desc.devices[i].base + plat_desc.devices[i].size - 1;

		top = end > top ? end : top;
	}
	while (bits < 64 && (top >> bits) != 0)
		bits++;
	return bits;
}

static void wait_for_ticks(void)
{
	uint64_t end = arch_counter_read() + arch_counter_freq() * TICK_WAIT_MS / 1000;

	for (unsigned i = 0; i < PLAT_CPUS_MAX; i++) {
		while (__atomic_load_n(&cpus[i].state, __ATOMIC_ACQUIRE) == CPU_ONLINE &&
		       tick_count(i) < TICKS_FOR_OK) {
			if (arch_counter_read() > end)
				panic("cpu%u took %u timer interrupts in %u ms, expected %u", i,
				      tick_count(i), TICK_WAIT_MS, TICKS_FOR_OK);
			arch_wait();
		}
	}
}

extern const char root_elf_start[], root_elf_end[];

/*
 * The image payload `./cleave build` appends (cleave/image.h): it starts at the first
 * 2 MiB boundary after the kernel's last byte. Only its header is checked here; the
 * loader checks the rest. Called once RAM is mapped.
 */
static void find_module(const struct boot_info *bi, struct boot_root_args *args)
{
	uint64_t pa = ALIGN_UP((uintptr_t)__image_end, BLOCK_SIZE);
	const struct cl_image_header *h = (const struct cl_image_header *)(uintptr_t)pa;
	uint64_t ram_end = 0;

	for (unsigned i = 0; i < bi->num_mem; i++)
		if (pa >= bi->mem[i].base && pa < bi->mem[i].base + bi->mem[i].size)
			ram_end = bi->mem[i].base + bi->mem[i].size;
	if (ram_end == 0 || pa + sizeof(*h) > ram_end || h->magic != CL_IMAGE_MAGIC)
		return; /* a plain kernel image: the root component is all there is */
	if (h->version != CL_IMAGE_VERSION)
		panic("image payload at %#llx: version %u, this kernel reads version %u",
		      (unsigned long long)pa, h->version, CL_IMAGE_VERSION);
	if (h->size < sizeof(*h) || h->size > CL_MODULE_MAX || h->size > ram_end - pa)
		panic("image payload at %#llx: size %#llx does not fit RAM (ends %#llx)",
		      (unsigned long long)pa, (unsigned long long)h->size,
		      (unsigned long long)ram_end);
	if (pa < ALIGN_UP(boot_dtb + boot_dtb_size, PAGE_SIZE) && boot_dtb < pa + h->size)
		panic("image payload [%#llx, %#llx) overlaps the device tree at %#llx",
		      (unsigned long long)pa, (unsigned long long)(pa + h->size),
		      (unsigned long long)boot_dtb);
	args->module_paddr = pa;
	args->module_size = h->size;
	kprintf("image payload: %llu KiB at %#llx, %u entries\n",
		(unsigned long long)(h->size >> 10), (unsigned long long)pa, h->count);
}

/*
 * Everything the kernel does not occupy becomes the root component's: RAM
 * less the kernel image and the device tree. Then the first thread runs.
 */
static NORETURN void start_root(const struct boot_info *bi, unsigned online)
{
	static struct boot_ranges free;
	struct boot_root_args args = {
		.free = &free,
		.elf = root_elf_start,
		.elf_size = (size_t)(root_elf_end - root_elf_start),
		.dtb_paddr = boot_dtb,
		.dtb_size = boot_dtb_size,
		.num_cpus = online,
		.timer_freq = arch_counter_freq(),
		.gic_version = bi->gic_version,
		.gic_vcpu = bi->gic_vcpu,
	};

	for (unsigned i = 0; i < bi->num_mem && i < BOOT_RANGES_MAX; i++) {
		free.r[i].base = bi->mem[i].base;
		free.r[i].end = bi->mem[i].base + bi->mem[i].size;
		free.n++;
	}
	boot_ranges_remove(&free, ALIGN_DOWN((uintptr_t)_head, 4096), (uintptr_t)__image_end);
	boot_ranges_remove(&free, ALIGN_DOWN(boot_dtb, 4096),
			   ALIGN_UP(boot_dtb + boot_dtb_size, 4096));
	mmu_map_ranges(&free);
	find_module(bi, &args);
	if (args.module_size != 0)
		boot_ranges_remove(&free, args.module_paddr,
				   ALIGN_UP(args.module_paddr + args.module_size, PAGE_SIZE));
	kernel_lock();
	boot_root_create(&args);
	kernel_unlock();
	__atomic_store_n(&smp_user_ready, true, __ATOMIC_RELEASE);
	user_start();
}

NORETURN void kernel_main(void)
{
	struct boot_info *bi = &boot_info;
	unsigned online;

	console_enable_locking();
	arch_cpu_init();
	read_device_tree(bi);
	report(bi);
	psci_init(bi->psci);
	smp_requirements = (struct cpu_requirements){pa_bits_needed(), bi->gic_version};
	gic_init(bi);
	if (!smp_boot_cpu_listed(bi))
		panic("the boot CPU (mpidr %#llx) is not among the device tree's cpus",
		      (unsigned long long)arch_cpu_mpidr());
	cpus[0].mpidr = arch_cpu_mpidr();
	if (!cpu_bringup_check(0, &smp_requirements))
		panic("the boot CPU lacks what the kernel needs: %s",
		      cpu_check_reason(cpus[0].check));
	if (!gic_cpu_init())
		panic("the boot CPU's GIC CPU interface did not initialise");
	cpu_mark_online(0);
	gic_enable_ppi(GIC_SGI_KICK);
	timer_init(bi->timer_hyp_intid);
	timer_cpu_start();
	arch_irq_enable();
	online = smp_start_secondaries(bi);
	wait_for_ticks();
	cpu_report_system();
	kprintf("CLEAVE BOOT OK cpus=%u/%u\n", online, bi->num_cpus);
	selftest_run(bi->bootargs);
	start_root(bi, online);
}
