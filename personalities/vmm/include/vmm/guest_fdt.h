/*
 * The guest's device tree, written with libfdt's sequential-write functions.
 * Short on purpose: every node the guest probes can cost exits, so it holds
 * only what the VMM emulates (memory, CPUs, PSCI, the GIC, the timer, one
 * PL011 and its clock, /chosen) and the devices passed through to the guest.
 */
#ifndef VMM_GUEST_FDT_H
#define VMM_GUEST_FDT_H

#include <vmm/guest.h>

#define GUEST_FDT_MAX_DEVICES 8
#define GUEST_FDT_DEVICE_REGS 2
#define GUEST_FDT_DEVICE_IRQS 2

/*
 * A device of the board passed through to the guest: its node as the board's tree
 * has it, at the same addresses and SPIs (the VMM maps its registers where they are
 * and forwards its interrupts as the same SPIs).
 */
struct guest_fdt_device {
	const char *name;	/* node name, "pl031@9010000" */
	const char *compatible; /* the property's bytes: NUL-terminated strings */
	size_t compatible_len;
	unsigned nr_regs;
	uint64_t reg[GUEST_FDT_DEVICE_REGS][2]; /* base, size */
	unsigned nr_irqs;
	unsigned spi[GUEST_FDT_DEVICE_IRQS];   /* SPI number (INTID - 32) */
	unsigned flags[GUEST_FDT_DEVICE_IRQS]; /* 1 edge rising, 4 level high */
};

/*
 * A guest's ports (docs/vmm.md, "A guest's events and dataports"): a dataport
 * (`dataport@<ipa>`, "cleave,dataport", reg), an event into the guest
 * (`event-in-<n>`, "cleave,event-in", an edge-rising SPI) and an event out of it
 * (`doorbell@<ipa>`, "cleave,event-out", reg: one 4 KiB page). Each node names its
 * interface in "cleave,interface".
 */
#define GUEST_FDT_MAX_PORTS 8
#define GUEST_FDT_DOORBELL_SIZE 0x1000ULL

struct guest_fdt_port {
	const char *name; /* the interface's name */
	uint64_t ipa;	  /* a dataport or doorbell */
	uint64_t size;	  /* a dataport */
	unsigned spi;	  /* an event in: SPI number (INTID - 32) */
};

struct guest_fdt_config {
	unsigned gic_version; /* 2 or 3 */
	uint64_t gicd_base;   /* distributor, 64 KiB */
	uint64_t gicc_base;   /* GICv2: CPU interface, 8 KiB */
	uint64_t gicr_base;   /* GICv3: redistributors, 128 KiB per vCPU */
	uint64_t uart_base;   /* PL011, 4 KiB */
	unsigned uart_spi;    /* its interrupt: SPI number (INTID - 32) */
	bool psci_smc;	      /* /psci method "smc" (the guest's `smc emulate`), else "hvc" */
	const char *bootargs;
	uint64_t initrd_start; /* 0 and 0: no initrd */
	uint64_t initrd_end;
	unsigned nr_devices; /* passed through: 0..GUEST_FDT_MAX_DEVICES */
	const struct guest_fdt_device *devices;
	unsigned nr_dataports, nr_events_in, nr_events_out; /* 0..GUEST_FDT_MAX_PORTS each */
	const struct guest_fdt_port *dataports, *events_in, *events_out;
};

/* The phandles the tree uses. */
#define GUEST_FDT_PHANDLE_GIC 1
#define GUEST_FDT_PHANDLE_CLK 2

/* Sizes of the emulated register windows. */
#define GUEST_FDT_GICD_SIZE 0x10000ULL
#define GUEST_FDT_GICC_SIZE 0x2000ULL
#define GUEST_FDT_GICR_STRIDE 0x20000ULL
#define GUEST_FDT_UART_SIZE 0x1000ULL

/* PPIs of the architected timer (INTIDs 29, 30, 27, 26 as PPI numbers, as Linux expects). */
#define GUEST_FDT_TIMER_PPI_SEC 13
#define GUEST_FDT_TIMER_PPI_NS 14
#define GUEST_FDT_TIMER_PPI_VIRT 11
#define GUEST_FDT_TIMER_PPI_HYP 10

/* Write the tree for g into buf (size bytes). */
int guest_fdt_build(const struct vmm_guest *g, const struct guest_fdt_config *cfg, void *buf,
		    size_t size, struct vmm_error *err);

#endif
