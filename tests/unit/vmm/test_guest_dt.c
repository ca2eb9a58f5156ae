/*
 * The test guests' device-tree reader (tests/guests/lib/dt.c) on the trees the
 * guests meet: the one Cleave's VMM writes (guest_fdt.c) for GICv2 and GICv3
 * guests, and QEMU's own virt trees. What the reader misses, a guest cannot test.
 */
#include <libfdt.h>
#include <stdio.h>

#include <vmm/guest_fdt.h>

#include "guest.h"
#include "vmm_test.h"

/* What lib/start.c defines in a guest. */
struct guest_dt guest_dt;

static struct vmm_guest g;
static struct vmm_error err;
static uint8_t buf[8192];

/* QEMU virt's layout as the VMM gives it to a guest with this GIC. */
static struct guest_fdt_config vmm_config(unsigned gic)
{
	struct guest_fdt_config c = {0};

	c.gic_version = gic;
	c.gicd_base = 0x08000000;
	c.gicc_base = 0x08010000;
	c.gicr_base = 0x080a0000;
	c.uart_base = 0x09000000;
	c.uart_spi = 1;
	return c;
}

/* The VMM's tree of config c for a guest of vcpus vCPUs, into buf. */
static void vmm_build(const struct guest_fdt_config *c, unsigned vcpus)
{
	std_guest(&g, vcpus, VMM_POLICY_DC);
	assert_int_equal(guest_fdt_build(&g, c, buf, sizeof(buf), &err), 0);
}

static void vmm_tree(unsigned gic, unsigned vcpus)
{
	struct guest_fdt_config c = vmm_config(gic);

	c.bootargs = "mutate=tvm quiet";
	vmm_build(&c, vcpus);
}

static void read_ok(const void *fdt)
{
	const char *why = dt_read(fdt, &guest_dt);

	if (why != NULL)
		fail_msg("dt_read: %s", why);
}

static void vmm_gicv3_tree(void **state)
{
	(void)state;
	vmm_tree(3, 4);
	read_ok(buf);
	assert_int_equal(guest_dt.ram_base, RAM_BASE);
	assert_int_equal(guest_dt.ram_size, RAM_SIZE);
	assert_int_equal(guest_dt.uart, 0x09000000);
	assert_int_equal(guest_dt.uart_spi, 1);
	assert_false(guest_dt.psci_smc);
	assert_true(guest_dt.psci_1_0);
	assert_int_equal(guest_dt.gic_version, 3);
	assert_int_equal(guest_dt.gicd, 0x08000000);
	assert_int_equal(guest_dt.gicr, 0x080a0000);
	assert_int_equal(guest_dt.gicr_size, 4 * GUEST_FDT_GICR_STRIDE);
	assert_int_equal(guest_dt.vtimer_ppi, GUEST_FDT_TIMER_PPI_VIRT);
	assert_int_equal(guest_dt.nr_cpus, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(guest_dt.cpu_mpidr[i], i);
	assert_string_equal(guest_dt.bootargs, "mutate=tvm quiet");
	assert_true(guest_bootarg("mutate=tvm"));
	assert_true(guest_bootarg("quiet"));
	assert_false(guest_bootarg("mutate"));
	assert_false(guest_bootarg("mutate=mmu"));
}

static void vmm_gicv2_tree(void **state)
{
	(void)state;
	vmm_tree(2, 1);
	read_ok(buf);
	assert_int_equal(guest_dt.gic_version, 2);
	assert_int_equal(guest_dt.gicd, 0x08000000);
	assert_int_equal(guest_dt.gicc, 0x08010000);
	assert_int_equal(guest_dt.nr_cpus, 1);
}

/* A passed-through PL031 in the VMM's tree, and the method smc under `smc emulate`. */
static void vmm_tree_with_rtc(void **state)
{
	static const struct guest_fdt_device rtc = {
		.name = "pl031@9010000",
		.compatible = "arm,pl031\0arm,primecell",
		.compatible_len = sizeof("arm,pl031\0arm,primecell"),
		.nr_regs = 1,
		.reg = {{0x09010000, 0x1000}},
		.nr_irqs = 1,
		.spi = {2},
		.flags = {4},
	};
	struct guest_fdt_config c = vmm_config(3);

	(void)state;
	c.psci_smc = true;
	c.devices = &rtc;
	c.nr_devices = 1;
	vmm_build(&c, 1);
	read_ok(buf);
	assert_int_equal(guest_dt.rtc, 0x09010000);
	assert_int_equal(guest_dt.rtc_spi, 2);
	assert_int_equal(guest_dt.rtc_flags, 4);
	assert_true(guest_dt.psci_smc);
	vmm_tree(3, 1); /* none without one */
	read_ok(buf);
	assert_int_equal(guest_dt.rtc, 0);
	assert_int_equal(guest_dt.rtc_spi, ~0U);
}

/* The ports guest's view of the VMM's port nodes (tests/guests/ports.c). */
static void vmm_tree_with_ports(void **state)
{
	static const struct guest_fdt_port page = {"page", 0x20000000, 0x1000, 0};
	static const struct guest_fdt_port kick = {"kick", 0, 0, 24};
	static const struct guest_fdt_port done = {"done", 0x20200000, 0, 0};
	struct guest_fdt_config c = vmm_config(2);

	(void)state;
	c.nr_dataports = c.nr_events_in = c.nr_events_out = 1;
	c.dataports = &page;
	c.events_in = &kick;
	c.events_out = &done;
	vmm_build(&c, 1);
	read_ok(buf);
	assert_int_equal(guest_dt.dataport, 0x20000000);
	assert_int_equal(guest_dt.dataport_size, 0x1000);
	assert_string_equal(guest_dt.dataport_name, "page");
	assert_int_equal(guest_dt.event_in_spi, 24);
	assert_int_equal(guest_dt.event_in_flags, 1);
	assert_string_equal(guest_dt.event_in_name, "kick");
	assert_int_equal(guest_dt.doorbell, 0x20200000);
	assert_string_equal(guest_dt.doorbell_name, "done");
	vmm_tree(3, 1); /* none without them */
	read_ok(buf);
	assert_int_equal(guest_dt.dataport, 0);
	assert_int_equal(guest_dt.event_in_spi, ~0U);
	assert_int_equal(guest_dt.doorbell, 0);
	assert_string_equal(guest_dt.doorbell_name, "");
}

static void *load(const char *name)
{
	char path[512];
	FILE *f;
	static uint8_t dtb[2 << 20];
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", DTB_DIR, name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	n = fread(dtb, 1, sizeof(dtb), f);
	fclose(f);
	assert_true(n > 0 && n < sizeof(dtb));
	return dtb;
}

/* QEMU's trees with EL2 on: PSCI over SMC, the GICv2 with its hypervisor frames too. */
static void qemu_trees(void **state)
{
	(void)state;
	read_ok(load("qemu-virt-gicv2.dtb"));
	assert_int_equal(guest_dt.gic_version, 2);
	assert_int_equal(guest_dt.gicc, 0x08010000);
	assert_true(guest_dt.psci_smc);
	assert_int_equal(guest_dt.nr_cpus, 4);
	assert_int_equal(guest_dt.cpu_mpidr[3], 3);
	assert_int_equal(guest_dt.uart, 0x09000000);
	assert_int_equal(guest_dt.uart_spi, 1);
	assert_int_equal(guest_dt.ram_base, 0x40000000);
	assert_int_equal(guest_dt.ram_size, 256ULL << 20);
	assert_int_equal(guest_dt.vtimer_ppi, 11);
	assert_int_equal(guest_dt.rtc, 0x09010000); /* the PL031 the rtc guest drives */
	assert_int_equal(guest_dt.rtc_spi, 2);
	assert_int_equal(guest_dt.rtc_flags, 4);
	read_ok(load("qemu-virt-gicv3.dtb"));
	assert_int_equal(guest_dt.gic_version, 3);
	assert_int_equal(guest_dt.gicr, 0x080a0000);
}

static void refusals(void **state)
{
	static uint8_t tree[1024];

	(void)state;
	assert_string_equal(dt_read(NULL, &guest_dt),
			    "x0 does not point at a device tree (no magic 0xd00dfeed)");
	memset(tree, 0, sizeof(tree));
	assert_string_equal(dt_read(tree, &guest_dt),
			    "x0 does not point at a device tree (no magic 0xd00dfeed)");
	/* A root with a memory node but no PL011. */
	assert_int_equal(fdt_create(tree, sizeof(tree)), 0);
	assert_int_equal(fdt_finish_reservemap(tree), 0);
	assert_int_equal(fdt_begin_node(tree, ""), 0);
	assert_int_equal(fdt_end_node(tree), 0);
	assert_int_equal(fdt_finish(tree), 0);
	assert_string_equal(dt_read(tree, &guest_dt), "no arm,pl011 node");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vmm_gicv3_tree),    cmocka_unit_test(vmm_gicv2_tree),
		cmocka_unit_test(vmm_tree_with_rtc), cmocka_unit_test(qemu_trees),
		cmocka_unit_test(refusals),	     cmocka_unit_test(vmm_tree_with_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
