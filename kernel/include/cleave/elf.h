/* Reading an ELF64 executable's loadable segments (for the root component). */
#ifndef CLEAVE_ELF_H
#define CLEAVE_ELF_H

#include <cleave/compiler.h>

struct elf_segment {
	uint64_t vaddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t offset;
	bool write;
	bool exec;
};

struct elf_info {
	uint64_t entry;
	unsigned nsegs;
	struct elf_segment segs[8];
};

/*
 * Checks that image is a static little-endian AArch64 ELF64 executable whose
 * segments lie in the file and in [va_min, va_max); fills info. Returns 0,
 * or -1 with a one-line reason in err.
 */
int elf_parse(const void *image, size_t size, uint64_t va_min, uint64_t va_max,
	      struct elf_info *info, char *err, size_t errlen);

#endif
