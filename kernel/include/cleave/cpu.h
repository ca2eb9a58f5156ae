/*
 * Per-CPU state and the bring-up check every CPU runs on itself. A CPU that
 * lacks what the kernel needs stays offline with a line naming the feature.
 */
#ifndef CLEAVE_CPU_H
#define CLEAVE_CPU_H

#include <cleave/cpu_features.h>
#include <plat_config.h>

enum cpu_state { CPU_ABSENT = 0, CPU_STARTING, CPU_ONLINE, CPU_OFFLINE };

struct cpu {
	uint64_t mpidr; /* from the device tree */
	enum cpu_state state;
	struct cpu_id_regs regs;
	enum cpu_check_result check;
	struct cpu_features features;
	uint32_t ticks; /* timer interrupts taken */
};

extern struct cpu cpus[PLAT_CPUS_MAX];
extern struct cpu_system cpu_sys;

/*
 * Runs on the CPU itself: reads its ID registers and checks them against
 * req. On failure the CPU is marked offline with a line naming the missing
 * feature; returns true if the CPU may go on towards online.
 */
bool cpu_bringup_check(unsigned idx, const struct cpu_requirements *req);
/* The CPU is fully set up: logs its identity and adds it to cpu_sys. */
void cpu_mark_online(unsigned idx);
void cpu_mark_offline(unsigned idx, const char *reason);
/* Logs what differs between CPUs (big.LITTLE) once all have been checked. */
void cpu_report_system(void);

#endif
