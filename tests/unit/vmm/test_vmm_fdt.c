/* The guest device tree (guest_fdt.c), parsed back with libfdt. */
#include <libfdt.h>
#include <stdio.h>

#include <vmm/guest_fdt.h>

#include "vmm_test.h"

static struct vmm_guest g;
static struct vmm_error err;
static uint8_t buf[8192];

static struct guest_fdt_config config(unsigned gic)
{
	struct guest_fdt_config c = {0};

	c.gic_version = gic;
	c.gicd_base = 0x08000000;
	c.gicc_base = 0x08010000;
	c.gicr_base = 0x080a0000;
	c.uart_base = 0x09000000;
	c.uart_spi = 1;
	c.bootargs = "console=ttyAMA0 quiet";
	c.initrd_start = RAM_BASE + 0x3000000;
	c.initrd_end = RAM_BASE + 0x3000000 + 12345;
	return c;
}

static int node(const char *path)
{
	int off = fdt_path_offset(buf, path);

	if (off < 0)
		fail_msg("no node %s: %s", path, fdt_strerror(off));
	return off;
}

static const void *prop(const char *path, const char *name, int *len)
{
	const void *p = fdt_getprop(buf, node(path), name, len);

	if (p == NULL)
		fail_msg("no property %s in %s", name, path);
	return p;
}

static void expect_str(const char *path, const char *name, const char *want)
{
	int len;

	assert_string_equal(prop(path, name, &len), want);
}

static uint32_t cell(const char *path, const char *name, int i)
{
	int len;
	const fdt32_t *p = prop(path, name, &len);

	assert_true((i + 1) * 4 <= len);
	return fdt32_to_cpu(p[i]);
}

static uint64_t cell64(const char *path, const char *name, int i)
{
	return ((uint64_t)cell(path, name, 2 * i) << 32) | cell(path, name, 2 * i + 1);
}

static void build(unsigned vcpus, const struct guest_fdt_config *c)
{
	std_guest(&g, vcpus, VMM_POLICY_DC);
	assert_int_equal(guest_fdt_build(&g, c, buf, sizeof(buf), &err), 0);
	assert_int_equal(fdt_check_header(buf), 0);
}

static void gicv2_tree(void **state)
{
	struct guest_fdt_config c = config(2);
	int len;

	(void)state;
	build(2, &c);
	/* Every node the tree has, and no other: each one can cost exits when probed. */
	{
		int n = 0, off;

		for (off = fdt_next_node(buf, -1, NULL); off >= 0;
		     off = fdt_next_node(buf, off, NULL))
			n++;
		assert_int_equal(
			n, 11); /* /, memory, cpus, 2 cpu, psci, gic, timer, pl011, clk, chosen */
	}
	assert_int_equal(cell("/", "#address-cells", 0), 2);
	assert_int_equal(cell("/", "#size-cells", 0), 2);
	assert_int_equal(cell("/", "interrupt-parent", 0), GUEST_FDT_PHANDLE_GIC);

	expect_str("/memory@40000000", "device_type", "memory");
	assert_int_equal(cell64("/memory@40000000", "reg", 0), RAM_BASE);
	assert_int_equal(cell64("/memory@40000000", "reg", 1), RAM_SIZE);

	assert_int_equal(cell("/cpus", "#address-cells", 0), 1);
	assert_int_equal(cell("/cpus", "#size-cells", 0), 0);
	for (unsigned i = 0; i < 2; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/cpus/cpu@%u", i);
		expect_str(path, "device_type", "cpu");
		expect_str(path, "enable-method", "psci");
		assert_int_equal(cell(path, "reg", 0), i);
	}
	assert_true(fdt_path_offset(buf, "/cpus/cpu@2") < 0);

	assert_int_equal(fdt_node_check_compatible(buf, node("/psci"), "arm,psci-1.0"), 0);
	assert_int_equal(fdt_node_check_compatible(buf, node("/psci"), "arm,psci-0.2"), 0);
	expect_str("/psci", "method", "hvc");

	expect_str("/interrupt-controller@8000000", "compatible", "arm,cortex-a15-gic");
	assert_int_equal(cell64("/interrupt-controller@8000000", "reg", 0), 0x08000000);
	assert_int_equal(cell64("/interrupt-controller@8000000", "reg", 1), GUEST_FDT_GICD_SIZE);
	assert_int_equal(cell64("/interrupt-controller@8000000", "reg", 2), 0x08010000);
	assert_int_equal(cell64("/interrupt-controller@8000000", "reg", 3), GUEST_FDT_GICC_SIZE);
	assert_int_equal(cell("/interrupt-controller@8000000", "#interrupt-cells", 0), 3);
	assert_int_equal(cell("/interrupt-controller@8000000", "#address-cells", 0), 0);
	prop("/interrupt-controller@8000000", "interrupt-controller", &len);
	assert_int_equal(len, 0);
	assert_int_equal(fdt_get_phandle(buf, node("/interrupt-controller@8000000")),
			 GUEST_FDT_PHANDLE_GIC);

	/* Timer: four PPIs, level-high, GICv2 CPU mask 0b11 in bits [15:8]. */
	expect_str("/timer", "compatible", "arm,armv8-timer");
	prop("/timer", "interrupts", &len);
	assert_int_equal(len, 4 * 3 * 4);
	{
		static const uint32_t ppis[] = {13, 14, 11, 10};

		for (int i = 0; i < 4; i++) {
			assert_int_equal(cell("/timer", "interrupts", 3 * i), 1);
			assert_int_equal(cell("/timer", "interrupts", 3 * i + 1), ppis[i]);
			assert_int_equal(cell("/timer", "interrupts", 3 * i + 2), 0x304);
		}
	}

	assert_int_equal(fdt_node_check_compatible(buf, node("/pl011@9000000"), "arm,pl011"), 0);
	assert_int_equal(fdt_node_check_compatible(buf, node("/pl011@9000000"), "arm,primecell"),
			 0);
	assert_int_equal(cell64("/pl011@9000000", "reg", 0), 0x09000000);
	assert_int_equal(cell64("/pl011@9000000", "reg", 1), 0x1000);
	assert_int_equal(cell("/pl011@9000000", "interrupts", 0), 0);
	assert_int_equal(cell("/pl011@9000000", "interrupts", 1), 1);
	assert_int_equal(cell("/pl011@9000000", "interrupts", 2), 4);
	assert_int_equal(cell("/pl011@9000000", "clocks", 0), GUEST_FDT_PHANDLE_CLK);
	assert_int_equal(cell("/pl011@9000000", "clocks", 1), GUEST_FDT_PHANDLE_CLK);
	assert_int_equal(
		fdt_stringlist_search(buf, node("/pl011@9000000"), "clock-names", "apb_pclk"), 1);
	assert_int_equal(fdt_node_offset_by_phandle(buf, GUEST_FDT_PHANDLE_CLK), node("/apb-pclk"));
	expect_str("/apb-pclk", "compatible", "fixed-clock");
	assert_int_equal(cell("/apb-pclk", "#clock-cells", 0), 0);
	assert_int_equal(cell("/apb-pclk", "clock-frequency", 0), 24000000);

	expect_str("/chosen", "bootargs", "console=ttyAMA0 quiet");
	expect_str("/chosen", "stdout-path", "/pl011@9000000");
	assert_int_equal(cell64("/chosen", "linux,initrd-start", 0), RAM_BASE + 0x3000000);
	assert_int_equal(cell64("/chosen", "linux,initrd-end", 0), RAM_BASE + 0x3000000 + 12345);
}

static void gicv3_tree(void **state)
{
	struct guest_fdt_config c = config(3);

	(void)state;
	c.initrd_start = c.initrd_end = 0;
	c.bootargs = NULL;
	build(4, &c);
	expect_str("/interrupt-controller@8000000", "compatible", "arm,gic-v3");
	assert_int_equal(cell64("/interrupt-controller@8000000", "reg", 2), 0x080a0000);
	assert_int_equal(cell64("/interrupt-controller@8000000", "reg", 3), 4 * 0x20000);
	assert_int_equal(cell("/timer", "interrupts", 2), 4); /* no CPU mask on GICv3 */
	assert_non_null(fdt_getprop(buf, node("/cpus/cpu@3"), "reg", NULL));
	assert_null(fdt_getprop(buf, node("/chosen"), "linux,initrd-start", NULL));
	assert_null(fdt_getprop(buf, node("/chosen"), "bootargs", NULL));
	expect_str("/chosen", "stdout-path", "/pl011@9000000");
}

/* `smc emulate` names SMC as PSCI's conduit; the default `smc refuse` keeps HVC. */
static void psci_method(void **state)
{
	struct guest_fdt_config c = config(3);

	(void)state;
	build(1, &c);
	expect_str("/psci", "method", "hvc");
	c.psci_smc = true;
	build(1, &c);
	expect_str("/psci", "method", "smc");
	assert_int_equal(fdt_node_check_compatible(buf, node("/psci"), "arm,psci-1.0"), 0);
}

/* QEMU virt's PL031 (level-high SPI 2) and a virtio-mmio window (edge-rising SPI 16). */
static const struct guest_fdt_device pl031 = {
	.name = "pl031@9010000",
	.compatible = "arm,pl031\0arm,primecell",
	.compatible_len = sizeof("arm,pl031\0arm,primecell"),
	.nr_regs = 1,
	.reg = {{0x09010000, 0x1000}},
	.nr_irqs = 1,
	.spi = {2},
	.flags = {4},
};
static const struct guest_fdt_device virtio = {
	.name = "virtio_mmio@a000000",
	.compatible = "virtio,mmio",
	.compatible_len = sizeof("virtio,mmio"),
	.nr_regs = 1,
	.reg = {{0x0a000000, 0x200}},
	.nr_irqs = 1,
	.spi = {16},
	.flags = {1},
};

/*
 * A passed-through device is in the tree as the board has it: compatible, reg at its
 * physical address, its SPI with the board's flags; a PrimeCell also gets the apb_pclk
 * clock the AMBA bus probes it with.
 */
static void passed_through_devices(void **state)
{
	struct guest_fdt_config c = config(3);
	struct guest_fdt_device devs[2] = {pl031, virtio};
	int len;

	(void)state;
	c.devices = devs;
	c.nr_devices = 2;
	build(1, &c);
	assert_int_equal(fdt_node_check_compatible(buf, node("/pl031@9010000"), "arm,pl031"), 0);
	assert_int_equal(fdt_node_check_compatible(buf, node("/pl031@9010000"), "arm,primecell"),
			 0);
	prop("/pl031@9010000", "compatible", &len);
	assert_int_equal(len, sizeof("arm,pl031\0arm,primecell"));
	assert_int_equal(cell64("/pl031@9010000", "reg", 0), 0x09010000);
	assert_int_equal(cell64("/pl031@9010000", "reg", 1), 0x1000);
	prop("/pl031@9010000", "interrupts", &len);
	assert_int_equal(len, 12);
	assert_int_equal(cell("/pl031@9010000", "interrupts", 0), 0); /* SPI */
	assert_int_equal(cell("/pl031@9010000", "interrupts", 1), 2);
	assert_int_equal(cell("/pl031@9010000", "interrupts", 2), 4); /* level high */
	assert_int_equal(cell("/pl031@9010000", "clocks", 0), GUEST_FDT_PHANDLE_CLK);
	expect_str("/pl031@9010000", "clock-names", "apb_pclk");

	expect_str("/virtio_mmio@a000000", "compatible", "virtio,mmio");
	assert_int_equal(cell64("/virtio_mmio@a000000", "reg", 1), 0x200);
	assert_int_equal(cell("/virtio_mmio@a000000", "interrupts", 1), 16);
	assert_int_equal(cell("/virtio_mmio@a000000", "interrupts", 2), 1); /* edge rising */
	assert_null(fdt_getprop(buf, node("/virtio_mmio@a000000"), "clocks", NULL));

	/* Without devices the tree has none (gicv2_tree counts every node). */
	c.nr_devices = 0;
	build(1, &c);
	assert_true(fdt_path_offset(buf, "/pl031@9010000") < 0);
}

static void device_refusals(void **state)
{
	struct guest_fdt_config c = config(3);
	struct guest_fdt_device d = pl031;

	(void)state;
	std_guest(&g, 1, VMM_POLICY_DC);
	c.devices = &d;
	c.nr_devices = 1;
	d.reg[0][0] = RAM_BASE + 0x100000; /* its registers would hide guest RAM */
	assert_int_equal(guest_fdt_build(&g, &c, buf, sizeof(buf), &err), -1);
	assert_string_equal(
		err.msg, "guest 'g1': passed-through device 'pl031@9010000' at 0x40100000 overlaps "
			 "guest RAM");
	d = pl031;
	d.spi[0] = 988;
	assert_int_equal(guest_fdt_build(&g, &c, buf, sizeof(buf), &err), -1);
	assert_string_equal(
		err.msg, "guest 'g1': passed-through device 'pl031@9010000': SPI 988: SPIs are 0 "
			 "to 987");
	d = pl031;
	d.compatible_len = 4; /* "arm,": not terminated */
	assert_int_equal(guest_fdt_build(&g, &c, buf, sizeof(buf), &err), -1);
	assert_string_equal(err.msg,
			    "guest 'g1': passed-through device 'pl031@9010000': no name, no "
			    "compatible, or 1 register windows and 1 interrupts (1 to 2, 0 to 2)");
	d = pl031;
	c.nr_devices = 9;
	assert_int_equal(guest_fdt_build(&g, &c, buf, sizeof(buf), &err), -1);
	assert_string_equal(err.msg, "guest 'g1': 9 passed-through devices: at most 8");
}

static void refusals(void **state)
{
	struct guest_fdt_config c = config(2);

	(void)state;
	std_guest(&g, 1, VMM_POLICY_DC);
	assert_int_equal(guest_fdt_build(&g, &c, buf, 200, &err), -1);
	assert_string_equal(err.msg, "guest 'g1': device tree does not fit in 200 bytes");
	assert_int_equal(guest_fdt_build(&g, &c, buf, 16, &err), -1);
	assert_string_equal(err.msg, "guest 'g1': device tree does not fit in 16 bytes");

	c.gic_version = 4;
	assert_int_equal(guest_fdt_build(&g, &c, buf, sizeof(buf), &err), -1);
	assert_string_equal(err.msg, "guest 'g1': GIC version 4: only 2 and 3 are emulated");

	c = config(3);
	c.uart_spi = 988;
	assert_int_equal(guest_fdt_build(&g, &c, buf, sizeof(buf), &err), -1);
	assert_string_equal(err.msg, "guest 'g1': UART interrupt SPI 988: SPIs are 0 to 987");

	c = config(3);
	c.initrd_start = RAM_BASE + RAM_SIZE - 10;
	c.initrd_end = RAM_BASE + RAM_SIZE + 10;
	assert_int_equal(guest_fdt_build(&g, &c, buf, sizeof(buf), &err), -1);
	assert_string_equal(err.msg,
			    "guest 'g1': initrd 0x43fffff6-0x4400000a is not inside guest RAM");
	c.initrd_start = RAM_BASE + 10;
	c.initrd_end = RAM_BASE;
	assert_int_equal(guest_fdt_build(&g, &c, buf, sizeof(buf), &err), -1);

	c = config(2);
	c.uart_base = RAM_BASE + RAM_SIZE - 0x800;
	assert_int_equal(guest_fdt_build(&g, &c, buf, sizeof(buf), &err), -1);
	assert_string_equal(err.msg, "guest 'g1': PL011 at 0x43fff800 overlaps guest RAM");
	c = config(2);
	c.gicc_base = RAM_BASE - 0x1000;
	assert_int_equal(guest_fdt_build(&g, &c, buf, sizeof(buf), &err), -1);
	assert_string_equal(err.msg,
			    "guest 'g1': GIC CPU interface at 0x3ffff000 overlaps guest RAM");
	c.gicr_base = RAM_BASE; /* unused by a GICv2 guest */
	c.gicc_base = 0x08010000;
	assert_int_equal(guest_fdt_build(&g, &c, buf, sizeof(buf), &err), 0);
	c = config(3);
	c.gicr_base = RAM_BASE - 0x20000 * 4 + 0x1000; /* 4 vCPUs' worth would reach RAM */
	g.nr_vcpus = 4;
	assert_int_equal(guest_fdt_build(&g, &c, buf, sizeof(buf), &err), -1);
	assert_string_equal(
		err.msg, "guest 'g1': GIC redistributor region at 0x3ff81000 overlaps guest RAM");
	c.gicd_base = RAM_BASE + 0x10000;
	c.gicr_base = 0x080a0000;
	assert_int_equal(guest_fdt_build(&g, &c, buf, sizeof(buf), &err), -1);
	assert_string_equal(err.msg,
			    "guest 'g1': GIC distributor at 0x40010000 overlaps guest RAM");

	c = config(2);
	g.nr_vcpus = 5;
	assert_int_equal(guest_fdt_build(&g, &c, buf, sizeof(buf), &err), -1);
	assert_string_equal(err.msg, "guest 'g1': 5 vCPUs: a guest has 1 to 4");
}

/* A long command line still fits when the buffer does, and is refused when it does not. */
static void long_bootargs(void **state)
{
	static char args[3000];
	struct guest_fdt_config c = config(2);

	(void)state;
	memset(args, 'a', sizeof(args) - 1);
	c.bootargs = args;
	build(1, &c);
	assert_int_equal(strlen(prop("/chosen", "bootargs", NULL)), sizeof(args) - 1);
	assert_int_equal(guest_fdt_build(&g, &c, buf, 3000, &err), -1);
	assert_string_equal(err.msg, "guest 'g1': device tree does not fit in 3000 bytes");
}

/* A guest's ports: a dataport, two events in, one event out. */
static const struct guest_fdt_port dataports[] = {{"page", 0x20000000, 0x2000, 0}};
static const struct guest_fdt_port events_in[] = {{"kick", 0, 0, 24}, {"again", 0, 0, 25}};
static const struct guest_fdt_port events_out[] = {{"done", 0x20200000, 0, 0}};

static struct guest_fdt_config ports_config(void)
{
	struct guest_fdt_config c = config(3);

	c.nr_dataports = 1;
	c.dataports = dataports;
	c.nr_events_in = 2;
	c.events_in = events_in;
	c.nr_events_out = 1;
	c.events_out = events_out;
	return c;
}

static void guest_ports(void **state)
{
	struct guest_fdt_config c = ports_config();
	int len;

	(void)state;
	build(1, &c);
	expect_str("/dataport@20000000", "compatible", "cleave,dataport");
	expect_str("/dataport@20000000", "cleave,interface", "page");
	assert_int_equal(cell64("/dataport@20000000", "reg", 0), 0x20000000);
	assert_int_equal(cell64("/dataport@20000000", "reg", 1), 0x2000);
	for (unsigned e = 0; e < 2; e++) {
		char path[32];

		snprintf(path, sizeof(path), "/event-in-%u", e);
		expect_str(path, "compatible", "cleave,event-in");
		expect_str(path, "cleave,interface", events_in[e].name);
		prop(path, "interrupts", &len);
		assert_int_equal(len, 12);
		assert_int_equal(cell(path, "interrupts", 0), 0); /* SPI */
		assert_int_equal(cell(path, "interrupts", 1), 24 + e);
		assert_int_equal(cell(path, "interrupts", 2), 1); /* edge rising */
	}
	expect_str("/doorbell@20200000", "compatible", "cleave,event-out");
	expect_str("/doorbell@20200000", "cleave,interface", "done");
	assert_int_equal(cell64("/doorbell@20200000", "reg", 0), 0x20200000);
	assert_int_equal(cell64("/doorbell@20200000", "reg", 1), 0x1000);
	/* Without ports, no such node. */
	c = config(3);
	build(1, &c);
	assert_true(fdt_node_offset_by_compatible(buf, -1, "cleave,dataport") < 0);
	assert_true(fdt_node_offset_by_compatible(buf, -1, "cleave,event-in") < 0);
	assert_true(fdt_node_offset_by_compatible(buf, -1, "cleave,event-out") < 0);
}

static void port_refusals(void **state)
{
	struct guest_fdt_port bad[GUEST_FDT_MAX_PORTS + 1] = {{0}};
	struct guest_fdt_config c = ports_config();

	(void)state;
	std_guest(&g, 1, VMM_POLICY_DC);
	c.nr_events_in = GUEST_FDT_MAX_PORTS + 1;
	c.events_in = bad;
	assert_int_equal(guest_fdt_build(&g, &c, buf, sizeof(buf), &err), -1);
	assert_string_equal(err.msg, "guest 'g1': 9 event ins: at most 8");
	c = ports_config();
	c.events_out = bad;
	assert_int_equal(guest_fdt_build(&g, &c, buf, sizeof(buf), &err), -1);
	assert_string_equal(err.msg, "guest 'g1': event out 0 has no name");
	bad[0] = (struct guest_fdt_port){"page", RAM_BASE + RAM_SIZE - 0x1000, 0x2000, 0};
	c = ports_config();
	c.dataports = bad;
	assert_int_equal(guest_fdt_build(&g, &c, buf, sizeof(buf), &err), -1);
	assert_string_equal(err.msg, "guest 'g1': dataport 'page' at 0x43fff000 (SPI 0) overlaps "
				     "guest RAM or is no SPI");
	bad[0] = (struct guest_fdt_port){"kick", 0, 0, 988};
	c = ports_config();
	c.events_in = bad;
	c.nr_events_in = 1;
	assert_int_equal(guest_fdt_build(&g, &c, buf, sizeof(buf), &err), -1);
	assert_string_equal(err.msg, "guest 'g1': event in 'kick' at 0x0 (SPI 988) overlaps guest "
				     "RAM or is no SPI");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gicv2_tree),	   cmocka_unit_test(gicv3_tree),
		cmocka_unit_test(psci_method),	   cmocka_unit_test(passed_through_devices),
		cmocka_unit_test(device_refusals), cmocka_unit_test(refusals),
		cmocka_unit_test(long_bootargs),   cmocka_unit_test(guest_ports),
		cmocka_unit_test(port_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
