/*
 * The VMM's check of its info page (personalities/vmm/server/info.c): a good page
 * passes, and each field a damaged image or loader could get wrong is refused with
 * a message naming the guest (or "?" before the name is known) and the field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "info.h"

static struct cl_vmm_info info;

static int setup(void **state)
{
	(void)state;
	memset(&info, 0, sizeof(info));
	info.magic = CL_VMM_INFO_MAGIC;
	info.version = CL_VMM_INFO_VERSION;
	info.size = sizeof(info);
	strcpy(info.name, "linux1");
	info.ram_ipa = 0x40000000;
	info.ram_size = 64 << 20;
	info.ram_vaddr = CL_VMM_RAM_VADDR;
	info.kernel_vaddr = CL_VMM_KERNEL_VADDR;
	info.kernel_size = 12345;
	info.nr_vcpus = 2;
	info.coherence = CL_VMM_COHERENCE_DC;
	info.slot_exits = 8;
	info.slot_guest_aspace = 9;
	info.slot_vcpu[0] = 10;
	info.slot_vcpu[1] = 11;
	info.slot_tcb[0] = 12;
	info.slot_tcb[1] = 13;
	info.gicd_ipa = 0x08000000;
	info.gicc_ipa = 0x08010000;
	info.gicr_ipa = 0x080a0000;
	info.uart_ipa = 0x09000000;
	info.uart_spi = 1;
	info.gic_version = 3;
	info.num_cpus = 4;
	strcpy(info.cmdline, "console=ttyAMA0");
	return 0;
}

static void expect(const char *text)
{
	struct vmm_error err = {{0}};

	assert_int_equal(vmm_info_check(&info, &err), -1);
	if (strcmp(err.msg, text) != 0)
		fail_msg("expected \"%s\", got \"%s\"", text, err.msg);
}

static void test_good_page_passes(void **state)
{
	struct vmm_error err = {{0}};

	(void)state;
	assert_int_equal(vmm_info_check(&info, &err), 0);
}

static void test_bad_magic(void **state)
{
	(void)state;
	info.magic = 0;
	expect("guest '?': info page: magic 0x0, version 2, size 1240; this VMM reads version 2 "
	       "of 1240 bytes");
}

static void test_bad_size(void **state)
{
	(void)state;
	info.size = 1000;
	expect("guest '?': info page: magic 0x314f464e494d4d56, version 2, size 1000; this VMM "
	       "reads version 2 of 1240 bytes");
}

static void test_name_unterminated(void **state)
{
	(void)state;
	memset(info.name, 'x', sizeof(info.name));
	expect("guest '?': info page: the guest's name is empty or not terminated");
}

static void test_ram_misaligned(void **state)
{
	(void)state;
	info.ram_ipa = 0x40001000;
	expect("guest 'linux1': info page: guest RAM at 0x40001000, 0x4000000 bytes (VMM view "
	       "0x80000000) is not 2 MiB aligned or not a size");
}

static void test_no_kernel(void **state)
{
	(void)state;
	info.kernel_size = 0;
	expect("guest 'linux1': info page: no kernel, or its files are not page aligned");
}

static void test_too_many_vcpus(void **state)
{
	(void)state;
	info.nr_vcpus = 5;
	expect("guest 'linux1': info page: 5 vCPUs; a VMM runs 1 to 4");
}

static void test_unknown_policy(void **state)
{
	(void)state;
	info.coherence = 7;
	expect("guest 'linux1': info page: unknown coherence policy 7");
}

static void test_bad_policy_word(void **state)
{
	struct vmm_error err = {{0}};

	(void)state;
	info.policy = CL_VMM_RESTART_ON_RESET | 8; /* a flag no VMM knows */
	expect("guest 'linux1': info page: policy word 0x9: unknown flags or a restart limit above "
	       "1000");
	info.policy = 0x8000U | CL_VMM_SMC_EMULATE; /* the top flag bit too */
	expect("guest 'linux1': info page: policy word 0x8004: unknown flags or a restart limit "
	       "above "
	       "1000");
	info.policy = CL_VMM_RESTART_ON_CRASH | 1001U << 16;
	expect("guest 'linux1': info page: policy word 0x3e90002: unknown flags or a restart limit "
	       "above 1000");
	info.policy = CL_VMM_RESTART_ON_RESET | CL_VMM_RESTART_ON_CRASH | 1000U << 16;
	assert_int_equal(vmm_info_check(&info, &err), 0);
	info.policy = CL_VMM_SMC_EMULATE | 3U << 16; /* `smc emulate` is a known flag */
	assert_int_equal(vmm_info_check(&info, &err), 0);
}

static void test_missing_slot(void **state)
{
	(void)state;
	info.slot_tcb[1] = 0;
	expect("guest 'linux1': info page: vCPU 1 has no vCPU or thread slot");
}

static void test_gic_not_filled(void **state)
{
	(void)state;
	info.gic_version = 0; /* the loader did not complete the page */
	expect("guest 'linux1': info page: GIC version 0; the vGIC emulates 2 and 3");
}

static void test_uart_spi_out_of_range(void **state)
{
	(void)state;
	info.uart_spi = 500;
	expect("guest 'linux1': info page: device windows not page aligned, or UART SPI 500 out "
	       "of range");
}

static void test_console_with_both_slots_passes(void **state)
{
	struct vmm_error err = {{0}};

	(void)state;
	info.slot_console = 14;
	info.slot_console_input = 15;
	assert_int_equal(vmm_info_check(&info, &err), 0);
}

static void test_console_without_input(void **state)
{
	(void)state;
	info.slot_console = 14;
	expect("guest 'linux1': info page: console slot 14 and console input slot 0: a console "
	       "needs both or neither");
}

static void test_cmdline_unterminated(void **state)
{
	(void)state;
	memset(info.cmdline, 'a', sizeof(info.cmdline));
	expect("guest 'linux1': info page: the command line is not terminated");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_good_page_passes, setup),
		cmocka_unit_test_setup(test_bad_magic, setup),
		cmocka_unit_test_setup(test_bad_size, setup),
		cmocka_unit_test_setup(test_name_unterminated, setup),
		cmocka_unit_test_setup(test_ram_misaligned, setup),
		cmocka_unit_test_setup(test_no_kernel, setup),
		cmocka_unit_test_setup(test_too_many_vcpus, setup),
		cmocka_unit_test_setup(test_unknown_policy, setup),
		cmocka_unit_test_setup(test_missing_slot, setup),
		cmocka_unit_test_setup(test_gic_not_filled, setup),
		cmocka_unit_test_setup(test_uart_spi_out_of_range, setup),
		cmocka_unit_test_setup(test_console_with_both_slots_passes, setup),
		cmocka_unit_test_setup(test_console_without_input, setup),
		cmocka_unit_test_setup(test_cmdline_unterminated, setup),
		cmocka_unit_test_setup(test_bad_policy_word, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
