/* The model's state and the functions its source files share. Not an API. */
#ifndef MODEL_INT_H
#define MODEL_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <model/attr.h>
#include <model/explore.h>
#include <model/model.h>

#define HIST_CAP 1024u
#define NO_SEQ 0u
#define MAX_LINE_WORDS 64u

/* One line of one cache; its words live in the cache's data array. */
struct mline {
	uint64_t line; /* line index (address - base) / line_bytes */
	bool valid;
	bool dirty;
	bool spec;	   /* filled speculatively */
	uint32_t fill_seq; /* the event that filled it */
};

struct mcache {
	unsigned sets, ways;
	struct mline *lines; /* [set * ways + way] */
	uint64_t *data;	     /* [(set * ways + way) * words per line + word] */
};

enum ev_kind {
	EV_STORE,
	EV_LOAD,
	EV_IFETCH,
	EV_WALK,
	EV_FILL,      /* a line enters a cache (demand or speculative) */
	EV_WRITEBACK, /* a dirty line's data moves down a level */
	EV_DROP,      /* a line leaves a cache; aux: 1 if it was dirty */
	EV_DC_VA,     /* aux: enum model_dc_op */
	EV_DC_SW,     /* aux: enum model_sw_op, level in cache */
	EV_IC,	      /* aux: enum model_ic_op */
	EV_TLBI,      /* aux: enum model_tlbi_op */
	EV_TLB_FILL,  /* a walk (demand or speculative) fills a TLB entry */
	EV_OVERWRITE, /* a writeback replaced the latest value in memory */
};

/* Where an event happened: a cache, memory or a TLB. */
enum ev_where {
	AT_L1D,
	AT_L1I,
	AT_L2,
	AT_MEM,
	AT_TLB,
	AT_NONE,
};

struct event {
	uint32_t seq;
	uint8_t kind; /* enum ev_kind */
	uint8_t cpu;
	uint8_t where; /* enum ev_where */
	uint8_t aux;
	uint8_t type; /* enum model_type of an access */
	bool spont;
	uint64_t addr;
	uint64_t value;
};

struct model {
	struct model_config cfg;
	unsigned wpl; /* words per line */
	uint64_t nlines, nwords;
	bool has_l2;
	uint64_t *mem;	      /* [word] */
	uint64_t *latest;     /* [word] the oracle */
	uint32_t *latest_seq; /* [word] the store that wrote it (NO_SEQ: initial) */
	struct mcache l1d[MODEL_MAX_CPUS], l1i[MODEL_MAX_CPUS], l2;
	uint8_t *map_d, *map_i; /* [cpu * nlines + line] enum model_type */
	uint8_t *map_w;		/* [cpu * nwords + word] 0: not a table, else type + 1 */
	bool *tlb_valid;	/* [cpu * nwords + word] */
	uint64_t *tlb_val;
	uint32_t *tlb_seq;
	struct model_regime regime[MODEL_MAX_CPUS];
	uint64_t rng;
	unsigned spont_rate; /* RANDOM: percent of steps that get events */
	unsigned spont_left; /* EXHAUSTIVE: budget left in this run */
	bool in_spont;	     /* the current effects are of a spontaneous event */
	uint32_t seq;	     /* the last event's number */
	struct event hist[HIST_CAP];
	unsigned long stale;
	unsigned long errors;
	char report[MODEL_REPORT_BYTES];
	char error[256];
};

/* model.c */
int model_fail(struct model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int model_check_cpu(struct model *m, const char *fn, unsigned cpu);
int model_check_addr(struct model *m, const char *fn, uint64_t addr);
int model_check_type(struct model *m, const char *fn, enum model_type t);
uint64_t model_line_of(const struct model *m, uint64_t addr);
uint64_t model_word_of(const struct model *m, uint64_t addr);
uint64_t model_line_addr(const struct model *m, uint64_t line);
unsigned model_choose(struct model *m, unsigned n);

/* cache.c: the hierarchy's mechanics */
struct mline *cache_find(struct mcache *c, unsigned wpl, uint64_t line);
uint64_t *cache_data(struct mcache *c, unsigned wpl, const struct mline *l);
struct mline *cache_slot(struct model *m, struct mcache *c, enum ev_where where, unsigned cpu,
			 uint64_t line);
void cache_writeback(struct model *m, struct mcache *c, enum ev_where where, unsigned cpu,
		     struct mline *l);
void cache_drop(struct model *m, struct mcache *c, enum ev_where where, unsigned cpu,
		struct mline *l);
void cache_evict(struct model *m, struct mcache *c, enum ev_where where, unsigned cpu,
		 struct mline *l);
void mem_write_line(struct model *m, uint64_t line, const uint64_t *words);
enum model_source coherent_read(struct model *m, unsigned cpu, uint64_t line, uint64_t *words);
struct mline *l1d_fill(struct model *m, unsigned cpu, uint64_t line, bool spec);
struct mline *l1d_fill_from(struct model *m, unsigned cpu, uint64_t line, bool spec,
			    enum model_source *src);
struct mline *l1i_fill(struct model *m, unsigned cpu, uint64_t line, bool spec,
		       enum model_source *src);
struct mline *l2_fill(struct model *m, uint64_t line, bool spec);
void clean_line_to(struct model *m, uint64_t line, bool to_memory);
void invalidate_line(struct model *m, uint64_t line);
bool tlb_fill(struct model *m, unsigned cpu, uint64_t word, enum model_type type, bool spec,
	      struct model_read *out);

/* history.c */
uint32_t hist_add(struct model *m, enum ev_kind kind, unsigned cpu, enum ev_where where,
		  uint64_t addr, uint64_t value, unsigned aux, enum model_type type);
void stale_report(struct model *m, enum model_kind kind, unsigned cpu, uint64_t addr,
		  enum model_type type, const struct model_read *r);

/* spont.c */
unsigned spont_enumerate(struct model *m, unsigned target, bool *done);

#endif
