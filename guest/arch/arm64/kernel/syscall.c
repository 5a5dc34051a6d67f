/* System calls from EL0: number in x8, arguments in x0..x5, result in x0 (Linux's ABI). */
#include <asm/ptrace.h>
#include <linux/kernel.h>
#include <linux/syscalls.h>

#define ENOSYS 38

void invoke_syscall(struct pt_regs *regs)
{
	long ret;

	switch (regs->regs[8]) {
	case __NR_write:
		ret = sys_write(regs->regs[0], (const char *)regs->regs[1], regs->regs[2]);
		break;
	case __NR_exit:
		sys_exit(regs->regs[0]);
	case __NR_nanosleep:
		ret = sys_nanosleep(regs->regs[0]);
		break;
	case __NR_sched_yield:
		ret = sys_sched_yield();
		break;
	case __NR_getcpu:
		ret = sys_getcpu((unsigned int *)regs->regs[0]);
		break;
	default:
		ret = -ENOSYS;
	}
	regs->regs[0] = ret;
}
