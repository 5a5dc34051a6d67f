/*
 * printk: format into a local buffer, then write the whole line to the UART under the console
 * lock with IRQs off, so lines from different CPUs never interleave.
 */
#include <linux/kernel.h>
#include <linux/spinlock.h>

static DEFINE_RAW_SPINLOCK(console_lock);
bool console_locked_by_panic;

int vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	unsigned long flags;
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (console_locked_by_panic) {	/* panic() owns the console now: no lock, no waiting */
		console_write(buf, n);
		return n;
	}
	raw_spin_lock_irqsave(&console_lock, flags);
	console_write(buf, n);
	raw_spin_unlock_irqrestore(&console_lock, flags);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
