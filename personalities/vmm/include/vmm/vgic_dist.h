/*
 * The emulated GIC distributor of a guest: GICv2's GICD, or GICv3's GICD and
 * its redistributors (GICR), as register files (Arm IHI 0048B for GICv2,
 * IHI 0069H for GICv3). The list registers that deliver an interrupt are the
 * kernel's; this module decides what to deliver where and says so as
 * "inject INTID n on vCPU k" actions. GICv3 runs with affinity routing on
 * and a single security state (GICD_CTLR.ARE = DS = 1), as a guest sees it
 * under KVM and Xen.
 */
#ifndef VMM_VGIC_DIST_H
#define VMM_VGIC_DIST_H

#include <vmm/guest.h>

#define VGIC_MAX_IRQS 256 /* INTIDs 0-255: 16 SGIs, 16 PPIs, 224 SPIs */
#define VGIC_NR_PRIVATE 32
#define VGIC_MAX_ACTIONS 16
#define VGIC_PRIO_MASK 0xf8 /* 5 priority bits, what list registers hold */

struct vgic_irq {
	bool enabled;
	bool pending;
	bool active;
	bool in_lr; /* injected; the guest has not deactivated it yet */
	bool edge;  /* ICFGR: edge-triggered (else level) */
	bool line;  /* level-triggered: the input is high */
	uint8_t group;
	uint8_t priority;
	uint8_t targets; /* GICv2 ITARGETSR (SPIs) */
	uint64_t route;	 /* GICv3 IROUTER (SPIs) */
};

struct vgic_inject {
	uint16_t intid;
	uint8_t vcpu;
	uint8_t source; /* GICv2 SGIs: the sending vCPU (the list register's CPUID) */
};

struct vgic_actions {
	unsigned n;
	struct vgic_inject inject[VGIC_MAX_ACTIONS];
};

struct vgic_dist {
	unsigned version;
	unsigned nr_vcpus;
	unsigned nr_irqs; /* multiple of 32, 64 to VGIC_MAX_IRQS */
	uint32_t ctlr;
	struct vgic_irq priv[VMM_MAX_VCPUS][VGIC_NR_PRIVATE];
	struct vgic_irq spi[VGIC_MAX_IRQS - VGIC_NR_PRIVATE];
	uint8_t sgi_sources[VMM_MAX_VCPUS][16]; /* GICv2: pending SGIs per source vCPU */
	uint32_t waker[VMM_MAX_VCPUS];		/* GICv3 GICR_WAKER */
	uint64_t bad_accesses;			/* bad offsets, widths, alignments: RAZ/WI */
};

int vgic_dist_init(struct vgic_dist *d, const struct vmm_guest *g, unsigned version,
		   unsigned nr_irqs, struct vmm_error *err);

/*
 * One MMIO access from vCPU `vcpu`: GICD at `offset` into its 64 KiB window,
 * or (GICv3) the redistributors at `offset` into their window (128 KiB per
 * vCPU). Reads fill *val. Returns false for an access the architecture does
 * not allow (counted, read as zero, write ignored).
 */
bool vgic_gicd_access(struct vgic_dist *d, unsigned vcpu, uint64_t offset, unsigned size,
		      bool write, uint64_t *val, struct vgic_actions *out);
bool vgic_gicr_access(struct vgic_dist *d, unsigned vcpu, uint64_t offset, unsigned size,
		      bool write, uint64_t *val, struct vgic_actions *out);

/* A device or the timer asserts (level) or signals (edge) an interrupt; vcpu picks the PPI bank. */
void vgic_raise(struct vgic_dist *d, unsigned vcpu, unsigned intid, struct vgic_actions *out);
/* A level-triggered input goes low. */
void vgic_lower(struct vgic_dist *d, unsigned vcpu, unsigned intid);
/* The guest deactivated an injected interrupt (list register maintenance). */
void vgic_deactivated(struct vgic_dist *d, unsigned vcpu, unsigned intid, struct vgic_actions *out);

/* ICC_SGI1R_EL1 (IHI 0069H 12.2.23), decoded. */
struct vgic_sgi1r {
	unsigned intid;		  /* [27:24] */
	bool all_but_self;	  /* IRM [40] */
	uint8_t aff3, aff2, aff1; /* [55:48], [39:32], [23:16] */
	uint8_t rs;		  /* [47:44]: Aff0 = 16 * RS + bit of the target list */
	uint16_t target_list;	  /* [15:0] */
};
struct vgic_sgi1r vgic_sgi1r_decode(uint64_t value);
/* The vCPUs (bit mask) an ICC_SGI1R_EL1 write from vCPU self targets. */
uint32_t vgic_sgi1r_targets(const struct vgic_sgi1r *s, unsigned self, unsigned nr_vcpus);
/* A trapped ICC_SGI1R_EL1 write from vCPU self (GICv3). */
void vgic_sgi1r_write(struct vgic_dist *d, unsigned self, uint64_t value, struct vgic_actions *out);

#endif
