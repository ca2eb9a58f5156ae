/*
 * Start-up in C, exceptions, SMCCC calls and secondary CPUs.
 */
#include <string.h>

#include "guest.h"

/* ESR_ELx.EC values (Arm ARM D17.2.37). */
#define EC_UNKNOWN 0x00

struct guest_dt guest_dt;
struct guest_caught guest_caught;
void (*volatile guest_irq_handler)(void);

/* One stack per CPU: the boot CPU's first (start.S), then one per device tree CPU. */
__attribute__((aligned(16))) uint8_t guest_stacks[GUEST_MAX_CPUS + 1][GUEST_STACK_SIZE];

/* What a secondary CPU starts with: read by guest_secondary_entry (stack first). */
struct guest_cpu_boot {
	uint64_t stack_top;
	void (*fn)(unsigned);
	unsigned arg;
};

static struct guest_cpu_boot cpu_boot[GUEST_MAX_CPUS];

void guest_start(const void *fdt);
void guest_secondary_start(struct guest_cpu_boot *boot);
void guest_sync(struct guest_frame *f);
void guest_irq(struct guest_frame *f);
void guest_unexpected(struct guest_frame *f);
void guest_secondary_entry(void);

void guest_start(const void *fdt)
{
	const char *err = dt_read(fdt, &guest_dt);

	/* Without a console there is no one to tell: the judge's timeout reports it. */
	if (guest_dt.uart == 0)
		for (;;)
			__asm__ volatile("wfi");
	uart_init(guest_dt.uart);
	guest_printf("GUEST %s: start, device tree at %p\n", guest_name, fdt);
	if (err != NULL) {
		guest_fail("dt", "%s", err);
		guest_done();
	}
	guest_printf("GUEST %s: RAM %#llx+%#llx, %u CPUs, GICv%u, PSCI via %s, bootargs \"%s\"\n",
		     guest_name, (unsigned long long)guest_dt.ram_base,
		     (unsigned long long)guest_dt.ram_size, guest_dt.nr_cpus, guest_dt.gic_version,
		     guest_dt.psci_smc ? "smc" : "hvc", guest_dt.bootargs);
	guest_main();
	guest_done();
}

void guest_secondary_start(struct guest_cpu_boot *boot)
{
	boot->fn(boot->arg);
	guest_fail("cpu", "secondary CPU %u returned from its function", boot->arg);
	for (;;)
		__asm__ volatile("wfi");
}

static NORETURN void unexpected(const char *what, const struct guest_frame *f)
{
	guest_fail("exception", "unexpected %s: ESR_EL1=%#llx ELR_EL1=%#llx FAR_EL1=%#llx", what,
		   (unsigned long long)read_sysreg(esr_el1), (unsigned long long)f->elr,
		   (unsigned long long)read_sysreg(far_el1));
	guest_done();
}

void guest_sync(struct guest_frame *f)
{
	if (!guest_caught.armed)
		unexpected("synchronous exception", f);
	guest_caught.esr = read_sysreg(esr_el1);
	guest_caught.far = read_sysreg(far_el1);
	guest_caught.elr = f->elr;
	guest_caught.armed = false;
	guest_caught.taken = true;
	f->elr += 4;
}

void guest_irq(struct guest_frame *f)
{
	void (*handler)(void) = guest_irq_handler;

	if (handler == NULL)
		unexpected("IRQ", f);
	handler();
}

void guest_unexpected(struct guest_frame *f)
{
	unexpected("exception (not a synchronous one or an IRQ from EL1h)", f);
}

/* SMC Calling Convention (Arm DEN 0028) v1.0: x0-x17 may change; x0 is the result. */
#define SMCCC_CLOBBERS                                                                       \
	"x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", \
		"x17", "memory"

uint64_t smccc_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	if (guest_dt.psci_smc)
		__asm__ volatile("smc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :
				 : SMCCC_CLOBBERS);
	else
		__asm__ volatile("hvc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :
				 : SMCCC_CLOBBERS);
	return x0;
}

uint64_t smccc_probe(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, bool *undefined)
{
	uint64_t r;

	guest_caught.taken = false;
	guest_caught.armed = true;
	r = smccc_call(fn, a1, a2, a3);
	guest_caught.armed = false;
	*undefined = guest_caught.taken && FIELD(guest_caught.esr, 31, 26) == EC_UNKNOWN;
	if (guest_caught.taken && !*undefined) {
		guest_fail("exception", "SMCCC call %#llx took exception ESR_EL1=%#llx",
			   (unsigned long long)fn, (unsigned long long)guest_caught.esr);
		guest_done();
	}
	return r;
}

int64_t guest_cpu_on(unsigned index, uint64_t mpidr, void (*fn)(unsigned), unsigned arg)
{
	struct guest_cpu_boot *b = &cpu_boot[index];

	b->stack_top = (uint64_t)&guest_stacks[index + 1][GUEST_STACK_SIZE];
	b->fn = fn;
	b->arg = arg;
	dsb(sy);
	return (int64_t)smccc_call(PSCI_CPU_ON_64, mpidr, (uint64_t)&guest_secondary_entry,
				   (uint64_t)b);
}

int guest_cpu_index(void)
{
	uint64_t aff = read_sysreg(mpidr_el1) & 0xff00ffffffULL;

	for (unsigned i = 0; i < guest_dt.nr_cpus; i++) {
		if (guest_dt.cpu_mpidr[i] == aff)
			return (int)i;
	}
	return -1;
}

uint64_t guest_ms(void)
{
	uint64_t freq = read_sysreg(cntfrq_el0);

	isb();
	return read_sysreg(cntvct_el0) / (freq / 1000 ? freq / 1000 : 1);
}

bool guest_wait_for(const volatile unsigned *flag, unsigned value, unsigned ms)
{
	uint64_t end = guest_ms() + ms;

	while (*flag != value) {
		if (guest_ms() > end)
			return false;
	}
	return true;
}
