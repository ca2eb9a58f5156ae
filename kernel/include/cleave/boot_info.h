/*
 * What the kernel learns from the device tree it is booted with. dtb_parse()
 * reads the flattened tree with libfdt and fills this structure; it changes
 * nothing else, so it is tested on the host with hand-written trees.
 */
#ifndef CLEAVE_BOOT_INFO_H
#define CLEAVE_BOOT_INFO_H

#include <cleave/compiler.h>

#define BOOT_CPUS_MAX 64
#define BOOT_MEM_MAX 4

enum psci_conduit { PSCI_NONE = 0, PSCI_SMC, PSCI_HVC };

struct boot_info {
	unsigned num_mem;
	struct {
		uint64_t base;
		uint64_t size;
	} mem[BOOT_MEM_MAX];
	unsigned num_cpus;
	uint64_t cpu_mpidr[BOOT_CPUS_MAX];
	enum psci_conduit psci;
	unsigned gic_version; /* 2 or 3 */
	uint64_t gic_dist;
	uint64_t gic_cpu;    /* GICv2 CPU interface */
	uint64_t gic_redist; /* GICv3 redistributors */
	uint64_t uart_base;
	unsigned timer_hyp_intid;  /* the EL2 physical timer's interrupt ID (a PPI) */
	unsigned timer_virt_intid; /* the virtual timer's (a PPI), which guests use */
	/* Virtualization support of the GIC (absent without it: 0). */
	unsigned gic_maint_intid; /* the maintenance interrupt (a PPI) */
	uint64_t gic_hyp;	  /* GICv2 virtual interface control (GICH) */
	uint64_t gic_vcpu;	  /* GICv2 virtual CPU interface (GICV), for guests */
	const char *bootargs;	  /* points into the tree; "" when absent */
};

/*
 * Parses the tree at dtb (at most max_size bytes). Returns 0 on success, or a
 * negative value with a one-line reason written to err.
 */
int dtb_parse(const void *dtb, size_t max_size, struct boot_info *out, char *err, size_t errlen);

const char *psci_conduit_name(enum psci_conduit c);

#endif
