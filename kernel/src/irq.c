/*
 * Interrupts delivered to user level. The root component holds the one
 * irq_control capability and claims lines (SPIs) from it; a handler
 * capability routes its line to a notification. The kernel masks the line
 * when it fires and signals; the handler's ack unmasks it, so a level
 * interrupt does not storm while user level handles it.
 */
#include <cleave/gic.h>
#include <cleave/invocation.h>
#include <cleave/irq.h>
#include <cleave/kobjects.h>

#define IRQ_MIN 32 /* SPIs only: SGIs and PPIs belong to the kernel */

struct irq_line {
	bool claimed;
	struct notification *ntfn;
	uint64_t badge;
};

static struct irq_line lines[IRQ_LINES];

void irq_release(unsigned irq)
{
	if (irq >= IRQ_LINES)
		return;
	gic_set_spi(irq, false);
	lines[irq] = (struct irq_line){0};
}

bool irq_deliver(unsigned irq)
{
	struct irq_line *l = irq < IRQ_LINES ? &lines[irq] : NULL;

	if (l == NULL || !l->claimed)
		return false;
	gic_set_spi(irq, false);
	if (l->ntfn != NULL)
		notification_signal(l->ntfn, l->badge);
	return true;
}

static unsigned get(struct invocation *inv)
{
	uint64_t irq = inv->args[CL_ARG_IRQ_CONTROL_GET_IRQ];
	struct cte *dest;
	unsigned err;
	struct cap cap = {.type = CAP_IRQ_HANDLER, .rights = CL_RIGHTS_ALL};

	if (irq < IRQ_MIN || irq >= IRQ_LINES || irq >= gic_lines())
		return CL_INVALID_ARG;
	if ((err = lookup_empty(inv->root, inv->args[CL_ARG_IRQ_CONTROL_GET_DEST], &dest)) != CL_OK)
		return err;
	if (lines[irq].claimed)
		return CL_IN_USE;
	lines[irq].claimed = true;
	cap.data = irq;
	cte_insert(inv->target, dest, &cap);
	return CL_OK;
}

static unsigned set_notification(struct invocation *inv)
{
	struct irq_line *l = &lines[inv->target->cap.data];
	struct cte *n;
	unsigned err;

	err = lookup_cap(inv->root, inv->args[CL_ARG_IRQ_HANDLER_SET_NOTIFICATION_NOTIFICATION],
			 &n);
	if (err != CL_OK)
		return err;
	if (n->cap.type != CAP_NOTIFICATION)
		return CL_WRONG_TYPE;
	if ((n->cap.rights & CL_RIGHT_WRITE) == 0)
		return CL_NO_RIGHT;
	l->ntfn = (struct notification *)n->cap.obj;
	l->badge = n->cap.data;
	gic_set_spi((unsigned)inv->target->cap.data, true);
	return CL_OK;
}

unsigned irq_invoke(struct invocation *inv)
{
	switch (inv->label) {
	case CL_LABEL_IRQ_CONTROL_GET:
		return get(inv);
	case CL_LABEL_IRQ_HANDLER_SET_NOTIFICATION:
		return set_notification(inv);
	case CL_LABEL_IRQ_HANDLER_TRIGGER:
		gic_set_pending((unsigned)inv->target->cap.data);
		return CL_OK;
	case CL_LABEL_IRQ_HANDLER_ACK:
		gic_set_spi((unsigned)inv->target->cap.data, true);
		return CL_OK;
	default:
		return CL_UNKNOWN_LABEL;
	}
}

void irq_notification_gone(struct notification *n)
{
	for (unsigned i = 0; i < IRQ_LINES; i++) {
		if (lines[i].ntfn == n) {
			lines[i].ntfn = NULL;
			gic_set_spi(i, false);
		}
	}
}
