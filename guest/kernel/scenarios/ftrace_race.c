/*
 * scenario=ftrace-race: turn the function tracer on and off while every CPU runs traced code,
 * and count what breaks. The patch strategy under test is ftrace.strategy= (ftrace.c says what
 * each does).
 *
 * The hazard: a traced function starts "slot 1; slot 2". If a task executes slot 1 while it is
 * still a NOP, is interrupted before slot 2 and, because its time slice is used up and another
 * task is runnable, preempted there, it waits on the run queue with its saved pc at slot 2. If
 * tracing is enabled meanwhile and slot 2 becomes "BL ftrace_regs_caller" without the task
 * having run "MOV X9, X30", the trampoline takes the caller's return address from a stale X9:
 * the tracer sees a parent that is not a call site, and the function returns to that X9.
 *
 * Workload, per CPU: race.ktasks (3) kthreads race-k<cpu>.<n> calling chains of small traced
 * functions, schedule() every race.yield (32) iterations so tasks-RCU grace periods end;
 * race.utasks (1) EL0 tasks race-u<cpu>.<n> (usr/race_user.c) looping on getcpu, sched_yield
 * and write, whose handlers are traced; race.hog=1: a PRIO_RT hog that sleeps 4..15 ticks and
 * spins 1..3, so what it preempts stays parked longer. race.ltasks (0) adds PRIO_LOW kthreads
 * race-l<cpu>.<n>; they only run while the others sleep, so race.nap=N makes the normal
 * kthreads sleep a tick every N-th yield (and user tasks nanosleep now and then). A low task
 * preempted when a normal one wakes waits behind everything, kworkers included: the case
 * Rostedt described in 2011, and the one that separates rude from tasks-rcu (below).
 * A toggler kthread on CPU 0 (PRIO_RT, so its wake-ups preempt whatever runs there) registers
 * and unregisters one static ops `toggles` (200) times, 1..race.delay (4) ticks apart
 * (prandom, seed=). hz=10000 is the intended tick. trace=1 records every call in the ring
 * buffers and prints the last trace.lines (40) at the end.
 *
 * Damage is counted once per damaged task (corruptions = distinct events):
 *  (a) bad parent: the ops callback finds parent_ip (X9) is not just after a BL/BLR. The task
 *      is marked. If X9 points into text, the return there would run random code, so the
 *      callback redirects the task to race_task_bail (exits it); otherwise the function is
 *      left to return to X9, which faults at once and shows the wild branch.
 *  (b) wild branch: an unexpected exception in a race task's kernel context
 *      (ftrace_race_handle_fault); counted unless (a) already counted that task. The core
 *      kills the task; the toggler respawns a replacement.
 *  (c) stuck: a task that does not stop when asked (a wild return into a loop).
 * Damage to a task that is not ours (a kworker, say) cannot be contained: the fault handler
 * prints what is known and the summary, and the core panics.
 * The summary line is the contract with the scripts; the lines before it are details.
 *
 * Where an interrupt can land matters: the window is one instruction boundary. cmodx takes
 * interrupts between any two instructions, in every profile (the timing profiles since the
 * turn fix; before it they could not land between two NOPs issued back to back). QEMU takes
 * them only between translation blocks, and a function's entry starts one, so plain QEMU never
 * shows the race; -accel tcg,thread=single -singlestep does. (Multi-threaded TCG with
 * -singlestep is no use: QEMU 7.2 then lets a vCPU run a stale translation of a rewritten
 * word long after the write, which breaks even tasks-rcu.) The "tasks parked ... between
 * slot 1 and slot 2" detail line says whether the window was open at all.
 */
#include <asm/barrier.h>
#include <asm/insn.h>
#include <asm/ptrace.h>
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/spinlock.h>

#define RACE_CHAIN_LEN		8
#define RACE_MAX_TASKS		128	/* including replacements; = RACE_USER_SLOTS in usr/ */
#define RACE_MAX_EVENTS		10	/* damage events described; the rest only counted */
#define RACE_MAGIC		0x72616365u

extern char _stext[], _etext[], __user_text_start[], __user_text_end[];

/* usr/race_user.c: EL0 code and the data it shares with us. */
void race_user_main(long slot);
extern volatile int race_user_stop;
extern volatile unsigned long race_user_nap_ns;
extern volatile int race_user_done[RACE_MAX_TASKS];
extern volatile unsigned long race_user_iters[RACE_MAX_TASKS];

struct race_task {
	u32 magic;
	int slot, cpu, gen, prio;
	bool user;
	struct task_struct *tsk;
	volatile bool damaged;		/* counted as a corruption */
	volatile bool dead;		/* killed after damage */
	volatile bool exited;		/* a kthread that returned */
	bool replaced;
	u64 iters, acc;
	char comm[TASK_COMM_LEN];
};

enum race_event_kind { RACE_BAD_PARENT, RACE_WILD_BRANCH, RACE_STUCK, RACE_NOT_RACE_TASK };

struct race_event {
	enum race_event_kind kind;
	int pid, cpu;
	char comm[TASK_COMM_LEN];
	unsigned long ip, x9, pc, esr;
	const char *what;
	bool contained, in_irq;
	int toggle, phase;
};

static struct {
	int toggles, ktasks, utasks, ltasks, hog, delay, yield, nap, trace, trace_lines;
	u64 seed;
} race_cfg;

static struct race_task race_tasks[RACE_MAX_TASKS];
static int race_nr_tasks;
static int race_gen[NR_CPUS];
static volatile bool race_running;	/* ftrace_race_handle_fault may claim faults */
static volatile bool race_stop;
static atomic_t race_corruptions, race_nevents, race_died, race_contained;
static unsigned long race_bad_parent, race_wild, race_stuck;
static struct race_event race_events[RACE_MAX_EVENTS];
static struct task_struct *race_hogs[NR_CPUS];
static volatile bool race_hog_exited[NR_CPUS];
static struct completion race_toggler_done;
static int race_toggles_done;
/* Where the toggler is, for the damage reports. */
enum { RACE_OFF, RACE_ENABLING, RACE_ON, RACE_DISABLING };
static const char *const race_phase_names[] = { "off", "enabling", "on", "disabling" };
static volatile int race_phase;

/* ------------------------------------------------------------------------------------------
 * The traced workload: small functions that call each other (never as tail calls, so each
 * entry is a real BL/BLR and each has a prologue and epilogue of its own).
 */

noinline u64 race_chain_7(u64 v)
{
	return (v ^ (v >> 29)) * 0xbf58476d1ce4e5b9ULL;
}

#define RACE_CHAIN(n, next, k)						\
noinline u64 race_chain_##n(u64 v)					\
{									\
	u64 r = race_chain_##next(v * (k) + (n));			\
									\
	return (r ^ (r >> 31)) + v;					\
}

RACE_CHAIN(6, 7, 0x94d049bb133111ebULL)
RACE_CHAIN(5, 6, 0x2545f4914f6cdd1dULL)
RACE_CHAIN(4, 5, 0x9e3779b97f4a7c15ULL)
RACE_CHAIN(3, 4, 0xd6e8feb86659fd93ULL)
RACE_CHAIN(2, 3, 0xa0761d6478bd642fULL)
RACE_CHAIN(1, 2, 0xe7037ed1a0b428dbULL)
RACE_CHAIN(0, 1, 0x8ebc6af09c88c6e3ULL)

static u64 (*const race_chains[RACE_CHAIN_LEN])(u64) = {
	race_chain_0, race_chain_1, race_chain_2, race_chain_3,
	race_chain_4, race_chain_5, race_chain_6, race_chain_7,
};

/* ------------------------------------------------------------------------------------------
 * Damage bookkeeping. Runs in the ops callback or the fault path: no printing here (printk is
 * traced and takes the console lock); the toggler prints the events afterwards.
 */

static notrace struct race_task *race_task_of(struct task_struct *t)
{
	struct race_task *rt = t ? t->scenario_data : NULL;

	if (rt < &race_tasks[0] || rt >= &race_tasks[RACE_MAX_TASKS] || rt->magic != RACE_MAGIC)
		return NULL;
	return rt;
}

static notrace struct race_event *race_new_event(enum race_event_kind kind)
{
	struct task_struct *t = current;
	int i = atomic_inc_return(&race_nevents) - 1;
	struct race_event *ev;

	if (i >= RACE_MAX_EVENTS)
		return NULL;
	ev = &race_events[i];
	ev->kind = kind;
	ev->pid = t->pid;
	ev->cpu = smp_processor_id();
	memcpy(ev->comm, t->comm, sizeof(ev->comm));
	ev->comm[TASK_COMM_LEN - 1] = '\0';
	ev->in_irq = in_interrupt() != 0;
	ev->toggle = race_toggles_done + 1;
	ev->phase = race_phase;
	return ev;
}

static notrace bool race_in_text(unsigned long addr)
{
	return (addr >= (unsigned long)_stext && addr < (unsigned long)_etext) ||
	       (addr >= (unsigned long)__user_text_start && addr < (unsigned long)__user_text_end);
}

/* Where a task goes when its return address is known to be lost. */
static notrace __noreturn void race_task_bail(void)
{
	struct race_task *rt = race_task_of(current);

	if (rt)
		WRITE_ONCE(rt->dead, true);
	atomic_inc(&race_died);
	do_exit(1);
}

static notrace void race_bad_parent_found(unsigned long ip, unsigned long x9, struct pt_regs *regs)
{
	struct race_task *rt = race_task_of(current);
	struct race_event *ev;
	bool contain;

	__atomic_fetch_add(&ftrace_damage.bad_parent, 1, __ATOMIC_RELAXED);
	ftrace_damage.last_ip = ip;
	ftrace_damage.last_x9 = x9;
	ftrace_damage.last_pid = current->pid;
	ftrace_damage.last_cpu = smp_processor_id();
	if (rt && rt->damaged)
		return;
	if (rt)
		WRITE_ONCE(rt->damaged, true);
	__atomic_fetch_add(&race_bad_parent, 1, __ATOMIC_RELAXED);
	atomic_inc(&race_corruptions);

	/* A race task in task context can be stopped cleanly; anything else must go on. */
	contain = rt && !in_interrupt() && race_in_text(x9);
	if (contain) {
		regs->pc = (unsigned long)race_task_bail;
		atomic_inc(&race_contained);
	}
	ev = race_new_event(RACE_BAD_PARENT);
	if (ev) {
		ev->ip = ip;
		ev->x9 = x9;
		ev->contained = contain;
	}
}

/* The one ops the toggler registers: the detector, and the recorder when trace=1. */
static notrace void race_ops_func(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *op,
				  struct pt_regs *regs)
{
	if (unlikely(!is_call_site(parent_ip)))
		race_bad_parent_found(ip, parent_ip, regs);
	if (race_cfg.trace)
		trace_function(ip, parent_ip);
}

static struct ftrace_ops race_ops = { .func = race_ops_func };

static notrace void race_print_summary(void);

notrace bool ftrace_race_handle_fault(struct pt_regs *regs, unsigned long esr, const char *what)
{
	struct race_task *rt;
	struct race_event *ev;

	if (!READ_ONCE(race_running))
		return false;
	rt = race_task_of(current);
	if (!rt) {
		/*
		 * Damage outside the race tasks (a kworker parked between the words, say): there
		 * is nothing to kill cleanly, the core will panic. Say what we know first.
		 */
		atomic_inc(&race_corruptions);
		ev = race_new_event(RACE_NOT_RACE_TASK);
		if (ev) {
			ev->pc = regs->pc;
			ev->esr = esr;
			ev->what = what;
		}
		race_print_summary();
		return false;
	}
	__atomic_fetch_add(&ftrace_damage.wild_branch, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&race_wild, 1, __ATOMIC_RELAXED);
	if (!rt->damaged) {
		WRITE_ONCE(rt->damaged, true);
		atomic_inc(&race_corruptions);
		ev = race_new_event(RACE_WILD_BRANCH);
		if (ev) {
			ev->pc = regs->pc;
			ev->esr = esr;
			ev->what = what;
			ev->x9 = regs->regs[30];
		}
	}
	WRITE_ONCE(rt->dead, true);
	atomic_inc(&race_died);
	return true;
}

/* ------------------------------------------------------------------------------------------
 * Tasks
 */

static notrace int race_kthread(void *data)
{
	struct race_task *rt = data;
	u64 state = race_cfg.seed * 0x9e3779b97f4a7c15ULL + (u64)rt->slot * 0x2545f4914f6cdd1dULL + 1;
	u64 acc = rt->slot, n = 0;

	current->scenario_data = rt;
	while (!READ_ONCE(race_stop)) {
		acc = race_chains[prandom_below(&state, RACE_CHAIN_LEN)](acc + n);
		if (++n % race_cfg.yield == 0) {
			WRITE_ONCE(rt->iters, n);
			/* Normal tasks nap now and then (race.nap) so low-priority ones get to run. */
			if (race_cfg.nap && rt->prio == PRIO_NORMAL &&
			    (n / race_cfg.yield) % race_cfg.nap == 0)
				schedule_timeout_uninterruptible(1);
			else
				schedule();
		}
	}
	rt->acc = acc;
	rt->iters = n;
	smp_store_release(&rt->exited, true);
	return 0;
}

static notrace struct race_task *race_spawn(int cpu, bool user, int prio)
{
	struct race_task *rt;
	struct task_struct *t;
	int slot = race_nr_tasks;

	if (slot >= RACE_MAX_TASKS)
		return NULL;
	rt = &race_tasks[slot];
	rt->magic = RACE_MAGIC;
	rt->slot = slot;
	rt->cpu = cpu;
	rt->user = user;
	rt->prio = prio;
	rt->gen = race_gen[cpu]++;
	snprintf(rt->comm, sizeof(rt->comm), "race-%c%d.%d",
		 user ? 'u' : prio == PRIO_LOW ? 'l' : 'k', cpu, rt->gen);
	race_user_done[slot] = 0;
	race_nr_tasks++;
	if (user)
		t = user_task_create(race_user_main, slot, cpu, rt->comm);
	else
		t = kthread_run_on_cpu(race_kthread, rt, cpu, prio, rt->comm);
	if (!t) {
		rt->magic = 0;
		race_nr_tasks--;
		return NULL;
	}
	/* Before tracing can reach it (user tasks cannot set it themselves). */
	t->scenario_data = rt;
	rt->tsk = t;
	return rt;
}

static notrace bool race_task_done(struct race_task *rt)
{
	if (READ_ONCE(rt->dead))
		return true;
	return rt->user ? race_user_done[rt->slot] != 0 : smp_load_acquire(&rt->exited);
}

/* Replace tasks killed by damage, so the pressure stays the same on every CPU. */
static notrace void race_respawn(void)
{
	int i, n = race_nr_tasks;

	for (i = 0; i < n; i++) {
		struct race_task *rt = &race_tasks[i];

		if (READ_ONCE(rt->dead) && !rt->replaced && race_nr_tasks < RACE_MAX_TASKS) {
			rt->replaced = true;
			race_spawn(rt->cpu, rt->user, rt->prio);
		}
	}
}

/* Sleep a few ticks, spin a few at PRIO_RT: whatever it preempted waits meanwhile. */
static notrace int race_hog(void *data)
{
	int cpu = (int)(long)data;
	u64 state = race_cfg.seed * 0xd6e8feb86659fd93ULL + cpu + 1;

	while (!READ_ONCE(race_stop)) {
		u64 until;

		schedule_timeout_uninterruptible(4 + prandom_below(&state, 12));
		until = READ_ONCE(jiffies) + 1 + prandom_below(&state, 3);
		while (READ_ONCE(jiffies) < until && !READ_ONCE(race_stop))
			cpu_relax();
	}
	WRITE_ONCE(race_hog_exited[cpu], true);
	return 0;
}

/*
 * Just before each enable, how many tasks are parked right before a site (pc at slot 1)
 * or between its two words (pc at slot 2, the dangerous place). Statistics only.
 */
static unsigned long race_parked_slot1, race_parked_slot2;

static notrace void race_sample_parked(void)
{
	struct task_struct *t;
	unsigned long flags;

	spin_lock_irqsave(&tasklist_lock, flags);
	for_each_process(t) {
		struct pt_regs *regs = READ_ONCE(t->preempted_regs);

		if (!regs || user_mode(regs))
			continue;
		if (ftrace_lookup_ip(regs->pc))
			race_parked_slot2++;
		else if (ftrace_lookup_ip(regs->pc + AARCH64_INSN_SIZE))
			race_parked_slot1++;
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

static notrace int race_toggler(void *data)
{
	u64 state = race_cfg.seed * 0xa0761d6478bd642fULL + 7;
	int i;

	for (i = 0; i < race_cfg.toggles; i++) {
		schedule_timeout_uninterruptible(1 + prandom_below(&state, race_cfg.delay));
		race_sample_parked();
		race_phase = RACE_ENABLING;
		register_ftrace_function(&race_ops);
		race_phase = RACE_ON;
		schedule_timeout_uninterruptible(1 + prandom_below(&state, race_cfg.delay));
		race_phase = RACE_DISABLING;
		unregister_ftrace_function(&race_ops);
		race_phase = RACE_OFF;
		race_respawn();
		race_toggles_done = i + 1;
	}
	complete(&race_toggler_done);
	return 0;
}

/* ------------------------------------------------------------------------------------------
 * Reporting
 */

static notrace void race_print_events(void)
{
	int i, n = min(atomic_read(&race_nevents), RACE_MAX_EVENTS);

	for (i = 0; i < n; i++) {
		struct race_event *ev = &race_events[i];

		switch (ev->kind) {
		case RACE_BAD_PARENT:
			pr_info("ftrace-race: damage %d (toggle %d, %s): bad parent in %s-%d cpu %d%s: %pS called with X9=0x%lx, not a return address (%s)\n",
				i + 1, ev->toggle, race_phase_names[ev->phase & 3], ev->comm, ev->pid,
				ev->cpu, ev->in_irq ? " (irq)" : "",
				(void *)(ev->ip - AARCH64_INSN_SIZE), ev->x9,
				ev->contained ? "X9 is in text: task stopped before returning there" :
						"left to return there");
			break;
		case RACE_WILD_BRANCH:
			pr_info("ftrace-race: damage %d (toggle %d, %s): wild branch in %s-%d cpu %d: %s at pc=0x%lx esr=0x%lx lr=0x%lx\n",
				i + 1, ev->toggle, race_phase_names[ev->phase & 3], ev->comm, ev->pid,
				ev->cpu, ev->what ? ev->what : "fault",
				ev->pc, ev->esr, ev->x9);
			break;
		case RACE_STUCK:
			pr_info("ftrace-race: damage %d: %s-%d on cpu %d did not stop when asked\n",
				i + 1, ev->comm, ev->pid, ev->cpu);
			break;
		case RACE_NOT_RACE_TASK:
			pr_info("ftrace-race: damage %d: fault in %s-%d cpu %d (not a race task): %s at pc=0x%lx esr=0x%lx\n",
				i + 1, ev->comm, ev->pid, ev->cpu, ev->what ? ev->what : "fault",
				ev->pc, ev->esr);
			break;
		}
	}
	if (atomic_read(&race_nevents) > RACE_MAX_EVENTS)
		pr_info("ftrace-race: %d more damage events not described\n",
			atomic_read(&race_nevents) - RACE_MAX_EVENTS);
}

static notrace void race_print_summary(void)
{
	u64 patch, gp, en, dis;

	ftrace_update_medians(&patch, &gp, &en, &dis);
	race_print_events();
	pr_info("ftrace-race: updates=%u enable_median=%u disable_median=%u words_written=%u patch_errors=%u stop_machine_fixups=%u\n",
		(unsigned int)ftrace_update_stats.updates, (unsigned int)en, (unsigned int)dis,
		(unsigned int)ftrace_update_stats.words_written,
		(unsigned int)ftrace_update_stats.patch_errors,
		(unsigned int)ftrace_update_stats.sm_fixups);
	pr_info("ftrace-race: strategy=%s toggles=%d corruptions=%d gp_cycles_median=%u patch_cycles_median=%u\n",
		ftrace_strategy_name(ftrace_strategy), race_toggles_done,
		atomic_read(&race_corruptions), (unsigned int)gp, (unsigned int)patch);
}

/* ------------------------------------------------------------------------------------------
 * The scenario
 */

notrace int ftrace_race_main(void)
{
	u64 iters = 0, preempt0 = 0, preempt1 = 0, switches0 = 0, switches1 = 0, t0;
	int cpu, i, k, wait;

	race_cfg.toggles = bootarg_long("toggles", 200);
	race_cfg.seed = bootarg_long("seed", 1);
	race_cfg.ktasks = bootarg_long("race.ktasks", 3);
	race_cfg.utasks = bootarg_long("race.utasks", 1);
	race_cfg.ltasks = bootarg_long("race.ltasks", 0);
	race_cfg.nap = bootarg_long("race.nap", 0);
	race_cfg.hog = bootarg_long("race.hog", 1);
	race_cfg.delay = max(1L, bootarg_long("race.delay", 4));
	race_cfg.yield = max(1L, bootarg_long("race.yield", 32));
	race_cfg.trace = bootarg_long("trace", 0);
	race_cfg.trace_lines = bootarg_long("trace.lines", 40);

	pr_info("ftrace-race: strategy=%s%s toggles=%d seed=%u cpus=%d hz=%u sites=%d ktasks=%d ltasks=%d utasks=%d hog=%d delay=1..%d yield=%d nap=%d trace=%d\n",
		ftrace_strategy_name(ftrace_strategy),
		ftrace_strategy == FTRACE_STRATEGY_STOP_MACHINE && !ftrace_stop_machine_fixup ?
			"(no fixup)" : "",
		race_cfg.toggles, (unsigned int)race_cfg.seed, num_online_cpus(), HZ,
		ftrace_nr_sites, race_cfg.ktasks, race_cfg.ltasks, race_cfg.utasks, race_cfg.hog,
		race_cfg.delay, race_cfg.yield, race_cfg.nap, race_cfg.trace);
	/* A user task naps (nanosleep, one tick) every 16 calls when normal kthreads nap too. */
	race_user_nap_ns = race_cfg.nap ? 1000000000UL / HZ : 0;

	ftrace_update_stats_reset();
	if (race_cfg.trace)
		tracing_reset();
	init_completion(&race_toggler_done);
	for_each_online_cpu(cpu) {
		preempt0 += sched_stats[cpu].preemptions;
		switches0 += sched_stats[cpu].switches;
	}

	for_each_online_cpu(cpu) {
		for (k = 0; k < race_cfg.ktasks; k++)
			race_spawn(cpu, false, PRIO_NORMAL);
		for (k = 0; k < race_cfg.ltasks; k++)
			race_spawn(cpu, false, PRIO_LOW);
		for (k = 0; k < race_cfg.utasks; k++)
			race_spawn(cpu, true, PRIO_NORMAL);
		if (race_cfg.hog)
			race_hogs[cpu] = kthread_run_on_cpu(race_hog, (void *)(long)cpu, cpu, PRIO_RT,
							    "race-hog");
	}
	WRITE_ONCE(race_running, true);

	t0 = get_cycles();
	if (!kthread_run_on_cpu(race_toggler, NULL, 0, PRIO_RT, "race-toggler")) {
		pr_err("ftrace-race: cannot start the toggler\n");
		race_toggler(NULL);
	} else {
		wait_for_completion(&race_toggler_done);
	}

	/* Stop everybody; damaged tasks may never answer, so wait a bounded time. */
	WRITE_ONCE(race_stop, true);
	race_user_stop = 1;
	for (wait = 0; wait < max(50u, HZ / 50); wait++) {
		bool all = true;

		for (i = 0; i < race_nr_tasks; i++)
			all &= race_task_done(&race_tasks[i]);
		for_each_online_cpu(cpu)
			all &= !race_hogs[cpu] || READ_ONCE(race_hog_exited[cpu]);
		if (all)
			break;
		schedule_timeout_uninterruptible(1);
	}
	WRITE_ONCE(race_running, false);

	for (i = 0; i < race_nr_tasks; i++) {
		struct race_task *rt = &race_tasks[i];

		iters += rt->user ? race_user_iters[rt->slot] : READ_ONCE(rt->iters);
		if (race_task_done(rt))
			continue;
		race_stuck++;
		if (!rt->damaged) {
			struct race_event *ev;

			rt->damaged = true;
			atomic_inc(&race_corruptions);
			ev = race_new_event(RACE_STUCK);
			if (ev) {
				memcpy(ev->comm, rt->comm, sizeof(ev->comm));
				ev->pid = rt->tsk ? rt->tsk->pid : -1;
				ev->cpu = rt->cpu;
			}
		}
	}
	for_each_online_cpu(cpu) {
		preempt1 += sched_stats[cpu].preemptions;
		switches1 += sched_stats[cpu].switches;
	}

	pr_info("ftrace-race: ran %u cycles on cpu %d; tasks=%d died=%d stuck=%u iterations=%u switches=%u preemptions=%u\n",
		(unsigned int)(get_cycles() - t0), smp_processor_id(), race_nr_tasks,
		atomic_read(&race_died), (unsigned int)race_stuck, (unsigned int)iters,
		(unsigned int)(switches1 - switches0), (unsigned int)(preempt1 - preempt0));
	pr_info("ftrace-race: at enable time, tasks parked at a site's slot 1: %u, between slot 1 and slot 2: %u\n",
		(unsigned int)race_parked_slot1, (unsigned int)race_parked_slot2);
	pr_info("ftrace-race: damage: bad_parent=%u (contained %d) wild_branch=%u stuck=%u; bad-parent callbacks in all tasks: %u\n",
		(unsigned int)race_bad_parent, atomic_read(&race_contained),
		(unsigned int)race_wild, (unsigned int)race_stuck,
		(unsigned int)ftrace_damage.bad_parent);
	if (race_cfg.trace)
		ftrace_dump(race_cfg.trace_lines);
	race_print_summary();
	return 0;
}
