/*
 * The VMM's info page (cleave/vmm_info.h), checked before anything in it is
 * trusted: it comes from the image and the loader, outside the VMM. Pure code,
 * host-tested (tests/unit/vmm/test_vmm_info.c).
 */
#ifndef VMM_SERVER_INFO_H
#define VMM_SERVER_INFO_H

#include <cleave/vmm_info.h>
#include <vmm/error.h>

/* 0 when every field is usable, else -1 with err saying which field is wrong. */
int vmm_info_check(const struct cl_vmm_info *info, struct vmm_error *err);

#endif
