/*
 * The guest device tree (Devicetree Specification v0.4 for /memory, /cpus and
 * /chosen; the Linux bindings arm/psci.yaml, interrupt-controller/arm,gic.yaml
 * and arm,gic-v3.yaml, timer/arm,arch_timer.yaml, serial/pl011.yaml and
 * clock/fixed-clock.yaml for the rest; a passed-through device's node is the board's).
 */
#include <libfdt.h>
#include <string.h>

#include <cleave/print.h>
#include <vmm/guest_fdt.h>

/* Interrupt specifier cells (arm,gic.yaml): type, number, flags. */
#define IRQ_TYPE_SPI 0
#define IRQ_TYPE_PPI 1
#define IRQ_TYPE_EDGE_RISING 1 /* the third cell's flags: edge, low to high */
#define IRQ_LEVEL_HIGH 4

/* A libfdt call failed: stop at the first error and keep it. */
struct writer {
	void *fdt;
	int rc;
};

static void check(struct writer *w, int rc)
{
	if (w->rc == 0 && rc < 0)
		w->rc = rc;
}

/* Every write goes through here: after the first failure nothing touches the buffer. */
static void prop(struct writer *w, const char *name, const void *val, size_t len)
{
	if (w->rc == 0)
		check(w, fdt_property(w->fdt, name, val, (int)len));
}

static void prop_u32(struct writer *w, const char *name, uint32_t v)
{
	fdt32_t cell = cpu_to_fdt32(v);

	prop(w, name, &cell, sizeof(cell));
}

static void prop_u64(struct writer *w, const char *name, uint64_t v)
{
	fdt64_t cell = cpu_to_fdt64(v);

	prop(w, name, &cell, sizeof(cell));
}

static void prop_str(struct writer *w, const char *name, const char *s)
{
	prop(w, name, s, strlen(s) + 1);
}

/* A property of (address, size) pairs, two cells each (the root's #address/#size-cells). */
static void prop_reg(struct writer *w, const uint64_t *pairs, unsigned n)
{
	fdt64_t cells[8];

	for (unsigned i = 0; i < 2 * n; i++)
		cells[i] = cpu_to_fdt64(pairs[i]);
	prop(w, "reg", cells, sizeof(fdt64_t) * 2 * n);
}

static void begin(struct writer *w, const char *name)
{
	if (w->rc == 0)
		check(w, fdt_begin_node(w->fdt, name));
}

static void end(struct writer *w)
{
	if (w->rc == 0)
		check(w, fdt_end_node(w->fdt));
}

static void node_name(char *buf, size_t size, const char *base, uint64_t addr)
{
	ksnprintf(buf, size, "%s@%llx", base, (unsigned long long)addr);
}

static void write_cpus(struct writer *w, const struct vmm_guest *g)
{
	char name[16];

	begin(w, "cpus");
	prop_u32(w, "#address-cells", 1);
	prop_u32(w, "#size-cells", 0);
	for (unsigned i = 0; i < g->nr_vcpus; i++) {
		/* reg is the MPIDR affinity: vCPU i has Aff0 = i (VMPIDR_EL2 set by the kernel). */
		ksnprintf(name, sizeof(name), "cpu@%x", i);
		begin(w, name);
		prop_str(w, "device_type", "cpu");
		prop_str(w, "compatible", "arm,armv8");
		prop_u32(w, "reg", i);
		prop_str(w, "enable-method", "psci");
		end(w);
	}
	end(w);
}

/*
 * PSCI's conduit (arm/psci.yaml "method"): HVC, which the VMM always answers, unless
 * the guest's description emulates SMC too (`smc emulate`); then the tree says "smc",
 * for a guest that should call firmware the way it would on a board.
 */
static void write_psci(struct writer *w, bool smc)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2";

	begin(w, "psci");
	prop(w, "compatible", compat, sizeof(compat));
	prop_str(w, "method", smc ? "smc" : "hvc");
	end(w);
}

static void write_gic(struct writer *w, const struct vmm_guest *g,
		      const struct guest_fdt_config *cfg)
{
	char name[32];
	uint64_t reg[4];

	node_name(name, sizeof(name), "interrupt-controller", cfg->gicd_base);
	begin(w, name);
	reg[0] = cfg->gicd_base;
	reg[1] = GUEST_FDT_GICD_SIZE;
	if (cfg->gic_version == 2) {
		prop_str(w, "compatible", "arm,cortex-a15-gic");
		reg[2] = cfg->gicc_base;
		reg[3] = GUEST_FDT_GICC_SIZE;
	} else {
		prop_str(w, "compatible", "arm,gic-v3");
		reg[2] = cfg->gicr_base;
		reg[3] = GUEST_FDT_GICR_STRIDE * g->nr_vcpus;
	}
	prop_reg(w, reg, 2);
	prop_u32(w, "#interrupt-cells", 3);
	/* No children and no interrupt-map parents: dtc's interrupt_provider check wants it said.
	 */
	prop_u32(w, "#address-cells", 0);
	prop(w, "interrupt-controller", NULL, 0);
	prop_u32(w, "phandle", GUEST_FDT_PHANDLE_GIC);
	end(w);
}

static void write_timer(struct writer *w, const struct vmm_guest *g, unsigned gic_version)
{
	static const uint32_t ppis[] = {GUEST_FDT_TIMER_PPI_SEC, GUEST_FDT_TIMER_PPI_NS,
					GUEST_FDT_TIMER_PPI_VIRT, GUEST_FDT_TIMER_PPI_HYP};
	fdt32_t cells[12];
	/* GICv2 PPI flags carry a mask of the CPUs they go to in bits [15:8] (arm,gic.yaml). */
	uint32_t flags = IRQ_LEVEL_HIGH;

	if (gic_version == 2)
		flags |= ((1U << g->nr_vcpus) - 1) << 8;
	for (unsigned i = 0; i < 4; i++) {
		cells[3 * i] = cpu_to_fdt32(IRQ_TYPE_PPI);
		cells[3 * i + 1] = cpu_to_fdt32(ppis[i]);
		cells[3 * i + 2] = cpu_to_fdt32(flags);
	}
	begin(w, "timer");
	prop_str(w, "compatible", "arm,armv8-timer");
	prop(w, "interrupts", cells, sizeof(cells));
	end(w);
}

static void write_uart(struct writer *w, const struct guest_fdt_config *cfg, const char *name)
{
	static const char compat[] = "arm,pl011\0arm,primecell";
	static const char clock_names[] = "uartclk\0apb_pclk";
	fdt32_t irq[3] = {cpu_to_fdt32(IRQ_TYPE_SPI), cpu_to_fdt32(cfg->uart_spi),
			  cpu_to_fdt32(IRQ_LEVEL_HIGH)};
	fdt32_t clocks[2] = {cpu_to_fdt32(GUEST_FDT_PHANDLE_CLK),
			     cpu_to_fdt32(GUEST_FDT_PHANDLE_CLK)};
	uint64_t reg[2] = {cfg->uart_base, GUEST_FDT_UART_SIZE};

	begin(w, name);
	prop(w, "compatible", compat, sizeof(compat));
	prop_reg(w, reg, 1);
	prop(w, "interrupts", irq, sizeof(irq));
	prop(w, "clocks", clocks, sizeof(clocks));
	prop(w, "clock-names", clock_names, sizeof(clock_names));
	end(w);

	/* The AMBA bus probes the PL011 only with its apb_pclk clock: one fixed clock serves both.
	 */
	begin(w, "apb-pclk");
	prop_str(w, "compatible", "fixed-clock");
	prop_u32(w, "#clock-cells", 0);
	prop_u32(w, "clock-frequency", 24000000);
	prop_str(w, "clock-output-names", "clk24mhz");
	prop_u32(w, "phandle", GUEST_FDT_PHANDLE_CLK);
	end(w);
}

/* An AMBA PrimeCell is probed only with its apb_pclk clock, as the PL011 is. */
static bool primecell(const struct guest_fdt_device *d)
{
	for (size_t i = 0; i < d->compatible_len; i += strlen(d->compatible + i) + 1)
		if (strcmp(d->compatible + i, "arm,primecell") == 0)
			return true;
	return false;
}

/*
 * A passed-through device: the board's compatible, its registers at their physical
 * addresses (mapped there into the guest) and its SPIs with the board's trigger
 * flags, which the VMM forwards as the same SPIs.
 */
static void write_device(struct writer *w, const struct guest_fdt_device *d)
{
	uint64_t reg[2 * GUEST_FDT_DEVICE_REGS];
	fdt32_t irq[3 * GUEST_FDT_DEVICE_IRQS];
	fdt32_t clock = cpu_to_fdt32(GUEST_FDT_PHANDLE_CLK);

	for (unsigned r = 0; r < d->nr_regs; r++) {
		reg[2 * r] = d->reg[r][0];
		reg[2 * r + 1] = d->reg[r][1];
	}
	for (unsigned i = 0; i < d->nr_irqs; i++) {
		irq[3 * i] = cpu_to_fdt32(IRQ_TYPE_SPI);
		irq[3 * i + 1] = cpu_to_fdt32(d->spi[i]);
		irq[3 * i + 2] = cpu_to_fdt32(d->flags[i]);
	}
	begin(w, d->name);
	prop(w, "compatible", d->compatible, d->compatible_len);
	prop_reg(w, reg, d->nr_regs);
	if (d->nr_irqs > 0)
		prop(w, "interrupts", irq, sizeof(fdt32_t) * 3 * d->nr_irqs);
	if (primecell(d)) {
		prop(w, "clocks", &clock, sizeof(clock));
		prop_str(w, "clock-names", "apb_pclk");
	}
	end(w);
}

/* A port node with one register window: a dataport or a doorbell page. */
static void write_port_window(struct writer *w, const char *kind, const char *compatible,
			      uint64_t ipa, uint64_t size, const char *interface)
{
	char name[48];
	uint64_t reg[2] = {ipa, size};

	node_name(name, sizeof(name), kind, ipa);
	begin(w, name);
	prop_str(w, "compatible", compatible);
	prop_reg(w, reg, 1);
	prop_str(w, "cleave,interface", interface);
	end(w);
}

/*
 * A guest's ports: nodes of Cleave's own bindings (the guest's driver, or the test
 * guest's DT reader, finds them by compatible and tells them apart by
 * "cleave,interface"). A dataport is normal memory the loader mapped; an event in is
 * an edge-rising SPI the VMM raises; an event out a page whose 32-bit stores the VMM
 * turns into a signal.
 */
static void write_ports(struct writer *w, const struct guest_fdt_config *cfg)
{
	char name[48];

	for (unsigned p = 0; p < cfg->nr_dataports; p++) {
		const struct guest_fdt_port *d = &cfg->dataports[p];

		write_port_window(w, "dataport", "cleave,dataport", d->ipa, d->size, d->name);
	}
	for (unsigned e = 0; e < cfg->nr_events_in; e++) {
		const struct guest_fdt_port *in = &cfg->events_in[e];
		fdt32_t irq[3] = {cpu_to_fdt32(IRQ_TYPE_SPI), cpu_to_fdt32(in->spi),
				  cpu_to_fdt32(IRQ_TYPE_EDGE_RISING)};

		ksnprintf(name, sizeof(name), "event-in-%u", e);
		begin(w, name);
		prop_str(w, "compatible", "cleave,event-in");
		prop(w, "interrupts", irq, sizeof(irq));
		prop_str(w, "cleave,interface", in->name);
		end(w);
	}
	for (unsigned e = 0; e < cfg->nr_events_out; e++) {
		const struct guest_fdt_port *out = &cfg->events_out[e];

		write_port_window(w, "doorbell", "cleave,event-out", out->ipa,
				  GUEST_FDT_DOORBELL_SIZE, out->name);
	}
}

static void write_chosen(struct writer *w, const struct guest_fdt_config *cfg,
			 const char *uart_path)
{
	begin(w, "chosen");
	if (cfg->bootargs != NULL)
		prop_str(w, "bootargs", cfg->bootargs);
	prop_str(w, "stdout-path", uart_path);
	if (cfg->initrd_end != 0) {
		prop_u64(w, "linux,initrd-start", cfg->initrd_start);
		prop_u64(w, "linux,initrd-end", cfg->initrd_end);
	}
	end(w);
}

/* An emulated device window must not hide guest RAM: its accesses would never trap. */
static bool overlaps_ram(const struct vmm_guest *g, uint64_t base, uint64_t size)
{
	return base < g->ram_base + g->ram_size && g->ram_base < base + size;
}

static int check_windows(const struct vmm_guest *g, const struct guest_fdt_config *cfg,
			 struct vmm_error *err)
{
	struct {
		const char *what;
		uint64_t base, size;
	} w[] = {
		{"GIC distributor", cfg->gicd_base, GUEST_FDT_GICD_SIZE},
		{"GIC CPU interface", cfg->gicc_base, GUEST_FDT_GICC_SIZE},
		{"GIC redistributor region", cfg->gicr_base, GUEST_FDT_GICR_STRIDE * g->nr_vcpus},
		{"PL011", cfg->uart_base, GUEST_FDT_UART_SIZE},
	};

	for (size_t i = 0; i < ARRAY_SIZE(w); i++) {
		if ((i == 1 && cfg->gic_version != 2) || (i == 2 && cfg->gic_version != 3))
			continue;
		if (overlaps_ram(g, w[i].base, w[i].size))
			return vmm_fail(err, g->name, "%s at %#llx overlaps guest RAM", w[i].what,
					(unsigned long long)w[i].base);
	}
	return 0;
}

static int check_device(const struct vmm_guest *g, const struct guest_fdt_device *d,
			struct vmm_error *err)
{
	const char *name = d->name != NULL ? d->name : "?";

	if (d->name == NULL || d->name[0] == '\0' || d->compatible == NULL ||
	    d->compatible_len == 0 || d->compatible[d->compatible_len - 1] != '\0' ||
	    d->nr_regs == 0 || d->nr_regs > GUEST_FDT_DEVICE_REGS ||
	    d->nr_irqs > GUEST_FDT_DEVICE_IRQS)
		return vmm_fail(err, g->name,
				"passed-through device '%s': no name, no compatible, or %u "
				"register windows and %u interrupts (1 to %u, 0 to %u)",
				name, d->nr_regs, d->nr_irqs, GUEST_FDT_DEVICE_REGS,
				GUEST_FDT_DEVICE_IRQS);
	for (unsigned r = 0; r < d->nr_regs; r++)
		if (overlaps_ram(g, d->reg[r][0], d->reg[r][1]))
			return vmm_fail(err, g->name,
					"passed-through device '%s' at %#llx overlaps guest RAM",
					name, (unsigned long long)d->reg[r][0]);
	for (unsigned i = 0; i < d->nr_irqs; i++)
		if (d->spi[i] >= 988)
			return vmm_fail(err, g->name,
					"passed-through device '%s': SPI %u: SPIs are 0 to 987",
					name, d->spi[i]);
	return 0;
}

/* A port needs a name; a dataport or doorbell must not hide guest RAM. */
static int check_ports(const struct vmm_guest *g, const struct guest_fdt_config *cfg,
		       struct vmm_error *err)
{
	const struct {
		const char *what;
		unsigned n;
		const struct guest_fdt_port *ports;
	} kinds[] = {{"dataport", cfg->nr_dataports, cfg->dataports},
		     {"event in", cfg->nr_events_in, cfg->events_in},
		     {"event out", cfg->nr_events_out, cfg->events_out}};

	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		if (kinds[k].n > GUEST_FDT_MAX_PORTS)
			return vmm_fail(err, g->name, "%u %ss: at most %u", kinds[k].n,
					kinds[k].what, GUEST_FDT_MAX_PORTS);
		for (unsigned p = 0; p < kinds[k].n; p++) {
			const struct guest_fdt_port *port = &kinds[k].ports[p];
			uint64_t size = k == 0 ? port->size : GUEST_FDT_DOORBELL_SIZE;

			if (port->name == NULL || port->name[0] == '\0')
				return vmm_fail(err, g->name, "%s %u has no name", kinds[k].what,
						p);
			if (k == 1 ? port->spi >= 988 : overlaps_ram(g, port->ipa, size))
				return vmm_fail(err, g->name,
						"%s '%s' at %#llx (SPI %u) overlaps guest RAM or "
						"is no SPI",
						kinds[k].what, port->name,
						(unsigned long long)port->ipa, port->spi);
		}
	}
	return 0;
}

static int check_config(const struct vmm_guest *g, const struct guest_fdt_config *cfg,
			struct vmm_error *err)
{
	if (check_ports(g, cfg, err) != 0)
		return -1;
	if (cfg->nr_devices > GUEST_FDT_MAX_DEVICES)
		return vmm_fail(err, g->name, "%u passed-through devices: at most %u",
				cfg->nr_devices, GUEST_FDT_MAX_DEVICES);
	for (unsigned d = 0; d < cfg->nr_devices; d++)
		if (check_device(g, &cfg->devices[d], err) != 0)
			return -1;
	if (cfg->gic_version != 2 && cfg->gic_version != 3)
		return vmm_fail(err, g->name, "GIC version %u: only 2 and 3 are emulated",
				cfg->gic_version);
	if (g->nr_vcpus == 0 || g->nr_vcpus > VMM_MAX_VCPUS)
		return vmm_fail(err, g->name, "%u vCPUs: a guest has 1 to %u", g->nr_vcpus,
				VMM_MAX_VCPUS);
	if (cfg->uart_spi >= 988)
		return vmm_fail(err, g->name, "UART interrupt SPI %u: SPIs are 0 to 987",
				cfg->uart_spi);
	if (cfg->initrd_end < cfg->initrd_start ||
	    (cfg->initrd_end != 0 &&
	     !vmm_guest_ram_contains(g, cfg->initrd_start, cfg->initrd_end - cfg->initrd_start)))
		return vmm_fail(err, g->name, "initrd %#llx-%#llx is not inside guest RAM",
				(unsigned long long)cfg->initrd_start,
				(unsigned long long)cfg->initrd_end);
	return check_windows(g, cfg, err);
}

int guest_fdt_build(const struct vmm_guest *g, const struct guest_fdt_config *cfg, void *buf,
		    size_t size, struct vmm_error *err)
{
	struct writer w = {buf, 0};
	char name[32], uart_path[40];
	uint64_t mem[2] = {g->ram_base, g->ram_size};

	if (check_config(g, cfg, err) != 0)
		return -1;
	if (size > INT32_MAX)
		size = INT32_MAX;
	check(&w, fdt_create(buf, (int)size));
	if (w.rc == 0)
		check(&w, fdt_finish_reservemap(buf));
	begin(&w, "");
	prop_str(&w, "compatible", "linux,dummy-virt");
	prop_u32(&w, "#address-cells", 2);
	prop_u32(&w, "#size-cells", 2);
	prop_u32(&w, "interrupt-parent", GUEST_FDT_PHANDLE_GIC);

	node_name(name, sizeof(name), "memory", g->ram_base);
	begin(&w, name);
	prop_str(&w, "device_type", "memory");
	prop_reg(&w, mem, 1);
	end(&w);

	write_cpus(&w, g);
	write_psci(&w, cfg->psci_smc);
	write_gic(&w, g, cfg);
	write_timer(&w, g, cfg->gic_version);
	node_name(name, sizeof(name), "pl011", cfg->uart_base);
	ksnprintf(uart_path, sizeof(uart_path), "/%s", name);
	write_uart(&w, cfg, name);
	for (unsigned d = 0; d < cfg->nr_devices; d++)
		write_device(&w, &cfg->devices[d]);
	write_ports(&w, cfg);
	write_chosen(&w, cfg, uart_path);
	end(&w);
	if (w.rc == 0)
		check(&w, fdt_finish(buf));
	if (w.rc == -FDT_ERR_NOSPACE)
		return vmm_fail(err, g->name, "device tree does not fit in %zu bytes", size);
	if (w.rc != 0)
		return vmm_fail(err, g->name, "device tree: %s", fdt_strerror(w.rc));
	return 0;
}
