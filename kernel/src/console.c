/*
 * The console: formats a whole message first, then writes it under a lock
 * with interrupts masked, so lines from several CPUs (and from the timer
 * interrupt) never interleave.
 */
#include <cleave/arch.h>
#include <cleave/console.h>
#include <cleave/print.h>
#include <cleave/spinlock.h>
#include <cleave/uart.h>

#define CONSOLE_LINE_MAX 256
/* How long the panic path waits for the lock before writing over it. */
#define FORCE_SPINS 1000000

static struct spinlock console_lock = SPINLOCK_INIT;
/*
 * Off until the MMU is on: with the MMU off every data access is Device
 * memory, where exclusive loads and stores need not work (Arm ARM B2.9.5),
 * and only the boot CPU runs then anyway.
 */
static bool console_locking;

void console_enable_locking(void)
{
	console_locking = true;
}

static void write_raw(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

void console_write(const char *s, size_t n)
{
	unsigned long flags;

	if (!console_locking) {
		write_raw(s, n);
		return;
	}
	flags = arch_irq_save();
	spin_lock(&console_lock);
	write_raw(s, n);
	spin_unlock(&console_lock);
	arch_irq_restore(flags);
}

void console_write_force(const char *s, size_t n)
{
	unsigned long flags = arch_irq_save();
	bool locked = false;

	for (unsigned i = 0; console_locking && i < FORCE_SPINS && !locked; i++)
		locked = spin_trylock(&console_lock);
	write_raw(s, n);
	if (locked)
		spin_unlock(&console_lock);
	arch_irq_restore(flags);
}

void kvprintf(const char *fmt, va_list ap)
{
	char line[CONSOLE_LINE_MAX];
	size_t n = kvsnprintf(line, sizeof(line), fmt, ap);

	console_write(line, n < sizeof(line) ? n : sizeof(line) - 1);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}
