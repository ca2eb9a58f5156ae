/* Cross-check of the device tree (boot_info) against the platform description. */
#ifndef CLEAVE_PLAT_CHECK_H
#define CLEAVE_PLAT_CHECK_H

#include <cleave/boot_info.h>
#include <cleave/platform.h>

/* Returns 0 when they agree, else -1 with one line naming the mismatch in err. */
int plat_check(const struct platform_desc *plat, const struct boot_info *bi, char *err,
	       size_t errlen);

#endif
