/*
 * dtb_parse() on the device trees QEMU generates for the virt board, on
 * hand-written trees, and on broken ones: each problem gives one clear
 * line, and corrupted blobs never make the parser read out of bounds
 * (ASan watches).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cleave/boot_info.h>

static char err[256];

static void *load(const char *name, size_t *size)
{
	char path[512];
	FILE *f;
	void *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", DTB_DIR, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static int parse_file(const char *name, struct boot_info *bi)
{
	size_t size;
	void *dtb = load(name, &size);
	int rc = dtb_parse(dtb, size, bi, err, sizeof(err));

	free(dtb);
	return rc;
}

static void qemu_virt_gicv3(void **state)
{
	struct boot_info bi;
	size_t size;
	void *dtb = load("qemu-virt-gicv3.dtb", &size);

	(void)state;
	assert_int_equal(dtb_parse(dtb, size, &bi, err, sizeof(err)), 0);
	assert_int_equal(bi.num_mem, 1);
	assert_int_equal(bi.mem[0].base, 0x40000000);
	assert_int_equal(bi.mem[0].size, 256 << 20);
	assert_int_equal(bi.num_cpus, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(bi.cpu_mpidr[i], i);
	assert_int_equal(bi.psci, PSCI_SMC);
	assert_int_equal(bi.gic_version, 3);
	assert_int_equal(bi.gic_dist, 0x08000000);
	assert_int_equal(bi.gic_redist, 0x080a0000);
	assert_int_equal(bi.uart_base, 0x09000000);
	assert_int_equal(bi.timer_hyp_intid, 26);
	assert_int_equal(bi.timer_virt_intid, 27);
	/* Dumped with virtualization=on: the maintenance interrupt is PPI 9. */
	assert_int_equal(bi.gic_maint_intid, 25);
	assert_int_equal(bi.gic_hyp, 0); /* GICv2 only */
	assert_string_equal(bi.bootargs, "");
	free(dtb);
}

static void qemu_virt_gicv2(void **state)
{
	struct boot_info bi;

	(void)state;
	assert_int_equal(parse_file("qemu-virt-gicv2.dtb", &bi), 0);
	assert_int_equal(bi.gic_version, 2);
	assert_int_equal(bi.gic_dist, 0x08000000);
	assert_int_equal(bi.gic_cpu, 0x08010000);
	/* Virtualization: GICH and GICV are reg entries 2 and 3, the maintenance PPI 9. */
	assert_int_equal(bi.gic_hyp, 0x08030000);
	assert_int_equal(bi.gic_vcpu, 0x08040000);
	assert_int_equal(bi.gic_maint_intid, 25);
}

static void one_cell_board(void **state)
{
	struct boot_info bi;
	size_t size;
	void *dtb = load("good-onecell.dtb", &size);

	(void)state;
	assert_int_equal(dtb_parse(dtb, size, &bi, err, sizeof(err)), 0);
	assert_int_equal(bi.mem[0].base, 0x40000000);
	assert_int_equal(bi.mem[0].size, 0x10000000);
	assert_int_equal(bi.num_cpus, 2);
	assert_int_equal(bi.cpu_mpidr[1], 0x100);
	assert_int_equal(bi.psci, PSCI_HVC);
	assert_int_equal(bi.gic_version, 2);
	assert_int_equal(bi.gic_cpu, 0x08010000);
	assert_string_equal(bi.bootargs, "fault=undef console=ttyAMA0");
	/* No virtualization support described: no vGIC, which is not an error. */
	assert_int_equal(bi.gic_maint_intid, 0);
	assert_int_equal(bi.gic_hyp, 0);
	assert_int_equal(bi.gic_vcpu, 0);
	free(dtb);
}

static void expect_error(const char *file, const char *phrase)
{
	struct boot_info bi;

	assert_int_equal(parse_file(file, &bi), -1);
	if (strstr(err, phrase) == NULL)
		fail_msg("%s: error \"%s\" does not mention \"%s\"", file, err, phrase);
	assert_non_null(strstr(err, "device tree: "));
}

static void broken_trees(void **state)
{
	(void)state;
	expect_error("bad-no-psci.dtb", "no PSCI");
	expect_error("bad-psci-method.dtb", "psci method is neither smc nor hvc: svc");
	expect_error("bad-no-memory.dtb", "no memory node");
	expect_error("bad-timer-short.dtb", "lacks the hypervisor timer");
	expect_error("bad-timer-spi.dtb", "not a PPI");
	expect_error("bad-vtimer-spi.dtb", "virtual timer interrupt is not a PPI");
	expect_error("bad-no-gic.dtb", "no GICv2 or GICv3");
	expect_error("bad-gic-reg.dtb", "GICv2 node needs");
	expect_error("bad-no-uart.dtb", "pl011");
	expect_error("bad-cpu-reg.dtb", "no valid reg");
	expect_error("bad-no-cpus.dtb", "no /cpus");
}

static void broken_blobs(void **state)
{
	struct boot_info bi;
	size_t size;
	unsigned char *dtb = load("qemu-virt-gicv3.dtb", &size);

	(void)state;
	assert_int_equal(dtb_parse(NULL, size, &bi, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no device tree"));
	/* Claims more bytes than the space it was given. */
	assert_int_equal(dtb_parse(dtb, size - 8, &bi, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "larger than"));
	dtb[0] ^= 0xff; /* magic */
	assert_int_equal(dtb_parse(dtb, size, &bi, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad header"));
	free(dtb);
}

/* Random single-byte corruptions: parse or refuse, never run off the blob. */
static void corrupted_blobs(void **state)
{
	struct boot_info bi;
	size_t size;
	unsigned char *orig = load("qemu-virt-gicv3.dtb", &size);
	unsigned char *dtb = malloc(size);
	unsigned refused = 0;

	(void)state;
	srand(1234);
	for (int i = 0; i < 3000; i++) {
		memcpy(dtb, orig, size);
		dtb[(size_t)rand() % size] ^= (unsigned char)(1 + rand() % 255);
		err[0] = '\0';
		if (dtb_parse(dtb, size, &bi, err, sizeof(err)) != 0) {
			refused++;
			assert_non_null(strstr(err, "device tree: "));
		}
	}
	assert_true(refused > 0);
	free(dtb);
	free(orig);
}

static void conduit_names(void **state)
{
	(void)state;
	assert_string_equal(psci_conduit_name(PSCI_SMC), "smc");
	assert_string_equal(psci_conduit_name(PSCI_HVC), "hvc");
	assert_string_equal(psci_conduit_name(PSCI_NONE), "none");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(qemu_virt_gicv3), cmocka_unit_test(qemu_virt_gicv2),
		cmocka_unit_test(one_cell_board),  cmocka_unit_test(broken_trees),
		cmocka_unit_test(broken_blobs),	   cmocka_unit_test(corrupted_blobs),
		cmocka_unit_test(conduit_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
