/*
 * The C half of exception entry: what each vector does with its pt_regs frame.
 *
 * An IRQ taken in the kernel returns through el1h_64_irq_handler, which is where a task gets
 * preempted: if preempt_count is 0 and need_resched is set, it calls preempt_schedule_irq()
 * with its frame still on the stack. That is the path a task takes to be parked between the
 * two instructions of a traced function's prologue.
 */
#include <asm/barrier.h>
#include <asm/irq.h>
#include <asm/ptrace.h>
#include <linux/ftrace.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/smp.h>

#define ESR_ELx_EC(esr)		(((esr) >> 26) & 0x3f)
#define ESR_ELx_EC_SVC64	0x15
#define ESR_ELx_EC_IABT_LOW	0x20
#define ESR_ELx_EC_IABT_CUR	0x21
#define ESR_ELx_EC_PC_ALIGN	0x22
#define ESR_ELx_EC_DABT_LOW	0x24
#define ESR_ELx_EC_DABT_CUR	0x25
#define ESR_ELx_EC_SP_ALIGN	0x26
#define ESR_ELx_EC_UNKNOWN	0x00
#define ESR_ELx_EC_BRK64	0x3c

void invoke_syscall(struct pt_regs *regs);	/* syscall.c */

static const char *esr_class_name(unsigned long esr)
{
	switch (ESR_ELx_EC(esr)) {
	case ESR_ELx_EC_UNKNOWN: return "undefined instruction";
	case ESR_ELx_EC_IABT_LOW: case ESR_ELx_EC_IABT_CUR: return "instruction abort";
	case ESR_ELx_EC_PC_ALIGN: return "PC alignment fault";
	case ESR_ELx_EC_DABT_LOW: case ESR_ELx_EC_DABT_CUR: return "data abort";
	case ESR_ELx_EC_SP_ALIGN: return "SP alignment fault";
	case ESR_ELx_EC_BRK64: return "BRK";
	default: return "unexpected exception";
	}
}

static inline void irq_enter(void) { preempt_count_add(HARDIRQ_OFFSET); }
static inline void irq_exit(void) { preempt_count_sub(HARDIRQ_OFFSET); }

void el1h_64_irq_handler(struct pt_regs *regs)
{
	irq_enter();
	gic_handle_irq(regs);
	irq_exit();
	if (preempt_count() == 0 && need_resched()) {
		current->preempted_regs = regs;
		preempt_schedule_irq();
		current->preempted_regs = NULL;
	}
}

void el0t_64_irq_handler(struct pt_regs *regs)
{
	irq_enter();
	gic_handle_irq(regs);
	irq_exit();
}

/*
 * A synchronous exception in the kernel is a bug, or damage a scenario is measuring (a wild
 * branch after a torn prologue). Task context with preemption enabled can be killed instead
 * of taking the machine down, if the scenario claims the fault.
 */
void el1h_64_sync_handler(struct pt_regs *regs)
{
	unsigned long esr = read_sysreg(esr_el1);
	const char *what = esr_class_name(esr);

	if (preempt_count() == 0 && !current->is_idle &&
	    ftrace_race_handle_fault(regs, esr, what)) {
		local_irq_enable();
		do_exit(-14);
	}
	printk("Internal error: %s: esr 0x%08lx far 0x%lx [#1] cpu %d\n", what, esr,
	       (unsigned long)read_sysreg(far_el1), smp_processor_id());
	__die(what, regs);
}

/* Returning to EL0: reschedule while asked to (a voluntary switch: not inside traced code). */
void exit_to_user_mode(struct pt_regs *regs)
{
	for (;;) {
		local_irq_disable();
		if (!need_resched())
			return;
		local_irq_enable();
		schedule_preempt_user();
	}
}

void el0t_64_sync_handler(struct pt_regs *regs)
{
	unsigned long esr = read_sysreg(esr_el1);

	local_irq_enable();
	if (ESR_ELx_EC(esr) == ESR_ELx_EC_SVC64) {
		invoke_syscall(regs);
		return;
	}
	/* A user fault kills the task, as SIGSEGV/SIGILL would without a handler. */
	printk("%s[%d]: %s at pc 0x%llx esr 0x%08lx far 0x%lx: killed\n", current->comm,
	       current->pid, esr_class_name(esr), (unsigned long long)regs->pc, esr,
	       (unsigned long)read_sysreg(far_el1));
	do_exit(-11);
}

void bad_mode_handler(struct pt_regs *regs)
{
	printk("Bad mode: unexpected exception vector, esr 0x%08lx\n",
	       (unsigned long)read_sysreg(esr_el1));
	__die("bad mode", regs);
}
