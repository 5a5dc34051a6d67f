/* current lives in SP_EL0 while the CPU is in the kernel, as on arm64 Linux. */
#ifndef _ASM_CURRENT_H
#define _ASM_CURRENT_H

struct task_struct;
static __attribute__((always_inline)) inline struct task_struct *get_current(void)
{
	unsigned long sp_el0;
	asm("mrs %0, sp_el0" : "=r"(sp_el0));
	return (struct task_struct *)sp_el0;
}
#define current get_current()

#define TIF_NEED_RESCHED	1
#define test_thread_flag(f)	(__atomic_load_n(&current->thread_info.flags, __ATOMIC_RELAXED) & (1UL << (f)))
#define test_tsk_need_resched(t) (__atomic_load_n(&(t)->thread_info.flags, __ATOMIC_RELAXED) & (1UL << TIF_NEED_RESCHED))
#define set_tsk_need_resched(t)	__atomic_fetch_or(&(t)->thread_info.flags, 1UL << TIF_NEED_RESCHED, __ATOMIC_RELAXED)
#define clear_tsk_need_resched(t) __atomic_fetch_and(&(t)->thread_info.flags, ~(1UL << TIF_NEED_RESCHED), __ATOMIC_RELAXED)
#define need_resched()		test_thread_flag(TIF_NEED_RESCHED)

#endif
