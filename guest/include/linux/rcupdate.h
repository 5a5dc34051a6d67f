/*
 * RCU flavours (kernel/rcu/). Grace-period latencies are recorded per flavour (rcu_gp_stats).
 *
 * RCU-sched: readers are preempt-disabled regions (rcu_read_lock = preempt_disable here).
 *   Quiescent states: a context switch, the tick finding the CPU in user mode or idle, and idle
 *   itself (an extended quiescent state: an idle CPU is never waited for).
 * RCU-tasks: readers are any code not containing a voluntary switch (trampolines, patch sites).
 *   synchronize_rcu_tasks() scans every task on a run queue that is not idle and not the
 *   caller, and waits until each has switched voluntarily, is executing in user mode, or has
 *   left its run queue. A task preempted in the kernel stays a holdout.
 * RCU-tasks-rude: synchronize_rcu_tasks_rude() = schedule_on_each_cpu(empty work): every CPU,
 *   idle or not, runs the worker once. A task preempted in the kernel is NOT waited for.
 */
#ifndef _LINUX_RCUPDATE_H
#define _LINUX_RCUPDATE_H

#include <linux/preempt.h>
#include <linux/types.h>

#define rcu_read_lock()		preempt_disable()
#define rcu_read_unlock()	preempt_enable()
#define rcu_read_lock_sched()	preempt_disable()
#define rcu_read_unlock_sched()	preempt_enable()
#define rcu_dereference(p)	__atomic_load_n(&(p), __ATOMIC_CONSUME)
#define rcu_dereference_raw(p)	rcu_dereference(p)
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)

void synchronize_rcu(void);
/* Polled grace periods: a cookie now, later ask whether a full GP has elapsed since. */
unsigned long get_state_synchronize_rcu(void);
unsigned long start_poll_synchronize_rcu(void);
bool poll_state_synchronize_rcu(unsigned long cookie);
void cond_synchronize_rcu(unsigned long cookie);	/* waits only if no GP elapsed yet */

void synchronize_rcu_tasks(void);
void synchronize_rcu_tasks_rude(void);

/* Hooks from the scheduler, the tick and the idle loop. */
void rcu_note_context_switch(bool preempt);		/* __schedule(), on the outgoing task */
void rcu_sched_clock_irq(int user);			/* tick: user = interrupted EL0 */
void rcu_idle_enter(void);				/* idle loop, before WFI */
void rcu_idle_exit(void);
static inline void rcu_tasks_qs(struct task_struct *t, bool preempt);

/* Grace-period statistics, in cycles (get_cycles()) of the CPU that waited. */
enum rcu_flavour { RCU_SCHED, RCU_TASKS, RCU_TASKS_RUDE, RCU_SRCU, NR_RCU_FLAVOURS };
struct rcu_gp_stats {
	u64 count;
	u64 total_cycles;
	u64 max_cycles;
	u64 last_cycles;
};
extern struct rcu_gp_stats rcu_gp_stats[NR_RCU_FLAVOURS];
const char *rcu_flavour_name(enum rcu_flavour f);

void rcu_init(void);				/* before SMP: starts nothing, sets up state */

/* Inside kernel/rcu/: every flavour records its grace-period latencies here. */
void rcu_gp_record(enum rcu_flavour f, u64 cycles);

/*
 * Introspection for the selftests and scenarios. RCU-sched quiescent states by origin,
 * summed over CPUs: qs_eqs counts idle CPUs credited by another CPU (extended QS), urgent the
 * ticks that asked a CPU's preempt-disabled task to reschedule because a GP waited for it.
 */
struct rcu_sched_counters {
	unsigned long qs_ctxsw, qs_tick, qs_idle, qs_eqs, qs_self, urgent;
	unsigned long gp_seq;
};
void rcu_sched_get_counters(struct rcu_sched_counters *c);
bool rcu_cpu_in_eqs(int cpu);			/* between rcu_idle_enter() and rcu_idle_exit() */
unsigned long rcu_tasks_rude_work_count(int cpu);	/* rude-GP works cpu has run */

#include <linux/sched.h>
/* A voluntary switch (not a preemption) ends a task's tasks-RCU holdout. */
static inline void rcu_tasks_qs(struct task_struct *t, bool preempt)
{
	if (!preempt && READ_ONCE(t->rcu_tasks_holdout))
		WRITE_ONCE(t->rcu_tasks_holdout, false);
}

#endif
