/*
 * The per-guest VMM server (docs/vmm.md, "The server"): one native component per
 * guest, started by the loader with the guest's capabilities and an info page. It
 * loads the guest per the arm64 boot protocol, starts vCPU 0, then serves the
 * guest's exits for ever: one message in, one reply out.
 */
#ifndef VMM_SERVER_VMM_H
#define VMM_SERVER_VMM_H

#include <cleave/syscalls.h>
#include <cleave/vmm_info.h>
#include <vmm/doorbell.h>
#include <vmm/exit_decode.h>
#include <vmm/exit_stats.h>
#include <vmm/guest.h>
#include <vmm/guest_fdt.h>
#include <vmm/irq_forward.h>
#include <vmm/psci.h>
#include <vmm/vgic_dist.h>
#include <vmm/vuart_pl011.h>

#define VMM_MAX_LRS 16
#define VMM_NR_IRQS 64	  /* SGIs, PPIs and 32 SPIs: the UART's is SPI 1 */
#define VMM_INPUT_MAX 256 /* console input the PL011's FIFO has no room for yet */

struct vmm {
	const struct cl_vmm_info *info;
	struct vmm_guest g;
	struct vgic_dist gic;
	struct vuart uart;
	struct psci_config psci;
	enum psci_vcpu_state state[VMM_MAX_VCPUS];
	unsigned nr_lrs; /* list registers the kernel lets the VMM use */
	uint16_t lr_intid[VMM_MAX_VCPUS][VMM_MAX_LRS]; /* 0: free */
	uint64_t exits;				       /* served, for the report */
	uint64_t unknown_sysregs;		       /* RAZ/WI system registers seen */
	uint64_t dropped_irqs;			       /* no list register was free */
	struct exit_stats stats;		       /* the exits served, by cause */
	unsigned restarts;			       /* by a reset request or a crash */
	bool stopped;
	bool reported_userspace;   /* the exit report at the guest's userspace marker went out */
	char input[VMM_INPUT_MAX]; /* from the console server, waiting for FIFO room */
	size_t input_len;
	bool input_more;	/* the server may hold more than there was room for */
	struct irq_forward fwd; /* passed-through interrupts */
	cl_cptr_t fwd_handler[IRQ_FORWARD_MAX]; /* the IRQ handler of each (ack) */
	unsigned nr_irqs;	/* the vGIC's INTIDs: 64, more for a device's higher SPI */
	struct doorbells bells; /* the guest's emitted events (ports.c) */
	struct guest_fdt_port fdt_dataports[GUEST_FDT_MAX_PORTS]; /* its tree's port nodes */
	struct guest_fdt_port fdt_events_in[GUEST_FDT_MAX_PORTS];
	struct guest_fdt_port fdt_events_out[GUEST_FDT_MAX_PORTS];
	struct {
		uint32_t fr;	/* the UARTFR the kernel answers with */
		bool fr_given;	/* fr was given to every vCPU */
		bool writes_on; /* stores to UARTDR are kept by the kernel */
	} fast;			/* the UART's MMIO fast path (uart_fast.c) */
};

extern struct vmm the_vmm;

/* Start-up (start.c): check the info page, load the guest, start vCPU 0. 0 or -1. */
int vmm_start(struct vmm *v, struct vmm_error *err);

/* Start vCPU n at pc with x0 = arg, MMU and caches off (start.c: boot and CPU_ON). */
int vmm_vcpu_start(struct vmm *v, unsigned n, uint64_t pc, uint64_t arg);

/*
 * One exit (exits.c): label and MR0..MR3 of the fault message from vCPU n. Returns
 * true with the reply in *reply_info/reply[] when the vCPU is to be resumed, false
 * when it stays stopped (CPU_OFF, the guest stopped).
 */
bool vmm_exit(struct vmm *v, unsigned n, uint64_t label, const uint64_t mr[4], uint64_t *reply_info,
	      uint64_t reply[4]);

/* Stop every vCPU with a report line naming the guest (exits.c). */
void vmm_stop_guest(struct vmm *v, const char *why);
/*
 * The guest asked for a reset (crash false) or crashed (an exit the VMM cannot
 * handle): restart it if its description says so for this case and its
 * restart_limit allows another, else stop it; a report line either way (exits.c).
 */
void vmm_guest_ended(struct vmm *v, bool crash, const char *why);
/*
 * Put every vCPU, the vGIC and the UART back to their power-on state, clean the
 * guest's RAM, load the kernel, initrd and device tree again and start vCPU 0
 * (start.c). 0 or -1 with *err set.
 */
int vmm_restart(struct vmm *v, struct vmm_error *err);

/* Drive the PL011's interrupt line (an SPI) high or low, as seen from vCPU n (exits.c). */
void vmm_uart_line(struct vmm *v, unsigned n, bool irq);

/*
 * The console server (console.c), when the guest has one; without one the guest's
 * lines go to the kernel's console. Start: bind its input, say hello. Write: output
 * bytes. Input: its input event came. Feed: move waiting input into the PL011's FIFO
 * (after the guest read some), returning the UART's interrupt output.
 */
bool vmm_console_connected(const struct vmm *v);
int vmm_console_start(struct vmm *v, struct vmm_error *err);
void vmm_console_write(struct vmm *v, const char *text, size_t len);
/* Show the unfinished line written so far (a prompt) without waiting for its end. */
void vmm_console_flush(struct vmm *v);
void vmm_console_input(struct vmm *v);
bool vmm_console_feed(struct vmm *v);

/*
 * The exit report (stats.c; docs/bench.md, "Exit counts"): the kernel's counts of
 * every vCPU by kind, then the VMM's by cause, as lines "vmm: guest 'NAME' exits
 * WHEN: ...". Printed when the guest stops and when its console shows the
 * userspace marker line.
 */
void vmm_report_exits(struct vmm *v, const char *when);
/* A line of the guest's console: the report once it is the userspace marker (stats.c). */
void vmm_console_line_seen(struct vmm *v, const char *line, size_t len);

/*
 * The UART's MMIO fast path (uart_fast.c): give every vCPU's fast path the UART's
 * state after it changed (sync); feed the UARTDR stores the kernel kept for every
 * vCPU to the PL011 model (take_all: before any other UART access, a stop or a
 * restart).
 */
void vmm_uart_fast_sync(struct vmm *v);
void vmm_uart_fast_take_all(struct vmm *v);

/*
 * Passed-through devices (passthru.c): their device-tree nodes from the info page
 * (config: out[] gets *n), the vGIC's size that holds their SPIs, their interrupts
 * (start: the table, the notification bound; irq: the bits of the notification's
 * word that came; reset: a restart gives back the lines held masked). Around the
 * guest's deactivation of INTID intid (irq.c): deactivating lowers the virtual line of
 * a level interrupt and returns the lines waiting to be unmasked, which deactivated
 * then unmasks (irq_forward.h).
 */
void vmm_passthru_config(const struct vmm *v, struct guest_fdt_device *out, unsigned *n);
unsigned vmm_passthru_nr_irqs(const struct cl_vmm_info *info);
int vmm_passthru_start(struct vmm *v, struct vmm_error *err);
void vmm_passthru_irq(struct vmm *v, uint64_t word);
uint32_t vmm_passthru_deactivating(struct vmm *v, unsigned vcpu, unsigned intid);
void vmm_passthru_deactivated(struct vmm *v, uint32_t lines);
void vmm_passthru_reset(struct vmm *v);

/*
 * The guest's ports (ports.c): their device-tree nodes (config fills cfg's), the
 * events into the guest added to the forwarded lines and the doorbells noted
 * (start, before the notification is bound), and an access to a doorbell (true when
 * the IPA is one: *val is what a load reads).
 */
void vmm_ports_config(struct vmm *v, struct guest_fdt_config *cfg);
int vmm_ports_start(struct vmm *v, struct vmm_error *err);
bool vmm_doorbell(struct vmm *v, uint64_t ipa, const struct vmm_exit_mmio *m, uint64_t *val);

/* Hand the vGIC's injections to the kernel's list registers (irq.c). */
void vmm_inject(struct vmm *v, const struct vgic_actions *a);
/* The guest deactivated the interrupts in list registers eoi_lrs of vCPU n (irq.c). */
void vmm_eoi(struct vmm *v, unsigned n, uint64_t eoi_lrs);

#endif
