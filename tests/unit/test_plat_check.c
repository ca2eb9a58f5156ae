/* plat_check(): the device tree against the platform description, one mismatch at a time. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <cleave/plat_check.h>

static const struct plat_region devices[] = {{"gic", 0x08000000, 0x01000000}};
static const struct platform_desc plat = {
	.name = "qemu-virt",
	.ram_base = 0x40000000,
	.ram_size = 0x40000000,
	.cpus_max = 8,
	.uart_base = 0x09000000,
	.gicv2_dist = 0x08000000,
	.gicv2_cpu = 0x08010000,
	.gicv2_hyp = 0x08030000,
	.gicv2_vcpu = 0x08040000,
	.gicv3_dist = 0x08000000,
	.gicv3_redist = 0x080a0000,
	.devices = devices,
	.num_devices = 1,
};

static char err[256];

static struct boot_info good(unsigned gic)
{
	struct boot_info bi = {
		.num_mem = 1,
		.num_cpus = 4,
		.psci = PSCI_SMC,
		.gic_version = gic,
		.gic_dist = 0x08000000,
		.uart_base = 0x09000000,
		.timer_hyp_intid = 26,
	};

	bi.mem[0].base = 0x40000000;
	bi.mem[0].size = 256 << 20;
	if (gic == 2)
		bi.gic_cpu = 0x08010000;
	else
		bi.gic_redist = 0x080a0000;
	return bi;
}

static void expect(const struct boot_info *bi, const char *phrase)
{
	assert_int_equal(plat_check(&plat, bi, err, sizeof(err)), -1);
	if (strstr(err, phrase) == NULL)
		fail_msg("error \"%s\" does not mention \"%s\"", err, phrase);
	assert_non_null(strstr(err, "platform qemu-virt"));
}

static void agreeing_trees_pass(void **state)
{
	struct boot_info v2 = good(2);
	struct boot_info v3 = good(3);

	(void)state;
	assert_int_equal(plat_check(&plat, &v2, err, sizeof(err)), 0);
	v2.gic_hyp = 0x08030000; /* with virtualization described */
	v2.gic_vcpu = 0x08040000;
	assert_int_equal(plat_check(&plat, &v2, err, sizeof(err)), 0);
	assert_int_equal(plat_check(&plat, &v3, err, sizeof(err)), 0);
	v3.mem[0].size = 0x40000000; /* all of the window */
	assert_int_equal(plat_check(&plat, &v3, err, sizeof(err)), 0);
}

static void moved_devices(void **state)
{
	struct boot_info bi;

	(void)state;
	bi = good(3);
	bi.uart_base = 0x09100000;
	expect(&bi, "uart base is 0x9100000 in the device tree, 0x9000000 in the platform");
	bi = good(3);
	bi.gic_redist = 0x080b0000;
	expect(&bi, "gic redistributor");
	bi = good(3);
	bi.gic_dist = 0x2f000000;
	expect(&bi, "gic distributor");
	bi = good(2);
	bi.gic_cpu = 0x2c002000;
	expect(&bi, "gic cpu interface");
	bi = good(2);
	bi.gic_hyp = 0x08050000;
	expect(&bi, "gic virtual interface control");
	bi = good(2);
	bi.gic_hyp = 0x08030000;
	bi.gic_vcpu = 0x08060000;
	expect(&bi, "gic virtual cpu interface");
}

static void memory_outside_window(void **state)
{
	struct boot_info bi;

	(void)state;
	bi = good(3);
	bi.mem[0].size = 0x40001000;
	expect(&bi, "outside the platform's RAM window");
	bi = good(3);
	bi.mem[0].base = 0x0;
	expect(&bi, "memory 0x0-");
	bi = good(3);
	bi.mem[0].size = 0;
	expect(&bi, "outside");
	bi = good(3);
	bi.mem[0].base = 0xfffffffffffff000ULL; /* wraps around */
	expect(&bi, "outside");
}

static void too_many_cpus(void **state)
{
	struct boot_info bi = good(3);

	(void)state;
	bi.num_cpus = 9;
	expect(&bi, "cpu count is 0x9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(agreeing_trees_pass),
		cmocka_unit_test(moved_devices),
		cmocka_unit_test(memory_outside_window),
		cmocka_unit_test(too_many_cpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
