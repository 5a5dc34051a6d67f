/*
 * Sleepable RCU, in the style of the classic counter-based SRCU.
 *
 * A reader picks the current index (srcu_idx & 1), bumps the lock count of that index on its
 * CPU and, when done, the unlock count of the same index on the CPU it is on then (only the
 * sums over CPUs matter, so a reader could even move). Readers may sleep. The read side
 * shares nothing between CPUs: per-CPU counters and full barriers.
 *
 * An index has no readers when, summed over CPUs, its unlocks equal its locks. The unlocks
 * are summed first, then (after a barrier) the locks: a reader whose unlock was counted has
 * its lock counted too, so a match can only be fooled by a reader whose lock increment was not
 * seen at all, and such a reader's critical section, ordered after its increment by a full
 * barrier, already sees everything the updater did before the check.
 *
 * Such late readers are why a GP waits twice. A reader may fetch index 0, be delayed, and bump
 * lock_count[0] only after a GP has flipped to 1 and found 0 drained. It is harmless for that
 * GP, but the next GP flips back to 0 and would only wait for index 1. So every GP first waits
 * for the index that is about to become current to drain (catching such stragglers), then
 * flips, then waits for the index it flipped away from.
 *
 * Waiting sleeps a tick between checks, after a few quick rechecks for short readers.
 */
#include <asm/barrier.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/workqueue.h>

#define ULONG_CMP_GE(a, b)	((~0UL) / 2 >= (unsigned long)((a) - (b)))
#define ULONG_CMP_LT(a, b)	((~0UL) / 2 < (unsigned long)((a) - (b)))

/* Rechecks of a busy index before the updater starts sleeping between them. */
#define SRCU_QUICK_CHECKS	8

int init_srcu_struct(struct srcu_struct *ssp)
{
	memset(ssp->lock_count, 0, sizeof(ssp->lock_count));
	memset(ssp->unlock_count, 0, sizeof(ssp->unlock_count));
	ssp->srcu_idx = 0;
	ssp->srcu_gp_seq = 0;
	ssp->srcu_gp_seq_needed = 0;
	spin_lock_init(&ssp->lock);
	ssp->gp_running = false;
	INIT_WORK(&ssp->work, srcu_poll_work_fn);
	return 0;
}

/*
 * The counters are per CPU, but an interrupt on this CPU may take the same SRCU lock between
 * our load and store, hence a (CPU-local, uncontended) atomic add instead of ++.
 */
int srcu_read_lock(struct srcu_struct *ssp)
{
	int idx;

	preempt_disable();
	idx = READ_ONCE(ssp->srcu_idx) & 1;
	__atomic_fetch_add(&ssp->lock_count[smp_processor_id()][idx], 1, __ATOMIC_RELAXED);
	smp_mb();	/* the increment is visible before anything the reader does */
	preempt_enable();
	return idx;
}

void srcu_read_unlock(struct srcu_struct *ssp, int idx)
{
	smp_mb();	/* everything the reader did is visible before the decrement */
	preempt_disable();
	__atomic_fetch_add(&ssp->unlock_count[smp_processor_id()][idx & 1], 1, __ATOMIC_RELAXED);
	preempt_enable();
}

static bool srcu_readers_done(struct srcu_struct *ssp, int idx)
{
	unsigned long locks = 0, unlocks = 0;
	int cpu;

	for (cpu = 0; cpu < NR_CPUS; cpu++)
		unlocks += __atomic_load_n(&ssp->unlock_count[cpu][idx], __ATOMIC_RELAXED);
	smp_mb();	/* unlocks before locks: see the comment at the top */
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		locks += __atomic_load_n(&ssp->lock_count[cpu][idx], __ATOMIC_RELAXED);
	return locks == unlocks;
}

static bool srcu_can_sleep(void)
{
	return !irqs_disabled() && preempt_count() == 0 && !is_idle_task(current);
}

static void srcu_wait_readers(struct srcu_struct *ssp, int idx)
{
	int tries = 0;

	while (!srcu_readers_done(ssp, idx)) {
		if (++tries <= SRCU_QUICK_CHECKS || !srcu_can_sleep())
			cpu_relax();
		else
			schedule_timeout_uninterruptible(1);
	}
	smp_mb();	/* the readers' accesses come before whatever the updater does next */
}

static inline unsigned long srcu_seq_snap(unsigned long s)
{
	return (s + 3) & ~1UL;
}

unsigned long get_state_synchronize_srcu(struct srcu_struct *ssp)
{
	smp_mb();
	return srcu_seq_snap(READ_ONCE(ssp->srcu_gp_seq));
}

bool poll_state_synchronize_srcu(struct srcu_struct *ssp, unsigned long cookie)
{
	bool done = ULONG_CMP_GE(__atomic_load_n(&ssp->srcu_gp_seq, __ATOMIC_ACQUIRE), cookie);

	smp_mb();
	return done;
}

/* One full grace period; the caller owns gp_running. */
static void srcu_gp(struct srcu_struct *ssp)
{
	unsigned long idx = READ_ONCE(ssp->srcu_idx);

	WRITE_ONCE(ssp->srcu_gp_seq, ssp->srcu_gp_seq + 1);	/* odd: running */
	smp_mb();
	srcu_wait_readers(ssp, (idx + 1) & 1);	/* stragglers on the index about to be current */
	WRITE_ONCE(ssp->srcu_idx, idx + 1);
	smp_mb();	/* new readers pick the new index from here on */
	srcu_wait_readers(ssp, idx & 1);	/* everybody who could have seen the old one */
	__atomic_store_n(&ssp->srcu_gp_seq, ssp->srcu_gp_seq + 1, __ATOMIC_RELEASE);
}

void synchronize_srcu(struct srcu_struct *ssp)
{
	u64 t0 = get_cycles();
	unsigned long snap = get_state_synchronize_srcu(ssp), flags;

	for (;;) {
		spin_lock_irqsave(&ssp->lock, flags);
		if (ULONG_CMP_GE(ssp->srcu_gp_seq, snap)) {
			/* Somebody else's GP started after our snapshot and has ended. */
			spin_unlock_irqrestore(&ssp->lock, flags);
			smp_mb();
			goto out;
		}
		if (!ssp->gp_running) {
			ssp->gp_running = true;
			spin_unlock_irqrestore(&ssp->lock, flags);
			break;
		}
		spin_unlock_irqrestore(&ssp->lock, flags);
		if (srcu_can_sleep())
			schedule_timeout_uninterruptible(1);
		else
			cpu_relax();
	}

	/* A GP that was already running when we took the snapshot does not count: run ours. */
	while (!ULONG_CMP_GE(READ_ONCE(ssp->srcu_gp_seq), snap))
		srcu_gp(ssp);

	spin_lock_irqsave(&ssp->lock, flags);
	ssp->gp_running = false;
	spin_unlock_irqrestore(&ssp->lock, flags);
	smp_mb();
out:
	rcu_gp_record(RCU_SRCU, get_cycles() - t0);
}

/* The work behind start_poll: grace periods until every cookie handed out is done. */
void srcu_poll_work_fn(struct work_struct *work)
{
	struct srcu_struct *ssp = container_of(work, struct srcu_struct, work);

	while (!poll_state_synchronize_srcu(ssp, READ_ONCE(ssp->srcu_gp_seq_needed)))
		synchronize_srcu(ssp);
}

unsigned long start_poll_synchronize_srcu(struct srcu_struct *ssp)
{
	unsigned long cookie = get_state_synchronize_srcu(ssp), flags;

	spin_lock_irqsave(&ssp->lock, flags);
	if (ULONG_CMP_LT(ssp->srcu_gp_seq_needed, cookie))
		ssp->srcu_gp_seq_needed = cookie;
	spin_unlock_irqrestore(&ssp->lock, flags);
	/*
	 * If the work is already queued it will see the new value; if it is running it may
	 * already have read the old one, but then queueing succeeds (pending is cleared when a
	 * work starts) and it runs once more.
	 */
	schedule_work(&ssp->work);
	return cookie;
}
