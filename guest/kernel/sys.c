/*
 * System call bodies. This file is traced (built with -fpatchable-function-entry=2): a user
 * task in a system call runs traced functions, and can be preempted inside them.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/syscalls.h>

long sys_write(unsigned long fd, const char *buf, unsigned long len)
{
	if (len > 4096)
		len = 4096;
	/* EL0 data is readable by EL1 (no PAN): print it in one piece under the console lock. */
	printk("%.*s", (int)len, buf);
	return (long)len;
}

void sys_exit(long code)
{
	do_exit((int)code);
}

long sys_nanosleep(unsigned long ns)
{
	u64 ticks = ns * HZ / 1000000000UL;

	schedule_timeout_uninterruptible(ticks ? (long)ticks : 1);
	return 0;
}

long sys_sched_yield(void)
{
	yield();
	return 0;
}

long sys_getcpu(unsigned int *cpu)
{
	if (cpu)
		*cpu = smp_processor_id();
	return 0;
}
