/*
 * The guest UART's MMIO fast path (docs/vmm.md, "The MMIO fast path"). Under
 * QEMU every exit that reaches this server costs the guest a refill of
 * QEMU's TLB through both translation stages, and a PL011 costs two exits
 * per character: a load of UARTFR, then a store to UARTDR. The kernel's fast
 * path (vcpu set_fast_read, set_fast_write, take_writes) answers both:
 *
 * - UARTFR reads the value given here, which changes only when this server
 *   changes the receive FIFO; it is given again after every change;
 * - stores to UARTDR are kept in the vCPU, and a newline still exits, so
 *   output comes a line at a time. The kept bytes are taken from every vCPU
 *   before any other UART access, a stop or a restart, so the PL011 model
 *   sees the guest's UART accesses in their order. Other exits do not take
 *   them: no other device sees the UART's output, and a take on every exit
 *   would add a system call to each (700 instructions on an HVC round trip).
 *
 * Stores go to the fast path only while the transmit interrupt is raised
 * (UARTRIS.TXRIS): a character written then changes no interrupt state, so
 * taking it later changes nothing the guest can see. Linux's amba-pl011 never
 * clears TXRIS, so after the first character every one is fast.
 */
#include <cleave/print.h>
#include <cleave/runtime.h>
#include <cleave/vcpu_abi.h>

#include "vmm.h"

#define UARTDR 0x000
#define UARTFR 0x018

static void take(struct vmm *v, unsigned n)
{
	struct cl_result r;
	bool irq;

	if (!v->fast.writes_on)
		return; /* nothing is kept while stores exit */
	r = cl_vcpu_take_writes(v->info->slot_vcpu[n]);
	if (r.err != CL_OK || r.mr[0] == 0)
		return;
	for (uint64_t i = 0; i < r.mr[0] && i < CL_VCPU_FAST_WRITES; i++) {
		uint64_t byte = (r.mr[1 + i / 8] >> (8 * (i % 8))) & 0xff;

		vuart_access(&v->uart, UARTDR, 4, true, &byte, &irq);
	}
}

void vmm_uart_fast_take_all(struct vmm *v)
{
	for (unsigned n = 0; n < v->g.nr_vcpus; n++)
		take(v, n);
}

/* Tells every vCPU's fast path what it needs after the UART's state changed. */
void vmm_uart_fast_sync(struct vmm *v)
{
	const struct cl_vmm_info *info = v->info;
	uint32_t fr = vuart_flags(&v->uart);
	bool write = (v->uart.ris & VUART_INT_TX) != 0;

	if (v->fast.fr_given && fr == v->fast.fr && write == v->fast.writes_on)
		return;
	for (unsigned n = 0; n < v->g.nr_vcpus; n++) {
		cl_cptr_t vcpu = info->slot_vcpu[n];

		/* Refused only for a misaligned IPA, which the info page check rules out. */
		if (cl_vcpu_set_fast_read(vcpu, info->uart_ipa + UARTFR, fr).err != CL_OK ||
		    cl_vcpu_set_fast_write(vcpu, write ? info->uart_ipa + UARTDR : 0, '\n').err !=
			    CL_OK)
			cl_printf("vmm: guest '%s': vCPU %u: the kernel refused the UART's fast "
				  "path\n",
				  v->g.name, n);
	}
	v->fast.fr = fr;
	v->fast.fr_given = true;
	if (v->fast.writes_on && !write) {
		/* Another vCPU may have stored a byte since they were last taken. */
		vmm_uart_fast_take_all(v);
	}
	v->fast.writes_on = write;
}
