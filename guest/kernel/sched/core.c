/*
 * The scheduler: per-CPU run queues, tasks pinned to their CPU, a few strict priority levels
 * with round robin inside each, a time slice counted in ticks, preemption on IRQ return, and
 * a WFI idle task per CPU.
 *
 * A switch is voluntary when the task called schedule() (it blocked, yielded, slept, or was
 * about to return to user mode) and involuntary when an interrupt preempted it. The
 * difference is what RCU-tasks waits for: a task preempted in the kernel may be anywhere,
 * including between the two instructions of a traced function's prologue.
 */
#include <asm/barrier.h>
#include <asm/ptrace.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/selftest.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>

struct rq {
	arch_spinlock_t lock;		/* taken with IRQs off */
	struct task_struct *curr;
	struct task_struct *idle;
	struct list_head queue[MAX_PRIO];	/* runnable tasks, the running one included */
	unsigned int nr_running;		/* idle not counted */
	struct list_head sleepers;		/* tasks in schedule_timeout, by timer_list */
};

static struct rq runqueues[NR_CPUS];
struct task_struct *cpu_current_task[NR_CPUS];	/* entry.S: current on kernel entry from EL0 */
extern struct task_struct *idle_tasks[NR_CPUS];

LIST_HEAD(task_list);
DEFINE_SPINLOCK(tasklist_lock);
volatile u64 jiffies;
unsigned int HZ = 10000;
unsigned int sched_slice_ticks = 1;
struct sched_stats sched_stats[NR_CPUS];
static int next_pid = 1;

struct task_struct init_task = { .comm = "swapper/0", .is_idle = true, .state = TASK_RUNNING };
unsigned char init_stack[THREAD_SIZE] __aligned(16);

struct task_struct *cpu_switch_to(struct task_struct *prev, struct task_struct *next);
extern char ret_from_fork[];

bool is_idle_task(const struct task_struct *p) { return p->is_idle; }
struct task_struct *cpu_curr(int cpu) { return READ_ONCE(runqueues[cpu].curr); }
bool task_curr(const struct task_struct *p) { return cpu_curr(p->cpu) == p; }

static void task_list_add(struct task_struct *p)
{
	unsigned long flags;

	spin_lock_irqsave(&tasklist_lock, flags);
	p->pid = next_pid++;
	list_add_tail(&p->tasks, &task_list);
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

int nr_tasks(void)
{
	struct task_struct *t;
	unsigned long flags;
	int n = 0;

	spin_lock_irqsave(&tasklist_lock, flags);
	for_each_process(t)
		n++;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return n;
}

static void enqueue_task(struct rq *rq, struct task_struct *p)
{
	list_add_tail(&p->run_list, &rq->queue[p->prio]);
	p->on_rq = 1;
	rq->nr_running++;
}

static void dequeue_task(struct rq *rq, struct task_struct *p)
{
	list_del(&p->run_list);
	p->on_rq = 0;
	rq->nr_running--;
}

static struct task_struct *pick_next_task(struct rq *rq)
{
	for (int prio = 0; prio < MAX_PRIO; prio++)
		if (!list_empty(&rq->queue[prio]))
			return list_first_entry(&rq->queue[prio], struct task_struct, run_list);
	return rq->idle;
}

/* Is there a task other than curr at curr's priority or above? Then the slice matters. */
static bool others_runnable(struct rq *rq, struct task_struct *curr)
{
	for (int prio = 0; prio <= curr->prio && prio < MAX_PRIO; prio++) {
		struct list_head *q = &rq->queue[prio];

		if (list_empty(q))
			continue;
		if (q->next != &curr->run_list || q->next->next != q)
			return true;
	}
	return false;
}

/* Called with the rq lock held: make rq's CPU reschedule, by IPI if it is another CPU. */
static void resched_curr(struct rq *rq, int cpu)
{
	set_tsk_need_resched(rq->curr);
	if (cpu != smp_processor_id())
		smp_send_reschedule(cpu);
}

void resched_curr_cpu(int cpu)
{
	unsigned long flags;

	local_irq_save(flags);
	arch_spin_lock(&runqueues[cpu].lock);
	resched_curr(&runqueues[cpu], cpu);
	arch_spin_unlock(&runqueues[cpu].lock);
	local_irq_restore(flags);
}

/* The tail of every switch, in the context of the task switched to: release the rq. */
static void finish_task_switch(struct task_struct *prev)
{
	struct rq *rq = &runqueues[smp_processor_id()];

	prev->on_cpu = 0;
	arch_spin_unlock(&rq->lock);
	if (prev->state == TASK_DEAD)
		put_task_struct(prev);	/* its stack is no longer in use: we are on ours */
}

void put_task_struct(struct task_struct *t)
{
	if (__atomic_sub_fetch(&t->usage, 1, __ATOMIC_ACQ_REL) == 0) {
		kfree(t->stack);
		kfree(t);
	}
}

/* Call with IRQs off and preemption disabled. */
static void __schedule(bool preempt)
{
	int cpu = smp_processor_id();
	struct rq *rq = &runqueues[cpu];
	struct task_struct *prev = current, *next;
	unsigned long *switch_count = &prev->nivcsw;

	rcu_note_context_switch(preempt);
	rcu_tasks_qs(prev, preempt);

	arch_spin_lock(&rq->lock);
	clear_tsk_need_resched(prev);
	if (!prev->is_idle) {
		if (!preempt && prev->state != TASK_RUNNING) {
			dequeue_task(rq, prev);
			switch_count = &prev->nvcsw;
		} else {
			/* Round robin: to the back of its level. */
			list_del(&prev->run_list);
			list_add_tail(&prev->run_list, &rq->queue[prev->prio]);
		}
	}
	next = pick_next_task(rq);
	if (next == prev) {
		arch_spin_unlock(&rq->lock);
		return;
	}
	++*switch_count;
	sched_stats[cpu].switches++;
	if (preempt)
		sched_stats[cpu].preemptions++;
	next->time_slice = sched_slice_ticks;
	next->on_cpu = 1;
	rq->curr = next;
	cpu_current_task[cpu] = next;
	prev = cpu_switch_to(prev, next);
	finish_task_switch(prev);
}

void schedule(void)
{
	unsigned long flags;

	preempt_disable();
	local_irq_save(flags);
	__schedule(false);
	local_irq_restore(flags);
	preempt_enable_no_resched();
}

void schedule_preempt_user(void)
{
	schedule();
}

/* From el1h_64_irq_handler: IRQs are masked and the task's frame is on its stack. */
void preempt_schedule_irq(void)
{
	do {
		preempt_disable();
		__schedule(true);
		preempt_enable_no_resched();
	} while (need_resched());
}

/* preempt_enable() found need_resched: a preemption too (the task did not ask to sleep). */
void preempt_schedule(void)
{
	unsigned long flags;

	if (preempt_count() || irqs_disabled())
		return;
	do {
		preempt_disable();
		local_irq_save(flags);
		__schedule(true);
		local_irq_restore(flags);
		preempt_enable_no_resched();
	} while (need_resched());
}

void yield(void)
{
	schedule();
}

/* A new task's first code, from ret_from_fork: the rq lock of the switch is still held. */
void schedule_tail(struct task_struct *prev)
{
	finish_task_switch(prev);
	local_irq_enable();
	preempt_enable_no_resched();
}

int wake_up_process(struct task_struct *p)
{
	struct rq *rq = &runqueues[p->cpu];
	unsigned long flags;
	int woken = 0;

	local_irq_save(flags);
	arch_spin_lock(&rq->lock);
	if (p->state != TASK_RUNNING && p->state != TASK_DEAD) {
		p->state = TASK_RUNNING;
		woken = 1;
		if (!p->on_rq) {
			enqueue_task(rq, p);
			if (rq->curr->is_idle || p->prio < rq->curr->prio)
				resched_curr(rq, p->cpu);
		}
	}
	arch_spin_unlock(&rq->lock);
	local_irq_restore(flags);
	return woken;
}

long schedule_timeout(long ticks)
{
	struct task_struct *p = current;
	struct rq *rq = &runqueues[p->cpu];
	unsigned long flags;

	local_irq_save(flags);
	arch_spin_lock(&rq->lock);
	p->wake_jiffies = jiffies + (ticks > 0 ? ticks : 0);
	list_add_tail(&p->timer_list, &rq->sleepers);
	p->timer_pending = true;
	arch_spin_unlock(&rq->lock);
	local_irq_restore(flags);

	schedule();

	local_irq_save(flags);
	arch_spin_lock(&rq->lock);
	if (p->timer_pending) {
		list_del(&p->timer_list);
		p->timer_pending = false;
	}
	arch_spin_unlock(&rq->lock);
	local_irq_restore(flags);
	return 0;
}

long schedule_timeout_uninterruptible(long ticks)
{
	set_current_state(TASK_UNINTERRUPTIBLE);
	return schedule_timeout(ticks);
}

long schedule_timeout_idle(long ticks)
{
	return schedule_timeout_uninterruptible(ticks);
}

/* Wake this CPU's sleepers whose time has come. Called from the tick with IRQs off. */
static void wake_sleepers(struct rq *rq, int cpu)
{
	struct task_struct *p, *n;

	arch_spin_lock(&rq->lock);
	list_for_each_entry_safe(p, n, &rq->sleepers, timer_list) {
		if ((s64)(jiffies - p->wake_jiffies) < 0)
			continue;
		list_del(&p->timer_list);
		p->timer_pending = false;
		if (p->state != TASK_RUNNING && p->state != TASK_DEAD) {
			p->state = TASK_RUNNING;
			if (!p->on_rq) {
				enqueue_task(rq, p);
				if (rq->curr->is_idle || p->prio < rq->curr->prio)
					set_tsk_need_resched(rq->curr);
			}
		}
	}
	arch_spin_unlock(&rq->lock);
}

void scheduler_tick(struct pt_regs *regs)
{
	int cpu = smp_processor_id();
	struct rq *rq = &runqueues[cpu];
	struct task_struct *curr = rq->curr;

	if (cpu == 0)
		jiffies++;
	wake_sleepers(rq, cpu);
	if (!curr->is_idle && --curr->time_slice <= 0) {
		curr->time_slice = sched_slice_ticks;
		arch_spin_lock(&rq->lock);
		if (others_runnable(rq, curr))
			set_tsk_need_resched(curr);
		arch_spin_unlock(&rq->lock);
	}
	rcu_sched_clock_irq(user_mode(regs));
}

/* ---- task creation and exit ---- */

static struct task_struct *alloc_task(int cpu, int prio, const char *name)
{
	struct task_struct *p = kzalloc(sizeof(*p));

	p->stack = kmalloc(THREAD_SIZE);
	p->cpu = cpu;
	p->prio = prio;
	p->state = TASK_RUNNING;
	p->usage = 1;
	p->thread_info.preempt_count = PREEMPT_OFFSET;	/* dropped by schedule_tail */
	strncpy(p->comm, name, TASK_COMM_LEN - 1);
	INIT_LIST_HEAD(&p->run_list);
	INIT_LIST_HEAD(&p->timer_list);
	INIT_LIST_HEAD(&p->rcu_tasks_holdout_list);
	return p;
}

/* reserve: bytes kept free at the top of the stack (a user task's pt_regs live there). */
static void start_task(struct task_struct *p, int (*fn)(void *), void *data, size_t reserve)
{
	struct rq *rq = &runqueues[p->cpu];
	unsigned long flags;

	p->threadfn = fn;
	p->data = data;
	p->cpu_context.x19 = (u64)fn;
	p->cpu_context.x20 = (u64)data;
	p->cpu_context.pc = (u64)ret_from_fork;
	p->cpu_context.sp = (u64)p->stack + THREAD_SIZE - reserve;
	p->cpu_context.fp = 0;
	task_list_add(p);

	local_irq_save(flags);
	arch_spin_lock(&rq->lock);
	enqueue_task(rq, p);
	if (rq->curr->is_idle || p->prio < rq->curr->prio)
		resched_curr(rq, p->cpu);
	arch_spin_unlock(&rq->lock);
	local_irq_restore(flags);
}

struct task_struct *kthread_run_on_cpu(int (*fn)(void *), void *data, int cpu, int prio,
				       const char *name)
{
	struct task_struct *p;

	BUG_ON(cpu < 0 || cpu >= NR_CPUS || !cpu_online(cpu));
	BUG_ON(prio < 0 || prio >= MAX_PRIO);
	p = alloc_task(cpu, prio, name);
	start_task(p, fn, data, 0);
	return p;
}

void ret_to_user_from(struct pt_regs *regs) __noreturn;

/* Each user task gets 16 KiB of EL0 stack from the EL0 region. */
#define USER_STACK_SIZE 16384
static unsigned long user_stack_next = 0x40400000UL;
static DEFINE_SPINLOCK(user_stack_lock);

static int user_task_start(void *unused)
{
	struct task_struct *p = current;
	struct pt_regs *regs = (struct pt_regs *)((char *)p->stack + THREAD_SIZE) - 1;

	memset(regs, 0, sizeof(*regs));
	regs->pc = p->user_entry;
	regs->sp = p->user_sp;
	regs->regs[0] = p->user_arg;
	regs->pstate = PSR_MODE_EL0t;	/* IRQs unmasked at EL0 */
	local_irq_disable();
	ret_to_user_from(regs);
}

struct task_struct *user_task_create(void (*entry)(long), long arg, int cpu, const char *name)
{
	struct task_struct *p = alloc_task(cpu, PRIO_NORMAL, name);
	unsigned long flags;

	spin_lock_irqsave(&user_stack_lock, flags);
	BUG_ON(user_stack_next + USER_STACK_SIZE > 0x40600000UL);
	p->user_sp = user_stack_next + USER_STACK_SIZE;
	user_stack_next += USER_STACK_SIZE;
	spin_unlock_irqrestore(&user_stack_lock, flags);
	p->is_user = true;
	p->user_entry = (u64)entry;
	p->user_arg = (u64)arg;
	start_task(p, user_task_start, NULL, sizeof(struct pt_regs));
	return p;
}

void do_exit(int code)
{
	struct task_struct *p = current;
	unsigned long flags;

	p->exit_code = code;
	spin_lock_irqsave(&tasklist_lock, flags);
	list_del(&p->tasks);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	set_current_state(TASK_DEAD);
	p->thread_info.preempt_count = 0;
	schedule();
	BUG();
}

void sched_set_prio(struct task_struct *p, int prio)
{
	struct rq *rq = &runqueues[p->cpu];
	unsigned long flags;

	local_irq_save(flags);
	arch_spin_lock(&rq->lock);
	if (p->on_rq) {
		list_del(&p->run_list);
		p->prio = prio;
		list_add_tail(&p->run_list, &rq->queue[prio]);
		resched_curr(rq, p->cpu);
	} else {
		p->prio = prio;
	}
	arch_spin_unlock(&rq->lock);
	local_irq_restore(flags);
}

/* ---- completions ---- */

void init_completion(struct completion *c)
{
	c->done = 0;
	INIT_LIST_HEAD(&c->wait);
	spin_lock_init(&c->lock);
}

struct completion_waiter {
	struct list_head list;
	struct task_struct *task;
};

void complete(struct completion *c)
{
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	c->done++;
	if (!list_empty(&c->wait)) {
		struct completion_waiter *w = list_first_entry(&c->wait, struct completion_waiter, list);

		list_del(&w->list);
		wake_up_process(w->task);
	}
	spin_unlock_irqrestore(&c->lock, flags);
}

void complete_all(struct completion *c)
{
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	c->done = 1u << 30;
	while (!list_empty(&c->wait)) {
		struct completion_waiter *w = list_first_entry(&c->wait, struct completion_waiter, list);

		list_del(&w->list);
		wake_up_process(w->task);
	}
	spin_unlock_irqrestore(&c->lock, flags);
}

void wait_for_completion(struct completion *c)
{
	struct completion_waiter w = { .task = current };
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	while (!c->done) {
		INIT_LIST_HEAD(&w.list);
		list_add_tail(&w.list, &c->wait);
		set_current_state(TASK_UNINTERRUPTIBLE);
		spin_unlock_irqrestore(&c->lock, flags);
		schedule();
		spin_lock_irqsave(&c->lock, flags);
		if (!list_empty(&w.list) && w.list.next != &w.list)
			list_del(&w.list);
	}
	if (c->done != 1u << 30)
		c->done--;
	spin_unlock_irqrestore(&c->lock, flags);
}

/* ---- boot ---- */

void sched_init(void)
{
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct rq *rq = &runqueues[cpu];

		for (int prio = 0; prio < MAX_PRIO; prio++)
			INIT_LIST_HEAD(&rq->queue[prio]);
		INIT_LIST_HEAD(&rq->sleepers);
	}
	HZ = (unsigned int)bootarg_long("hz", 10000);
	if (HZ < 10 || HZ > 100000)
		panic("hz=%u out of range (10..100000)", HZ);
	sched_slice_ticks = (unsigned int)bootarg_long("sched.slice", 1);
	if (!sched_slice_ticks)
		sched_slice_ticks = 1;

	/* The boot context becomes CPU 0's idle task. */
	init_task.stack = init_stack;
	init_task.on_cpu = 1;
	INIT_LIST_HEAD(&init_task.run_list);
	INIT_LIST_HEAD(&init_task.timer_list);
	INIT_LIST_HEAD(&init_task.rcu_tasks_holdout_list);
	task_list_add(&init_task);
	init_task.pid = 0;
	runqueues[0].curr = runqueues[0].idle = &init_task;
	cpu_current_task[0] = &init_task;
	idle_tasks[0] = &init_task;
}

void sched_init_idle(int cpu)
{
	char name[TASK_COMM_LEN];
	struct task_struct *idle;

	snprintf(name, sizeof(name), "swapper/%d", cpu);
	idle = alloc_task(cpu, MAX_PRIO - 1, name);
	idle->is_idle = true;
	idle->on_cpu = 1;
	idle->thread_info.preempt_count = 0;
	task_list_add(idle);
	idle->pid = 0;
	runqueues[cpu].curr = runqueues[cpu].idle = idle;
	cpu_current_task[cpu] = idle;
	idle_tasks[cpu] = idle;
}

/* The idle loop: WFI with IRQs masked (a pending IRQ still ends it), then take the IRQ. */
void cpu_startup_entry(void)
{
	local_irq_enable();
	for (;;) {
		local_irq_disable();
		if (!need_resched()) {
			rcu_idle_enter();
			wfi();
			rcu_idle_exit();
		}
		local_irq_enable();
		if (need_resched())
			schedule();
	}
}

/* ---- self-tests ---- */

struct sched_test {
	volatile int stop;
	volatile u64 spins;
	struct task_struct *task;
};

static int spinner(void *data)
{
	struct sched_test *t = data;

	while (!READ_ONCE(t->stop))
		t->spins++;
	return 0;
}

static int sleeper(void *data)
{
	struct sched_test *t = data;

	while (!READ_ONCE(t->stop)) {
		schedule_timeout_uninterruptible(1);
		t->spins++;
	}
	return 0;
}

void sched_selftest(void)
{
	int cpu = nr_cpu_ids > 1 ? 1 : 0;
	struct sched_test a = {0}, b = {0}, s = {0};
	unsigned long nivcsw, nvcsw;
	u64 start = jiffies;

	tap_ok(nr_cpu_ids == num_online_cpus(), "sched: %d CPUs online", nr_cpu_ids);

	/* Two CPU hogs on one CPU share it: both make progress, by preemption only. */
	/*
	 * The waits below are conditions with a generous limit, not fixed tick counts: on QEMU
	 * the CPUs are host threads and one may fall many ticks behind another.
	 */
	a.task = kthread_run_on_cpu(spinner, &a, cpu, PRIO_NORMAL, "test-spin-a");
	b.task = kthread_run_on_cpu(spinner, &b, cpu, PRIO_NORMAL, "test-spin-b");
	for (int i = 0; i < 5000 && (READ_ONCE(a.task->nivcsw) < 2 || !READ_ONCE(b.spins)); i++)
		schedule_timeout_uninterruptible(1);
	nivcsw = a.task->nivcsw;
	nvcsw = a.task->nvcsw;
	tap_ok(a.spins > 0 && b.spins > 0, "sched: two hogs on cpu%d both run (time slices)", cpu);
	tap_ok(nivcsw > 0 && nvcsw == 0, "sched: a hog is preempted (nivcsw %lu), never switches voluntarily (nvcsw %lu)",
	       nivcsw, nvcsw);

	/* A higher-priority task takes the CPU at once and keeps it (never ours: it would starve us). */
	if (cpu == smp_processor_id()) {
		tap_ok(true, "sched: an RT-like hog starves normal tasks on its CPU # SKIP one CPU");
	} else {
		struct sched_test rt = {0};
		u64 a0;

		rt.task = kthread_run_on_cpu(spinner, &rt, cpu, PRIO_RT, "test-rt-hog");
		for (int i = 0; i < 5000 && !READ_ONCE(rt.spins); i++)
			schedule_timeout_uninterruptible(1);
		a0 = READ_ONCE(a.spins);
		schedule_timeout_uninterruptible(3);
		tap_ok(rt.spins > 0 && READ_ONCE(a.spins) == a0,
		       "sched: an RT-like hog starves normal tasks on its CPU");
		WRITE_ONCE(rt.stop, 1);
		schedule_timeout_uninterruptible(2);
	}
	WRITE_ONCE(a.stop, 1);
	WRITE_ONCE(b.stop, 1);

	/* Sleep and wake-up by the tick: a sleeper switches voluntarily. */
	s.task = kthread_run_on_cpu(sleeper, &s, cpu, PRIO_NORMAL, "test-sleeper");
	for (int i = 0; i < 5000 && READ_ONCE(s.spins) < 3; i++)
		schedule_timeout_uninterruptible(1);
	nvcsw = READ_ONCE(s.task->nvcsw);
	WRITE_ONCE(s.stop, 1);
	tap_ok(s.spins >= 2 && nvcsw >= 2, "sched: a sleeping task wakes up (%llu wakes, nvcsw %lu)",
	       (unsigned long long)s.spins, nvcsw);
	schedule_timeout_uninterruptible(3);
	/* A user task: every system call from EL0, then exit with a code saying what worked. */
	{
		extern void sched_user_main(long expected_cpu);
		struct task_struct *u = user_task_create(sched_user_main, cpu, cpu, "test-user");

		get_task_struct(u);
		while (READ_ONCE(u->state) != TASK_DEAD)
			schedule_timeout_uninterruptible(1);
		tap_ok(u->exit_code == 31, "sched: an EL0 task runs getcpu, write, sched_yield, nanosleep, an unknown call and exit (code %d)",
		       u->exit_code);
		put_task_struct(u);
	}
	tap_ok(jiffies - start >= 10, "sched: jiffies advance (%llu ticks)", (unsigned long long)(jiffies - start));
}
