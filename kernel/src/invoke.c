/*
 * The front of every invocation: the generated ABI table says which object
 * type a label belongs to and how many arguments it takes; the object's
 * module does the rest (decode, then invoke).
 */
#include <cleave/invocation.h>

#include <abi_tables.h>

unsigned invoke(struct invocation *inv)
{
	const struct abi_invocation *a;
	unsigned type = inv->target->cap.type;

	inv->nresults = 0;
	if (inv->label >= CL_NUM_LABELS || abi_invocations[inv->label].name == NULL)
		return CL_UNKNOWN_LABEL;
	a = &abi_invocations[inv->label];
	if (a->object + 1U != type)
		return CL_UNKNOWN_LABEL;
	if (inv->nargs < a->nargs)
		return CL_INVALID_ARG;
	switch (type) {
	case CAP_UNTYPED:
		return untyped_invoke(inv);
	case CAP_CNODE:
		return cnode_invoke(inv);
	case CAP_TCB:
		return tcb_invoke(inv);
	case CAP_FRAME:
		return frame_invoke(inv);
	case CAP_ASPACE:
		return aspace_invoke(inv);
	case CAP_IRQ_CONTROL:
	case CAP_IRQ_HANDLER:
		return irq_invoke(inv);
	case CAP_CONSOLE:
		return console_invoke(inv);
	case CAP_SCHED_CONTROL:
		return sched_control_invoke(inv);
	case CAP_VCPU:
		return vcpu_invoke(inv);
	default:
		return CL_UNKNOWN_LABEL;
	}
}
