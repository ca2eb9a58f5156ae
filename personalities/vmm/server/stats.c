/*
 * The exit report (docs/bench.md, "Exit counts"): the kernel's counts of each
 * vCPU's entries to EL2 by kind (vcpu read_exits: what the kernel handles
 * alone, the timer and other interrupts, as well as what it forwards here),
 * summed over the vCPUs, then this VMM's own counts by cause
 * (vmm/exit_stats.h). Reading the kernel's costs a few invocations per report
 * and nothing per exit.
 *
 * Lines, each at most one console write:
 *   vmm: guest 'NAME' exits WHEN: total=T irq=.. vtimer=.. ... other=..
 *   (vtimer and maintenance are among the irq entries, fast among stage2 and
 *   sysreg_kernel among sysreg)
 *   vmm: guest 'NAME' exits WHEN by cause: mmio.gicd=.. sysreg.SCTLR_EL1=.. ...
 *   vmm: guest 'NAME' exits WHEN: end
 */
#include <cleave/print.h>
#include <cleave/runtime.h>
#include <cleave/vcpu_abi.h>
#include <string.h>

#include "vmm.h"

/* Words per "by cause" line: each at most ~45 characters, a console line is 256. */
#define WORDS_PER_LINE 4

static const char *const kind_names[CL_VCPU_NUM_EXIT_KINDS] = {
	[CL_VCPU_EXIT_IRQ] = "irq",
	[CL_VCPU_EXIT_VTIMER] = "vtimer",
	[CL_VCPU_EXIT_MAINTENANCE] = "maintenance",
	[CL_VCPU_EXIT_STAGE2] = "stage2",
	[CL_VCPU_EXIT_FAST] = "fast",
	[CL_VCPU_EXIT_SYSREG] = "sysreg",
	[CL_VCPU_EXIT_SYSREG_KERNEL] = "sysreg_kernel",
	[CL_VCPU_EXIT_HVC] = "hvc",
	[CL_VCPU_EXIT_SMC] = "smc",
	[CL_VCPU_EXIT_WFX] = "wfx",
	[CL_VCPU_EXIT_FPSIMD] = "fpsimd",
	[CL_VCPU_EXIT_OTHER] = "other",
};

/* The kernel's counts, summed over the vCPUs; false when the kernel refused. */
static bool kernel_counts(const struct vmm *v, uint64_t sum[CL_VCPU_NUM_EXIT_KINDS])
{
	for (unsigned k = 0; k < CL_VCPU_NUM_EXIT_KINDS; k++)
		sum[k] = 0;
	for (unsigned n = 0; n < v->g.nr_vcpus; n++) {
		for (unsigned k = 0; k < CL_VCPU_NUM_EXIT_KINDS; k += 4) {
			struct cl_result r = cl_vcpu_read_exits(v->info->slot_vcpu[n], k);

			if (r.err != CL_OK)
				return false;
			for (unsigned i = 0; i < 4 && k + i < CL_VCPU_NUM_EXIT_KINDS; i++)
				sum[k + i] += r.mr[i];
		}
	}
	return true;
}

void vmm_report_exits(struct vmm *v, const char *when)
{
	uint64_t sum[CL_VCPU_NUM_EXIT_KINDS], total = 0;
	static struct exit_stats_word words[EXIT_STATS_WORDS_MAX];
	unsigned n = exit_stats_words(&v->stats, words, EXIT_STATS_WORDS_MAX);
	char line[256];
	size_t at;

	if (!kernel_counts(v, sum)) {
		cl_printf("vmm: guest '%s' exits %s: the kernel's counts cannot be read\n",
			  v->g.name, when);
	} else {
		/* Every entry counts once: an interrupt or one synchronous kind, not a part. */
		for (unsigned k = 0; k < CL_VCPU_NUM_EXIT_KINDS; k++)
			if (k != CL_VCPU_EXIT_VTIMER && k != CL_VCPU_EXIT_MAINTENANCE &&
			    k != CL_VCPU_EXIT_FAST && k != CL_VCPU_EXIT_SYSREG_KERNEL)
				total += sum[k];
		at = ksnprintf(line, sizeof(line), "vmm: guest '%s' exits %s: total=%llu",
			       v->g.name, when, (unsigned long long)total);
		for (unsigned k = 0; k < CL_VCPU_NUM_EXIT_KINDS && at < sizeof(line); k++)
			at += ksnprintf(line + at, sizeof(line) - at, " %s=%llu", kind_names[k],
					(unsigned long long)sum[k]);
		cl_printf("%s\n", line);
	}
	for (unsigned i = 0; i < n; i += WORDS_PER_LINE) {
		at = ksnprintf(line, sizeof(line), "vmm: guest '%s' exits %s by cause:", v->g.name,
			       when);
		for (unsigned j = i; j < n && j < i + WORDS_PER_LINE && at < sizeof(line); j++)
			at += ksnprintf(line + at, sizeof(line) - at, " %s=%llu", words[j].name,
					(unsigned long long)words[j].count);
		cl_printf("%s\n", line);
	}
	cl_printf("vmm: guest '%s' exits %s: end\n", v->g.name, when);
}

void vmm_console_line_seen(struct vmm *v, const char *line, size_t len)
{
	/* The demo's /init prints "cleave: NAME reached userspace" (docs/guests.md). */
	char marker[CL_VMM_NAME_MAX + 32];
	size_t m;

	if (v->reported_userspace)
		return;
	m = ksnprintf(marker, sizeof(marker), "cleave: %s reached userspace", v->g.name);
	if (m >= sizeof(marker) || len < m || memcmp(line + len - m, marker, m) != 0)
		return;
	v->reported_userspace = true;
	vmm_report_exits(v, "at userspace");
}
