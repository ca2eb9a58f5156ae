/* The recording backend of the VMM host tests (recorder.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "recorder.h"

struct rec_call rec_calls[REC_MAX];
unsigned rec_count;
int rec_fail_at = -1;
uint8_t *rec_ram;
uint64_t rec_ram_base;
uint64_t rec_ram_size;
bool rec_partial_taken;

void rec_reset(void)
{
	memset(rec_calls, 0, sizeof(rec_calls));
	rec_count = 0;
	rec_fail_at = -1;
	rec_ram = NULL;
	rec_partial_taken = false;
}

static struct rec_call *add(enum rec_kind kind, int *rc)
{
	struct rec_call *c;

	assert_true(rec_count < REC_MAX);
	*rc = (int)rec_count == rec_fail_at ? -1 : 0;
	c = &rec_calls[rec_count++];
	c->kind = kind;
	return c;
}

int vmm_be_cache_range(struct vmm_guest *g, uint64_t ipa, uint64_t size, enum vmm_cache_op op,
		       enum vmm_cache_point point)
{
	int rc;
	struct rec_call *c = add(REC_CACHE, &rc);

	(void)g;
	c->ipa = ipa;
	c->size = size;
	c->op = op;
	c->point = point;
	return rc;
}

int vmm_be_set_traps(struct vmm_guest *g, unsigned vcpu, uint64_t hcr_bits)
{
	int rc;
	struct rec_call *c = add(REC_TRAPS, &rc);

	(void)g;
	c->vcpu = vcpu;
	c->value = hcr_bits;
	return rc;
}

int vmm_be_write_sysreg(struct vmm_guest *g, unsigned vcpu, enum vmm_sysreg reg, uint64_t value)
{
	int rc;
	struct rec_call *c = add(REC_SYSREG, &rc);

	(void)g;
	c->vcpu = vcpu;
	c->reg = reg;
	c->value = value;
	return rc;
}

int vmm_be_write_guest(struct vmm_guest *g, uint64_t ipa, const void *src, size_t len)
{
	int rc;
	struct rec_call *c = add(REC_WRITE, &rc);

	(void)g;
	c->ipa = ipa;
	c->size = len;
	if (rc == 0 && rec_ram != NULL) {
		assert_true(ipa >= rec_ram_base && ipa - rec_ram_base + len <= rec_ram_size);
		memcpy(rec_ram + (ipa - rec_ram_base), src, len);
	}
	return rc;
}

void vmm_be_console_line(struct vmm_guest *g, const char *line, size_t len)
{
	int rc;
	struct rec_call *c = add(REC_CONSOLE, &rc);

	(void)g;
	assert_true(len < sizeof(c->text));
	memcpy(c->text, line, len);
	c->text[len] = '\0';
	c->size = len;
}

bool vmm_be_console_partial(struct vmm_guest *g, const char *text, size_t len)
{
	int rc;
	struct rec_call *c = add(REC_CONSOLE_PARTIAL, &rc);

	(void)g;
	assert_true(len < sizeof(c->text));
	memcpy(c->text, text, len);
	c->text[len] = '\0';
	c->size = len;
	return rec_partial_taken;
}

static const struct rec_call *at(unsigned i, enum rec_kind kind)
{
	if (i >= rec_count)
		fail_msg("expected a backend call at %u, only %u were made", i, rec_count);
	assert_int_equal(rec_calls[i].kind, kind);
	return &rec_calls[i];
}

void rec_expect_cache(unsigned i, uint64_t ipa, uint64_t size, enum vmm_cache_op op,
		      enum vmm_cache_point point)
{
	const struct rec_call *c = at(i, REC_CACHE);

	assert_int_equal(c->ipa, ipa);
	assert_int_equal(c->size, size);
	assert_int_equal(c->op, op);
	assert_int_equal(c->point, point);
}

void rec_expect_traps(unsigned i, unsigned vcpu, uint64_t hcr)
{
	const struct rec_call *c = at(i, REC_TRAPS);

	assert_int_equal(c->vcpu, vcpu);
	assert_int_equal(c->value, hcr);
}

void rec_expect_sysreg(unsigned i, unsigned vcpu, enum vmm_sysreg reg, uint64_t value)
{
	const struct rec_call *c = at(i, REC_SYSREG);

	assert_int_equal(c->vcpu, vcpu);
	assert_int_equal(c->reg, reg);
	assert_int_equal(c->value, value);
}

void rec_expect_write(unsigned i, uint64_t ipa, uint64_t size)
{
	const struct rec_call *c = at(i, REC_WRITE);

	assert_int_equal(c->ipa, ipa);
	assert_int_equal(c->size, size);
}

void rec_expect_console(unsigned i, const char *line)
{
	const struct rec_call *c = at(i, REC_CONSOLE);

	assert_string_equal(c->text, line);
}

void rec_expect_console_partial(unsigned i, const char *text)
{
	const struct rec_call *c = at(i, REC_CONSOLE_PARTIAL);

	assert_string_equal(c->text, text);
}
