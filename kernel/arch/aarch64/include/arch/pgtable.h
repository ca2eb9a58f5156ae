/*
 * EL2 stage-1 translation tables: 4 KiB granule, 39-bit virtual addresses
 * (TCR_EL2.T0SZ = 25), so a walk starts at level 1 (Arm ARM D8.2, "Translation
 * table walk"). Level-2 entries map 2 MiB blocks, level-3 entries 4 KiB pages.
 * The builder is pure C over a pool of tables and is unit-tested on the host;
 * the kernel's tables are identity mapped, so a table's address is its PA.
 */
#ifndef ARCH_PGTABLE_H
#define ARCH_PGTABLE_H

#include <cleave/compiler.h>

#define PT_ENTRIES 512
#define PT_VA_BITS 39
#define PAGE_SIZE 4096ULL
#define BLOCK_SIZE (2ULL << 20)

/* Indexes into MAIR_EL2, set in mmu.c. */
#define MAIR_IDX_DEVICE 0 /* Device-nGnRnE */
#define MAIR_IDX_NORMAL 1 /* Normal, inner/outer write-back, read/write-allocate */

enum pt_perm {
	PT_DEVICE, /* Device-nGnRnE, read-write, execute-never */
	PT_RW,	   /* Normal, read-write, execute-never */
	PT_RO,	   /* Normal, read-only, execute-never */
	PT_RX,	   /* Normal, read-only, executable */
};

enum pt_error {
	PT_OK = 0,
	PT_ENOMEM = -1,	  /* the pool has no free table */
	PT_EALIGN = -2,	  /* va, pa or size not page aligned */
	PT_EOVERLAP = -3, /* part of the range is mapped already */
	PT_ERANGE = -4,	  /* beyond the virtual address space */
};

struct pt_pool {
	uint64_t (*tables)[PT_ENTRIES]; /* zeroed, page aligned */
	unsigned num;
	unsigned used;
};

enum pt_memattr {
	PT_MEM_NORMAL = 0,    /* CL attr 0: normal, write-back cacheable */
	PT_MEM_NORMAL_NC = 1, /* CL attr 1: normal, non-cacheable */
	PT_MEM_DEVICE = 2,    /* CL attr 2: Device-nGnRnE */
};

/* Takes the first table of the pool as the level-1 root and returns it. */
uint64_t *pt_init(struct pt_pool *pool);
enum pt_error pt_map(struct pt_pool *pool, uint64_t *root, uint64_t va, uint64_t pa, uint64_t size,
		     enum pt_perm perm);
/*
 * Like pt_map with explicit leaf attributes (pt_s2_attrs for stage 2); with blocks
 * false, 4 KiB pages only (stage 2 on a platform without stage2_blocks, aspace.c).
 * With PTE_LAZY in attrs the leaves are written invalid, as PTE_LAZY says.
 */
enum pt_error pt_map_attrs(struct pt_pool *pool, uint64_t *root, uint64_t va, uint64_t pa,
			   uint64_t size, uint64_t attrs, bool blocks);
uint64_t pt_s2_attrs(bool read, bool write, bool exec, enum pt_memattr attr);
/*
 * Would mapping one page or 2 MiB (as a block, or with blocks false as 512 pages) at
 * va succeed? Changes nothing.
 */
enum pt_error pt_map_check(const struct pt_pool *pool, const uint64_t *root, uint64_t va,
			   uint64_t size, bool blocks);
/* The leaf descriptor mapping va (a page or block entry, valid or PTE_LAZY), or NULL. */
uint64_t *pt_leaf(uint64_t *root, uint64_t va);
/* Looks va up; returns the leaf descriptor (valid or PTE_LAZY) or 0 when unmapped. */
uint64_t pt_lookup(const uint64_t *root, uint64_t va, uint64_t *pa);
const char *pt_error_name(enum pt_error e);

/* Descriptor bits (Arm ARM D8.3, "Translation table descriptor formats"). */
#define PTE_VALID BIT(0)
/*
 * A leaf the kernel keeps invalid until first touched: the address and attributes of
 * a mapping whose 2 MiB frame is not zeroed yet (lazy_zero.h). The walker ignores
 * every other bit of an invalid descriptor (D8.3.1), so it faults there like an
 * empty entry; these tables treat it as a mapping (pt_leaf, pt_lookup, overlaps).
 */
#define PTE_LAZY BIT(55)
#define PTE_TABLE BIT(1) /* at levels 0-2: table; at level 3 must be set for a page */
#define PTE_ATTRIDX(i) ((uint64_t)(i) << 2)
#define PTE_AP_RO BIT(7)
#define PTE_AP1 BIT(6) /* RES1 in the EL2 (one-EL) regime */
#define PTE_SH_INNER (3ULL << 8)
#define PTE_AF BIT(10)
#define PTE_XN BIT(54)
#define PTE_ADDR_MASK 0x0000fffffffff000ULL

#endif
