/*
 * The info page of a guest's VMM (docs/image.md, "Guests"): what the VMM needs to
 * know about the guest it runs, written by `./cleave build` (idl/cleave_idl/
 * vmminfo.py packs the same layout) as an image entry "<guest>.info", copied by the
 * loader into a frame mapped read-only at CL_VMM_INFO_VADDR, with the fields the
 * build cannot know (the GIC version and CPUs this boot has) filled in by the loader.
 * The VMM checks every field before it trusts any (personalities/vmm/server/info.c).
 */
#ifndef CLEAVE_UAPI_VMM_INFO_H
#define CLEAVE_UAPI_VMM_INFO_H

#include <stdint.h>

#define CL_VMM_INFO_MAGIC 0x314f464e494d4d56ULL /* "VMMINFO1" */
#define CL_VMM_INFO_VERSION 4
#define CL_VMM_INFO_VADDR 0x30000000ULL
#define CL_VMM_NAME_MAX 40	/* NUL included: guest names are at most 32 characters */
#define CL_VMM_CMDLINE_MAX 1024 /* NUL included */
#define CL_VMM_MAX_VCPUS 4
#define CL_VMM_MAX_DEVICES 8	  /* passed-through devices of one guest */
#define CL_VMM_DEVICE_REGS 2	  /* register windows of one device */
#define CL_VMM_DEVICE_IRQS 2	  /* interrupts of one device */
#define CL_VMM_DEVICE_NAME_MAX 32 /* its node name, "pl031@9010000", NUL included */
#define CL_VMM_COMPATIBLE_MAX 96  /* its compatible strings, each NUL-terminated */
#define CL_VMM_MAX_DATAPORTS 4	  /* a guest's shared dataports */
#define CL_VMM_MAX_EVENTS 8	  /* events into the guest (consumes), and out of it (emits) */
#define CL_VMM_IFACE_NAME_MAX 32  /* an interface's name, NUL included */

/* Where a VMM finds the guest's RAM and files in its own address space. */
#define CL_VMM_RAM_VADDR 0x80000000ULL
#define CL_VMM_KERNEL_VADDR 0x100000000ULL
#define CL_VMM_INITRD_VADDR 0x200000000ULL

enum cl_vmm_coherence {
	CL_VMM_COHERENCE_DC = 0,    /* HCR_EL2.DC and TVM until the guest's caches are on */
	CL_VMM_COHERENCE_CLEAN = 1, /* clean what the VMM wrote to PoC before the guest runs */
};

/*
 * The policy word: what the guest's description asks of its VMM.
 *
 * What the VMM does when the guest asks for a reset (PSCI SYSTEM_RESET) or
 * crashes (an exit the VMM cannot handle): restart it (reload and boot
 * again) or stop it; at most CL_VMM_RESTART_LIMIT(policy) restarts in all
 * (docs/system-language.md, "guest": on_reset, on_crash, restart_limit).
 */
#define CL_VMM_RESTART_ON_RESET 0x1U
#define CL_VMM_RESTART_ON_CRASH 0x2U
/*
 * Emulate PSCI over SMC as over HVC (`smc emulate`); clear, an SMC answers
 * NOT_SUPPORTED (docs/vmm.md, "PSCI").
 */
#define CL_VMM_SMC_EMULATE 0x4U
/* Every flag the word's low half may hold; any other bit is refused. */
#define CL_VMM_POLICY_FLAGS (CL_VMM_RESTART_ON_RESET | CL_VMM_RESTART_ON_CRASH | CL_VMM_SMC_EMULATE)
#define CL_VMM_RESTART_LIMIT(policy) ((policy) >> 16)
#define CL_VMM_RESTART_LIMIT_MAX 1000U

/* The GIC interrupt specifier's flags a passed-through SPI may have (arm,gic.yaml). */
#define CL_VMM_IRQ_EDGE_RISING 1U
#define CL_VMM_IRQ_LEVEL_HIGH 4U

/*
 * What the VMM's thread hears besides exits, all on one notification bound to it:
 * the console server's input event, badged with the console connection's number
 * (below 2^32), and each passed-through interrupt, badged with a bit of its own
 * from bit 32 on (device d's interrupt i), set by the loader when it binds the
 * IRQ handler.
 */
#define CL_VMM_EVENT_CONSOLE_MASK 0xffffffffULL
#define CL_VMM_IRQ_BADGE(d, i) (1ULL << (32 + (d)*CL_VMM_DEVICE_IRQS + (i)))
/*
 * An event into the guest (its `consumes` end, event e in the order of info->events_in)
 * arrives on the same notification with a bit above the devices' (docs/vmm.md, "A
 * guest's events and dataports"): the emitters' capabilities carry it as their badge.
 */
#define CL_VMM_EVENT_IN_BADGE(e) (1ULL << (48 + (e)))
#define CL_VMM_EVENT_IN_MASK (0xffULL << 48)

/*
 * A device of the platform passed through to the guest (`devices { rtc; }`), as the
 * platform's device tree has it: its registers are mapped into the guest at their
 * physical addresses (the IPA is the PA), and the VMM describes it in the guest's
 * device tree and forwards its interrupts.
 */
struct cl_vmm_device {
	char name[CL_VMM_DEVICE_NAME_MAX];	/* node name, NUL-terminated */
	char compatible[CL_VMM_COMPATIBLE_MAX]; /* the compatible property's bytes */
	uint32_t compatible_len;		/* its length, the last NUL included */
	uint32_t nr_regs;			/* 1..CL_VMM_DEVICE_REGS */
	struct {
		uint64_t base, size; /* a register window, at its physical address */
	} reg[CL_VMM_DEVICE_REGS];
	uint32_t nr_irqs; /* 0..CL_VMM_DEVICE_IRQS */
	uint32_t pad;
	struct {
		uint32_t spi;	       /* SPI number (INTID - 32): the same in guest and board */
		uint32_t flags;	       /* CL_VMM_IRQ_EDGE_RISING or CL_VMM_IRQ_LEVEL_HIGH */
		uint32_t slot_handler; /* its IRQ handler (ack) */
		uint32_t pad;
	} irq[CL_VMM_DEVICE_IRQS];
};

_Static_assert(sizeof(struct cl_vmm_device) == 208, "vmm device layout");

/*
 * A dataport of the guest in a `connection shared`: its frames are mapped by the
 * loader into the guest's stage 2 at `ipa` (normal cacheable memory, read/write, not
 * executable); the VMM only describes it in the guest's device tree.
 */
struct cl_vmm_dataport {
	char name[CL_VMM_IFACE_NAME_MAX]; /* the interface's name, NUL-terminated */
	uint64_t ipa, size;		  /* page aligned, outside RAM and every device */
};

/* An event into the guest (`consumes`): raised as an edge-triggered virtual SPI. */
struct cl_vmm_event_in {
	char name[CL_VMM_IFACE_NAME_MAX];
	uint32_t spi; /* SPI number (INTID - 32), chosen by the build */
	uint32_t pad;
};

/*
 * An event out of the guest (`emits`): a doorbell page at `ipa` the VMM emulates; a
 * 32-bit store signals the notification in `slot_signal` (write, badged as the
 * connection says).
 */
struct cl_vmm_event_out {
	char name[CL_VMM_IFACE_NAME_MAX];
	uint64_t ipa; /* one 4 KiB page, outside RAM and every device */
	uint32_t slot_signal;
	uint32_t pad;
};

_Static_assert(sizeof(struct cl_vmm_dataport) == 48, "vmm dataport layout");
_Static_assert(sizeof(struct cl_vmm_event_in) == 40, "vmm event-in layout");
_Static_assert(sizeof(struct cl_vmm_event_out) == 48, "vmm event-out layout");

struct cl_vmm_info {
	uint64_t magic;
	uint32_t version;
	uint32_t size;		    /* sizeof(struct cl_vmm_info) */
	char name[CL_VMM_NAME_MAX]; /* the guest's name, NUL-terminated */
	uint64_t ram_ipa;	    /* guest RAM: where the guest sees it */
	uint64_t ram_size;
	uint64_t ram_vaddr;    /* where the VMM sees it (mapped read/write) */
	uint64_t kernel_vaddr; /* the kernel file (an arm64 Image), mapped read-only */
	uint64_t kernel_size;
	uint64_t initrd_vaddr; /* the initrd file, read-only; size 0: none */
	uint64_t initrd_size;
	uint32_t nr_vcpus;	    /* 1..CL_VMM_MAX_VCPUS */
	uint32_t coherence;	    /* enum cl_vmm_coherence */
	uint32_t slot_exits;	    /* the guest's exits endpoint (read); badge = vCPU + 1 */
	uint32_t slot_guest_aspace; /* the guest's address space (cache maintenance) */
	uint32_t slot_vcpu[CL_VMM_MAX_VCPUS]; /* each vCPU */
	uint32_t slot_tcb[CL_VMM_MAX_VCPUS];  /* the thread each vCPU is bound to */
	uint64_t gicd_ipa;		      /* the guest's device map, as its device tree says */
	uint64_t gicc_ipa;		      /* GICv2: the kernel's GICV is mapped here */
	uint64_t gicr_ipa;		      /* GICv3 redistributors */
	uint64_t uart_ipa;		      /* the emulated PL011 */
	uint32_t uart_spi;		      /* its interrupt: SPI number (INTID - 32) */
	uint32_t gic_version;		      /* 2 or 3: written by the loader (0 in the image) */
	uint32_t num_cpus;		      /* physical CPUs online: written by the loader */
	uint32_t policy; /* CL_VMM_RESTART_ON_* | CL_VMM_SMC_EMULATE | limit << 16 */
	/*
	 * The console server (`connection console GUEST -> SERVER;`, docs/console.md):
	 * its Console endpoint (call) and the notification its input event signals. Both 0
	 * when the guest has no console connection: its output goes to the kernel's console.
	 */
	uint32_t slot_console;
	uint32_t slot_console_input;
	/*
	 * The notification the passed-through devices' IRQ handlers and the emitters of
	 * the guest's consumed events signal (the badges above): slot_console_input when
	 * the guest has a console, else one of its own; 0 when no device has an interrupt
	 * and the guest consumes no event.
	 */
	uint32_t slot_irq_events;
	uint32_t nr_devices; /* 0..CL_VMM_MAX_DEVICES */
	struct cl_vmm_device devices[CL_VMM_MAX_DEVICES];
	uint32_t nr_dataports;	/* 0..CL_VMM_MAX_DATAPORTS */
	uint32_t nr_events_in;	/* 0..CL_VMM_MAX_EVENTS */
	uint32_t nr_events_out; /* 0..CL_VMM_MAX_EVENTS */
	uint32_t pad;
	struct cl_vmm_dataport dataports[CL_VMM_MAX_DATAPORTS];
	struct cl_vmm_event_in events_in[CL_VMM_MAX_EVENTS];
	struct cl_vmm_event_out events_out[CL_VMM_MAX_EVENTS];
	char cmdline[CL_VMM_CMDLINE_MAX]; /* the guest's kernel command line, NUL-terminated */
};

_Static_assert(sizeof(struct cl_vmm_info) == 3824, "vmm info layout");

#endif
