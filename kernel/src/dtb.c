/*
 * Reading the boot device tree with libfdt (Debian's libfdt.a, linked
 * unchanged). Only reads: every node and property is checked for presence
 * and size, and the first problem found is reported in one line.
 */
#include <libfdt.h>

#include <cleave/boot_info.h>
#include <cleave/print.h>

#include <string.h>

struct parser {
	const void *fdt;
	char *err;
	size_t errlen;
};

static int fail(struct parser *p, const char *what, const char *detail)
{
	ksnprintf(p->err, p->errlen, "device tree: %s%s%s", what, detail ? ": " : "",
		  detail ? detail : "");
	return -1;
}

static uint64_t read_cells(const fdt32_t *cells, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_to_cpu(cells[i]);
	return v;
}

static int cells_prop(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, name, &len);

	return (v != NULL && len == 4) ? (int)fdt32_to_cpu(*v) : dflt;
}

/*
 * Reads entry i of a "reg" property made of (address, size) pairs, sized by
 * the parent's #address-cells and #size-cells (1 or 2 each here).
 */
static int reg_entry(struct parser *p, int node, int i, uint64_t *base, uint64_t *size)
{
	int len;
	int parent = fdt_parent_offset(p->fdt, node);
	int ac = parent >= 0 ? fdt_address_cells(p->fdt, parent) : -1;
	int sc = parent >= 0 ? fdt_size_cells(p->fdt, parent) : -1;
	const fdt32_t *reg = fdt_getprop(p->fdt, node, "reg", &len);

	if (reg == NULL || ac < 1 || ac > 2 || sc < 1 || sc > 2 || len < (i + 1) * (ac + sc) * 4)
		return -1;
	reg += i * (ac + sc);
	*base = read_cells(reg, ac);
	*size = read_cells(reg + ac, sc);
	return 0;
}

static int parse_memory(struct parser *p, struct boot_info *bi)
{
	int node = -1;

	while ((node = fdt_node_offset_by_prop_value(p->fdt, node, "device_type", "memory",
						     sizeof("memory"))) >= 0) {
		uint64_t base;
		uint64_t size;

		for (int i = 0; reg_entry(p, node, i, &base, &size) == 0; i++) {
			if (bi->num_mem == BOOT_MEM_MAX)
				return fail(p, "too many memory ranges", NULL);
			bi->mem[bi->num_mem].base = base;
			bi->mem[bi->num_mem].size = size;
			bi->num_mem++;
		}
	}
	return bi->num_mem == 0 ? fail(p, "no memory node with a reg property", NULL) : 0;
}

static int parse_cpus(struct parser *p, struct boot_info *bi)
{
	int cpus = fdt_path_offset(p->fdt, "/cpus");
	int node;
	int ac;

	if (cpus < 0)
		return fail(p, "no /cpus node", NULL);
	ac = cells_prop(p->fdt, cpus, "#address-cells", 1);
	if (ac < 1 || ac > 2)
		return fail(p, "/cpus has a bad #address-cells", NULL);
	fdt_for_each_subnode (node, p->fdt, cpus) {
		int len;
		const char *type = fdt_getprop(p->fdt, node, "device_type", &len);
		const fdt32_t *reg;

		if (type == NULL || strcmp(type, "cpu") != 0)
			continue;
		reg = fdt_getprop(p->fdt, node, "reg", &len);
		if (reg == NULL || len < ac * 4)
			return fail(p, "a cpu node has no valid reg",
				    fdt_get_name(p->fdt, node, NULL));
		if (bi->num_cpus == BOOT_CPUS_MAX)
			return fail(p, "too many cpus", NULL);
		bi->cpu_mpidr[bi->num_cpus++] = read_cells(reg, ac);
	}
	return bi->num_cpus == 0 ? fail(p, "no cpu nodes under /cpus", NULL) : 0;
}

static int parse_psci(struct parser *p, struct boot_info *bi)
{
	int node = fdt_node_offset_by_compatible(p->fdt, -1, "arm,psci-0.2");
	const char *method;

	if (node < 0)
		node = fdt_node_offset_by_compatible(p->fdt, -1, "arm,psci-1.0");
	if (node < 0)
		return fail(p, "no PSCI 0.2 or later node (compatible \"arm,psci-0.2\")", NULL);
	method = fdt_getprop(p->fdt, node, "method", NULL);
	if (method == NULL)
		return fail(p, "psci node has no method", NULL);
	if (strcmp(method, "smc") == 0)
		bi->psci = PSCI_SMC;
	else if (strcmp(method, "hvc") == 0)
		bi->psci = PSCI_HVC;
	else
		return fail(p, "psci method is neither smc nor hvc", method);
	return 0;
}

/*
 * With the virtualization extensions the GIC node names its maintenance
 * interrupt (a PPI, "interrupts") and, for GICv2, the GICH and GICV frames
 * as reg entries 2 and 3 (the kernel's binding documents,
 * arm,gic.yaml and arm,gic-v3.yaml). Their absence is not an error: the
 * kernel then offers no virtual GIC.
 */
static void parse_gic_virt(struct parser *p, int node, struct boot_info *bi)
{
	int len;
	const fdt32_t *irq = fdt_getprop(p->fdt, node, "interrupts", &len);
	uint64_t size;

	if (irq != NULL && len >= 12 && fdt32_to_cpu(irq[0]) == 1 && fdt32_to_cpu(irq[1]) < 16)
		bi->gic_maint_intid = 16 + fdt32_to_cpu(irq[1]);
	if (bi->gic_version == 2 && (reg_entry(p, node, 2, &bi->gic_hyp, &size) != 0 ||
				     reg_entry(p, node, 3, &bi->gic_vcpu, &size) != 0)) {
		bi->gic_hyp = 0;
		bi->gic_vcpu = 0;
	}
}

static int parse_gic(struct parser *p, struct boot_info *bi)
{
	static const char *const v2[] = {"arm,cortex-a15-gic", "arm,gic-400"};
	uint64_t size;
	int node = fdt_node_offset_by_compatible(p->fdt, -1, "arm,gic-v3");

	if (node >= 0) {
		bi->gic_version = 3;
		if (reg_entry(p, node, 0, &bi->gic_dist, &size) != 0 ||
		    reg_entry(p, node, 1, &bi->gic_redist, &size) != 0)
			return fail(p, "GICv3 node needs distributor and redistributor reg", NULL);
		parse_gic_virt(p, node, bi);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(v2) && node < 0; i++)
		node = fdt_node_offset_by_compatible(p->fdt, -1, v2[i]);
	if (node < 0)
		return fail(p, "no GICv2 or GICv3 interrupt controller", NULL);
	bi->gic_version = 2;
	if (reg_entry(p, node, 0, &bi->gic_dist, &size) != 0 ||
	    reg_entry(p, node, 1, &bi->gic_cpu, &size) != 0)
		return fail(p, "GICv2 node needs distributor and CPU interface reg", NULL);
	parse_gic_virt(p, node, bi);
	return 0;
}

static int parse_uart(struct parser *p, struct boot_info *bi)
{
	uint64_t size;
	int node = fdt_node_offset_by_compatible(p->fdt, -1, "arm,pl011");

	if (node < 0 || reg_entry(p, node, 0, &bi->uart_base, &size) != 0)
		return fail(p, "no arm,pl011 uart with a reg property", NULL);
	return 0;
}

/*
 * The architected timer's interrupts are, in order: secure physical,
 * non-secure physical, virtual, hypervisor physical; each a 3-cell GIC
 * specifier (type, number, flags) where type 1 is a PPI numbered from 16.
 */
static int parse_timer(struct parser *p, struct boot_info *bi)
{
	int len;
	int node = fdt_node_offset_by_compatible(p->fdt, -1, "arm,armv8-timer");
	const fdt32_t *irq;

	if (node < 0)
		return fail(p, "no arm,armv8-timer node", NULL);
	irq = fdt_getprop(p->fdt, node, "interrupts", &len);
	if (irq == NULL || len < 4 * 3 * 4)
		return fail(p, "timer node lacks the hypervisor timer interrupt", NULL);
	if (fdt32_to_cpu(irq[9]) != 1)
		return fail(p, "hypervisor timer interrupt is not a PPI", NULL);
	bi->timer_hyp_intid = 16 + fdt32_to_cpu(irq[10]);
	if (bi->timer_hyp_intid >= 32)
		return fail(p, "hypervisor timer PPI number out of range", NULL);
	if (fdt32_to_cpu(irq[6]) != 1 || fdt32_to_cpu(irq[7]) >= 16)
		return fail(p, "virtual timer interrupt is not a PPI", NULL);
	bi->timer_virt_intid = 16 + fdt32_to_cpu(irq[7]);
	return 0;
}

static void parse_chosen(struct parser *p, struct boot_info *bi)
{
	int node = fdt_path_offset(p->fdt, "/chosen");
	int len;
	const char *args = node >= 0 ? fdt_getprop(p->fdt, node, "bootargs", &len) : NULL;

	bi->bootargs = (args != NULL && len > 0 && args[len - 1] == '\0') ? args : "";
}

int dtb_parse(const void *dtb, size_t max_size, struct boot_info *out, char *err, size_t errlen)
{
	struct parser p = {dtb, err, errlen};
	int rc;

	*out = (struct boot_info){0};
	if (dtb == NULL)
		return fail(&p, "no device tree passed in x0", NULL);
	rc = fdt_check_header(dtb);
	if (rc != 0)
		return fail(&p, "bad header", fdt_strerror(rc));
	if (fdt_totalsize(dtb) > max_size)
		return fail(&p, "larger than the space it may occupy", NULL);
	/* Walks the whole structure once so that the look-ups below cannot run off it. */
	rc = fdt_check_full(dtb, fdt_totalsize(dtb));
	if (rc != 0)
		return fail(&p, "malformed", fdt_strerror(rc));
	if (parse_memory(&p, out) || parse_cpus(&p, out) || parse_psci(&p, out) ||
	    parse_gic(&p, out) || parse_uart(&p, out) || parse_timer(&p, out))
		return -1;
	parse_chosen(&p, out);
	return 0;
}

const char *psci_conduit_name(enum psci_conduit c)
{
	switch (c) {
	case PSCI_SMC:
		return "smc";
	case PSCI_HVC:
		return "hvc";
	default:
		return "none";
	}
}
