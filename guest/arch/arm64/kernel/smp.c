/*
 * SMP: bringing the other CPUs up with PSCI CPU_ON, and IPIs (SGIs) between them.
 */
#include <asm/barrier.h>
#include <asm/irq.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>

int nr_cpu_ids = 1;
volatile u32 cpu_online_mask = 1;
unsigned long secondary_stacks[NR_CPUS];	/* head.S: each CPU's idle stack top */
struct task_struct *idle_tasks[NR_CPUS];	/* head.S: each CPU's idle task */
extern char secondary_entry[];
long psci_cpu_on(int cpu, unsigned long entry, unsigned long context);
void secondary_cpu_init(int cpu);		/* init/main.c */

/* Start every CPU PSCI knows of, up to maxcpus= (default all), and wait for each. */
void smp_init(void)
{
	int max = (int)bootarg_long("maxcpus", NR_CPUS);

	for (int cpu = 1; cpu < NR_CPUS && cpu < max; cpu++) {
		struct task_struct *idle = idle_tasks[cpu];

		if (!idle) {
			sched_init_idle(cpu);
			idle = idle_tasks[cpu];
		}
		secondary_stacks[cpu] = (unsigned long)idle->stack + THREAD_SIZE;
		dsb(ish);
		if (psci_cpu_on(cpu, (unsigned long)secondary_entry, cpu) != 0)
			break;
		nr_cpu_ids = cpu + 1;
		while (!cpu_online(cpu))
			wfe();
	}
}

void secondary_start_kernel(void)
{
	int cpu = smp_processor_id();

	secondary_cpu_init(cpu);
	__atomic_fetch_or(&cpu_online_mask, 1u << cpu, __ATOMIC_SEQ_CST);
	dsb(ish);
	sev();
	cpu_startup_entry();
}

/* ---- cross-CPU function calls ---- */

struct call_single_data {
	struct list_head list;
	void (*func)(void *info);
	void *info;
	volatile int done;
	bool dynamic;		/* kmalloc'ed for a caller that does not wait: freed after the call */
};

static struct list_head call_single_queue[NR_CPUS];
static spinlock_t call_single_lock[NR_CPUS];

void smp_ipi_init(void)
{
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		INIT_LIST_HEAD(&call_single_queue[cpu]);
		spin_lock_init(&call_single_lock[cpu]);
	}
}

static void flush_call_single_queue(void)
{
	int cpu = smp_processor_id();

	for (;;) {
		struct call_single_data *csd = NULL;

		spin_lock(&call_single_lock[cpu]);
		if (!list_empty(&call_single_queue[cpu])) {
			csd = list_first_entry(&call_single_queue[cpu], struct call_single_data, list);
			list_del(&csd->list);
		}
		spin_unlock(&call_single_lock[cpu]);
		if (!csd)
			return;
		csd->func(csd->info);
		if (csd->dynamic)
			kfree(csd);
		else
			smp_store_release(&csd->done, 1);
	}
}

static void csd_queue(int cpu, struct call_single_data *csd)
{
	unsigned long flags;

	csd->done = 0;
	spin_lock_irqsave(&call_single_lock[cpu], flags);
	list_add_tail(&csd->list, &call_single_queue[cpu]);
	spin_unlock_irqrestore(&call_single_lock[cpu], flags);
	gic_send_sgi(cpu, IPI_CALL_FUNC);
}

int smp_call_function_single(int cpu, void (*func)(void *), void *info, bool wait)
{
	if (cpu == smp_processor_id()) {
		unsigned long flags;

		local_irq_save(flags);
		func(info);
		local_irq_restore(flags);
		return 0;
	}
	if (!cpu_online(cpu))
		return -6;
	if (!wait) {
		/* Fire and forget: the record must outlive this call. */
		struct call_single_data *csd = kmalloc(sizeof(*csd));

		csd->func = func;
		csd->info = info;
		csd->dynamic = true;
		csd_queue(cpu, csd);
		return 0;
	}
	struct call_single_data csd = { .func = func, .info = info };

	csd_queue(cpu, &csd);
	while (!smp_load_acquire(&csd.done))
		cpu_relax();
	return 0;
}

void smp_call_function(void (*func)(void *), void *info, bool wait)
{
	struct call_single_data csd[NR_CPUS];
	int self = smp_processor_id(), cpu;

	for_each_online_cpu(cpu) {
		if (cpu == self)
			continue;
		if (!wait) {
			smp_call_function_single(cpu, func, info, false);
			continue;
		}
		csd[cpu].func = func;
		csd[cpu].info = info;
		csd[cpu].dynamic = false;
		csd_queue(cpu, &csd[cpu]);
	}
	if (!wait)
		return;
	for_each_online_cpu(cpu)
		if (cpu != self)
			while (!smp_load_acquire(&csd[cpu].done))
				cpu_relax();
}

static void do_nothing(void *unused) {}

void kick_all_cpus_sync(void)
{
	smp_call_function(do_nothing, NULL, true);
}

void smp_send_reschedule(int cpu)
{
	gic_send_sgi(cpu, IPI_RESCHEDULE);
}

static volatile bool cpus_stopping;

void smp_send_stop(void)
{
	int cpu, self = smp_processor_id();

	cpus_stopping = true;
	for_each_online_cpu(cpu)
		if (cpu != self)
			gic_send_sgi(cpu, IPI_CPU_STOP);
}

void handle_ipi(int ipinr)
{
	switch (ipinr) {
	case IPI_RESCHEDULE:
		set_tsk_need_resched(current);	/* acted on at IRQ return */
		break;
	case IPI_CALL_FUNC:
		flush_call_single_queue();
		break;
	case IPI_CPU_STOP:
		local_irq_disable();
		for (;;)
			wfi();
	}
}
