/*
 * Workqueues, the minimal kind: one pool per CPU with a single worker kthread, "kworker/N" at
 * PRIO_NORMAL, running its pool's works in queueing order.
 *
 * A work is pending from queue_work_on() until its function starts; the worker clears the
 * flag just before calling it, so the function may queue the work again or free it. The
 * worker never touches a work after its function returned (it only compares the pointer).
 *
 * flush_work() does not poll: it queues a barrier work right behind the target on each pool
 * where the target is queued or running, and sleeps on the barrier's completion. One worker
 * per pool runs works in order, so the barrier running means the target has finished.
 */
#include <asm/barrier.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

struct worker_pool {
	spinlock_t lock;			/* worklist, current_work (irqsave) */
	struct list_head worklist;
	struct task_struct *worker;
	struct work_struct *current_work;	/* whose function the worker is running */
	unsigned long nr_done;
};

static DEFINE_PER_CPU(struct worker_pool, cpu_worker_pools);

/* Works may be queued before workqueue_init(): the list is set up on first use. */
static void pool_lock(struct worker_pool *pool, unsigned long *flags)
{
	spin_lock_irqsave(&pool->lock, *flags);
	if (unlikely(!pool->worklist.next))
		INIT_LIST_HEAD(&pool->worklist);
}

static void pool_unlock(struct worker_pool *pool, unsigned long flags)
{
	spin_unlock_irqrestore(&pool->lock, flags);
}

static int worker_thread(void *arg)
{
	struct worker_pool *pool = arg;
	unsigned long flags;

	for (;;) {
		struct work_struct *work = NULL;

		/* State before looking: a queue_work_on() after the look wakes us for real. */
		set_current_state(TASK_INTERRUPTIBLE);
		pool_lock(pool, &flags);
		if (!list_empty(&pool->worklist)) {
			work = list_first_entry(&pool->worklist, struct work_struct, entry);
			list_del_init(&work->entry);
			pool->current_work = work;
			__atomic_store_n(&work->pending, 0, __ATOMIC_RELEASE);
		}
		pool_unlock(pool, flags);
		if (!work) {
			schedule();
			continue;
		}
		__set_current_state(TASK_RUNNING);
		work->func(work);

		pool_lock(pool, &flags);
		pool->current_work = NULL;
		pool->nr_done++;
		pool_unlock(pool, flags);
	}
	return 0;
}

bool queue_work_on(int cpu, struct work_struct *work)
{
	struct worker_pool *pool = &per_cpu(cpu_worker_pools, cpu);
	struct task_struct *worker;
	unsigned long flags;

	BUG_ON(cpu < 0 || cpu >= NR_CPUS);
	if (__atomic_exchange_n(&work->pending, 1, __ATOMIC_ACQ_REL))
		return false;
	pool_lock(pool, &flags);
	work->cpu = cpu;
	list_add_tail(&work->entry, &pool->worklist);
	worker = pool->worker;
	pool_unlock(pool, flags);
	if (worker)
		wake_up_process(worker);
	return true;
}

bool schedule_work(struct work_struct *work)
{
	return queue_work_on(smp_processor_id(), work);
}

struct wq_barrier {
	struct work_struct work;
	struct completion done;
};

static void wq_barrier_func(struct work_struct *work)
{
	complete(&container_of(work, struct wq_barrier, work)->done);
}

/*
 * With pool->lock held: if work is queued on pool, put barr right behind it; if the worker is
 * running it, put barr first in line. True if a barrier was queued.
 */
static bool insert_wq_barrier(struct worker_pool *pool, struct work_struct *work,
			      struct wq_barrier *barr)
{
	struct work_struct *w;
	struct list_head *after = NULL;

	list_for_each_entry(w, &pool->worklist, entry) {
		if (w == work) {
			after = &w->entry;
			break;
		}
	}
	if (!after && pool->current_work == work)
		after = &pool->worklist;
	if (!after)
		return false;
	INIT_WORK(&barr->work, wq_barrier_func);
	barr->work.pending = 1;
	init_completion(&barr->done);
	list_add(&barr->work.entry, after);
	return true;
}

void flush_work(struct work_struct *work)
{
	struct wq_barrier barrs[NR_CPUS];
	bool queued[NR_CPUS] = { false };
	unsigned long flags;
	int cpu;

	for_each_online_cpu(cpu) {
		struct worker_pool *pool = &per_cpu(cpu_worker_pools, cpu);

		pool_lock(pool, &flags);
		queued[cpu] = insert_wq_barrier(pool, work, &barrs[cpu]);
		pool_unlock(pool, flags);
		/* A worker waiting for its own pool would wait for itself. */
		BUG_ON(queued[cpu] && current == pool->worker);
	}
	for_each_online_cpu(cpu)
		if (queued[cpu])
			wait_for_completion(&barrs[cpu].done);
}

/*
 * func on every online CPU, from that CPU's worker, and wait for all of them. Since the worker
 * is a normal task, every CPU has context-switched once by the time this returns, idle CPUs
 * included: the basis of RCU-tasks-rude.
 */
int schedule_on_each_cpu(work_func_t func)
{
	struct work_struct works[NR_CPUS];
	int cpu;

	for_each_online_cpu(cpu) {
		INIT_WORK(&works[cpu], func);
		queue_work_on(cpu, &works[cpu]);
	}
	for_each_online_cpu(cpu)
		flush_work(&works[cpu]);
	return 0;
}

void workqueue_init(void)
{
	char name[TASK_COMM_LEN];
	int cpu;

	for_each_online_cpu(cpu) {
		struct worker_pool *pool = &per_cpu(cpu_worker_pools, cpu);
		struct task_struct *worker;
		unsigned long flags;
		bool pending;

		snprintf(name, sizeof(name), "kworker/%d", cpu);
		worker = kthread_run_on_cpu(worker_thread, pool, cpu, PRIO_NORMAL, name);
		pool_lock(pool, &flags);
		pool->worker = worker;
		pending = !list_empty(&pool->worklist);
		pool_unlock(pool, flags);
		if (pending)
			wake_up_process(worker);
	}
}
