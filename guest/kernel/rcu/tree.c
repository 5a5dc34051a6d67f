/*
 * RCU-sched: readers are regions with preemption (or IRQs) disabled, and a grace period ends
 * once every online CPU has passed through a quiescent state after it began. (One exception
 * to the IRQs-off rule: __schedule() reports its quiescent state on entry, with IRQs off, so
 * the rest of the switch path is not a reader. Nothing there reads RCU-protected data.)
 *
 * There is no grace-period kthread and no callback machinery. One global state, rcu_state, is
 * moved forward by whoever comes along: a synchronize_rcu() caller, the tick on every CPU,
 * and the CPU that reports the last missing quiescent state. The pieces:
 *
 *   gp_seq       completed grace periods times two; the low bit is set while one runs.
 *   gp_seq_needed  the gp_seq value somebody is waiting for (a GP is started while below it).
 *   qsmask       one bit per CPU that still owes the running GP a quiescent state. It is set
 *                to the online mask when a GP starts and CPUs clear their own bit.
 *
 * Quiescent states, reported by the CPU itself:
 *   - a context switch (rcu_note_context_switch, from __schedule);
 *   - a tick that interrupted user mode, or kernel code with preempt_count 0 (the
 *     interrupted code was preemptible, so it cannot be inside a preempt-disabled reader);
 *   - entering idle (rcu_idle_enter).
 * An idle CPU also sits in an extended quiescent state (EQS) between rcu_idle_enter() and
 * rcu_idle_exit(); whoever advances the GP credits such CPUs directly, so an idle CPU is never
 * waited for and never has to wake up for RCU.
 *
 * Urgent quiescent states: a CPU that spins in a preempt-disabled region never reports from
 * the tick. Once the GP is RCU_URGENT_QS_JIFFIES old, that CPU's own tick sets need_resched
 * on the task it interrupted; the preempt_enable() that ends the reader then switches, which
 * reports. This costs no IPI because every CPU ticks anyway (the CPU that owes the state is
 * the one that notices), and it keeps GPs at a tick or two while CPUs are busy in the kernel.
 *
 * Waiters sleep in schedule_timeout(1) and are also woken by the CPU that ends their GP.
 *
 * Polled grace periods use gp_seq directly: a cookie is the gp_seq value that marks the end
 * of the first GP to start after the cookie was taken; it is done once gp_seq reaches it.
 */
#include <asm/barrier.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/spinlock.h>

#define ULONG_CMP_GE(a, b)	((~0UL) / 2 >= (unsigned long)((a) - (b)))
#define ULONG_CMP_LT(a, b)	((~0UL) / 2 < (unsigned long)((a) - (b)))

/* How old a GP must be (in jiffies) before a CPU that owes it asks its reader to switch. */
#define RCU_URGENT_QS_JIFFIES	1

struct rcu_waiter {
	struct list_head list;
	struct task_struct *task;
	unsigned long snap;		/* woken when gp_seq reaches this */
};

static struct rcu_state {
	/*
	 * GP start and end, and the waiter list. Taken with IRQs off and without touching
	 * preempt_count: the tick and __schedule() take it, and neither may reschedule here.
	 * Order: rcu_state.lock may be held while taking a run-queue lock (wake_up_process),
	 * never the other way round.
	 */
	arch_spinlock_t lock;
	volatile unsigned long gp_seq;
	unsigned long gp_seq_needed;
	volatile u32 qsmask;
	u64 gp_start_jiffies;
	struct list_head waiters;
} rcu_state = {
	.waiters = LIST_HEAD_INIT(rcu_state.waiters),
};

/* Per CPU: the extended quiescent state flag, and how quiescent states were reported. */
struct rcu_data {
	volatile int eqs;		/* between rcu_idle_enter() and rcu_idle_exit() */
	unsigned long qs_ctxsw;		/* reported by a context switch */
	unsigned long qs_tick;		/* by the tick (user, preemptible kernel) */
	unsigned long qs_idle;		/* by rcu_idle_enter() */
	unsigned long qs_eqs;		/* credited by another CPU while this one was idle */
	unsigned long qs_self;		/* a synchronize_rcu() caller crediting its own CPU */
	unsigned long urgent;		/* ticks that asked the running task to reschedule */
};
static DEFINE_PER_CPU(struct rcu_data, rcu_data);

struct rcu_gp_stats rcu_gp_stats[NR_RCU_FLAVOURS];
static arch_spinlock_t rcu_gp_stats_lock;

#define rcu_state_lock(flags)	do { local_irq_save(flags); arch_spin_lock(&rcu_state.lock); } while (0)
#define rcu_state_unlock(flags)	do { arch_spin_unlock(&rcu_state.lock); local_irq_restore(flags); } while (0)

static inline bool rcu_seq_in_progress(unsigned long s)
{
	return s & 1;
}

/* The gp_seq value at which a GP that starts after now will have completed. */
static inline unsigned long rcu_seq_snap(unsigned long s)
{
	return (s + 3) & ~1UL;
}

const char *rcu_flavour_name(enum rcu_flavour f)
{
	switch (f) {
	case RCU_SCHED: return "rcu-sched";
	case RCU_TASKS: return "rcu-tasks";
	case RCU_TASKS_RUDE: return "rcu-tasks-rude";
	case RCU_SRCU: return "srcu";
	default: return "?";
	}
}

void rcu_gp_record(enum rcu_flavour f, u64 cycles)
{
	struct rcu_gp_stats *s = &rcu_gp_stats[f];
	unsigned long flags;

	local_irq_save(flags);
	arch_spin_lock(&rcu_gp_stats_lock);
	s->count++;
	s->total_cycles += cycles;
	s->last_cycles = cycles;
	if (cycles > s->max_cycles)
		s->max_cycles = cycles;
	arch_spin_unlock(&rcu_gp_stats_lock);
	local_irq_restore(flags);
}

/*
 * cpu is quiescent now: clear its bit if the running GP still waits for it. Any moment of a
 * quiescent state will do, so a bit that reads as set can be cleared without rechecking which
 * GP it belongs to. The barrier orders the CPU's earlier reader accesses before the report;
 * the acquire half of the RMW orders its later accesses after it.
 */
static bool rcu_report_qs(int cpu)
{
	u32 bit = 1u << cpu;

	if (!(READ_ONCE(rcu_state.qsmask) & bit))
		return false;
	smp_mb();
	return __atomic_fetch_and(&rcu_state.qsmask, ~bit, __ATOMIC_SEQ_CST) & bit;
}

/* Credit every CPU the GP waits for that is idle in an extended quiescent state. */
static void rcu_credit_eqs_cpus(void)
{
	u32 mask = READ_ONCE(rcu_state.qsmask);
	int cpu;

	if (!mask)
		return;
	smp_mb();	/* read the flags after the GP's start (pairs with rcu_idle_exit) */
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		if (!(mask & (1u << cpu)) || !READ_ONCE(per_cpu(rcu_data, cpu).eqs))
			continue;
		if (rcu_report_qs(cpu))
			per_cpu(rcu_data, cpu).qs_eqs++;
	}
}

/* Called with rcu_state.lock held: begin a GP and ask every online CPU for a quiescent state. */
static void rcu_gp_start_locked(void)
{
	WRITE_ONCE(rcu_state.gp_seq, rcu_state.gp_seq + 1);
	rcu_state.gp_start_jiffies = jiffies;
	smp_mb();	/* the requester's updates come before any CPU sees the request */
	__atomic_store_n(&rcu_state.qsmask, READ_ONCE(cpu_online_mask), __ATOMIC_SEQ_CST);
}

/* Called with rcu_state.lock held: finish the GP if nobody owes it anything, wake its waiters. */
static bool rcu_gp_end_locked(void)
{
	struct rcu_waiter *w, *n;

	if (!rcu_seq_in_progress(rcu_state.gp_seq) ||
	    __atomic_load_n(&rcu_state.qsmask, __ATOMIC_ACQUIRE))
		return false;
	smp_mb();	/* every reader that was running ended before the GP is seen as over */
	WRITE_ONCE(rcu_state.gp_seq, rcu_state.gp_seq + 1);
	smp_mb();
	list_for_each_entry_safe(w, n, &rcu_state.waiters, list) {
		if (ULONG_CMP_GE(rcu_state.gp_seq, w->snap)) {
			list_del_init(&w->list);
			wake_up_process(w->task);
		}
	}
	return true;
}

/*
 * Move the GP machinery as far as it can go right now: start a GP somebody needs, credit idle
 * CPUs (and self_cpu, if the caller vouches that its CPU is quiescent), end the GP if it is
 * complete, and start the next one if that is needed too.
 */
static void rcu_gp_advance_locked(int self_cpu)
{
	for (;;) {
		if (!rcu_seq_in_progress(rcu_state.gp_seq)) {
			if (!ULONG_CMP_LT(rcu_state.gp_seq, rcu_state.gp_seq_needed))
				return;
			rcu_gp_start_locked();
		}
		if (self_cpu >= 0 && rcu_report_qs(self_cpu))
			per_cpu(rcu_data, self_cpu).qs_self++;
		rcu_credit_eqs_cpus();
		if (!rcu_gp_end_locked())
			return;
	}
}

static void rcu_gp_advance(int self_cpu)
{
	unsigned long flags;

	rcu_state_lock(flags);
	rcu_gp_advance_locked(self_cpu);
	rcu_state_unlock(flags);
}

/*
 * Is there anything for rcu_gp_advance() to do: a GP to end, an idle CPU to credit, or a
 * needed GP to start? A lockless hint, so the tick takes the lock only when it helps. (The
 * credit itself must be under the lock: reading a CPU's EQS flag only proves it quiescent for
 * a GP that had already started when the flag was read.)
 */
static bool rcu_gp_work_pending(void)
{
	unsigned long s = READ_ONCE(rcu_state.gp_seq);
	u32 mask;
	int cpu;

	if (!rcu_seq_in_progress(s))
		return ULONG_CMP_LT(s, READ_ONCE(rcu_state.gp_seq_needed));
	mask = READ_ONCE(rcu_state.qsmask);
	if (!mask)
		return true;
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		if ((mask & (1u << cpu)) && READ_ONCE(per_cpu(rcu_data, cpu).eqs))
			return true;
	return false;
}

/* Record that a GP ending at snap is wanted. Called with rcu_state.lock held. */
static void rcu_gp_request_locked(unsigned long snap)
{
	if (ULONG_CMP_LT(rcu_state.gp_seq_needed, snap))
		rcu_state.gp_seq_needed = snap;
}

/* ---- hooks from the scheduler, the tick and the idle loop ---- */

void rcu_note_context_switch(bool preempt)
{
	int cpu = smp_processor_id();

	if (rcu_report_qs(cpu)) {
		per_cpu(rcu_data, cpu).qs_ctxsw++;
		if (READ_ONCE(rcu_state.qsmask) == 0)
			rcu_gp_advance(-1);
	}
}

void rcu_sched_clock_irq(int user)
{
	int cpu = smp_processor_id();
	struct rcu_data *rdp = this_cpu_ptr(rcu_data);
	/* The interrupted context's count: this IRQ's own HARDIRQ_OFFSET taken out. */
	int interrupted = preempt_count() & ~HARDIRQ_MASK;
	int nesting = (preempt_count() & HARDIRQ_MASK) / HARDIRQ_OFFSET;

	/* A task interrupted in user mode cannot be inside a tasks-RCU reader either. */
	if (user)
		rcu_tasks_qs(current, false);

	if (user || READ_ONCE(rdp->eqs) || (interrupted == 0 && nesting <= 1)) {
		if (rcu_report_qs(cpu))
			rdp->qs_tick++;
	} else if ((READ_ONCE(rcu_state.qsmask) & (1u << cpu)) &&
		   jiffies - READ_ONCE(rcu_state.gp_start_jiffies) >= RCU_URGENT_QS_JIFFIES) {
		/* Inside a reader: make its preempt_enable() switch, which reports. */
		set_tsk_need_resched(current);
		rdp->urgent++;
	}
	if (rcu_gp_work_pending())
		rcu_gp_advance(-1);
}

void rcu_idle_enter(void)
{
	int cpu = smp_processor_id();

	smp_mb();	/* whatever ran before idle is ordered before the EQS is visible */
	WRITE_ONCE(per_cpu(rcu_data, cpu).eqs, 1);
	smp_mb();
	if (rcu_report_qs(cpu)) {
		per_cpu(rcu_data, cpu).qs_idle++;
		if (READ_ONCE(rcu_state.qsmask) == 0)
			rcu_gp_advance(-1);
	}
}

void rcu_idle_exit(void)
{
	WRITE_ONCE(this_cpu_ptr(rcu_data)->eqs, 0);
	smp_mb();	/* leave the EQS before running anything that may read (pairs with the credit) */
}

/* ---- grace periods ---- */

unsigned long get_state_synchronize_rcu(void)
{
	smp_mb();	/* the caller's updates come before the cookie */
	return rcu_seq_snap(READ_ONCE(rcu_state.gp_seq));
}

unsigned long start_poll_synchronize_rcu(void)
{
	unsigned long cookie, flags;

	smp_mb();
	rcu_state_lock(flags);
	cookie = rcu_seq_snap(rcu_state.gp_seq);
	rcu_gp_request_locked(cookie);
	rcu_gp_advance_locked(-1);	/* the ticks finish it from here on */
	rcu_state_unlock(flags);
	return cookie;
}

bool poll_state_synchronize_rcu(unsigned long cookie)
{
	bool done = ULONG_CMP_GE(__atomic_load_n(&rcu_state.gp_seq, __ATOMIC_ACQUIRE), cookie);

	smp_mb();	/* the caller's later accesses come after the GP */
	return done;
}

/*
 * Wait for a full grace period. The caller is not inside a reader (that would deadlock), so
 * its own CPU is quiescent for as long as it waits: it credits itself. With one CPU online,
 * or every other CPU idle, the GP is therefore over before the caller would ever sleep, which
 * is also what makes this usable at boot with IRQs off.
 */
void synchronize_rcu(void)
{
	int self = smp_processor_id();
	bool can_sleep = !irqs_disabled() && preempt_count() == 0 && !is_idle_task(current);
	struct rcu_waiter w = { .task = current };
	unsigned long flags;
	u64 t0 = get_cycles();

	INIT_LIST_HEAD(&w.list);
	smp_mb();
	rcu_state_lock(flags);
	w.snap = rcu_seq_snap(rcu_state.gp_seq);
	rcu_gp_request_locked(w.snap);
	rcu_gp_advance_locked(self);
	if (can_sleep && !ULONG_CMP_GE(rcu_state.gp_seq, w.snap))
		list_add_tail(&w.list, &rcu_state.waiters);
	rcu_state_unlock(flags);

	if (!can_sleep && !poll_state_synchronize_rcu(w.snap))
		WARN_ON(num_online_cpus() > 1 && !is_idle_task(current));

	while (!poll_state_synchronize_rcu(w.snap)) {
		if (!can_sleep) {
			/* Boot or atomic context: nothing can switch here, so spin on the others. */
			cpu_relax();
			rcu_gp_advance(self);
			continue;
		}
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (poll_state_synchronize_rcu(w.snap)) {
			__set_current_state(TASK_RUNNING);
			break;
		}
		schedule_timeout(1);
		rcu_gp_advance(self);
	}

	/* Always under the lock: a GP ender may still be inside wake_up_process() for us. */
	rcu_state_lock(flags);
	if (!list_empty(&w.list))
		list_del_init(&w.list);
	rcu_state_unlock(flags);
	smp_mb();
	rcu_gp_record(RCU_SCHED, get_cycles() - t0);
}

void cond_synchronize_rcu(unsigned long cookie)
{
	if (!poll_state_synchronize_rcu(cookie))
		synchronize_rcu();
}

/* ---- introspection for the selftests ---- */

bool rcu_cpu_in_eqs(int cpu)
{
	return READ_ONCE(per_cpu(rcu_data, cpu).eqs);
}

void rcu_sched_get_counters(struct rcu_sched_counters *c)
{
	int cpu;

	memset(c, 0, sizeof(*c));
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		struct rcu_data *rdp = &per_cpu(rcu_data, cpu);

		c->qs_ctxsw += READ_ONCE(rdp->qs_ctxsw);
		c->qs_tick += READ_ONCE(rdp->qs_tick);
		c->qs_idle += READ_ONCE(rdp->qs_idle);
		c->qs_eqs += READ_ONCE(rdp->qs_eqs);
		c->qs_self += READ_ONCE(rdp->qs_self);
		c->urgent += READ_ONCE(rdp->urgent);
	}
	c->gp_seq = READ_ONCE(rcu_state.gp_seq);
}

void rcu_init(void)
{
	arch_spinlock_t unlocked = { 0 };

	rcu_state.lock = unlocked;
	rcu_gp_stats_lock = unlocked;
	rcu_state.gp_seq = 0;
	rcu_state.gp_seq_needed = 0;
	rcu_state.qsmask = 0;
	INIT_LIST_HEAD(&rcu_state.waiters);
	memset(rcu_data, 0, sizeof(rcu_data));
	memset(rcu_gp_stats, 0, sizeof(rcu_gp_stats));
	printk("rcu: RCU-sched (urgent QS after %d jiffies), RCU-tasks, RCU-tasks-rude, SRCU\n",
	       RCU_URGENT_QS_JIFFIES);
}
