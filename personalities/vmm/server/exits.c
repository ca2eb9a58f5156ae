/*
 * The guest's exits, one fault message each (docs/objects.md, "Exits"): decoded
 * with exit_decode.c and dispatched with a switch on the exit's label, one
 * handler per kind. Each handler says how the vCPU resumes: the reply label
 * (CL_VCPU_REPLY_EMULATED completes the trapped instruction with MR0.. as its
 * result) or no reply at all when the vCPU is to stay stopped.
 */
#include <cleave/runtime.h>
#include <cleave/vcpu_abi.h>
#include <cleave/print.h>
#include <vmm/exit_decode.h>
#include <vmm/guest_fdt.h>
#include <vmm/sysreg_emul.h>

#include "vmm.h"

/* Unknown system registers read as zero and ignore writes; this many are reported. */
#define SYSREG_REPORTS 8

struct reply {
	uint64_t label;
	unsigned len;
	uint64_t mr[4];
};

static const struct reply emulated = {CL_VCPU_REPLY_EMULATED, 0, {0}};

static struct reply emulated_with(uint64_t x0)
{
	return (struct reply){CL_VCPU_REPLY_EMULATED, 1, {x0}};
}

void vmm_stop_guest(struct vmm *v, const char *why)
{
	for (unsigned n = 0; n < v->g.nr_vcpus; n++) {
		cl_tcb_suspend(v->info->slot_tcb[n]);
		v->state[n] = PSCI_STATE_OFF;
	}
	/* What the guest wrote last, the kernel may still hold (uart_fast.c). */
	vmm_uart_fast_take_all(v);
	vuart_flush(&v->uart);
	v->stopped = true;
	cl_printf("vmm: guest '%s' stopped: %s (%llu exits served)\n", v->g.name, why,
		  (unsigned long long)v->exits);
	vmm_report_exits(v, "at stop");
}

void vmm_guest_ended(struct vmm *v, bool crash, const char *why)
{
	unsigned flag = crash ? CL_VMM_RESTART_ON_CRASH : CL_VMM_RESTART_ON_RESET;
	unsigned limit = CL_VMM_RESTART_LIMIT(v->info->policy);
	struct vmm_error err;
	char line[224];

	if ((v->info->policy & flag) == 0) {
		/* A crash stops by default: the report says only what happened. */
		if (!crash)
			ksnprintf(line, sizeof(line), "%s; on_reset is stop", why);
		vmm_stop_guest(v, crash ? why : line);
		return;
	}
	if (v->restarts >= limit) {
		ksnprintf(line, sizeof(line), "%s, after %u restarts: restart_limit %u reached",
			  why, v->restarts, limit);
		vmm_stop_guest(v, line);
		return;
	}
	v->restarts++;
	/* Its last output before the line saying so; vmm_restart takes what came since. */
	vmm_uart_fast_take_all(v);
	vuart_flush(&v->uart);
	cl_printf("vmm: guest '%s' restarts (%u of at most %u): %s (%llu exits served)\n",
		  v->g.name, v->restarts, limit, why, (unsigned long long)v->exits);
	if (vmm_restart(v, &err) != 0)
		vmm_stop_guest(v, err.msg);
}

static bool in_window(uint64_t ipa, uint64_t base, uint64_t size)
{
	return ipa >= base && ipa - base < size;
}

void vmm_uart_line(struct vmm *v, unsigned n, bool irq)
{
	struct vgic_actions act = {0};

	if (irq)
		vgic_raise(&v->gic, n, 32 + v->info->uart_spi, &act);
	else
		vgic_lower(&v->gic, n, 32 + v->info->uart_spi);
	vmm_inject(v, &act);
}

/* An emulated device's register, or false when no device is at the IPA. */
static bool mmio(struct vmm *v, unsigned n, uint64_t ipa, const struct vmm_exit_mmio *m,
		 uint64_t *val)
{
	const struct cl_vmm_info *info = v->info;
	struct vgic_actions act = {0};
	bool irq;

	if (in_window(ipa, info->gicd_ipa, GUEST_FDT_GICD_SIZE)) {
		exit_stats_mmio(&v->stats, EXIT_DEV_GICD);
		vgic_gicd_access(&v->gic, n, ipa - info->gicd_ipa, m->size, m->write, val, &act);
	} else if (info->gic_version == 3 &&
		   in_window(ipa, info->gicr_ipa, GUEST_FDT_GICR_STRIDE * v->g.nr_vcpus)) {
		exit_stats_mmio(&v->stats, EXIT_DEV_GICR);
		vgic_gicr_access(&v->gic, n, ipa - info->gicr_ipa, m->size, m->write, val, &act);
	} else if (in_window(ipa, info->uart_ipa, GUEST_FDT_UART_SIZE)) {
		exit_stats_mmio(&v->stats, EXIT_DEV_UART);
		vmm_uart_fast_take_all(v); /* what the guest wrote before this access */
		vuart_access(&v->uart, ipa - info->uart_ipa, m->size, m->write, val, &irq);
		if (v->input_len > 0 || v->input_more)
			irq = vmm_console_feed(v); /* the guest read: room for what waits */
		vmm_uart_fast_sync(v);
		vmm_uart_line(v, n, irq);
		return true;
	} else if (vmm_doorbell(v, ipa, m, val)) {
		exit_stats_mmio(&v->stats, EXIT_DEV_DOORBELL);
		return true;
	} else {
		return false;
	}
	vmm_inject(v, &act);
	return true;
}

static bool stage2(struct vmm *v, unsigned n, const uint64_t mr[4], struct reply *out)
{
	uint64_t ipa = mr[CL_FAULT_VCPU_STAGE2_IPA], esr = mr[CL_FAULT_VCPU_STAGE2_ESR];
	uint64_t pc = mr[CL_FAULT_VCPU_STAGE2_PC], val = 0;
	struct vmm_exit e = vmm_exit_decode(esr);
	char why[160];

	if (e.kind == VMM_EXIT_MMIO) {
		if (e.mmio.write)
			val = vmm_mmio_store_data(&e.mmio, mr[CL_FAULT_VCPU_STAGE2_VALUE]);
		if (mmio(v, n, ipa, &e.mmio, &val)) {
			*out = e.mmio.write ? emulated : emulated_with(val);
			return true;
		}
	}
	exit_stats_mmio(&v->stats, EXIT_DEV_NONE);
	ksnprintf(why, sizeof(why), "vCPU %u: stage-2 fault at IPA %#llx, pc %#llx, ESR %#llx (%s)",
		  n, (unsigned long long)ipa, (unsigned long long)pc, (unsigned long long)esr,
		  e.kind == VMM_EXIT_MMIO ? "no RAM or device there" : e.why);
	vmm_guest_ended(v, true, why);
	return false;
}

static bool sysreg(struct vmm *v, unsigned n, const uint64_t mr[4], struct reply *out)
{
	struct vmm_exit e = vmm_exit_decode(mr[CL_FAULT_VCPU_SYSREG_ESR]);
	uint64_t value = mr[CL_FAULT_VCPU_SYSREG_VALUE];
	struct vmm_error err;
	struct vgic_actions act = {0};

	if (e.kind != VMM_EXIT_SYSREG) {
		vmm_guest_ended(v, true, "a system-register exit whose syndrome is not one");
		return false;
	}
	exit_stats_sysreg(&v->stats, (uint32_t)CL_SYSREG(e.sysreg.op0, e.sysreg.op1, e.sysreg.crn,
							 e.sysreg.crm, e.sysreg.op2));
	switch (sysreg_emul_access(&v->g, n, &e.sysreg, &value, &err)) {
	case SYSREG_EMUL_DONE:
		*out = e.sysreg.read ? emulated_with(value) : emulated;
		return true;
	case SYSREG_EMUL_NOT_MINE:
		if (e.sysreg.reg == VMM_ICC_SGI1R_EL1 && !e.sysreg.read)
			vgic_sgi1r_write(&v->gic, n, value, &act);
		vmm_inject(v, &act);
		*out = e.sysreg.read ? emulated_with(0) : emulated;
		return true;
	case SYSREG_EMUL_FAILED:
		break;
	}
	if (e.sysreg.reg != VMM_SYSREG_UNKNOWN) {
		vmm_guest_ended(v, true, err.msg);
		return false;
	}
	/*
	 * The EL1 physical-timer registers the kernel traps (docs/objects.md, "The trap
	 * mask"), and PMU or debug registers of later versions than those the kernel answers
	 * itself (docs/vmm.md, "CPU features"): read as zero, writes ignored, as for a CPU
	 * without them.
	 */
	if (v->unknown_sysregs++ < SYSREG_REPORTS)
		cl_printf("vmm: %s; read as zero, write ignored\n", err.msg);
	*out = e.sysreg.read ? emulated_with(0) : emulated;
	return true;
}

static bool psci(struct vmm *v, unsigned n, bool smc, const uint64_t mr[4], struct reply *out)
{
	uint64_t regs[4] = {mr[1], mr[2], mr[3], 0};
	struct cl_result x3 = cl_vcpu_read_gpr(v->info->slot_vcpu[n], 3);
	struct psci_result r;

	regs[3] = x3.err == CL_OK ? x3.mr[0] : 0;
	exit_stats_call(&v->stats, smc, (uint32_t)regs[0]);
	r = psci_call(&v->psci, v->state, n, smc, (uint16_t)mr[0], regs);
	switch (r.action.kind) {
	case PSCI_ACT_NONE:
		break;
	case PSCI_ACT_CPU_ON:
		if (vmm_vcpu_start(v, r.action.target, r.action.entry, r.action.context_id) != 0) {
			vmm_stop_guest(v, "PSCI CPU_ON could not start the vCPU");
			return false;
		}
		psci_cpu_running(v->state, r.action.target);
		break;
	case PSCI_ACT_CPU_OFF:
		cl_tcb_suspend(v->info->slot_tcb[n]);
		return false;
	case PSCI_ACT_SYSTEM_OFF:
		vmm_stop_guest(v, "it powered off (PSCI SYSTEM_OFF)");
		return false;
	case PSCI_ACT_SYSTEM_RESET:
		vmm_guest_ended(v, false, "it asked for a reset (PSCI SYSTEM_RESET)");
		return false;
	}
	*out = r.write_x0 ? emulated_with(r.x0) : emulated;
	return true;
}

static bool other(struct vmm *v, unsigned n, const uint64_t mr[4])
{
	char why[160];

	ksnprintf(why, sizeof(why),
		  "vCPU %u: an exception the VMM cannot handle, pc %#llx, "
		  "ESR %#llx, FAR %#llx",
		  n, (unsigned long long)mr[CL_FAULT_VCPU_OTHER_PC],
		  (unsigned long long)mr[CL_FAULT_VCPU_OTHER_ESR],
		  (unsigned long long)mr[CL_FAULT_VCPU_OTHER_FAR]);
	vmm_guest_ended(v, true, why);
	return false;
}

bool vmm_exit(struct vmm *v, unsigned n, uint64_t label, const uint64_t mr[4], uint64_t *reply_info,
	      uint64_t reply[4])
{
	struct reply out = {CL_VCPU_REPLY_RESUME, 0, {0}};
	bool resume;

	v->exits++;
	switch (label) {
	case CL_FAULT_VCPU_STAGE2:
		resume = stage2(v, n, mr, &out);
		break;
	case CL_FAULT_VCPU_SYSREG:
		resume = sysreg(v, n, mr, &out);
		break;
	case CL_FAULT_VCPU_HVC:
		resume = psci(v, n, false, mr, &out);
		break;
	case CL_FAULT_VCPU_SMC:
		resume = psci(v, n, true, mr, &out);
		break;
	case CL_FAULT_VCPU_WFX:
		/* Only when TWI/TWE are set (not by default): the wait is the kernel's tick. */
		v->stats.wfx++;
		out = emulated;
		resume = true;
		break;
	case CL_FAULT_VCPU_MAINTENANCE:
		v->stats.maintenance++;
		vmm_eoi(v, n, mr[CL_FAULT_VCPU_MAINTENANCE_EOI_LRS]);
		resume = true;
		break;
	case CL_FAULT_VCPU_OTHER:
		v->stats.other++;
		resume = other(v, n, mr);
		break;
	default: {
		char why[80];

		ksnprintf(why, sizeof(why), "vCPU %u: an exit with unknown label %#llx", n,
			  (unsigned long long)label);
		vmm_stop_guest(v, why);
		resume = false;
	}
	}
	*reply_info = cl_msginfo(out.label, out.len, 0);
	for (unsigned i = 0; i < 4; i++)
		reply[i] = out.mr[i];
	return resume;
}
