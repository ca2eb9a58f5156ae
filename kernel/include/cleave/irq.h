/* Interrupt lines handed to user level (irq.c). */
#ifndef CLEAVE_IRQ_H
#define CLEAVE_IRQ_H

#include <cleave/compiler.h>

#define IRQ_LINES 1020 /* all the interrupt IDs a GIC can have below the special ones */

struct notification;

/* A claimed line fired: mask it and signal its notification. False if nobody claimed it. */
bool irq_deliver(unsigned irq);
/* A notification is being destroyed: lines routed to it stop signalling. */
void irq_notification_gone(struct notification *n);

#endif
