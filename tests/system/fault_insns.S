/* The instructions the fault test takes its exceptions on; the test reads these symbols' addresses. */
	.text
	.globl	selftest_fault_undef
	.globl	selftest_fault_insn_undef
selftest_fault_undef:
selftest_fault_insn_undef:
	udf	#0
	ret

	.globl	selftest_fault_load
	.globl	selftest_fault_insn_load
selftest_fault_load:
selftest_fault_insn_load:
	ldr	x0, [x0]
	ret
