/*
 * An executable model of the Armv8-A memory system as far as cache coherence
 * goes: N CPUs, each with an L1 data cache, an L1 instruction cache and a
 * TLB; one shared L2 cache; main memory (the Point of Coherency). It exists
 * to show, mechanically, whether a sequence of accesses and cache-maintenance
 * operations lets any read see a value other than the last one written.
 *
 * Addresses are physical (a hypervisor adapter adds its IPA->PA offset).
 * Memory is an array of 64-bit words; accesses are one aligned word.
 *
 * Every "program step" (each store, load, fetch, walk and maintenance
 * operation below) first lets the scheduler inject spontaneous events -
 * speculative line fills of anything mapped cacheable, evictions, speculative
 * table walks - as the architecture allows at any moment (Arm ARM D4.4.1,
 * "General behavior of the caches"). With MODEL_SCHED_NONE nothing is
 * injected, and the model_spont_* calls place events by hand.
 *
 * Every store records its value as the architecturally latest one for its
 * address (the oracle); a read returning anything else is a stale read,
 * counted and, for the first one, described in model_report() with the
 * event history of its line and, where derivable, the missing operation.
 *
 * All calls that can be given bad input return 0 or a negative MODEL_E*
 * value; model_error() then says what was wrong.
 */
#ifndef MODEL_MODEL_H
#define MODEL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <model/attr.h>

#define MODEL_MAX_CPUS 4
#define MODEL_WORD_BYTES 8
#define MODEL_REPORT_BYTES 4096

struct model;
struct model_explore;

/*
 * Where the Point of Unification of each CPU is (Arm ARM D4.4.7, "Terms used
 * in describing the maintenance instructions"): at the L2, where instruction
 * fetches, data accesses and table walks of the inner shareable domain meet
 * (the usual Cortex-A shape), or at memory (no unified cache before it), in
 * which case PoU and PoC coincide.
 */
enum model_pou {
	MODEL_POU_L2,
	MODEL_POU_MEMORY,
};

enum model_sched {
	MODEL_SCHED_NONE,	/* no spontaneous events unless placed by hand */
	MODEL_SCHED_RANDOM,	/* a seeded number of random events before every step */
	MODEL_SCHED_EXHAUSTIVE, /* every choice enumerated by a struct model_explore */
};

struct model_config {
	unsigned cpus;		   /* 1 .. MODEL_MAX_CPUS */
	unsigned line_bytes;	   /* a power of two, at least MODEL_WORD_BYTES */
	uint64_t mem_base;	   /* physical address of the first byte, line aligned */
	uint64_t mem_bytes;	   /* a multiple of line_bytes */
	unsigned l1_sets, l1_ways; /* each L1 (D and I); sets a power of two */
	unsigned l2_sets, l2_ways; /* l2_sets == 0: no L2 cache */
	enum model_pou pou;
	enum model_sched sched;
	unsigned spont_max;	       /* RANDOM: at most this many events before a step */
	unsigned spont_bound;	       /* EXHAUSTIVE: at most this many events per run */
	struct model_explore *explore; /* EXHAUSTIVE: the enumerator to take choices from */
};

/* A small default: 2 CPUs, 64-byte lines, 4 KiB of memory, PoU at the L2. */
void model_config_default(struct model_config *cfg);

enum model_errno {
	MODEL_OK = 0,
	MODEL_EINVAL = -1, /* a bad argument; model_error() names it */
	MODEL_ENOMEM = -2,
};

/* NULL on a bad configuration or no memory; the reason is written to err. */
struct model *model_new(const struct model_config *cfg, uint64_t seed, char *err, size_t errlen);
void model_free(struct model *m);
const char *model_error(const struct model *m);
const struct model_config *model_config(const struct model *m);

/* ---- Accesses ---------------------------------------------------------- */

enum model_kind {
	MODEL_KIND_DATA,
	MODEL_KIND_IFETCH,
	MODEL_KIND_WALK,
};

/* Where a read found its value. */
enum model_source {
	MODEL_SRC_L1D,	    /* the CPU's own L1 data cache */
	MODEL_SRC_PEER_L1D, /* another CPU's L1 data cache (coherence snoop) */
	MODEL_SRC_L2,
	MODEL_SRC_MEMORY,
	MODEL_SRC_L1I,
	MODEL_SRC_TLB,
};

struct model_read {
	uint64_t value;
	uint64_t expected; /* the last value written (the oracle) */
	bool stale;
	enum model_source source;
};

/*
 * A store of one word with the effective memory type of the access.
 * Cacheable (WB) stores allocate in the CPU's L1D and leave it dirty; WT ones
 * write through to memory as well; Device and Normal-NC stores go to memory
 * and do not look in any cache (Arm ARM B2.7; with copies cached through a
 * cacheable alias, B2.8 "Mismatched memory attributes").
 */
int model_store(struct model *m, unsigned cpu, uint64_t addr, uint64_t value, enum model_type type);
int model_load(struct model *m, unsigned cpu, uint64_t addr, enum model_type type,
	       struct model_read *out);
/* An instruction fetch: through the CPU's L1I, which fills from the PoU. */
int model_ifetch(struct model *m, unsigned cpu, uint64_t addr, enum model_type type,
		 struct model_read *out);
/*
 * A translation table walk reading the descriptor at desc_addr with the
 * walk's memory type; the CPU's TLB keeps the descriptor until a TLBI.
 */
int model_walk(struct model *m, unsigned cpu, uint64_t desc_addr, enum model_type type,
	       struct model_read *out);

/* ---- Maintenance ------------------------------------------------------- */

enum model_dc_op {
	MODEL_DC_CVAU,	/* clean to PoU */
	MODEL_DC_CVAC,	/* clean to PoC */
	MODEL_DC_IVAC,	/* invalidate to PoC */
	MODEL_DC_CIVAC, /* clean and invalidate to PoC */
};

/* By address, from EL2: acts on every CPU's caches (inner shareable). */
int model_dc_va(struct model *m, unsigned cpu, enum model_dc_op op, uint64_t addr);
/* Every line overlapping [lo, hi), one program step per line. */
int model_dc_range(struct model *m, unsigned cpu, enum model_dc_op op, uint64_t lo, uint64_t hi);

enum model_sw_op {
	MODEL_DC_CSW,
	MODEL_DC_ISW,
	MODEL_DC_CISW,
};

/* By set/way: one line of the local CPU's cache at level 1 (L1D) or 2 (L2). */
int model_dc_sw(struct model *m, unsigned cpu, enum model_sw_op op, unsigned level, unsigned set,
		unsigned way);
/* The usual loop over every set and way of one level, one step per line. */
int model_dc_sw_all(struct model *m, unsigned cpu, enum model_sw_op op, unsigned level);

enum model_ic_op {
	MODEL_IC_IVAU,	  /* by address to PoU, every CPU's I-cache */
	MODEL_IC_IALLU,	  /* the whole local I-cache */
	MODEL_IC_IALLUIS, /* every CPU's whole I-cache */
};

int model_ic(struct model *m, unsigned cpu, enum model_ic_op op, uint64_t addr);
int model_ic_range(struct model *m, unsigned cpu, uint64_t lo, uint64_t hi);

enum model_tlbi_op {
	MODEL_TLBI_VA,	  /* the entry from one descriptor, local TLB */
	MODEL_TLBI_VAIS,  /* the entry from one descriptor, every CPU */
	MODEL_TLBI_ALL,	  /* the local TLB */
	MODEL_TLBI_ALLIS, /* every TLB */
};

/* TLB entries are keyed by descriptor address (see docs/coherence.md). */
int model_tlbi(struct model *m, unsigned cpu, enum model_tlbi_op op, uint64_t desc_addr);

/* ---- Mappings (what speculation may touch) ----------------------------- */

/*
 * Declare how [lo, hi) is mapped for a CPU from now on: the effective type of
 * its data accesses and of its instruction fetches. Cacheable types allow
 * speculative fills of the lines at any moment; Device (the default) allows
 * none. A mapping stays in force until changed; unmapping is mapping Device.
 */
int model_map(struct model *m, unsigned cpu, uint64_t lo, uint64_t hi, enum model_type data,
	      enum model_type ifetch);
/* Declare [lo, hi) as translation tables the CPU may walk speculatively. */
int model_map_walk(struct model *m, unsigned cpu, uint64_t lo, uint64_t hi, enum model_type walk);
int model_unmap_walk(struct model *m, unsigned cpu, uint64_t lo, uint64_t hi);

/* ---- Spontaneous events ------------------------------------------------ */

enum model_cache {
	MODEL_CACHE_L1D,
	MODEL_CACHE_L1I,
	MODEL_CACHE_L2,
	MODEL_CACHE_MEMORY, /* model_peek only */
};

/* How many spontaneous events are possible in the current state. */
unsigned model_spont_count(struct model *m);
/* Perform the index-th of them (in the model's fixed enumeration order). */
int model_spont_do(struct model *m, unsigned index);
/* Place one by hand: a speculative fill (cpu ignored for the L2). */
int model_spont_fill(struct model *m, enum model_cache c, unsigned cpu, uint64_t addr);
/* An eviction: writeback if dirty, then drop. */
int model_spont_evict(struct model *m, enum model_cache c, unsigned cpu, uint64_t addr);
/* A speculative table walk filling the CPU's TLB. */
int model_spont_walk(struct model *m, unsigned cpu, uint64_t desc_addr);
/* The scheduler's turn; every program step starts with it. */
void model_sched_point(struct model *m);

/* ---- Inspection -------------------------------------------------------- */

struct model_line_state {
	bool present;
	bool dirty;
	uint64_t value; /* of the word at the address asked for */
};

int model_peek(const struct model *m, enum model_cache c, unsigned cpu, uint64_t addr,
	       struct model_line_state *out);
unsigned long model_stale_count(const struct model *m);
/* The first stale read's description; "" when there was none. */
const char *model_report(const struct model *m);
/* How many events the history holds (for tests). */
unsigned long model_event_count(const struct model *m);

const char *model_source_name(enum model_source s);
const char *model_dc_op_name(enum model_dc_op op);

#endif
