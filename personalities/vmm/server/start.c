/*
 * Start-up: the info page checked, the guest record, the vGIC and PL011, the
 * guest loaded per the Linux arm64 boot protocol (image.c places the kernel,
 * initrd and a device tree guest_fdt.c writes), the coherence policy's work
 * before the first run, and vCPU 0 started (booting.rst, "Call the kernel image").
 * A restart (vmm_restart) does it all again on the same guest RAM after putting
 * every vCPU, the vGIC and the UART back as they were at power-on.
 */
#include <cleave/runtime.h>
#include <cleave/vcpu_abi.h>
#include <string.h>
#include <libfdt.h>
#include <vmm/cache_policy.h>
#include <vmm/guest_fdt.h>
#include <vmm/image.h>
#include <vmm/sysreg_emul.h>
#include <vmm/test_break.h>

#include "info.h"
#include "vmm.h"

/* The guest's device tree is short (docs/vmm.md); 64 KiB leaves room for a long cmdline. */
#define DTB_MAX (64ULL << 10)
/* SPSR for the first instruction: EL1h with D, A, I and F masked (Arm ARM C5.2.18). */
#define PSTATE_EL1H_MASKED 0x3c5ULL
/* MPIDR_EL1 bit 31 is RES1 (D17.2.101); Aff0 is the vCPU's number, as the tree says. */
#define MPIDR_RES1 (1ULL << 31)

static uint8_t dtb[DTB_MAX] __attribute__((aligned(8)));

static int call(struct cl_result r, const struct vmm *v, const char *what, struct vmm_error *err)
{
	if (r.err == CL_OK)
		return 0;
	return vmm_fail(err, v->g.name, "%s failed (error %llu)", what, (unsigned long long)r.err);
}

int vmm_vcpu_start(struct vmm *v, unsigned n, uint64_t pc, uint64_t arg)
{
	const struct cl_vmm_info *info = v->info;
	struct vmm_error err;

	/* A vCPU starts as vCPU 0 did: MMU and caches off, the policy's initial traps. */
	if (sysreg_emul_vcpu_reset(&v->g, n) != 0 ||
	    call(cl_vcpu_write_sysreg(info->slot_vcpu[n], CL_VCPU_VMPIDR_EL2, MPIDR_RES1 | n), v,
		 "setting MPIDR", &err) != 0 ||
	    call(cl_tcb_write_regs(info->slot_tcb[n], pc, 0, arg, 0), v, "writing registers",
		 &err) != 0 ||
	    call(cl_vcpu_write_gpr(info->slot_vcpu[n], CL_VCPU_GPR_PSTATE, PSTATE_EL1H_MASKED), v,
		 "writing PSTATE", &err) != 0 ||
	    call(cl_tcb_resume(info->slot_tcb[n]), v, "starting the vCPU", &err) != 0)
		return -1;
	return 0;
}

static int load(struct vmm *v, struct vmm_error *err)
{
	const struct cl_vmm_info *info = v->info;
	const void *kernel = (const void *)info->kernel_vaddr;
	const void *initrd = info->initrd_size ? (const void *)info->initrd_vaddr : NULL;
	struct image_header h;
	struct image_layout lay;
	struct guest_fdt_config cfg;
	struct guest_fdt_device devices[GUEST_FDT_MAX_DEVICES];
	unsigned nr_devices;

	if (image_parse(&v->g, kernel, info->kernel_size, &h, err) != 0 ||
	    image_plan(&v->g, &h, info->kernel_size, info->initrd_size, DTB_MAX, &lay, err) != 0)
		return -1;
	/*
	 * A kernel run in place (docs/image.md, "In place") lies in guest RAM already
	 * (info.c checked it lies wholly inside); it must lie where the boot protocol
	 * puts it, or the guest would run a kernel the VMM did not place.
	 */
	bool in_place = info->kernel_vaddr >= info->ram_vaddr &&
			info->kernel_vaddr < info->ram_vaddr + info->ram_size;
	uint64_t place = info->ram_vaddr + (lay.kernel_ipa - info->ram_ipa);

	if (in_place && info->kernel_vaddr != place)
		return vmm_fail(
			err, v->g.name,
			"its kernel lies in its RAM at %#llx, but belongs at %#llx "
			"(the Image header's text_offset)",
			(unsigned long long)(info->kernel_vaddr - info->ram_vaddr + info->ram_ipa),
			(unsigned long long)lay.kernel_ipa);
	cfg = (struct guest_fdt_config){.gic_version = info->gic_version,
					.gicd_base = info->gicd_ipa,
					.gicc_base = info->gicc_ipa,
					.gicr_base = info->gicr_ipa,
					.uart_base = info->uart_ipa,
					.uart_spi = info->uart_spi,
					.psci_smc = (info->policy & CL_VMM_SMC_EMULATE) != 0,
					.bootargs = info->cmdline,
					.initrd_start = lay.initrd_ipa,
					.initrd_end = lay.initrd_ipa + lay.initrd_size};
	vmm_passthru_config(v, devices, &nr_devices);
	cfg.devices = devices;
	cfg.nr_devices = nr_devices;
	vmm_ports_config(v, &cfg);
	if (guest_fdt_build(&v->g, &cfg, dtb, sizeof(dtb), err) != 0 ||
	    image_load(&v->g, &lay, in_place ? NULL : kernel, info->kernel_size, initrd, dtb,
		       fdt_totalsize(dtb), err) != 0)
		return -1;
	/* The audit's test-only broken build says so before it does its damage. */
	if (VMM_BROKEN(pou))
		cl_printf("vmm: guest '%s': TEST-ONLY BROKEN VMM (VMM_TEST_BREAK=pou): what "
			  "it loads is cleaned to the PoU only\n",
			  v->g.name);
	if (cache_policy_before_first_run(&v->g) != 0)
		return vmm_fail(err, v->g.name, "cleaning what was loaded failed");
	struct image_boot_regs regs = image_boot_regs(&lay);
	cl_printf("vmm: guest '%s': kernel at %#llx, %llu KiB%s; device tree at %#llx; "
		  "initrd %llu KiB; %u vCPUs, GICv%u, policy %s\n",
		  v->g.name, (unsigned long long)regs.pc,
		  (unsigned long long)(info->kernel_size >> 10), in_place ? " in place" : "",
		  (unsigned long long)lay.dtb_ipa, (unsigned long long)(info->initrd_size >> 10),
		  v->g.nr_vcpus, info->gic_version,
		  info->coherence == CL_VMM_COHERENCE_DC ? "dc" : "clean");
	if (vmm_vcpu_start(v, 0, regs.pc, regs.x[0]) != 0)
		return vmm_fail(err, v->g.name, "starting vCPU 0 failed");
	v->state[0] = PSCI_STATE_ON;
	return 0;
}

/*
 * The EL1 state a restarted vCPU must not keep from the previous run, put back to
 * its reset value 0 (SCTLR_EL1 and the trap bits come from sysreg_emul_vcpu_reset;
 * the identity registers do not change).
 */
static const unsigned run_state[] = {
	CL_VCPU_TTBR0_EL1,  CL_VCPU_TTBR1_EL1,	    CL_VCPU_TCR_EL1,	   CL_VCPU_MAIR_EL1,
	CL_VCPU_AMAIR_EL1,  CL_VCPU_CONTEXTIDR_EL1, CL_VCPU_VBAR_EL1,	   CL_VCPU_ESR_EL1,
	CL_VCPU_FAR_EL1,    CL_VCPU_AFSR0_EL1,	    CL_VCPU_AFSR1_EL1,	   CL_VCPU_PAR_EL1,
	CL_VCPU_TPIDR_EL0,  CL_VCPU_TPIDR_EL1,	    CL_VCPU_TPIDRRO_EL0,   CL_VCPU_SP_EL1,
	CL_VCPU_ELR_EL1,    CL_VCPU_SPSR_EL1,	    CL_VCPU_CPACR_EL1,	   CL_VCPU_CNTKCTL_EL1,
	CL_VCPU_CSSELR_EL1, CL_VCPU_CNTV_CTL_EL0,   CL_VCPU_CNTV_CVAL_EL0, CL_VCPU_TPIDR2_EL0,
	CL_VCPU_VDISR_EL2,  CL_VCPU_ICH_VMCR_EL2,
};

/* Waits (bounded) until vCPU n's thread, suspended, has left the CPU it ran on. */
static int wait_off_cpu(struct vmm *v, unsigned n)
{
	for (unsigned i = 0; i < 1000000; i++) {
		struct cl_result r = cl_vcpu_read_sysreg(v->info->slot_vcpu[n], CL_VCPU_HCR_EL2);

		if (r.err != CL_ILLEGAL)
			return r.err == CL_OK ? 0 : -1;
		cl_sys_yield(0, 0, 0, 0, 0, 0, 0);
	}
	return -1;
}

/* vCPU n stopped and with the state of a vCPU that never ran; its list registers empty. */
static int vcpu_power_on_state(struct vmm *v, unsigned n, struct vmm_error *err)
{
	cl_cptr_t vcpu = v->info->slot_vcpu[n];

	cl_tcb_suspend(v->info->slot_tcb[n]);
	v->state[n] = PSCI_STATE_OFF;
	if (wait_off_cpu(v, n) != 0)
		return vmm_fail(err, v->g.name, "vCPU %u did not stop", n);
	for (unsigned i = 0; i < sizeof(run_state) / sizeof(run_state[0]); i++) {
		if (call(cl_vcpu_write_sysreg(vcpu, run_state[i], 0), v, "resetting a register",
			 err) != 0)
			return -1;
	}
	for (unsigned lr = 0; lr < v->nr_lrs; lr++) {
		if (call(cl_vcpu_inject(vcpu, lr, 0, 0, 0), v, "clearing a list register", err) !=
		    0)
			return -1;
	}
	memset(v->lr_intid[n], 0, sizeof(v->lr_intid[n]));
	return 0;
}

int vmm_restart(struct vmm *v, struct vmm_error *err)
{
	const struct cl_vmm_info *info = v->info;

	for (unsigned n = 0; n < v->g.nr_vcpus; n++) {
		if (vcpu_power_on_state(v, n, err) != 0)
			return -1;
	}
	/* The last run's output the kernel holds, now that no vCPU runs (uart_fast.c). */
	vmm_uart_fast_take_all(v);
	vuart_flush(&v->uart);
	vuart_init(&v->uart, &v->g);
	vmm_uart_fast_sync(v);
	if (vgic_dist_init(&v->gic, &v->g, info->gic_version, v->nr_irqs, err) != 0)
		return -1;
	vmm_passthru_reset(v);
	/*
	 * The previous run's dirty lines must not land on this run's caches-off writes:
	 * clean+invalidate all guest RAM to PoC (cache_policy.h); `clean` then cleans
	 * what load() writes, `dc` starts vCPU 0 with DC and TVM again.
	 */
	if (cache_policy_guest_reset(&v->g) != 0)
		return vmm_fail(err, v->g.name, "cleaning the guest's RAM for the restart failed");
	return load(v, err);
}

int vmm_start(struct vmm *v, struct vmm_error *err)
{
	const struct cl_vmm_info *info = (const struct cl_vmm_info *)CL_VMM_INFO_VADDR;
	struct cl_result r;

	if (vmm_info_check(info, err) != 0)
		return -1;
	v->info = info;
	v->nr_irqs = vmm_passthru_nr_irqs(info);
	if (vmm_guest_init(&v->g, info->name, info->ram_ipa, info->ram_size, info->nr_vcpus,
			   info->coherence == CL_VMM_COHERENCE_DC ? VMM_POLICY_DC
								  : VMM_POLICY_CLEAN,
			   err) != 0 ||
	    vgic_dist_init(&v->gic, &v->g, info->gic_version, v->nr_irqs, err) != 0)
		return -1;
	vuart_init(&v->uart, &v->g);
	vmm_uart_fast_sync(v);
	if (vmm_console_start(v, err) != 0 || vmm_passthru_start(v, err) != 0)
		return -1;
	v->psci = (struct psci_config){.nr_vcpus = info->nr_vcpus,
				       .ram_base = info->ram_ipa,
				       .ram_size = info->ram_size,
				       .smc_emulated = (info->policy & CL_VMM_SMC_EMULATE) != 0};
	r = cl_vcpu_read_sysreg(info->slot_vcpu[0], CL_VCPU_VGIC_LRS);
	if (call(r, v, "reading the list registers", err) != 0)
		return -1;
	v->nr_lrs = r.mr[0] < VMM_MAX_LRS ? (unsigned)r.mr[0] : VMM_MAX_LRS;
	return load(v, err);
}
