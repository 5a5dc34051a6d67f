/*
 * Tasks and the scheduler (kernel/sched/core.c). Every task is pinned to one CPU; each CPU has a
 * run queue with a few priority levels (0 is the highest: stopper and RT-like hogs), round
 * robin with a time slice of sched_slice_ticks within a level, and an idle task that runs WFI.
 */
#ifndef _LINUX_SCHED_H
#define _LINUX_SCHED_H

#include <linux/compiler.h>
#include <linux/list.h>
#include <linux/spinlock_types.h>
#include <linux/types.h>

struct pt_regs;

/* Callee-saved state kept by cpu_switch_to (entry.S); offsets are fixed for the assembly. */
struct cpu_context {
	u64 x19, x20, x21, x22, x23, x24, x25, x26, x27, x28;
	u64 fp, sp, pc;
};

struct thread_info {
	unsigned long flags;	/* TIF_NEED_RESCHED */
	int preempt_count;
};

#define TASK_RUNNING		0
#define TASK_INTERRUPTIBLE	1
#define TASK_UNINTERRUPTIBLE	2
#define TASK_DEAD		64

#define MAX_PRIO	4
#define PRIO_STOP	0	/* stop_machine's stopper threads */
#define PRIO_RT		1	/* RT-like hogs and urgent kthreads */
#define PRIO_NORMAL	2	/* everything else */
#define PRIO_LOW	3

#define TASK_COMM_LEN	16
#define THREAD_SIZE	16384

struct task_struct {
	struct thread_info thread_info;		/* must be first (entry.S) */
	struct cpu_context cpu_context;		/* at TSK_CPU_CONTEXT (entry.S) */
	volatile long state;
	int pid;
	int cpu;				/* the CPU it is pinned to */
	int prio;
	int on_rq;				/* queued or running on its CPU */
	int on_cpu;				/* running right now */
	bool is_idle;
	bool is_user;				/* has an EL0 half */
	volatile bool in_user;			/* executing at EL0 now (not in the kernel) */
	int time_slice;				/* ticks left */
	unsigned long nvcsw, nivcsw;		/* voluntary and involuntary switches */
	char comm[TASK_COMM_LEN];
	void *stack;				/* THREAD_SIZE bytes, pt_regs of the user half at the top */
	struct list_head run_list;		/* on its CPU's run queue */
	struct list_head tasks;			/* on task_list */
	/* sleeping */
	u64 wake_jiffies;
	struct list_head timer_list;		/* on the CPU's sleeper list while sleeping with a timeout */
	bool timer_pending;
	/* kthreads */
	int (*threadfn)(void *data);
	void *data;
	int exit_code;
	int usage;				/* one while alive, plus get_task_struct() */
	/* RCU-tasks (kernel/rcu/tasks.c) */
	unsigned long rcu_tasks_nvcsw;
	volatile bool rcu_tasks_holdout;
	struct list_head rcu_tasks_holdout_list;
	/* RCU-sched: nonzero inside rcu_read_lock() (debug only, RCU-sched needs no counter) */
	int rcu_read_lock_nesting;
	/* Set while the task is preempted from an EL1 IRQ: the frame it resumes from. */
	struct pt_regs *preempted_regs;
	/* Scenario-private data (kernel/scenarios/) */
	void *scenario_data;
	u64 user_entry, user_arg, user_sp;	/* EL0 entry for user tasks */
};

#include <asm/asm-offsets.h>
_Static_assert(__builtin_offsetof(struct task_struct, cpu_context) == TSK_CPU_CONTEXT, "TSK_CPU_CONTEXT");
_Static_assert(__builtin_offsetof(struct task_struct, in_user) == TSK_IN_USER, "TSK_IN_USER");

#include <linux/preempt.h>

/* All tasks, under tasklist_lock (irqsave). */
extern struct list_head task_list;
extern spinlock_t tasklist_lock;
#define for_each_process(t) list_for_each_entry(t, &task_list, tasks)

/* jiffies: ticks since boot, advanced by CPU 0's tick. HZ from the boot argument hz=. */
extern volatile u64 jiffies;
extern unsigned int HZ;
extern unsigned int sched_slice_ticks;	/* time slice (boot argument sched.slice=, default 1) */

void schedule(void);				/* voluntary: a tasks-RCU quiescent state */
void preempt_schedule_irq(void);		/* IRQ return, preempt_count 0 (involuntary) */
void schedule_preempt_user(void);		/* return to user with need_resched (voluntary) */
long schedule_timeout(long ticks);		/* sleep in the current state for ticks; returns 0 */
long schedule_timeout_uninterruptible(long ticks);
long schedule_timeout_idle(long ticks);
#define set_current_state(s) do { WRITE_ONCE(current->state, (s)); __atomic_thread_fence(__ATOMIC_SEQ_CST); } while (0)
#define __set_current_state(s) WRITE_ONCE(current->state, (s))
int wake_up_process(struct task_struct *p);	/* 1 if it was woken */
void yield(void);
void resched_curr_cpu(int cpu);
bool is_idle_task(const struct task_struct *p);

/* kthreads: created runnable on cpu at prio, named; fn's return value ends the thread. */
struct task_struct *kthread_run_on_cpu(int (*fn)(void *), void *data, int cpu, int prio,
				       const char *name);
/* An EL0 task: runs entry(arg) at EL0 with its own user stack; leaves by the exit syscall. */
struct task_struct *user_task_create(void (*entry)(long), long arg, int cpu, const char *name);
void do_exit(int code) __noreturn;
/* A reference keeps the task_struct (not the task) alive after it exits. */
static inline void get_task_struct(struct task_struct *t) { __atomic_add_fetch(&t->usage, 1, __ATOMIC_RELAXED); }
void put_task_struct(struct task_struct *t);
void sched_set_prio(struct task_struct *p, int prio);
/* The task currently running on cpu. */
struct task_struct *cpu_curr(int cpu);
bool task_curr(const struct task_struct *p);
int nr_tasks(void);

/* Completions: wait_for_completion sleeps (voluntary switch) until complete(). */
struct completion {
	volatile unsigned int done;
	struct list_head wait;
	spinlock_t lock;
};
void init_completion(struct completion *c);
void complete(struct completion *c);
void complete_all(struct completion *c);
void wait_for_completion(struct completion *c);

/* Start the scheduler on this CPU: the calling context becomes the idle task. */
void sched_init(void);
void sched_init_idle(int cpu);
void cpu_startup_entry(void) __noreturn;
void scheduler_tick(struct pt_regs *regs);	/* from the timer IRQ */

/* Switch counters, printed by the selftests and scenarios. */
struct sched_stats {
	u64 switches, preemptions;
};
extern struct sched_stats sched_stats[];

#endif
