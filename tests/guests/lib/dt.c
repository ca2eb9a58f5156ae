/*
 * A minimal flattened device tree reader (Devicetree Specification v0.4,
 * chapter 5): one walk over the structure block that picks out what the
 * tests need. It reads byte by byte because it runs with the MMU off, where
 * every data access is Device memory and an unaligned one faults (Arm ARM
 * B2.5.2); the guest is built with -mstrict-align for the same reason.
 */
#include <string.h>

#include "guest.h"

#define FDT_MAGIC 0xd00dfeedU
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9
#define MAX_DEPTH 8
#define PATH_MAX_LEN 128
#define MAX_UARTS 4

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* `cells` big-endian cells at p as one number (1 or 2 cells). */
static uint64_t cells_value(const uint8_t *p, unsigned cells)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < cells; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

/* A string list property (compatible) holds `want` as one of its strings. */
static bool list_has(const char *list, uint32_t len, const char *want)
{
	uint32_t at = 0;

	while (at < len) {
		const char *s = list + at;

		if (strcmp(s, want) == 0)
			return true;
		at += (uint32_t)strnlen(s, len - at) + 1;
	}
	return false;
}

struct node {
	char path[PATH_MAX_LEN];
	unsigned addr_cells, size_cells; /* for this node's children */
	const uint8_t *props;		 /* the node's first token after its name */
};

struct walk {
	const uint8_t *fdt, *strings, *end;
	struct node stack[MAX_DEPTH];
	int depth;
	const char *stdout_path;
	struct uart {
		char path[PATH_MAX_LEN];
		uint64_t base;
		unsigned spi;
	} uarts[MAX_UARTS];
	unsigned nr_uarts;
};

/* The value of property `name` of the node whose first property token is at p. */
static const uint8_t *node_prop(const struct walk *w, const uint8_t *p, const char *name,
				uint32_t *len)
{
	for (;;) {
		uint32_t tok = be32(p);

		if (tok == FDT_NOP) {
			p += 4;
			continue;
		}
		if (tok != FDT_PROP)
			return NULL;
		*len = be32(p + 4);
		if (strcmp((const char *)w->strings + be32(p + 8), name) == 0)
			return p + 12;
		p += 12 + ALIGN_UP(*len, 4U);
	}
}

static bool has_compatible(const struct walk *w, const struct node *n, const char *want)
{
	uint32_t len;
	const uint8_t *c = node_prop(w, n->props, "compatible", &len);

	return c != NULL && list_has((const char *)c, len, want);
}

static bool device_type_is(const struct walk *w, const struct node *n, const char *want)
{
	uint32_t len;
	const uint8_t *t = node_prop(w, n->props, "device_type", &len);

	return t != NULL && strcmp((const char *)t, want) == 0;
}

/* Entry i of the node's reg as (address, size), in its parent's cells. */
static bool reg_entry(const struct walk *w, unsigned i, uint64_t *addr, uint64_t *size)
{
	const struct node *n = &w->stack[w->depth], *parent = &w->stack[w->depth - 1];
	unsigned ac = parent->addr_cells, sc = parent->size_cells, stride = 4 * (ac + sc);
	uint32_t len;
	const uint8_t *r = node_prop(w, n->props, "reg", &len);

	if (r == NULL || len < stride * (i + 1) || ac == 0 || ac > 2 || sc > 2)
		return false;
	*addr = cells_value(r + stride * i, ac);
	*size = cells_value(r + stride * i + 4 * ac, sc);
	return true;
}

static void read_gic(const struct walk *w, const struct node *n, struct guest_dt *out)
{
	uint64_t size;

	if (has_compatible(w, n, "arm,gic-v3"))
		out->gic_version = 3;
	else if (has_compatible(w, n, "arm,cortex-a15-gic") || has_compatible(w, n, "arm,gic-400"))
		out->gic_version = 2;
	else
		return;
	reg_entry(w, 0, &out->gicd, &size);
	if (out->gic_version == 3)
		reg_entry(w, 1, &out->gicr, &out->gicr_size);
	else
		reg_entry(w, 1, &out->gicc, &size);
}

/* The interrupts property (three cells each, arm,gic.yaml): entry i as (type, number). */
static bool irq_entry(const uint8_t *irqs, uint32_t len, unsigned i, unsigned *type, unsigned *num)
{
	if (irqs == NULL || len < 12 * (i + 1))
		return false;
	*type = be32(irqs + 12 * i);
	*num = be32(irqs + 12 * i + 4);
	return true;
}

static const char *interface_name(const struct walk *w, const struct node *n)
{
	uint32_t len;
	const uint8_t *p = node_prop(w, n->props, "cleave,interface", &len);

	return p != NULL && len > 0 && p[len - 1] == '\0' ? (const char *)p : "";
}

/* A guest's ports: Cleave's dataport, event-in and event-out nodes (the first of each). */
static void read_ports(struct walk *w, const struct node *n, struct guest_dt *out)
{
	uint32_t len;
	const uint8_t *p;
	unsigned type, num;
	uint64_t size;

	if (has_compatible(w, n, "cleave,dataport") && out->dataport == 0 &&
	    reg_entry(w, 0, &out->dataport, &out->dataport_size))
		out->dataport_name = interface_name(w, n);
	if (has_compatible(w, n, "cleave,event-in") && out->event_in_spi == ~0U) {
		p = node_prop(w, n->props, "interrupts", &len);
		if (irq_entry(p, len, 0, &type, &num) && type == 0) {
			out->event_in_spi = num;
			out->event_in_flags = be32(p + 8);
			out->event_in_name = interface_name(w, n);
		}
	}
	if (has_compatible(w, n, "cleave,event-out") && out->doorbell == 0 &&
	    reg_entry(w, 0, &out->doorbell, &size))
		out->doorbell_name = interface_name(w, n);
}

static void read_node(struct walk *w, struct guest_dt *out)
{
	struct node *n = &w->stack[w->depth];
	uint32_t len;
	const uint8_t *p;
	uint64_t size;
	unsigned type, num;

	if (strcmp(n->path, "/chosen") == 0) {
		p = node_prop(w, n->props, "bootargs", &len);
		if (p != NULL)
			out->bootargs = (const char *)p;
		w->stdout_path = (const char *)node_prop(w, n->props, "stdout-path", &len);
	}
	if (strcmp(n->path, "/psci") == 0 || has_compatible(w, n, "arm,psci-0.2")) {
		p = node_prop(w, n->props, "method", &len);
		out->psci_smc = p != NULL && strcmp((const char *)p, "smc") == 0;
		out->psci_1_0 = has_compatible(w, n, "arm,psci-1.0");
	}
	if (device_type_is(w, n, "memory") && out->ram_size == 0)
		reg_entry(w, 0, &out->ram_base, &out->ram_size);
	if (device_type_is(w, n, "cpu") && out->nr_cpus < GUEST_MAX_CPUS &&
	    reg_entry(w, 0, &out->cpu_mpidr[out->nr_cpus], &size))
		out->nr_cpus++;
	if (node_prop(w, n->props, "interrupt-controller", &len) != NULL)
		read_gic(w, n, out);
	if (has_compatible(w, n, "arm,armv8-timer")) {
		p = node_prop(w, n->props, "interrupts", &len);
		/* The binding's order: secure, non-secure, virtual, hypervisor timer. */
		if (irq_entry(p, len, 2, &type, &num) && type == 1)
			out->vtimer_ppi = num;
	}
	if (has_compatible(w, n, "arm,pl031") && out->rtc == 0 &&
	    reg_entry(w, 0, &out->rtc, &size)) {
		p = node_prop(w, n->props, "interrupts", &len);
		if (irq_entry(p, len, 0, &type, &num) && type == 0) {
			out->rtc_spi = num;
			out->rtc_flags = be32(p + 8);
		}
	}
	read_ports(w, n, out);
	if (has_compatible(w, n, "arm,pl011") && w->nr_uarts < MAX_UARTS) {
		struct uart *u = &w->uarts[w->nr_uarts];

		if (reg_entry(w, 0, &u->base, &size)) {
			p = node_prop(w, n->props, "interrupts", &len);
			u->spi = irq_entry(p, len, 0, &type, &num) && type == 0 ? num : ~0U;
			memcpy(u->path, n->path, sizeof(u->path));
			w->nr_uarts++;
		}
	}
}

/* The console: the PL011 /chosen/stdout-path names ("path" or "path:options"), else the first. */
static void pick_console(const struct walk *w, struct guest_dt *out)
{
	const struct uart *pick = &w->uarts[0];

	for (unsigned i = 0; i < w->nr_uarts && w->stdout_path != NULL; i++) {
		size_t n = strlen(w->uarts[i].path);

		if (strncmp(w->stdout_path, w->uarts[i].path, n) == 0 &&
		    (w->stdout_path[n] == '\0' || w->stdout_path[n] == ':'))
			pick = &w->uarts[i];
	}
	out->uart = pick->base;
	out->uart_spi = pick->spi;
}

static const char *begin_node(struct walk *w, const uint8_t **p)
{
	const char *name = (const char *)*p + 4;
	size_t name_len = strlen(name);
	struct node *parent = &w->stack[w->depth];
	struct node *n;
	size_t plen;

	if (++w->depth >= MAX_DEPTH)
		return "nodes nested too deep";
	n = &w->stack[w->depth];
	plen = strlen(parent->path);
	if (plen + name_len + 2 > sizeof(n->path))
		return "node path too long";
	memcpy(n->path, parent->path, plen);
	n->path[plen++] = '/';
	memcpy(n->path + plen, name, name_len + 1);
	if (w->depth == 1 && name_len == 0)
		return "root node is not at depth 0";
	*p += 4 + ALIGN_UP(name_len + 1, 4U);
	n->props = *p;
	n->addr_cells = 2;
	n->size_cells = 1;
	return NULL;
}

/* After a node's properties: its #address-cells and #size-cells, then what it describes. */
static void node_props_done(struct walk *w, struct guest_dt *out)
{
	struct node *n = &w->stack[w->depth];
	uint32_t len;
	const uint8_t *p = node_prop(w, n->props, "#address-cells", &len);

	if (p != NULL && len == 4)
		n->addr_cells = be32(p);
	p = node_prop(w, n->props, "#size-cells", &len);
	if (p != NULL && len == 4)
		n->size_cells = be32(p);
	if (w->depth > 0)
		read_node(w, out);
}

const char *dt_read(const void *fdt, struct guest_dt *out)
{
	struct walk w;
	const uint8_t *h = fdt, *p;
	bool props = false;
	const char *err;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	out->bootargs = "";
	out->vtimer_ppi = ~0U;
	out->uart_spi = ~0U;
	out->rtc_spi = ~0U;
	out->event_in_spi = ~0U;
	out->dataport_name = out->event_in_name = out->doorbell_name = "";
	if (h == NULL || be32(h) != FDT_MAGIC)
		return "x0 does not point at a device tree (no magic 0xd00dfeed)";
	w.fdt = h;
	w.end = h + be32(h + 4);
	w.strings = h + be32(h + 12);
	p = h + be32(h + 8);
	w.depth = -1;
	for (;;) {
		uint32_t tok;

		if (p + 4 > w.end)
			return "device tree ends without FDT_END";
		tok = be32(p);
		if (props && tok != FDT_PROP && tok != FDT_NOP) {
			node_props_done(&w, out);
			props = false;
		}
		if (tok == FDT_BEGIN_NODE) {
			if (w.depth == -1) {
				w.depth = 0;
				w.stack[0].path[0] = '\0';
				p += 8; /* the root's empty name */
				w.stack[0].props = p;
				w.stack[0].addr_cells = 2;
				w.stack[0].size_cells = 1;
			} else if ((err = begin_node(&w, &p)) != NULL) {
				return err;
			}
			props = true;
		} else if (tok == FDT_PROP) {
			p += 12 + ALIGN_UP(be32(p + 4), 4U);
		} else if (tok == FDT_END_NODE) {
			w.depth--;
			p += 4;
		} else if (tok == FDT_NOP) {
			p += 4;
		} else if (tok == FDT_END) {
			break;
		} else {
			return "unknown token in the device tree's structure block";
		}
	}
	if (w.nr_uarts == 0)
		return "no arm,pl011 node";
	pick_console(&w, out);
	if (out->ram_size == 0)
		return "no memory node";
	if (out->nr_cpus == 0)
		return "no cpu nodes";
	return NULL;
}

bool guest_bootarg(const char *word)
{
	const char *s = guest_dt.bootargs;
	size_t n = strlen(word);

	while (*s != '\0') {
		while (*s == ' ')
			s++;
		if (strncmp(s, word, n) == 0 && (s[n] == ' ' || s[n] == '\0'))
			return true;
		while (*s != ' ' && *s != '\0')
			s++;
	}
	return false;
}
