/* selftest=1: every subsystem's self-tests as TAP version 13, then the plan. */
#include <linux/kernel.h>
#include <linux/selftest.h>

static int tap_count, tap_failed;

bool tap_ok(bool ok, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tap_count++;
	if (!ok)
		tap_failed++;
	printk("%s %d - %s\n", ok ? "ok" : "not ok", tap_count, buf);
	return ok;
}

void tap_diag(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk("# %s\n", buf);
}

void run_selftests(void)
{
	printk("TAP version 13\n");
	sched_selftest();
	mmu_selftest();
	rcu_selftest();
	patching_selftest();
	ftrace_selftest();
	printk("1..%d\n", tap_count);
	printk("# selftests: %d passed, %d failed\n", tap_count - tap_failed, tap_failed);
}
