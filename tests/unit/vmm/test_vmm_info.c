/*
 * The VMM's check of its info page (personalities/vmm/server/info.c): a good page
 * passes, and each field a damaged image or loader could get wrong is refused with
 * a message naming the guest (or "?" before the name is known) and the field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

/* A page with one passed-through device: QEMU virt's PL031 with its level-high SPI 2. */
static int setup_device(void **state)
{
	static const char compat[] = "arm,pl031\0arm,primecell";
	struct cl_vmm_device *dev = &info.devices[0];

	setup(state);
	info.nr_devices = 1;
	info.slot_irq_events = 17;
	strcpy(dev->name, "pl031@9010000");
	memcpy(dev->compatible, compat, sizeof(compat));
	dev->compatible_len = sizeof(compat);
	dev->nr_regs = 1;
	dev->reg[0].base = 0x09010000;
	dev->reg[0].size = 0x1000;
	dev->nr_irqs = 1;
	dev->irq[0].spi = 2;
	dev->irq[0].flags = CL_VMM_IRQ_LEVEL_HIGH;
	dev->irq[0].slot_handler = 16;
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
	expect("guest '?': info page: magic 0x0, version 4, size 3824; this VMM reads version 4 "
	       "of 3824 bytes");
}

static void test_bad_size(void **state)
{
	(void)state;
	info.size = 1000;
	expect("guest '?': info page: magic 0x314f464e494d4d56, version 4, size 1000; this VMM "
	       "reads version 4 of 3824 bytes");
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

/* A kernel run in place lies in RAM (docs/image.md, "In place"): wholly, and never restarts. */
static void test_kernel_in_place(void **state)
{
	struct vmm_error err = {{0}};

	(void)state;
	info.kernel_vaddr = CL_VMM_RAM_VADDR;
	info.kernel_size = 32 << 20;
	assert_int_equal(vmm_info_check(&info, &err), 0);
	info.policy = CL_VMM_RESTART_ON_CRASH;
	expect("guest 'linux1': info page: the kernel runs in place in guest RAM, but the guest "
	       "restarts (a restart needs the kernel as the image holds it)");
	info.policy = CL_VMM_RESTART_ON_RESET;
	expect("guest 'linux1': info page: the kernel runs in place in guest RAM, but the guest "
	       "restarts (a restart needs the kernel as the image holds it)");
	info.policy = 0;
	info.kernel_vaddr = CL_VMM_RAM_VADDR + (48 << 20);
	expect("guest 'linux1': info page: the kernel file at 0x83000000, 33554432 bytes, reaches "
	       "out of guest RAM's view");
	info.kernel_vaddr = CL_VMM_RAM_VADDR - 4096;
	expect("guest 'linux1': info page: the kernel file at 0x7ffff000, 33554432 bytes, reaches "
	       "out of guest RAM's view");
	info.kernel_vaddr = UINT64_MAX & ~4095ULL;
	expect("guest 'linux1': info page: a file's size wraps");
}

static void test_initrd_in_ram(void **state)
{
	(void)state;
	info.initrd_vaddr = CL_VMM_RAM_VADDR + (60 << 20);
	info.initrd_size = 8 << 20;
	expect("guest 'linux1': info page: the initrd file at 0x83c00000 lies in guest RAM's view");
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

static void test_device_passes(void **state)
{
	struct vmm_error err = {{0}};

	(void)state;
	assert_int_equal(vmm_info_check(&info, &err), 0);
	/* With a console, its input notification is the one the handlers signal. */
	info.slot_console = 14;
	info.slot_console_input = 17;
	assert_int_equal(vmm_info_check(&info, &err), 0);
}

static void test_too_many_devices(void **state)
{
	(void)state;
	info.nr_devices = 9;
	expect("guest 'linux1': info page: 9 passed-through devices; a VMM takes at most 8");
}

static void test_device_name_unterminated(void **state)
{
	(void)state;
	memset(info.devices[0].name, 'p', sizeof(info.devices[0].name));
	expect("guest 'linux1': info page: device 0's node name is empty or not terminated");
	info.devices[0].name[0] = '\0';
	expect("guest 'linux1': info page: device 0's node name is empty or not terminated");
}

static void test_device_compatible_bad(void **state)
{
	static const char *const want = "guest 'linux1': info page: device 'pl031@9010000': its "
					"compatible list is empty, longer than 96 bytes or not "
					"terminated";

	(void)state;
	info.devices[0].compatible_len = 0;
	expect(want);
	info.devices[0].compatible_len = 97;
	expect(want);
	info.devices[0].compatible_len = 5; /* "arm,p": cut inside a string */
	expect(want);
}

static void test_device_counts(void **state)
{
	(void)state;
	info.devices[0].nr_regs = 0;
	expect("guest 'linux1': info page: device 'pl031@9010000': 0 register windows and 1 "
	       "interrupts; a device has 1 to 2 and 0 to 2");
	info.devices[0].nr_regs = 1;
	info.devices[0].nr_irqs = 3;
	expect("guest 'linux1': info page: device 'pl031@9010000': 1 register windows and 3 "
	       "interrupts; a device has 1 to 2 and 0 to 2");
}

static void test_device_window_bad(void **state)
{
	(void)state;
	info.devices[0].reg[0].size = 0;
	expect("guest 'linux1': info page: device 'pl031@9010000': window 0x9010000, "
	       "0x0 bytes is empty, wraps or overlaps guest RAM");
	info.devices[0].reg[0].base = 0x40200000; /* inside guest RAM */
	info.devices[0].reg[0].size = 0x1000;
	expect("guest 'linux1': info page: device 'pl031@9010000': window 0x40200000, "
	       "0x1000 bytes is empty, wraps or overlaps guest RAM");
	info.devices[0].reg[0].base = ~0ULL - 0xfff;
	info.devices[0].reg[0].size = 0x2000;
	expect("guest 'linux1': info page: device 'pl031@9010000': window "
	       "0xfffffffffffff000, 0x2000 bytes is empty, wraps or overlaps guest RAM");
	info.devices[0].reg[0].base = 0x09000000; /* the emulated PL011 */
	info.devices[0].reg[0].size = 0x1000;
	expect("guest 'linux1': info page: device 'pl031@9010000': window 0x9000000 "
	       "overlaps the emulated GIC or PL011");
	info.devices[0].reg[0].base = 0x080c0000; /* the second vCPU's redistributor */
	expect("guest 'linux1': info page: device 'pl031@9010000': window 0x80c0000 "
	       "overlaps the emulated GIC or PL011");
}

static void test_device_irq_bad(void **state)
{
	(void)state;
	info.devices[0].irq[0].spi = 224;
	expect("guest 'linux1': info page: device 'pl031@9010000': interrupt SPI 224 is outside "
	       "the vGIC's SPIs 0 to 223");
	info.devices[0].irq[0].spi = 2;
	info.devices[0].irq[0].flags = 8; /* level-low: no SPI is */
	expect("guest 'linux1': info page: device 'pl031@9010000': interrupt SPI 2 has flags 0x8; "
	       "an SPI is edge-rising (1) or level-high (4)");
	info.devices[0].irq[0].flags = CL_VMM_IRQ_EDGE_RISING;
	info.devices[0].irq[0].slot_handler = 0;
	expect("guest 'linux1': info page: device 'pl031@9010000': interrupt SPI 2 has no IRQ "
	       "handler slot");
	info.devices[0].irq[0].slot_handler = 16;
	info.devices[0].irq[0].spi = 1; /* the PL011's */
	expect("guest 'linux1': info page: device 'pl031@9010000': interrupt SPI 1 is the "
	       "PL011's or another device's");
}

static void test_device_irq_twice(void **state)
{
	(void)state;
	info.devices[1] = info.devices[0];
	strcpy(info.devices[1].name, "other@9020000");
	info.devices[1].reg[0].base = 0x09020000;
	info.nr_devices = 2;
	expect("guest 'linux1': info page: device 'other@9020000': interrupt SPI 2 is the "
	       "PL011's or another device's");
}

static void test_irq_events_slot(void **state)
{
	(void)state;
	info.slot_irq_events = 0;
	expect("guest 'linux1': info page: interrupt events slot 0, but a device has an "
	       "interrupt and 0 events go into the guest");
	info.slot_irq_events = 17;
	info.devices[0].nr_irqs = 0;
	expect("guest 'linux1': info page: interrupt events slot 17, but no device has an "
	       "interrupt and 0 events go into the guest");
	info.devices[0].nr_irqs = 1;
	info.slot_console = 14;
	info.slot_console_input = 15;
	expect("guest 'linux1': info page: interrupt events slot 17 is not the console input "
	       "slot 15");
}

/*
 * A page with the PL031 and a guest's ports: a dataport of 8 KiB at 0x20000000, an
 * event in on SPI 24 and an event out with its doorbell at 0x20200000.
 */
static int setup_ports(void **state)
{
	setup_device(state);
	info.nr_dataports = 1;
	strcpy(info.dataports[0].name, "page");
	info.dataports[0].ipa = 0x20000000;
	info.dataports[0].size = 0x2000;
	info.nr_events_in = 1;
	strcpy(info.events_in[0].name, "kick");
	info.events_in[0].spi = 24;
	info.nr_events_out = 1;
	strcpy(info.events_out[0].name, "done");
	info.events_out[0].ipa = 0x20200000;
	info.events_out[0].slot_signal = 18;
	return 0;
}

static void test_ports_pass(void **state)
{
	struct vmm_error err = {{0}};

	(void)state;
	assert_int_equal(vmm_info_check(&info, &err), 0);
	/* An event in needs the events slot even without a device interrupt. */
	info.devices[0].nr_irqs = 0;
	assert_int_equal(vmm_info_check(&info, &err), 0);
	info.slot_irq_events = 0;
	expect("guest 'linux1': info page: interrupt events slot 0, but no device has an "
	       "interrupt and 1 events go into the guest");
}

static void test_ports_too_many(void **state)
{
	(void)state;
	info.nr_dataports = CL_VMM_MAX_DATAPORTS + 1;
	expect("guest 'linux1': info page: 5 dataports, 1 events in and 1 out; a VMM takes at "
	       "most 4, 8 and 8");
	info.nr_dataports = 1;
	info.nr_events_out = CL_VMM_MAX_EVENTS + 1;
	expect("guest 'linux1': info page: 1 dataports, 1 events in and 9 out; a VMM takes at "
	       "most 4, 8 and 8");
	info.nr_events_out = 1;
	info.nr_events_in = CL_VMM_MAX_EVENTS + 1;
	info.slot_irq_events = 17;
	expect("guest 'linux1': info page: 1 dataports, 9 events in and 1 out; a VMM takes at "
	       "most 4, 8 and 8");
}

static void test_dataport_bad(void **state)
{
	(void)state;
	memset(info.dataports[0].name, 'x', sizeof(info.dataports[0].name));
	expect("guest 'linux1': info page: a dataport's name is empty or not terminated");
	strcpy(info.dataports[0].name, "page");
	info.dataports[0].size = 0x1800;
	expect("guest 'linux1': info page: dataport 'page': window 0x20000000, 0x1800 bytes is "
	       "not page aligned");
	info.dataports[0].size = 0;
	expect("guest 'linux1': info page: dataport 'page': window 0x20000000, 0x0 bytes is "
	       "empty, wraps or overlaps guest RAM");
	info.dataports[0].size = 0x2000;
	info.dataports[0].ipa = 0x40000000; /* guest RAM */
	expect("guest 'linux1': info page: dataport 'page': window 0x40000000, 0x2000 bytes is "
	       "empty, wraps or overlaps guest RAM");
	info.dataports[0].ipa = 0x08000000; /* the distributor */
	expect("guest 'linux1': info page: dataport 'page': window 0x8000000 overlaps the "
	       "emulated GIC or PL011");
	info.dataports[0].ipa = 0x09010000; /* the PL031 */
	expect("guest 'linux1': info page: dataport 'page': window 0x9010000 overlaps a device, "
	       "dataport or doorbell");
	info.dataports[0].ipa = 0x201ff000; /* its last page is the doorbell */
	expect("guest 'linux1': info page: dataport 'page': window 0x201ff000 overlaps a device, "
	       "dataport or doorbell");
}

static void test_doorbell_bad(void **state)
{
	(void)state;
	info.events_out[0].ipa = 0x20200800;
	expect("guest 'linux1': info page: doorbell 'done': window 0x20200800, 0x1000 bytes is "
	       "not page aligned");
	info.events_out[0].ipa = 0x09010000; /* the PL031 */
	expect("guest 'linux1': info page: doorbell 'done': window 0x9010000 overlaps a device, "
	       "dataport or doorbell");
	info.events_out[0].ipa = 0x20200000;
	info.events_out[1] = info.events_out[0]; /* two doorbells on one page */
	info.nr_events_out = 2;
	expect("guest 'linux1': info page: doorbell 'done': window 0x20200000 overlaps a device, "
	       "dataport or doorbell");
	info.nr_events_out = 1;
	info.events_out[0].slot_signal = 0;
	expect("guest 'linux1': info page: event 'done' out of the guest has no notification "
	       "slot");
}

static void test_event_in_bad(void **state)
{
	(void)state;
	info.events_in[0].name[0] = '\0';
	expect("guest 'linux1': info page: an event's name is empty or not terminated");
	strcpy(info.events_in[0].name, "kick");
	for (unsigned i = 0; i < 4; i++) {
		static const uint32_t bad[] = {224, 1, 2, 24}; /* PL011, PL031, the other event */

		info.events_in[0].spi = bad[i];
		if (i == 3) {
			info.nr_events_in = 2;
			info.events_in[1] = info.events_in[0];
		}
		struct vmm_error err = {{0}};
		char want[200];

		assert_int_equal(vmm_info_check(&info, &err), -1);
		snprintf(
			want, sizeof(want),
			"guest 'linux1': info page: event 'kick' into the guest: SPI %u is outside "
			"0 to 223 or the PL011's, a device's or another event's",
			bad[i]);
		assert_string_equal(err.msg, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_good_page_passes, setup),
		cmocka_unit_test_setup(test_bad_magic, setup),
		cmocka_unit_test_setup(test_bad_size, setup),
		cmocka_unit_test_setup(test_name_unterminated, setup),
		cmocka_unit_test_setup(test_ram_misaligned, setup),
		cmocka_unit_test_setup(test_kernel_in_place, setup),
		cmocka_unit_test_setup(test_initrd_in_ram, setup),
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
		cmocka_unit_test_setup(test_device_passes, setup_device),
		cmocka_unit_test_setup(test_too_many_devices, setup_device),
		cmocka_unit_test_setup(test_device_name_unterminated, setup_device),
		cmocka_unit_test_setup(test_device_compatible_bad, setup_device),
		cmocka_unit_test_setup(test_device_counts, setup_device),
		cmocka_unit_test_setup(test_device_window_bad, setup_device),
		cmocka_unit_test_setup(test_device_irq_bad, setup_device),
		cmocka_unit_test_setup(test_device_irq_twice, setup_device),
		cmocka_unit_test_setup(test_irq_events_slot, setup_device),
		cmocka_unit_test_setup(test_ports_pass, setup_ports),
		cmocka_unit_test_setup(test_ports_too_many, setup_ports),
		cmocka_unit_test_setup(test_dataport_bad, setup_ports),
		cmocka_unit_test_setup(test_doorbell_bad, setup_ports),
		cmocka_unit_test_setup(test_event_in_bad, setup_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
