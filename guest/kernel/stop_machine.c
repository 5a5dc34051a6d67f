/*
 * stop_machine: run a function while every other CPU is held in a known place with IRQs off.
 *
 * Each CPU has a stopper kthread, "migration/N", at PRIO_STOP: when it is woken nothing else
 * on that CPU runs until it sleeps again. stop_machine() hands one job to every online CPU's
 * stopper and sleeps until all of them are done. The stoppers then walk through the stages
 * of enum multi_stop_state in lock step: each CPU does what the stage asks (mask IRQs, run the
 * function), then acknowledges it on a shared down-counter; the CPU that brings the counter to
 * zero rearms it and publishes the next stage. So no CPU runs fn before every CPU has masked
 * IRQs, and no CPU unmasks them before fn has returned everywhere.
 *
 * The stopper side is notrace (this file is otherwise traced): the CPUs that spin here are
 * exactly the ones a text-patching fn relies on not to be executing patchable code.
 */
#include <asm/barrier.h>
#include <linux/atomic.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/stop_machine.h>

struct multi_stop_data {
	cpu_stop_fn_t fn;
	void *data;
	u32 active_cpus;		/* CPUs that run fn; 0: the first CPU to arrive */
	int num_threads;
	atomic_t runner;		/* with active_cpus == 0: the CPU that claimed fn, or -1 */
	volatile int state;		/* enum multi_stop_state */
	atomic_t thread_ack;		/* CPUs yet to acknowledge state */
	atomic_t ret;			/* first nonzero result of fn */
	atomic_t nr_left;		/* stoppers still inside; the last one completes done */
	struct completion done;
};

struct cpu_stopper {
	struct task_struct *thread;
	struct multi_stop_data *job;	/* handed over by stop_machine(), taken by the thread */
	volatile int stage;		/* last stage completed (selftest view) */
	volatile bool irqs_off;
};

static DEFINE_PER_CPU(struct cpu_stopper, cpu_stopper);
static bool stop_machine_initialized;

/* One stop_machine() at a time. The caller sleeps in it, so a flag rather than a spinlock. */
static DEFINE_SPINLOCK(stop_machine_lock);
static bool stop_machine_busy;

static notrace void set_state(struct multi_stop_data *msdata, enum multi_stop_state newstate)
{
	/* Rearm the counter before anyone can see the stage it counts. */
	atomic_set(&msdata->thread_ack, msdata->num_threads);
	smp_wmb();
	WRITE_ONCE(msdata->state, newstate);
}

static notrace void ack_state(struct multi_stop_data *msdata)
{
	if (atomic_dec_return(&msdata->thread_ack) == 0)
		set_state(msdata, msdata->state + 1);
}

static notrace void multi_cpu_stop(struct multi_stop_data *msdata)
{
	int cpu = smp_processor_id();
	struct cpu_stopper *stopper = &per_cpu(cpu_stopper, cpu);
	enum multi_stop_state curstate = MULTI_STOP_NONE, newstate;
	unsigned long flags = arch_local_save_flags();
	bool is_active;
	int err;

	if (msdata->active_cpus)
		is_active = msdata->active_cpus & (1u << cpu);
	else
		is_active = atomic_cmpxchg(&msdata->runner, -1, cpu) == -1;

	do {
		cpu_relax();
		newstate = READ_ONCE(msdata->state);
		if (newstate == curstate)
			continue;
		curstate = newstate;
		switch (curstate) {
		case MULTI_STOP_DISABLE_IRQ:
			local_irq_disable();
			WRITE_ONCE(stopper->irqs_off, true);
			break;
		case MULTI_STOP_RUN:
			if (is_active) {
				err = msdata->fn(msdata->data);
				if (err)
					atomic_cmpxchg(&msdata->ret, 0, err);
			}
			break;
		case MULTI_STOP_EXIT:
			/* fn may have rewritten code this CPU fetched earlier: drop it. */
			isb();
			break;
		default:
			break;
		}
		WRITE_ONCE(stopper->stage, curstate);
		ack_state(msdata);
	} while (curstate != MULTI_STOP_EXIT);

	WRITE_ONCE(stopper->stage, MULTI_STOP_NONE);
	WRITE_ONCE(stopper->irqs_off, false);
	local_irq_restore(flags);
}

static notrace int cpu_stopper_thread(void *arg)
{
	struct cpu_stopper *stopper = arg;

	for (;;) {
		struct multi_stop_data *msdata;

		set_current_state(TASK_INTERRUPTIBLE);
		msdata = __atomic_exchange_n(&stopper->job, NULL, __ATOMIC_ACQUIRE);
		if (!msdata) {
			schedule();
			continue;
		}
		__set_current_state(TASK_RUNNING);
		multi_cpu_stop(msdata);
		/* The last access to msdata: it lives on the stack of the stop_machine() caller. */
		if (atomic_dec_and_test(&msdata->nr_left))
			complete(&msdata->done);
	}
	return 0;
}

enum multi_stop_state stop_machine_cpu_state(int cpu, bool *irqs_off)
{
	struct cpu_stopper *stopper = &per_cpu(cpu_stopper, cpu);

	if (irqs_off)
		*irqs_off = READ_ONCE(stopper->irqs_off);
	return READ_ONCE(stopper->stage);
}

int stop_machine(cpu_stop_fn_t fn, void *data, u32 cpus)
{
	struct multi_stop_data msdata = {
		.fn = fn,
		.data = data,
		.runner = ATOMIC_INIT(-1),
		.ret = ATOMIC_INIT(0),
	};
	unsigned long flags;
	u32 online;
	int cpu;

	if (!READ_ONCE(stop_machine_initialized)) {
		/* Early boot: one CPU, no stoppers yet. IRQs off is all "stopping" means. */
		int ret;

		WARN_ON(num_online_cpus() > 1);
		local_irq_save(flags);
		ret = fn(data);
		local_irq_restore(flags);
		return ret;
	}
	WARN_ON(preempt_count() || irqs_disabled());

	for (;;) {
		spin_lock_irqsave(&stop_machine_lock, flags);
		if (!stop_machine_busy) {
			stop_machine_busy = true;
			spin_unlock_irqrestore(&stop_machine_lock, flags);
			break;
		}
		spin_unlock_irqrestore(&stop_machine_lock, flags);
		schedule_timeout_uninterruptible(1);
	}

	online = READ_ONCE(cpu_online_mask);
	msdata.active_cpus = cpus & online;
	if (cpus && !msdata.active_cpus)
		msdata.active_cpus = 1u << __builtin_ctz(online);	/* asked for none online */
	msdata.num_threads = __builtin_popcount(online);
	atomic_set(&msdata.nr_left, msdata.num_threads);
	init_completion(&msdata.done);
	set_state(&msdata, MULTI_STOP_PREPARE);

	/*
	 * Hand the job to every stopper, then wake them, with preemption off: our own CPU's
	 * stopper would otherwise take the CPU at the next interrupt, before the other stoppers
	 * are awake, and spin forever waiting for them. It runs at preempt_enable() instead;
	 * the others get a reschedule IPI from wake_up_process.
	 */
	preempt_disable();
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		if (online & (1u << cpu))
			__atomic_store_n(&per_cpu(cpu_stopper, cpu).job, &msdata, __ATOMIC_RELEASE);
	smp_mb();	/* the jobs before the stoppers' states are read by the wake-ups */
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		if (online & (1u << cpu))
			wake_up_process(per_cpu(cpu_stopper, cpu).thread);
	preempt_enable();

	wait_for_completion(&msdata.done);

	spin_lock_irqsave(&stop_machine_lock, flags);
	stop_machine_busy = false;
	spin_unlock_irqrestore(&stop_machine_lock, flags);
	return atomic_read(&msdata.ret);
}

void stop_machine_init(void)
{
	char name[TASK_COMM_LEN];
	int cpu;

	for_each_online_cpu(cpu) {
		struct cpu_stopper *stopper = &per_cpu(cpu_stopper, cpu);

		snprintf(name, sizeof(name), "migration/%d", cpu);
		stopper->thread = kthread_run_on_cpu(cpu_stopper_thread, stopper, cpu, PRIO_STOP, name);
	}
	smp_mb();
	WRITE_ONCE(stop_machine_initialized, true);
}
