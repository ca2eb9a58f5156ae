/*
 * The loader's checks of the image payload and the specification
 * (servers/loader/payload.c): a well-formed payload passes, and every kind of
 * damage is refused with a message that says what is wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <cleave/abi.h>

#include "payload.h"

#define PAYLOAD_SIZE (3 * CL_IMAGE_ALIGN)
#define SPEC_AT CL_IMAGE_ALIGN
#define ELF_AT (2 * CL_IMAGE_ALIGN)

/* A payload: header, two entries (spec, one ELF), and a spec of one component
 * (objects: cnode, tcb, aspace, endpoint) and the loader. */
struct fixture {
	uint8_t bytes[PAYLOAD_SIZE] __attribute__((aligned(8)));
	struct cl_image_header *h;
	struct cl_image_entry *e;
	struct cl_spec_header *s;
	struct cl_spec_object *obj;
	struct cl_spec_holder *hold;
	struct cl_spec_cap *cap;
	struct cl_spec_mapping *map;
	uint64_t spec_size;
};

static struct fixture fx;

static void reseal(void)
{
	fx.h->checksum = payload_checksum(fx.bytes + 32, fx.h->size - 32);
}

static void build_fixture(void)
{
	uint8_t *spec;
	char *strings;
	uint32_t at;

	memset(&fx, 0, sizeof(fx));
	fx.h = (struct cl_image_header *)fx.bytes;
	fx.e = (struct cl_image_entry *)(fx.h + 1);
	*fx.h = (struct cl_image_header){.magic = CL_IMAGE_MAGIC,
					 .version = CL_IMAGE_VERSION,
					 .count = 2,
					 .size = PAYLOAD_SIZE};
	strcpy(fx.e[0].name, "spec");
	fx.e[0].kind = CL_IMAGE_SPEC;
	fx.e[0].offset = SPEC_AT;
	strcpy(fx.e[1].name, "client");
	fx.e[1].kind = CL_IMAGE_ELF;
	fx.e[1].offset = ELF_AT;
	fx.e[1].size = 64;
	memcpy(fx.bytes + ELF_AT, "\177ELF\2\1", 6);

	spec = fx.bytes + SPEC_AT;
	fx.s = (struct cl_spec_header *)spec;
	at = sizeof(*fx.s);
	fx.s->objects = at;
	fx.s->n_objects = 5;
	fx.obj = (struct cl_spec_object *)(spec + at);
	at += 5 * sizeof(*fx.obj);
	fx.s->holders = at;
	fx.s->n_holders = 2;
	fx.hold = (struct cl_spec_holder *)(spec + at);
	at += 2 * sizeof(*fx.hold);
	fx.s->caps = at;
	fx.s->n_caps = 3;
	fx.cap = (struct cl_spec_cap *)(spec + at);
	at += 3 * sizeof(*fx.cap);
	fx.s->mappings = at;
	fx.s->n_mappings = 1;
	fx.map = (struct cl_spec_mapping *)(spec + at);
	at += sizeof(*fx.map);
	fx.s->windows = at;
	fx.s->strings = at;
	strings = (char *)spec + at;
	memcpy(strings, "hello\0client\0(loader)\0c.cnode\0c.tcb\0c.as\0ep\0c.frame\0", 52);
	fx.s->strings_size = 52;
	fx.s->size = at + 52;
	fx.s->magic = CL_SPEC_MAGIC;
	fx.s->name = 0;
	fx.spec_size = fx.s->size;
	fx.e[0].size = fx.spec_size;

	fx.obj[0] = (struct cl_spec_object){.name = 22, .type = CL_OBJ_CNODE, .size_bits = 10};
	fx.obj[1] = (struct cl_spec_object){.name = 30, .type = CL_OBJ_TCB, .size_bits = 11};
	fx.obj[2] = (struct cl_spec_object){.name = 36, .type = CL_OBJ_ASPACE, .size_bits = 13};
	fx.obj[3] = (struct cl_spec_object){.name = 41, .type = CL_OBJ_ENDPOINT, .size_bits = 6};
	fx.obj[4] = (struct cl_spec_object){.name = 44, .type = CL_OBJ_FRAME, .size_bits = 12};
	fx.hold[0] = (struct cl_spec_holder){.name = 6,
					     .kind = CL_SPEC_COMPONENT,
					     .cnode = 0,
					     .cnode_slots = 16,
					     .tcb = 1,
					     .aspace = 2,
					     .elf = 1,
					     .first_cap = 0,
					     .n_caps = 3,
					     .first_mapping = 0,
					     .n_mappings = 1};
	fx.hold[1] = (struct cl_spec_holder){.name = 13,
					     .kind = CL_SPEC_LOADER,
					     .cnode = CL_SPEC_NONE,
					     .tcb = CL_SPEC_NONE,
					     .aspace = CL_SPEC_NONE,
					     .elf = CL_SPEC_NONE};
	fx.cap[0] = (struct cl_spec_cap){.slot = 1, .object = 0, .rights = 3};
	fx.cap[1] = (struct cl_spec_cap){.slot = 5, .object = 3, .rights = 6, .badge = 1};
	fx.cap[2] = (struct cl_spec_cap){.slot = 6, .object = 4, .rights = 3};
	fx.map[0] = (struct cl_spec_mapping){.object = 4, .rights = 3, .vaddr = 0x30000000};
	reseal();
}

static int setup(void **state)
{
	(void)state;
	build_fixture();
	return 0;
}

/* Opens the payload and its spec; returns the error text ("" when both pass). */
static const char *open_all(void)
{
	static char err[200];
	struct payload pl;
	struct spec s;
	const struct cl_image_entry *e;

	err[0] = '\0';
	if (payload_open(&pl, fx.bytes, sizeof(fx.bytes), err, sizeof(err)) != 0)
		return err;
	e = payload_find(&pl, CL_IMAGE_SPEC);
	assert_non_null(e);
	if (spec_open(&s, &pl, payload_data(&pl, e), e->size, err, sizeof(err)) != 0)
		return err;
	return "";
}

static void expect(const char *needle)
{
	const char *err = open_all();

	if (strstr(err, needle) == NULL)
		fail_msg("expected an error containing \"%s\", got \"%s\"", needle, err);
}

static void test_good_payload_passes(void **state)
{
	(void)state;
	assert_string_equal(open_all(), "");
}

static void test_checksum_is_fletcher_over_words(void **state)
{
	static const uint8_t two_words[9] = {1, 0, 0, 0, 2, 0, 0, 0, 3};
	static const uint32_t aligned[2] = {0x01020304, 0x05060708};
	static const uint32_t swapped[2] = {0x05060708, 0x01020304};
	uint8_t unaligned[9];

	(void)state;
	assert_int_equal(payload_checksum((const uint8_t *)"", 0), 0);
	/* "a": one word 0x61: a = 0x61, b = 0x61, a ^ rotl(b, 16). */
	assert_int_equal(payload_checksum((const uint8_t *)"a", 1), 0x61 ^ 0x610000);
	/* Words 1, 2, then 3 padded: a = 6, b = 1 + 3 + 6 = 10. */
	assert_int_equal(payload_checksum(two_words, 9), 6 ^ (10 << 16));
	/* Word order matters (b), and an unaligned copy gives the same sum. */
	memcpy(unaligned + 1, aligned, 8);
	assert_int_equal(payload_checksum(unaligned + 1, 8),
			 payload_checksum((const uint8_t *)aligned, 8));
	assert_int_not_equal(payload_checksum((const uint8_t *)aligned, 8),
			     payload_checksum((const uint8_t *)swapped, 8));
}

/* The checksum as docs/image.md defines it, a word at a time. */
static uint32_t checksum_definition(const uint8_t *p, unsigned n)
{
	uint32_t a = 0, b = 0, w;

	for (unsigned i = 0; i < n; i += 4) {
		w = 0;
		for (unsigned k = 0; k < 4 && i + k < n; k++)
			w |= (uint32_t)p[i + k] << (8 * k);
		a += w;
		b += a;
	}
	return a ^ (b << 16 | b >> 16);
}

/*
 * The eight-words-a-turn loop (four doublewords) gives the sum of the plain
 * definition: here over 1000 doubleword-aligned bytes (31 turns, then 2 words; 999:
 * a padded tail too), from a word that is not doubleword aligned, and unaligned,
 * which takes the byte path throughout.
 */
static void test_checksum_long_inputs_match_the_definition(void **state)
{
	static uint64_t doublewords[126];
	uint8_t *bytes = (uint8_t *)doublewords;
	static uint8_t shifted[1001];

	(void)state;
	for (unsigned i = 0; i < 1000; i++)
		bytes[i] = (uint8_t)(i * 37 + 11);
	assert_int_equal(payload_checksum(bytes, 1000), checksum_definition(bytes, 1000));
	assert_int_equal(payload_checksum(bytes, 999), checksum_definition(bytes, 999));
	assert_int_equal(payload_checksum(bytes + 4, 996), checksum_definition(bytes + 4, 996));
	memcpy(shifted + 1, bytes, 1000);
	assert_int_equal(payload_checksum(shifted + 1, 1000), checksum_definition(bytes, 1000));
	/* A tail that is not a whole word. */
	assert_int_not_equal(payload_checksum(bytes, 999), payload_checksum(bytes, 1000));
}

static void test_bad_magic(void **state)
{
	(void)state;
	fx.h->magic ^= 1;
	expect("image payload: bad magic");
}

static void test_bad_version(void **state)
{
	(void)state;
	fx.h->version = 7;
	expect("version 7, this loader reads 1");
}

static void test_damaged_byte(void **state)
{
	(void)state;
	fx.bytes[ELF_AT + 10] ^= 0x40; /* not resealed */
	expect("checksum mismatch");
}

static void test_size_beyond_what_is_mapped(void **state)
{
	(void)state;
	fx.h->size = PAYLOAD_SIZE + 4096;
	expect("says 16384 bytes, 12288 are there");
}

static void test_too_many_entries(void **state)
{
	(void)state;
	fx.h->count = 1000;
	reseal();
	expect("1000 entries do not fit");
}

static void test_entry_outside(void **state)
{
	(void)state;
	fx.e[1].size = PAYLOAD_SIZE;
	reseal();
	expect("image entry 1 (client)");
}

static void test_entry_misaligned(void **state)
{
	(void)state;
	fx.e[1].offset = ELF_AT + 8;
	reseal();
	expect("outside the payload");
}

static void test_entry_unknown_kind(void **state)
{
	(void)state;
	fx.e[1].kind = 9;
	reseal();
	expect("unknown kind 9");
}

static void test_entry_name_unterminated(void **state)
{
	(void)state;
	memset(fx.e[1].name, 'x', CL_IMAGE_NAME_MAX);
	reseal();
	expect("name is empty or not terminated");
}

static void test_spec_bad_magic(void **state)
{
	(void)state;
	fx.s->magic = 0;
	reseal();
	expect("specification: bad magic");
}

static void test_spec_size_mismatch(void **state)
{
	(void)state;
	fx.e[0].size -= 1;
	reseal();
	expect("specification: says");
}

static void test_spec_table_outside(void **state)
{
	(void)state;
	fx.s->n_caps = 100000;
	reseal();
	expect("a table lies outside");
}

static void test_spec_strings_unterminated(void **state)
{
	(void)state;
	fx.bytes[SPEC_AT + fx.s->strings + fx.s->strings_size - 1] = 'x';
	reseal();
	expect("string table is not terminated");
}

static void test_spec_object_type(void **state)
{
	(void)state;
	fx.obj[3].type = 200;
	reseal();
	expect("spec object 'ep': type 200 is not one the loader makes");
}

static void test_slot_outside_cnode(void **state)
{
	(void)state;
	fx.cap[1].slot = 99;
	reseal();
	expect("spec holder 'client': slot 99 outside its 16-slot CNode");
}

static void test_slot_zero(void **state)
{
	(void)state;
	fx.cap[1].slot = 0;
	reseal();
	expect("slot 0 outside");
}

static void test_slot_twice(void **state)
{
	(void)state;
	fx.cap[1].slot = 1;
	reseal();
	expect("slot 1 given twice");
}

static void test_cap_object_out_of_range(void **state)
{
	(void)state;
	fx.cap[1].object = 5;
	reseal();
	expect("slot 5 names object 5 of 5");
}

static void test_cap_unknown_rights(void **state)
{
	(void)state;
	fx.cap[1].rights = 0x40;
	reseal();
	expect("unknown rights 0x40");
}

static void test_cnode_slots_mismatch(void **state)
{
	(void)state;
	fx.hold[0].cnode_slots = 32;
	reseal();
	expect("32 slots do not match its CNode");
}

static void test_holder_cnode_not_a_cnode(void **state)
{
	(void)state;
	fx.hold[0].cnode = 1;
	reseal();
	expect("its CNode, thread or address space is not one");
}

static void test_component_without_program(void **state)
{
	(void)state;
	fx.hold[0].elf = 0; /* the spec entry, not an ELF */
	reseal();
	expect("spec holder 'client': no program in the image");
}

static void test_mapping_not_a_frame(void **state)
{
	(void)state;
	fx.map[0].object = 3;
	reseal();
	expect("mapping 0 is not of a frame");
}

static void test_mapping_misaligned(void **state)
{
	(void)state;
	fx.map[0].vaddr = 0x30000010;
	reseal();
	expect("mapping of c.frame at 0x30000010 is misaligned");
}

static void test_fill_from_missing_entry(void **state)
{
	(void)state;
	fx.map[0].fill = CL_SPEC_FILL_PAYLOAD;
	fx.obj[4].irq = 7;
	reseal();
	expect("spec holder 'client': c.frame is filled from image entry 7 of 2");
}

static void test_fill_payload_from_a_program(void **state)
{
	(void)state;
	fx.map[0].fill = CL_SPEC_FILL_PAYLOAD;
	fx.obj[4].irq = 1; /* the ELF, not a guest kernel */
	reseal();
	expect("c.frame is filled from offset 0x0 of client, which is no guest kernel or initrd");
}

/* A third entry of the given kind, over the ELF's 64 bytes. */
static void third_entry(uint32_t kind)
{
	fx.h->count = 3;
	strcpy(fx.e[2].name, "k");
	fx.e[2].kind = kind;
	fx.e[2].offset = ELF_AT;
	fx.e[2].size = 64;
}

static void test_fill_payload_past_the_entry(void **state)
{
	(void)state;
	third_entry(CL_IMAGE_GUEST_KERNEL);
	fx.map[0].fill = CL_SPEC_FILL_PAYLOAD;
	fx.obj[4].irq = 2;
	fx.obj[4].paddr = 64; /* the entry has 64 bytes: offset 64 is past it */
	reseal();
	expect("c.frame is filled from offset 0x40 of k");
}

static void test_fill_payload_inside_passes(void **state)
{
	(void)state;
	third_entry(CL_IMAGE_GUEST_KERNEL);
	fx.map[0].fill = CL_SPEC_FILL_PAYLOAD;
	fx.obj[4].irq = 2;
	fx.obj[4].paddr = 63;
	reseal();
	assert_string_equal(open_all(), "");
}

static void test_fill_info_of_wrong_size(void **state)
{
	(void)state;
	third_entry(CL_IMAGE_VMM_INFO); /* 64 bytes, not a struct cl_vmm_info */
	fx.map[0].fill = CL_SPEC_FILL_VMM_INFO;
	fx.obj[4].irq = 2;
	reseal();
	expect("its info page c.frame is not filled from a 3824-byte info entry (k)");
}

static void test_fill_unknown(void **state)
{
	(void)state;
	fx.map[0].fill = 9;
	reseal();
	expect("mapping of c.frame has unknown fill 9");
}

static void test_guest_vcpu_without_thread(void **state)
{
	(void)state;
	/* The holder as a guest whose first vCPU (object 1) names no thread. */
	fx.hold[0].kind = CL_SPEC_GUEST;
	fx.obj[1].type = CL_OBJ_VCPU;
	fx.obj[1].size_bits = 10;
	fx.obj[1].notification = 3; /* the endpoint, not a thread */
	fx.cap[0].object = 1;
	reseal();
	expect("spec holder 'client': vCPU 0 is not bound to a thread of its own");
}

static void test_guest_first_vcpu_not_a_vcpu(void **state)
{
	(void)state;
	fx.hold[0].kind = CL_SPEC_GUEST;
	reseal();
	expect("spec holder 'client': a guest whose first vCPU is not a vCPU");
}

static void test_caps_past_table(void **state)
{
	(void)state;
	fx.hold[0].n_caps = 4;
	reseal();
	expect("capabilities or mappings run past the tables");
}

static void test_untyped_of_a_silly_size(void **state)
{
	(void)state;
	fx.obj[3].type = CL_OBJ_UNTYPED;
	fx.obj[3].size_bits = 3;
	reseal();
	expect("spec object 'ep': type 0 is not one the loader makes");
}

static void test_holder_kind(void **state)
{
	(void)state;
	fx.hold[0].kind = 9;
	reseal();
	expect("spec holder 'client': unknown kind 9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_good_payload_passes, setup),
		cmocka_unit_test_setup(test_checksum_is_fletcher_over_words, setup),
		cmocka_unit_test_setup(test_checksum_long_inputs_match_the_definition, setup),
		cmocka_unit_test_setup(test_bad_magic, setup),
		cmocka_unit_test_setup(test_bad_version, setup),
		cmocka_unit_test_setup(test_damaged_byte, setup),
		cmocka_unit_test_setup(test_size_beyond_what_is_mapped, setup),
		cmocka_unit_test_setup(test_too_many_entries, setup),
		cmocka_unit_test_setup(test_entry_outside, setup),
		cmocka_unit_test_setup(test_entry_misaligned, setup),
		cmocka_unit_test_setup(test_entry_unknown_kind, setup),
		cmocka_unit_test_setup(test_entry_name_unterminated, setup),
		cmocka_unit_test_setup(test_spec_bad_magic, setup),
		cmocka_unit_test_setup(test_spec_size_mismatch, setup),
		cmocka_unit_test_setup(test_spec_table_outside, setup),
		cmocka_unit_test_setup(test_spec_strings_unterminated, setup),
		cmocka_unit_test_setup(test_spec_object_type, setup),
		cmocka_unit_test_setup(test_slot_outside_cnode, setup),
		cmocka_unit_test_setup(test_slot_zero, setup),
		cmocka_unit_test_setup(test_slot_twice, setup),
		cmocka_unit_test_setup(test_cap_object_out_of_range, setup),
		cmocka_unit_test_setup(test_cap_unknown_rights, setup),
		cmocka_unit_test_setup(test_cnode_slots_mismatch, setup),
		cmocka_unit_test_setup(test_holder_cnode_not_a_cnode, setup),
		cmocka_unit_test_setup(test_component_without_program, setup),
		cmocka_unit_test_setup(test_mapping_not_a_frame, setup),
		cmocka_unit_test_setup(test_mapping_misaligned, setup),
		cmocka_unit_test_setup(test_caps_past_table, setup),
		cmocka_unit_test_setup(test_fill_from_missing_entry, setup),
		cmocka_unit_test_setup(test_fill_payload_from_a_program, setup),
		cmocka_unit_test_setup(test_fill_payload_past_the_entry, setup),
		cmocka_unit_test_setup(test_fill_payload_inside_passes, setup),
		cmocka_unit_test_setup(test_fill_info_of_wrong_size, setup),
		cmocka_unit_test_setup(test_fill_unknown, setup),
		cmocka_unit_test_setup(test_guest_vcpu_without_thread, setup),
		cmocka_unit_test_setup(test_guest_first_vcpu_not_a_vcpu, setup),
		cmocka_unit_test_setup(test_untyped_of_a_silly_size, setup),
		cmocka_unit_test_setup(test_holder_kind, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
