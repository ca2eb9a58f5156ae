/*
 * The native side of the ports test guest (tests/guests/ports.c): writes a value
 * into the dataport it shares with the guest and signals the guest's `consumes`
 * event, waits for the guest's `emits` event (its doorbell), checks the answer the
 * guest left in the dataport, then writes a second value and signals again.
 */
#include <cleave/runtime.h>
#include <stdint.h>

#include "peer_glue.h"

#define FIRST 0xc1ea0001U /* the values the guest expects (ports.c) */
#define SECOND 0xc1ea0002U
#define ANSWER(v) ((v) ^ 0xffffffffU)

int cl_component_main(void)
{
	volatile uint32_t *words = page;
	uint32_t answer;
	int err;

	words[0] = FIRST;
	words[1] = 0;
	err = kick_emit();
	if (err != 0) {
		cl_printf("peer: kick_emit failed (%d)\n", err);
		return 1;
	}
	cl_printf("peer: wrote %#x into the dataport, kicked the guest\n", FIRST);
	err = done_wait();
	answer = words[1];
	if (err != 0 || answer != ANSWER(FIRST)) {
		cl_printf("peer: PORTS PEER FAIL: done_wait %d, the guest's answer %#x, not %#x\n",
			  err, answer, ANSWER(FIRST));
		return 1;
	}
	cl_printf("peer: the guest rang its doorbell and answered %#x: PORTS PEER PASS\n", answer);
	words[0] = SECOND;
	err = kick_emit();
	if (err != 0) {
		cl_printf("peer: the second kick_emit failed (%d)\n", err);
		return 1;
	}
	return 0;
}
