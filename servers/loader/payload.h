/*
 * Reading the image payload (cleave/image.h) and the specification in it
 * (cleave/spec.h): every offset, size, index and slot is checked here, once, so
 * the rest of the loader can trust the tables. Pure code: host-tested.
 */
#ifndef LOADER_PAYLOAD_H
#define LOADER_PAYLOAD_H

#include <cleave/image.h>
#include <cleave/spec.h>
#include <stddef.h>
#include <stdint.h>

struct payload {
	const uint8_t *base;
	uint64_t size;
	const struct cl_image_header *header;
	const struct cl_image_entry *entries;
	uint32_t flags;
};

struct spec {
	const struct cl_spec_header *h;
	const struct cl_spec_object *objects;
	const struct cl_spec_holder *holders;
	const struct cl_spec_cap *caps;
	const struct cl_spec_mapping *mappings;
	const struct cl_spec_window *windows;
	const char *strings;
};

/*
 * The payload's checksum: a Fletcher sum over 32-bit little-endian words, the last
 * one padded with zeroes (docs/image.md; tools/cleave/image.py computes the same).
 */
uint32_t payload_checksum(const uint8_t *p, uint64_t n);

/* Checks the payload at base (size bytes mapped); 0 or -1 with a message in err. */
int payload_open(struct payload *pl, const void *base, uint64_t size, char *err, size_t errlen);

/* The first entry of kind, or NULL. */
const struct cl_image_entry *payload_find(const struct payload *pl, uint32_t kind);

static inline const uint8_t *payload_data(const struct payload *pl, const struct cl_image_entry *e)
{
	return pl->base + e->offset;
}

/*
 * Which of the payload's 2 MiB frames (bootinfo module_*) holds the frame of size_bits
 * filled from entry e at offset, or -1 when that frame must be a copy (payload.c).
 */
int64_t payload_in_place(const struct payload *pl, const struct cl_image_entry *e, uint64_t offset,
			 unsigned size_bits);

/*
 * Of n frames that would be the payload's frames module[i] (-1: a copy), written[i]
 * set for one its holders may write (a guest's RAM holding its kernel): sets
 * module[i] to -1 for each written frame whose payload frame another of the n would
 * also be. A frame a guest writes must be its own: no other guest, and no VMM reading
 * a file, may see those writes (payload.c).
 */
void payload_exclusive_writes(int64_t *module, const uint8_t *written, uint32_t n);

/* Checks the specification (size bytes at data) against the payload (ELF entries)
 * and the kernel's limits; 0 or -1 with a message in err. */
int spec_open(struct spec *s, const struct payload *pl, const void *data, uint64_t size, char *err,
	      size_t errlen);

static inline const char *spec_str(const struct spec *s, uint32_t off)
{
	return s->strings + off;
}

/* The object index of the mapping's or cap's object; holder names. */
static inline const char *spec_object_name(const struct spec *s, uint32_t i)
{
	return spec_str(s, s->objects[i].name);
}

#endif
