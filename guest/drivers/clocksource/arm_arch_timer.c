/*
 * The scheduler tick: each CPU's virtual timer, re-armed every 1/HZ s. Periodic (no dynticks),
 * so idle CPUs take ticks too, which keeps the simulated run easy to reason about.
 */
#include <asm/barrier.h>
#include <asm/irq.h>
#include <linux/kernel.h>
#include <linux/sched.h>

u64 arch_timer_rate;
static u64 tick_interval;

u64 arch_counter_get(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

void arch_timer_init(void)
{
	arch_timer_rate = read_sysreg(cntfrq_el0);
	tick_interval = arch_timer_rate / HZ;
	if (!tick_interval)
		tick_interval = 1;
}

void arch_timer_start(void)
{
	write_sysreg(arch_counter_get() + tick_interval, cntv_cval_el0);
	write_sysreg(1, cntv_ctl_el0);		/* enabled, not masked */
	isb();
}

void arch_timer_handle_irq(struct pt_regs *regs)
{
	/* From the previous deadline, not from now, so ticks do not drift with handler latency. */
	u64 next = read_sysreg(cntv_cval_el0) + tick_interval;
	u64 now = arch_counter_get();

	if (next <= now)
		next = now + tick_interval;
	write_sysreg(next, cntv_cval_el0);
	isb();
	scheduler_tick(regs);
}
