/*
 * preempt_count, per task in thread_info as on arm64: bits 0-7 preemption disable depth, 16-19
 * hard IRQ nesting. A task is preempted on IRQ return only when it is zero and need_resched.
 */
#ifndef _LINUX_PREEMPT_H
#define _LINUX_PREEMPT_H

#include <asm/current.h>
#include <linux/compiler.h>
#include <linux/sched.h>	/* struct task_struct, before the inlines below */

#define PREEMPT_OFFSET	1
#define HARDIRQ_OFFSET	(1 << 16)
#define HARDIRQ_MASK	(0xf << 16)

static __always_inline int preempt_count(void) { return READ_ONCE(current->thread_info.preempt_count); }
static __always_inline void preempt_count_add(int v) { current->thread_info.preempt_count += v; barrier(); }
static __always_inline void preempt_count_sub(int v) { barrier(); current->thread_info.preempt_count -= v; }
#define in_interrupt()	(preempt_count() & HARDIRQ_MASK)
#define in_irq()	in_interrupt()

void preempt_schedule(void);	/* kernel/sched/core.c */
#define preempt_disable()		preempt_count_add(PREEMPT_OFFSET)
#define preempt_enable_no_resched()	preempt_count_sub(PREEMPT_OFFSET)
#define preempt_enable()							\
	do {									\
		preempt_count_sub(PREEMPT_OFFSET);				\
		if (unlikely(preempt_count() == 0 && test_thread_flag(TIF_NEED_RESCHED))) \
			preempt_schedule();					\
	} while (0)
#define preempt_disable_notrace()	preempt_disable()
#define preempt_enable_notrace()	preempt_enable()

#endif
