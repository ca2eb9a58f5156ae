/* The VMM's exit counts by cause (vmm/exit_stats.h). */
#include <cleave/print.h>
#include <vmm/exit_stats.h>
#include <vmm/exit_decode.h>

static void count(struct exit_stats_table *t, uint32_t key)
{
	for (unsigned i = 0; i < t->n; i++) {
		if (t->keys[i].key == key) {
			t->keys[i].count++;
			return;
		}
	}
	if (t->n == EXIT_STATS_KEYS) {
		t->more++;
		return;
	}
	t->keys[t->n++] = (struct exit_stats_key){key, 1};
}

void exit_stats_mmio(struct exit_stats *s, enum exit_stats_dev dev)
{
	if (dev < EXIT_DEV_COUNT)
		s->mmio[dev]++;
}

void exit_stats_sysreg(struct exit_stats *s, uint32_t key)
{
	count(&s->sysreg, key);
}

void exit_stats_call(struct exit_stats *s, bool smc, uint32_t fn)
{
	count(smc ? &s->smc : &s->hvc, fn);
}

struct words {
	struct exit_stats_word *out;
	unsigned n, max;
};

static struct exit_stats_word *word(struct words *w, uint64_t count)
{
	if (count == 0 || w->n == w->max)
		return NULL;
	w->out[w->n].count = count;
	return &w->out[w->n++];
}

static void sysreg_word(struct words *w, const struct exit_stats_key *k)
{
	/* CL_SYSREG: op0 << 14 | op1 << 11 | CRn << 7 | CRm << 3 | op2 (cleave/vcpu_abi.h). */
	unsigned op0 = k->key >> 14 & 3, op1 = k->key >> 11 & 7, crn = k->key >> 7 & 15;
	unsigned crm = k->key >> 3 & 15, op2 = k->key & 7;
	enum vmm_sysreg reg = vmm_sysreg_lookup(op0, op1, crn, crm, op2);
	struct exit_stats_word *x = word(w, k->count);

	if (x == NULL)
		return;
	if (reg != VMM_SYSREG_UNKNOWN) {
		ksnprintf(x->name, sizeof(x->name), "sysreg.%s", vmm_sysreg_name(reg));
		/* A word has no space: "DC CISW" becomes DC_CISW. */
		for (char *c = x->name; *c != '\0'; c++)
			if (*c == ' ')
				*c = '_';
	} else
		ksnprintf(x->name, sizeof(x->name), "sysreg.S%u_%u_C%u_C%u_%u", op0, op1, crn, crm,
			  op2);
}

static void table_words(struct words *w, const struct exit_stats_table *t, const char *what)
{
	struct exit_stats_word *x;

	for (unsigned i = 0; i < t->n; i++) {
		x = word(w, t->keys[i].count);
		if (x != NULL)
			ksnprintf(x->name, sizeof(x->name), "%s.%#x", what, t->keys[i].key);
	}
	x = word(w, t->more);
	if (x != NULL)
		ksnprintf(x->name, sizeof(x->name), "%s.more", what);
}

static void named(struct words *w, const char *name, uint64_t count)
{
	struct exit_stats_word *x = word(w, count);

	if (x != NULL)
		ksnprintf(x->name, sizeof(x->name), "%s", name);
}

unsigned exit_stats_words(const struct exit_stats *s, struct exit_stats_word *out, unsigned max)
{
	static const char *const dev[EXIT_DEV_COUNT] = {"mmio.gicd", "mmio.gicr", "mmio.uart",
							"mmio.doorbell", "mmio.none"};
	struct words w = {out, 0, max};

	for (unsigned d = 0; d < EXIT_DEV_COUNT; d++)
		named(&w, dev[d], s->mmio[d]);
	for (unsigned i = 0; i < s->sysreg.n; i++)
		sysreg_word(&w, &s->sysreg.keys[i]);
	named(&w, "sysreg.more", s->sysreg.more);
	table_words(&w, &s->hvc, "hvc");
	table_words(&w, &s->smc, "smc");
	named(&w, "wfx", s->wfx);
	named(&w, "maintenance", s->maintenance);
	named(&w, "other", s->other);
	return w.n;
}
