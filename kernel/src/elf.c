/*
 * ELF64 parsing for the root component image: only what loading a static
 * executable needs, with every offset and size checked against the file.
 */
#include <cleave/elf.h>
#include <cleave/print.h>

#include <string.h>

#define EM_AARCH64 183
#define ET_EXEC 2
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2

struct ehdr {
	unsigned char ident[16];
	uint16_t type;
	uint16_t machine;
	uint32_t version;
	uint64_t entry;
	uint64_t phoff;
	uint64_t shoff;
	uint32_t flags;
	uint16_t ehsize;
	uint16_t phentsize;
	uint16_t phnum;
	uint16_t shentsize;
	uint16_t shnum;
	uint16_t shstrndx;
};

struct phdr {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};

static int bad(char *err, size_t errlen, const char *why)
{
	ksnprintf(err, errlen, "root image: %s", why);
	return -1;
}

static int check_segment(const struct phdr *ph, size_t size, uint64_t va_min, uint64_t va_max,
			 char *err, size_t errlen)
{
	if (ph->filesz > ph->memsz || ph->offset > size || ph->filesz > size - ph->offset)
		return bad(err, errlen, "a segment lies outside the file");
	if (ph->vaddr < va_min || ph->memsz > va_max - va_min ||
	    ph->vaddr - va_min > va_max - va_min - ph->memsz)
		return bad(err, errlen, "a segment lies outside the allowed addresses");
	return 0;
}

int elf_parse(const void *image, size_t size, uint64_t va_min, uint64_t va_max,
	      struct elf_info *info, char *err, size_t errlen)
{
	struct ehdr eh;

	if (size < sizeof(eh))
		return bad(err, errlen, "shorter than an ELF header");
	memcpy(&eh, image, sizeof(eh));
	if (memcmp(eh.ident, "\177ELF", 4) != 0 || eh.ident[4] != 2 || eh.ident[5] != 1)
		return bad(err, errlen, "not a little-endian ELF64 file");
	if (eh.type != ET_EXEC || eh.machine != EM_AARCH64)
		return bad(err, errlen, "not an AArch64 executable");
	if (eh.phentsize != sizeof(struct phdr) || eh.phoff > size ||
	    (uint64_t)eh.phnum * sizeof(struct phdr) > size - eh.phoff)
		return bad(err, errlen, "program headers outside the file");
	*info = (struct elf_info){.entry = eh.entry};
	for (unsigned i = 0; i < eh.phnum; i++) {
		struct phdr ph;

		memcpy(&ph, (const char *)image + eh.phoff + i * sizeof(ph), sizeof(ph));
		if (ph.type != PT_LOAD || ph.memsz == 0)
			continue;
		if (check_segment(&ph, size, va_min, va_max, err, errlen) != 0)
			return -1;
		if (info->nsegs == ARRAY_SIZE(info->segs))
			return bad(err, errlen, "too many segments");
		info->segs[info->nsegs++] = (struct elf_segment){ph.vaddr,
								 ph.filesz,
								 ph.memsz,
								 ph.offset,
								 (ph.flags & PF_W) != 0,
								 (ph.flags & PF_X) != 0};
	}
	if (info->nsegs == 0)
		return bad(err, errlen, "no loadable segment");
	if (info->entry < va_min || info->entry >= va_max)
		return bad(err, errlen, "entry point outside the image");
	return 0;
}
