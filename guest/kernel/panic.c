/*
 * panic() and oopses: the reason, the registers, a backtrace from the frame records, then
 * the other CPUs are stopped and the machine exits with a failure status (semihosting).
 */
#include <asm/barrier.h>
#include <asm/ptrace.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/smp.h>

extern bool console_locked_by_panic;
void smp_send_stop(void);
static volatile int panic_cpu = -1;

/* Follow the frame records (x29 chains) while they stay inside kernel memory. */
void dump_backtrace(unsigned long fp, unsigned long pc)
{
	printk("Call trace:\n");
	if (pc)
		printk(" %pS\n", (void *)pc);
	for (int depth = 0; depth < 32 && fp; depth++) {
		if (fp & 0xf || fp < 0x40000000UL || fp >= 0x48000000UL)
			break;
		unsigned long next = ((unsigned long *)fp)[0];
		unsigned long lr = ((unsigned long *)fp)[1];

		if (!lr)
			break;
		printk(" %pS\n", (void *)(lr - 4));
		if (next <= fp)
			break;
		fp = next;
	}
}

static void show_regs(struct pt_regs *regs)
{
	printk("pc : %pS\nlr : %pS\nsp : %016llx pstate %08llx\n", (void *)regs->pc,
	       (void *)regs->regs[30], (unsigned long long)regs->sp,
	       (unsigned long long)regs->pstate);
	for (int i = 29; i >= 0; i -= 2) {
		if (i > 0)
			printk("x%-2d: %016llx x%-2d: %016llx\n", i, (unsigned long long)regs->regs[i],
			       i - 1, (unsigned long long)regs->regs[i - 1]);
		else
			printk("x0 : %016llx\n", (unsigned long long)regs->regs[0]);
	}
}

static bool enter_panic(void)
{
	int expected = -1;

	local_irq_disable();
	if (!__atomic_compare_exchange_n(&panic_cpu, &expected, smp_processor_id(), false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		for (;;)	/* another CPU is already panicking */
			wfi();
	}
	smp_send_stop();
	console_locked_by_panic = true;
	return true;
}

void __die(const char *reason, struct pt_regs *regs)
{
	enter_panic();
	printk("CPU: %d PID: %d Comm: %s\n", smp_processor_id(), current->pid, current->comm);
	show_regs(regs);
	dump_backtrace(regs->regs[29], regs->pc);
	printk("Kernel panic - not syncing: Fatal exception: %s\n", reason);
	machine_fail(1);
}

void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	struct pt_regs regs;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	enter_panic();
	/* The caller's registers, as far as C can see them. */
	asm volatile("stp x0, x1, [%0, #0]\n\tstp x2, x3, [%0, #16]\n\tstp x4, x5, [%0, #32]\n\t"
		     "stp x6, x7, [%0, #48]\n\tstp x8, x9, [%0, #64]\n\tstp x10, x11, [%0, #80]\n\t"
		     "stp x12, x13, [%0, #96]\n\tstp x14, x15, [%0, #112]\n\tstp x16, x17, [%0, #128]\n\t"
		     "stp x18, x19, [%0, #144]\n\tstp x20, x21, [%0, #160]\n\tstp x22, x23, [%0, #176]\n\t"
		     "stp x24, x25, [%0, #192]\n\tstp x26, x27, [%0, #208]\n\tstp x28, x29, [%0, #224]\n\t"
		     "str x30, [%0, #240]\n\tmov x1, sp\n\tstr x1, [%0, #248]"
		     : : "r"(&regs) : "x1", "memory");
	regs.pc = (u64)__builtin_return_address(0);
	regs.pstate = read_sysreg(daif) | PSR_MODE_EL1h;
	printk("Kernel panic - not syncing: %s\n", buf);
	printk("CPU: %d PID: %d Comm: %s\n", smp_processor_id(), current->pid, current->comm);
	show_regs(&regs);
	dump_backtrace((unsigned long)__builtin_frame_address(0), 0);
	printk("---[ end Kernel panic - not syncing: %s ]---\n", buf);
	machine_fail(1);
}
