/*
 * RCU-tasks and RCU-tasks-rude.
 *
 * RCU-tasks readers are arbitrary stretches of kernel code without a voluntary context
 * switch: a trampoline, or the two instructions of a traced function's prologue. Being
 * preempted does not end such a reader (the task resumes where it was), so a grace period
 * waits for every task that might be inside one to do something that proves it is not:
 * switch voluntarily, be seen running in user mode, or leave its run queue (which only a
 * voluntary switch does).
 *
 * synchronize_rcu_tasks():
 *   1. synchronize_rcu() ("pre-GP"): a task that is being queued or switching on another CPU
 *      right now has its on_rq/nvcsw updates done before the scan looks at them (those
 *      updates happen with IRQs off, i.e. inside RCU-sched readers).
 *   2. Scan task_list under tasklist_lock: every task on a run queue that is not an idle task
 *      and not the caller becomes a holdout (a reference taken, nvcsw snapshotted, and
 *      t->rcu_tasks_holdout set, which rcu_tasks_qs() clears on a voluntary switch).
 *   3. Sleep, recheck, repeat until no holdout is left. The first checks are a tick apart;
 *      after that the sleep grows, because a task that has not switched for many ticks is
 *      probably a CPU hog that will not for a while yet.
 *   4. synchronize_rcu() ("post-GP"): a task seen to have switched has also finished the
 *      memory accesses of its reader as far as every other CPU is concerned.
 *
 * synchronize_rcu_tasks_rude(): run an almost empty work item on every online CPU from its
 * worker and wait. Every CPU, idle or not, has then switched to its kworker once, so nothing
 * that runs with preemption disabled (or in an idle loop) can still be where it was. A task
 * preempted in the middle of a prologue is simply left behind; see rcupdate.h.
 */
#include <asm/barrier.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

/* Holdout rechecks: one tick apart at first, then up to HZ/10 apart. */
#define RCU_TASKS_FAST_CHECKS	16
/* Complain about holdouts that have not moved for this many seconds. */
#define RCU_TASKS_STALL_SECONDS	10

/*
 * One synchronize_rcu_tasks() at a time: the holdout list and the tasks' holdout fields are
 * shared. Callers sleep, so this is a flag taken under a spinlock, and a caller that finds it
 * taken sleeps a tick and tries again (GPs are long compared with that).
 */
static DEFINE_SPINLOCK(rcu_tasks_gp_lock);
static bool rcu_tasks_gp_busy;
static LIST_HEAD(rcu_tasks_holdouts);

static void rcu_tasks_gp_acquire(void)
{
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&rcu_tasks_gp_lock, flags);
		if (!rcu_tasks_gp_busy) {
			rcu_tasks_gp_busy = true;
			spin_unlock_irqrestore(&rcu_tasks_gp_lock, flags);
			return;
		}
		spin_unlock_irqrestore(&rcu_tasks_gp_lock, flags);
		schedule_timeout_uninterruptible(1);
	}
}

static void rcu_tasks_gp_release(void)
{
	unsigned long flags;

	spin_lock_irqsave(&rcu_tasks_gp_lock, flags);
	rcu_tasks_gp_busy = false;
	spin_unlock_irqrestore(&rcu_tasks_gp_lock, flags);
}

/* Step 2: make a holdout of every task that might be inside a tasks-RCU reader. */
static int rcu_tasks_scan(void)
{
	struct task_struct *t;
	unsigned long flags;
	int n = 0;

	spin_lock_irqsave(&tasklist_lock, flags);
	for_each_process(t) {
		if (t == current || is_idle_task(t) || !READ_ONCE(t->on_rq))
			continue;
		get_task_struct(t);	/* it may exit while we wait; keep the struct */
		/*
		 * nvcsw first, then the flag: a voluntary switch between the two is caught by
		 * the counter, one after them by the flag.
		 */
		t->rcu_tasks_nvcsw = READ_ONCE(t->nvcsw);
		WRITE_ONCE(t->rcu_tasks_holdout, true);
		list_add_tail(&t->rcu_tasks_holdout_list, &rcu_tasks_holdouts);
		n++;
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return n;
}

/* Step 3, one task: has it shown that it is outside any reader it was in at the scan? */
static bool rcu_tasks_holdout_done(struct task_struct *t)
{
	return !READ_ONCE(t->rcu_tasks_holdout) ||
	       READ_ONCE(t->nvcsw) != t->rcu_tasks_nvcsw ||
	       !READ_ONCE(t->on_rq) ||
	       READ_ONCE(t->in_user);
}

static int rcu_tasks_check_holdouts(bool report)
{
	struct task_struct *t, *n;
	int left = 0;

	list_for_each_entry_safe(t, n, &rcu_tasks_holdouts, rcu_tasks_holdout_list) {
		if (rcu_tasks_holdout_done(t)) {
			WRITE_ONCE(t->rcu_tasks_holdout, false);
			list_del_init(&t->rcu_tasks_holdout_list);
			put_task_struct(t);
			continue;
		}
		left++;
		if (report)
			printk("rcu-tasks: stalled on %s[%d] cpu %d on_cpu %d nvcsw %lu nivcsw %lu\n",
			       t->comm, t->pid, t->cpu, t->on_cpu, t->nvcsw, t->nivcsw);
	}
	return left;
}

void synchronize_rcu_tasks(void)
{
	u64 t0 = get_cycles();
	u64 start = jiffies, stall_at = jiffies + RCU_TASKS_STALL_SECONDS * (u64)HZ;
	int checks = 0;

	rcu_tasks_gp_acquire();
	synchronize_rcu();			/* pre-GP */
	if (rcu_tasks_scan()) {
		for (;;) {
			long delay = 1;
			bool report = false;

			if (checks >= RCU_TASKS_FAST_CHECKS)
				delay = min((long)(checks - RCU_TASKS_FAST_CHECKS) / 4 + 1,
					    (long)max(HZ / 10, 1u));
			schedule_timeout_idle(delay);
			checks++;
			if ((s64)(jiffies - stall_at) >= 0) {
				printk("rcu-tasks: grace period blocked for %llu jiffies\n",
				       (unsigned long long)(jiffies - start));
				report = true;
				stall_at = jiffies + RCU_TASKS_STALL_SECONDS * (u64)HZ;
			}
			if (!rcu_tasks_check_holdouts(report))
				break;
		}
	}
	synchronize_rcu();			/* post-GP */
	rcu_tasks_gp_release();
	rcu_gp_record(RCU_TASKS, get_cycles() - t0);
}

/* ---- RCU-tasks-rude ---- */

static DEFINE_PER_CPU(unsigned long, rcu_tasks_rude_runs);

/* The rude GP's work: running at all is the point. The count is for the selftest. */
static void rcu_tasks_rude_wait_work(struct work_struct *work)
{
	__atomic_fetch_add(this_cpu_ptr(rcu_tasks_rude_runs), 1, __ATOMIC_RELAXED);
}

unsigned long rcu_tasks_rude_work_count(int cpu)
{
	return __atomic_load_n(&per_cpu(rcu_tasks_rude_runs, cpu), __ATOMIC_RELAXED);
}

void synchronize_rcu_tasks_rude(void)
{
	u64 t0 = get_cycles();

	schedule_on_each_cpu(rcu_tasks_rude_wait_work);
	smp_mb();
	rcu_gp_record(RCU_TASKS_RUDE, get_cycles() - t0);
}
