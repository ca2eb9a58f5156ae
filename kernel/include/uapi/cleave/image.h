/*
 * The system image's payload (docs/image.md): `./cleave build` appends it to the
 * kernel, page-aligned after the kernel's last byte (bss included), so QEMU's
 * -kernel loads both in one file. The kernel only checks the header's magic and size,
 * keeps those pages out of the untyped memory, and maps them read-only into the
 * root component (the loader), which checks everything else.
 */
#ifndef CLEAVE_UAPI_IMAGE_H
#define CLEAVE_UAPI_IMAGE_H

#include <stdint.h>

#define CL_IMAGE_MAGIC 0x31474d4956454c43ULL /* "CLEVIMG1" */
#define CL_IMAGE_VERSION 1
#define CL_IMAGE_ALIGN 4096 /* the payload, and each entry in it, starts on a page */
#define CL_IMAGE_NAME_MAX 48

/* What an entry holds. */
enum cl_image_kind {
	CL_IMAGE_SPEC = 1,	   /* the capability specification (struct cl_spec_header ...) */
	CL_IMAGE_ELF = 2,	   /* a native component's executable */
	CL_IMAGE_GUEST_KERNEL = 3, /* a guest's kernel (an arm64 Image) */
	CL_IMAGE_GUEST_INITRD = 4, /* a guest's initial RAM disk */
	CL_IMAGE_VMM_INFO = 5,	   /* a guest VMM's info page (struct cl_vmm_info) */
};

struct cl_image_header {
	uint64_t magic;
	uint32_t version;
	uint32_t count;	   /* entries after the header */
	uint64_t size;	   /* bytes of the whole payload, header included */
	uint32_t checksum; /* over bytes [32, size), the entries and their data (docs/image.md) */
	uint32_t flags;	   /* CL_IMAGE_FLAG_* */
};

/* The loader prints every component's capability table before starting them. */
#define CL_IMAGE_FLAG_DUMP_CAPS 0x1

struct cl_image_entry {
	char name[CL_IMAGE_NAME_MAX]; /* NUL-terminated */
	uint32_t kind;		      /* enum cl_image_kind */
	uint32_t pad;
	uint64_t offset; /* from the start of the payload; a multiple of CL_IMAGE_ALIGN */
	uint64_t size;
};

_Static_assert(sizeof(struct cl_image_header) == 32, "image header layout");
_Static_assert(sizeof(struct cl_image_entry) == 72, "image entry layout");

#endif
