/*
 * Self-tests of the RCU flavours and of the two mechanisms they and ftrace stand on
 * (workqueues, stop_machine). Each test creates its own kthreads on another CPU and keeps its
 * timing in ticks, so the whole set takes a few dozen ticks whatever HZ is.
 *
 * The state the test threads share with the test lives in static structures: a thread that
 * outlives a failed test then still writes into valid memory.
 */
#include <asm/barrier.h>
#include <linux/atomic.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/selftest.h>
#include <linux/smp.h>
#include <linux/srcu.h>
#include <linux/stop_machine.h>
#include <linux/workqueue.h>

#define time_before_eq64(a, b)	((s64)((a) - (b)) <= 0)
#define time_before64(a, b)	((s64)((a) - (b)) < 0)

/* Sleep a tick at a time until cond holds or ticks have passed; the value of cond. */
#define wait_ticks_until(cond, ticks) ({				\
	int __left = (ticks);						\
	while (!(cond) && __left-- > 0)					\
		schedule_timeout_uninterruptible(1);			\
	!!(cond);							\
})

/*
 * Bound on waits for something that should happen soon. They end as soon as it does, so the
 * bound only matters when a test fails, or when the host starves a vCPU (QEMU with more vCPUs
 * than host CPUs): 200 ticks, and at least 200 ms however high HZ is.
 */
#define SOON	((int)max(200u, HZ / 5))

static int test_cpu;		/* where the test threads go: not the CPU running the tests */

static bool others_idle(void)
{
	int cpu, self = smp_processor_id();

	for_each_online_cpu(cpu)
		if (cpu != self && !rcu_cpu_in_eqs(cpu))
			return false;
	return true;
}

/*
 * Wait until every other CPU sits in WFI at the same moment. Sampling only after our own
 * tick would mostly catch the others in theirs (the ticks of all CPUs are in phase), so look
 * continuously for one tick, then sleep one, and so on.
 */
static bool wait_others_idle(void)
{
	u64 end = jiffies + SOON;

	while (time_before64(jiffies, end)) {
		u64 j = jiffies;

		while (jiffies == j)
			if (others_idle())
				return true;
		schedule_timeout_uninterruptible(1);
	}
	return others_idle();
}

/* Spin with preemption enabled for the given number of ticks: a task that hogs its CPU. */
static int hog_fn(void *arg)
{
	u64 until = jiffies + (unsigned long)arg;

	while (time_before64(jiffies, until))
		cpu_relax();
	return 0;
}

/* ---- RCU-sched ---- */

static struct {
	volatile int in, done;
	u64 until;
} sched_reader;

static int sched_reader_fn(void *arg)
{
	rcu_read_lock();
	sched_reader.until = jiffies + 3;
	WRITE_ONCE(sched_reader.in, 1);
	while (time_before64(jiffies, sched_reader.until))
		cpu_relax();
	smp_mb();
	WRITE_ONCE(sched_reader.done, 1);
	rcu_read_unlock();
	return 0;
}

static void rcu_sched_tests(void)
{
	struct rcu_sched_counters c0, c1;
	unsigned long cookie, n0;
	u64 j0, cyc;
	bool ok, ok2, idle;

	/* A reader with preemption disabled on another CPU, three ticks long. */
	if (nr_cpu_ids < 2) {
		tap_ok(true, "rcu-sched: synchronize_rcu waits for a preempt-disabled reader on another CPU # SKIP one CPU");
		goto idle;
	}
	for (int tries = 0; tries < 3; tries++) {
		bool inside;

		memset((void *)&sched_reader, 0, sizeof(sched_reader));
		kthread_run_on_cpu(sched_reader_fn, NULL, test_cpu, PRIO_NORMAL, "rcu-test-reader");
		ok = wait_ticks_until(READ_ONCE(sched_reader.in), SOON);
		rcu_sched_get_counters(&c0);
		j0 = jiffies;
		cyc = get_cycles();
		inside = !READ_ONCE(sched_reader.done);
		synchronize_rcu();
		cyc = get_cycles() - cyc;
		ok = ok && READ_ONCE(sched_reader.done);
		rcu_sched_get_counters(&c1);
		/* Only meaningful if the reader was still inside when the GP began. */
		if (inside || !ok)
			break;
		wait_ticks_until(READ_ONCE(sched_reader.done), SOON);
	}
	tap_ok(ok, "rcu-sched: synchronize_rcu waits for a preempt-disabled reader on cpu%d (%llu ticks, %llu cycles, %lu urgent QS requests)",
	       test_cpu, (unsigned long long)(jiffies - j0), (unsigned long long)cyc,
	       c1.urgent - c0.urgent);

idle:
	/*
	 * Every other CPU idle: the GP is over without anything from them, not even a tick
	 * (qs_eqs counts CPUs credited by the waiter while they sat in WFI). A CPU can leave
	 * idle for its tick just as the GP starts, hence a few tries.
	 */
	if (nr_cpu_ids > 1) {
		int tries = 0;

		do {
			idle = wait_others_idle();
			rcu_sched_get_counters(&c0);
			j0 = jiffies;
			cyc = get_cycles();
			synchronize_rcu();
			cyc = get_cycles() - cyc;
			rcu_sched_get_counters(&c1);
		} while (c1.qs_eqs == c0.qs_eqs && ++tries < 5);
		tap_ok(idle && c1.qs_eqs > c0.qs_eqs,
		       "rcu-sched: idle CPUs are quiescent (%lu of %d credited from idle, GP %llu ticks, %llu cycles)",
		       c1.qs_eqs - c0.qs_eqs, nr_cpu_ids - 1, (unsigned long long)(jiffies - j0),
		       (unsigned long long)cyc);
	} else {
		tap_ok(true, "rcu-sched: idle CPUs are quiescent # SKIP one CPU");
	}

	/* Polled grace periods. */
	cookie = get_state_synchronize_rcu();
	tap_ok(!poll_state_synchronize_rcu(cookie),
	       "rcu-sched: a cookie is not completed right after get_state_synchronize_rcu");
	synchronize_rcu();
	tap_ok(poll_state_synchronize_rcu(cookie), "rcu-sched: the cookie is completed after synchronize_rcu");

	cookie = get_state_synchronize_rcu();
	n0 = rcu_gp_stats[RCU_SCHED].count;
	cond_synchronize_rcu(cookie);
	ok = poll_state_synchronize_rcu(cookie) && rcu_gp_stats[RCU_SCHED].count == n0 + 1;
	n0 = rcu_gp_stats[RCU_SCHED].count;
	cond_synchronize_rcu(cookie);
	ok2 = rcu_gp_stats[RCU_SCHED].count == n0;
	tap_ok(ok && ok2, "rcu-sched: cond_synchronize_rcu waits for a fresh cookie, not for a completed one");

	/* The cookie asks for a GP not yet over when it was issued; nobody waits for it. */
	rcu_sched_get_counters(&c0);
	cookie = start_poll_synchronize_rcu();
	j0 = jiffies;
	ok = (long)(cookie - c0.gp_seq) >= 2;
	ok = wait_ticks_until(poll_state_synchronize_rcu(cookie), SOON) && ok;
	tap_ok(ok, "rcu-sched: start_poll_synchronize_rcu: the GP completes without a waiter (%llu ticks)",
	       (unsigned long long)(jiffies - j0));
}

/* ---- RCU-tasks and RCU-tasks-rude ---- */

static struct {
	volatile int in_section;
	volatile u64 release_at;	/* jiffies at which it leaves its section */
	u64 deadline;			/* leaves anyway (a failing test must not hang) */
	unsigned long nivcsw_start;
	volatile u64 left_jiffies;
} spinner;

/*
 * A tasks-RCU reader: kernel code, preemption enabled, no voluntary switch. It is preempted
 * (by the hog, by the rude GP's worker, by time slices) and resumes where it was, like a task
 * preempted between the two instructions of a traced function's prologue.
 */
static int tasks_spinner_fn(void *arg)
{
	spinner.nivcsw_start = current->nivcsw;
	WRITE_ONCE(spinner.in_section, 1);
	while (time_before64(jiffies, READ_ONCE(spinner.release_at)) &&
	       time_before64(jiffies, spinner.deadline))
		cpu_relax();
	spinner.left_jiffies = jiffies;
	smp_mb();
	WRITE_ONCE(spinner.in_section, 0);
	schedule();			/* the voluntary switch that ends the reader */
	return 0;
}

static void rcu_tasks_tests(void)
{
	unsigned long before[NR_CPUS];
	struct task_struct *t;
	u64 j0, cyc, j1;
	bool ran_everywhere = true, ok, inside;
	unsigned long preempted;
	int cpu, nidle = 0;

	/* A quiet system: only the two RCU-sched GPs and whoever happens to be runnable. */
	cyc = get_cycles();
	synchronize_rcu_tasks();
	tap_diag("rcu-tasks: GP with nothing to wait for: %llu cycles",
		 (unsigned long long)(get_cycles() - cyc));

	/* Rude: every CPU runs the work, the idle ones included. */
	wait_others_idle();
	for_each_online_cpu(cpu) {
		before[cpu] = rcu_tasks_rude_work_count(cpu);
		if (cpu != smp_processor_id() && rcu_cpu_in_eqs(cpu))
			nidle++;
	}
	cyc = get_cycles();
	synchronize_rcu_tasks_rude();
	cyc = get_cycles() - cyc;
	for_each_online_cpu(cpu)
		if (rcu_tasks_rude_work_count(cpu) == before[cpu])
			ran_everywhere = false;
	tap_ok(ran_everywhere && (nidle > 0 || nr_cpu_ids == 1),
	       "rcu-tasks-rude: the work ran on all %d CPUs, the %d idle ones included (%llu cycles)",
	       num_online_cpus(), nidle, (unsigned long long)cyc);

	if (nr_cpu_ids < 2) {
		tap_ok(true, "rcu-tasks-rude: does not wait for a task preempted in the kernel # SKIP one CPU");
		tap_ok(true, "rcu-tasks: waits for a task preempted in the kernel # SKIP one CPU");
		return;
	}

	/* A spinner in the kernel on test_cpu, then an RT hog there to preempt it. */
	spinner.in_section = 0;
	spinner.left_jiffies = 0;
	spinner.release_at = jiffies + 1000000;
	spinner.deadline = jiffies + 2 * SOON;
	t = kthread_run_on_cpu(tasks_spinner_fn, NULL, test_cpu, PRIO_NORMAL, "rcu-test-spinner");
	get_task_struct(t);
	ok = wait_ticks_until(READ_ONCE(spinner.in_section), SOON);
	kthread_run_on_cpu(hog_fn, (void *)2UL, test_cpu, PRIO_RT, "rcu-test-hog");
	ok = wait_ticks_until(READ_ONCE(t->nivcsw) != spinner.nivcsw_start, SOON) && ok;

	/* Rude: the worker gets the CPU when the spinner is preempted, so it returns at once. */
	j0 = jiffies;
	synchronize_rcu_tasks_rude();
	preempted = READ_ONCE(t->nivcsw) - spinner.nivcsw_start;
	inside = READ_ONCE(spinner.in_section);
	tap_ok(ok && inside && preempted > 0,
	       "rcu-tasks-rude: does not wait for a task preempted in the kernel (returned after %llu ticks, the task %s, preempted %lu times)",
	       (unsigned long long)(jiffies - j0), inside ? "still inside" : "gone", preempted);

	/* Tasks-RCU: must wait until the spinner leaves (3 ticks from now) and switches. */
	j0 = jiffies;
	WRITE_ONCE(spinner.release_at, j0 + 3);
	synchronize_rcu_tasks();
	j1 = jiffies;
	inside = READ_ONCE(spinner.in_section);
	tap_ok(ok && !inside && time_before_eq64(spinner.left_jiffies, j1),
	       "rcu-tasks: waits for a task preempted in the kernel (GP %llu ticks, the task %s at +%llu)",
	       (unsigned long long)(j1 - j0), inside ? "still inside" : "left its section",
	       (unsigned long long)((inside ? j1 : spinner.left_jiffies) - j0));
	put_task_struct(t);
}

/* ---- SRCU ---- */

static DEFINE_SRCU(test_srcu);

static struct {
	volatile int in, release, done;
	int idx;
} srcu_reader;

static struct {
	volatile int done;
	volatile int saw_reader_done;
} srcu_updater;

/* An SRCU reader may sleep, and this one does: a tick at a time until released. */
static int srcu_reader_fn(void *arg)
{
	srcu_reader.idx = srcu_read_lock(&test_srcu);
	WRITE_ONCE(srcu_reader.in, 1);
	while (!READ_ONCE(srcu_reader.release))
		schedule_timeout_uninterruptible(1);
	WRITE_ONCE(srcu_reader.done, 1);
	srcu_read_unlock(&test_srcu, srcu_reader.idx);
	return 0;
}

static int srcu_updater_fn(void *arg)
{
	synchronize_srcu(&test_srcu);
	srcu_updater.saw_reader_done = READ_ONCE(srcu_reader.done);
	smp_mb();
	WRITE_ONCE(srcu_updater.done, 1);
	return 0;
}

static void srcu_tests(void)
{
	unsigned long cookie, seq;
	bool ok, flipped, waited;
	int idx_new;
	u64 j0, cyc;

	cyc = get_cycles();
	synchronize_srcu(&test_srcu);
	tap_diag("srcu: GP without readers: %llu cycles", (unsigned long long)(get_cycles() - cyc));

	/* Reader A on the current index, then a GP in a kthread, then reader B (us) on the new one. */
	memset((void *)&srcu_reader, 0, sizeof(srcu_reader));
	memset((void *)&srcu_updater, 0, sizeof(srcu_updater));
	kthread_run_on_cpu(srcu_reader_fn, NULL, test_cpu, PRIO_NORMAL, "srcu-test-reader");
	ok = wait_ticks_until(READ_ONCE(srcu_reader.in), SOON);
	kthread_run_on_cpu(srcu_updater_fn, NULL, test_cpu, PRIO_NORMAL, "srcu-test-updater");
	flipped = wait_ticks_until((READ_ONCE(test_srcu.srcu_idx) & 1) != srcu_reader.idx, SOON);
	idx_new = srcu_read_lock(&test_srcu);
	schedule_timeout_uninterruptible(2);
	waited = !READ_ONCE(srcu_updater.done);
	j0 = jiffies;
	WRITE_ONCE(srcu_reader.release, 1);
	wait_ticks_until(READ_ONCE(srcu_updater.done), SOON);
	tap_ok(ok && waited && READ_ONCE(srcu_updater.done) && srcu_updater.saw_reader_done,
	       "srcu: synchronize_srcu waits for a (sleeping) reader inside srcu_read_lock (done %llu ticks after its release)",
	       (unsigned long long)(jiffies - j0));
	tap_ok(flipped && idx_new != srcu_reader.idx && READ_ONCE(srcu_updater.done),
	       "srcu: synchronize_srcu does not wait for a reader of the new index");
	srcu_read_unlock(&test_srcu, idx_new);

	/* Polled. */
	cookie = get_state_synchronize_srcu(&test_srcu);
	ok = !poll_state_synchronize_srcu(&test_srcu, cookie);
	synchronize_srcu(&test_srcu);
	ok = ok && poll_state_synchronize_srcu(&test_srcu, cookie);
	tap_ok(ok, "srcu: a cookie completes with the next synchronize_srcu, not before");
	seq = READ_ONCE(test_srcu.srcu_gp_seq);
	cookie = start_poll_synchronize_srcu(&test_srcu);
	j0 = jiffies;
	ok = (long)(cookie - seq) >= 2;
	ok = wait_ticks_until(poll_state_synchronize_srcu(&test_srcu, cookie), SOON) && ok;
	tap_ok(ok, "srcu: start_poll_synchronize_srcu: the GP completes from its work (%llu ticks)",
	       (unsigned long long)(jiffies - j0));
}

/* ---- workqueues ---- */

static volatile int wq_hits[NR_CPUS];
static volatile int wq_wrong_context;

static void wq_each_fn(struct work_struct *work)
{
	int cpu = smp_processor_id();

	wq_hits[cpu]++;
	if (strncmp(current->comm, "kworker/", 8) || current->cpu != cpu)
		wq_wrong_context++;
}

static struct {
	struct work_struct work;
	volatile int started, done;
} slow_work;

static void slow_work_fn(struct work_struct *work)
{
	WRITE_ONCE(slow_work.started, 1);
	schedule_timeout_uninterruptible(2);
	WRITE_ONCE(slow_work.done, 1);
}

static void workqueue_tests(void)
{
	bool ok = true;
	int cpu;

	for (cpu = 0; cpu < NR_CPUS; cpu++)
		wq_hits[cpu] = 0;
	wq_wrong_context = 0;
	schedule_on_each_cpu(wq_each_fn);
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		if (wq_hits[cpu] != (cpu_online(cpu) ? 1 : 0))
			ok = false;
	tap_ok(ok && !wq_wrong_context,
	       "workqueue: schedule_on_each_cpu runs once on each of %d CPUs, from kworker/N",
	       num_online_cpus());

	INIT_WORK(&slow_work.work, slow_work_fn);
	slow_work.started = slow_work.done = 0;
	ok = queue_work_on(test_cpu, &slow_work.work);
	flush_work(&slow_work.work);
	tap_ok(ok && READ_ONCE(slow_work.done), "workqueue: flush_work waits for a work that sleeps");
}

/* ---- stop_machine ---- */

static struct {
	atomic_t runs;
	volatile u32 ran_on;
	volatile u32 bad;		/* CPUs found not stopped with IRQs off */
} sm_test;

static int sm_check_fn(void *arg)
{
	int cpu, self = smp_processor_id();

	if (!irqs_disabled())
		__atomic_fetch_or(&sm_test.bad, 1u << self, __ATOMIC_RELAXED);
	for_each_online_cpu(cpu) {
		bool irqs_off;
		enum multi_stop_state st;

		if (cpu == self)
			continue;
		st = stop_machine_cpu_state(cpu, &irqs_off);
		if (st < MULTI_STOP_DISABLE_IRQ || st == MULTI_STOP_EXIT || !irqs_off)
			__atomic_fetch_or(&sm_test.bad, 1u << cpu, __ATOMIC_RELAXED);
	}
	__atomic_fetch_or(&sm_test.ran_on, 1u << self, __ATOMIC_RELAXED);
	atomic_inc(&sm_test.runs);
	return (int)(unsigned long)arg;
}

static void stop_machine_tests(void)
{
	u32 online = READ_ONCE(cpu_online_mask);
	u64 cyc;
	int ret;

	memset((void *)&sm_test, 0, sizeof(sm_test));
	cyc = get_cycles();
	ret = stop_machine(sm_check_fn, NULL, 0);
	cyc = get_cycles() - cyc;
	tap_ok(ret == 0 && atomic_read(&sm_test.runs) == 1 && !sm_test.bad,
	       "stop_machine: fn runs once while the %d other CPUs spin in their stoppers with IRQs off (bad mask 0x%x, %llu cycles)",
	       num_online_cpus() - 1, sm_test.bad, (unsigned long long)cyc);

	memset((void *)&sm_test, 0, sizeof(sm_test));
	ret = stop_machine(sm_check_fn, (void *)7UL, online);
	tap_ok(ret == 7 && atomic_read(&sm_test.runs) == num_online_cpus() &&
	       sm_test.ran_on == online && !sm_test.bad,
	       "stop_machine: with cpus=0x%x fn runs on each of them, IRQs off everywhere, result returned",
	       online);
}

void rcu_selftest(void)
{
	u64 j0 = jiffies;
	int f;

	test_cpu = nr_cpu_ids > 1 ? (smp_processor_id() + 1) % nr_cpu_ids : smp_processor_id();
	rcu_sched_tests();
	rcu_tasks_tests();
	srcu_tests();
	workqueue_tests();
	stop_machine_tests();
	for (f = 0; f < NR_RCU_FLAVOURS; f++) {
		struct rcu_gp_stats *s = &rcu_gp_stats[f];

		if (!s->count)
			continue;
		tap_diag("%s: %llu GPs, cycles avg %llu max %llu", rcu_flavour_name(f),
			 (unsigned long long)s->count, (unsigned long long)(s->total_cycles / s->count),
			 (unsigned long long)s->max_cycles);
	}
	tap_diag("rcu selftests took %llu ticks (HZ=%u)", (unsigned long long)(jiffies - j0), HZ);
}
