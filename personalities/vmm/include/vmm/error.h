/*
 * Refusals of the VMM: one message that names the guest, e.g.
 * "guest 'linux1': kernel image too large: needs 70 MiB, guest RAM is 64 MiB".
 */
#ifndef VMM_ERROR_H
#define VMM_ERROR_H

#include <cleave/compiler.h>

#define VMM_ERROR_MAX 192

struct vmm_error {
	char msg[VMM_ERROR_MAX];
};

/*
 * Fill err (which may be NULL) with "guest '<guest>': " and the formatted
 * text; always returns -1 so callers can `return vmm_fail(...)`.
 */
int vmm_fail(struct vmm_error *err, const char *guest, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* A size for messages: "70 MiB" when it is a whole number of MiB or larger, else "12 KiB"/"5
 * bytes". */
struct vmm_size_text {
	char s[24];
};
struct vmm_size_text vmm_size_text(uint64_t bytes);

#endif
