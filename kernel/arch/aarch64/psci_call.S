/*
 * The PSCI conduits (Arm DEN 0022, SMC Calling Convention): function id in
 * x0, arguments in x1-x3, result in x0.
 */
	.text
	.globl	psci_call_smc
psci_call_smc:
	smc	#0
	ret

	.globl	psci_call_hvc
psci_call_hvc:
	hvc	#0
	ret
