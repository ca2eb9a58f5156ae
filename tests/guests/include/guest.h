/*
 * The test guests' small runtime: start-up, the console, result lines,
 * PSCI calls and the device tree facts the tests need. Every guest is one
 * test file (guest_main) linked with this library (docs/guests.md).
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cleave/compiler.h>

#include "guest_layout.h"

#define read_sysreg(r)                                      \
	({                                                  \
		uint64_t v_;                                \
		__asm__ volatile("mrs %0, " #r : "=r"(v_)); \
		v_;                                         \
	})
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" ::"r"((uint64_t)(v)) : "memory")
#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")

/*
 * Device accesses as single loads and stores without writeback, as Linux's
 * accessors make them: a hypervisor emulating the device gets a valid syndrome
 * (ESR_EL2.ISV, Arm ARM D13.2.39), which an access with writeback or a pair lacks.
 */
static inline uint32_t mmio_read32(uint64_t addr)
{
	uint32_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write32(uint64_t addr, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" ::"rZ"(v), "r"(addr) : "memory");
}

static inline uint64_t mmio_read64(uint64_t addr)
{
	uint64_t v;

	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write64(uint64_t addr, uint64_t v)
{
	__asm__ volatile("str %x0, [%1]" ::"rZ"(v), "r"(addr) : "memory");
}

/* What the guest learnt from its device tree (dt.c). */
struct guest_dt {
	uint64_t ram_base, ram_size; /* the first /memory range */
	uint64_t uart;		     /* the console PL011 */
	unsigned uart_spi;	     /* its interrupt as an SPI number, or ~0U */
	bool psci_smc;		     /* /psci method "smc" (else "hvc") */
	bool psci_1_0;		     /* /psci compatible lists arm,psci-1.0 */
	unsigned gic_version;	     /* 2 or 3; 0 when the tree has no GIC */
	uint64_t gicd, gicc, gicr;   /* distributor; GICv2 CPU interface; GICv3 redistributors */
	uint64_t gicr_size;
	unsigned vtimer_ppi; /* the virtual timer's PPI number (INTID - 16), or ~0U */
	unsigned nr_cpus;
	uint64_t cpu_mpidr[GUEST_MAX_CPUS]; /* the reg of each /cpus/cpu node */
	const char *bootargs;		    /* /chosen bootargs, "" without */
	uint64_t rtc;			    /* the first arm,pl031 node's registers, or 0 */
	unsigned rtc_spi;		    /* its first interrupt as an SPI number, or ~0U */
	unsigned rtc_flags;		    /* that interrupt's trigger flags (4: level high) */
	/* A guest's ports (docs/vmm.md): the first node of each of Cleave's bindings. */
	uint64_t dataport, dataport_size; /* cleave,dataport: its window, or 0 */
	const char *dataport_name;	  /* its cleave,interface, "" without */
	unsigned event_in_spi;		  /* cleave,event-in: its SPI number, or ~0U */
	unsigned event_in_flags;	  /* its trigger flags (1: edge rising) */
	const char *event_in_name;
	uint64_t doorbell; /* cleave,event-out: its page, or 0 */
	const char *doorbell_name;
};

extern struct guest_dt guest_dt;
/* The guest's name, printed at start (each test file defines it). */
extern const char guest_name[];

/* The test: runs on CPU 0 after start-up; guest_start then prints DONE and powers off. */
void guest_main(void);

/* The device tree at `fdt` -> guest_dt; NULL or a message naming what is wrong. */
const char *dt_read(const void *fdt, struct guest_dt *out);
/* True when /chosen/bootargs holds `word` as a whole space-separated word. */
bool guest_bootarg(const char *word);

/* Console (PL011 at guest_dt.uart). Lines from several CPUs are not interleaved. */
void uart_init(uint64_t base);
void guest_printf(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Result lines: `GUEST PASS name` / `GUEST FAIL name: why`. */
void guest_pass(const char *name);
void guest_fail(const char *name, const char *why, ...) PRINTF_LIKE(2, 3);
/* PASS when `ok`, else FAIL with the message; returns ok. */
bool guest_check(bool ok, const char *name, const char *why, ...) PRINTF_LIKE(3, 4);
/* `GUEST DONE: N passed, M failed`, then PSCI SYSTEM_OFF. */
NORETURN void guest_done(void);

/* An SMCCC call through the device tree's conduit (hvc or smc); returns x0. */
uint64_t smccc_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
/*
 * The same, CPU 0 only, but an UNDEFINED conduit instruction (a bare board
 * whose firmware does not know `fn`) sets *undefined instead of failing the
 * guest.
 */
uint64_t smccc_probe(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, bool *undefined);

/* The saved registers of an exception (start.S). */
struct guest_frame {
	uint64_t x[31];
	uint64_t elr, spsr;
};

/*
 * Catching an expected synchronous exception: while armed, the next
 * synchronous exception is recorded here and the faulting instruction is
 * skipped (ELR + 4) instead of being reported as unexpected.
 */
struct guest_caught {
	volatile bool armed, taken;
	volatile uint64_t esr, far, elr;
};
extern struct guest_caught guest_caught;

/* Interrupt handler the irq test installs; called with the IRQ still pending at the GIC. */
extern void (*volatile guest_irq_handler)(void);

/* Secondary CPUs: start `fn(arg)` on the CPU with affinity `mpidr`; the PSCI result. */
int64_t guest_cpu_on(unsigned index, uint64_t mpidr, void (*fn)(unsigned), unsigned arg);
/* This CPU's index in guest_dt.cpu_mpidr (by MPIDR_EL1), or -1. */
int guest_cpu_index(void);

/* Milliseconds from the virtual counter (CNTVCT_EL0 / CNTFRQ_EL0). */
uint64_t guest_ms(void);
/* Wait until *flag == value, at most `ms` milliseconds; true when it got there. */
bool guest_wait_for(const volatile unsigned *flag, unsigned value, unsigned ms);

/* PSCI (Arm DEN 0022) and SMCCC (Arm DEN 0028) function IDs and results. */
#define PSCI_VERSION 0x84000000U
#define PSCI_CPU_OFF 0x84000002U
#define PSCI_CPU_ON_64 0xc4000003U
#define PSCI_AFFINITY_INFO_64 0xc4000004U
#define PSCI_MIGRATE_INFO_TYPE 0x84000006U
#define PSCI_SYSTEM_OFF 0x84000008U
#define PSCI_FEATURES 0x8400000aU
#define SMCCC_VERSION 0x80000000U
#define SMCCC_ARCH_FEATURES 0x80000001U
#define SMCCC_ARCH_WORKAROUND_1 0x80008000U
#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_ALREADY_ON (-4)
#define PSCI_AFF_ON 0
#define PSCI_AFF_OFF 1

/* Unmask or mask IRQs at this CPU (PSTATE.I). */
static inline void irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}

#endif
