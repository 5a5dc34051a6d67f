/*
 * Dynamic function tracing: the sites, the ops list and the patch strategies (the role of
 * kernel/trace/ftrace.c). This file is built without patchable entries (kernel/trace is a
 * notrace directory), so nothing here can recurse into the tracer or be patched under itself.
 *
 * Every traced function starts with two words the compiler left as NOPs. Turning tracing on
 * means making them "MOV X9, X30; BL ftrace_regs_caller"; the danger is a task that has
 * executed the first word as NOP and stops (preempted, or just slow) before the second: if
 * the BL appears meanwhile, it calls the tracer with X9 never set, and the function later
 * returns to whatever X9 held. How each strategy avoids (or fails to avoid) that:
 *
 * none		MOV then BL per site, back to back. A task parked between the two words at
 *		enable time resumes at the BL: torn prologue. The baseline that breaks.
 * tasks-rcu	All MOVs; synchronize_rcu_tasks(); all BLs (Rostedt, 2019). The grace period
 *		ends only when every task that was on a run queue has switched voluntarily, gone
 *		to user mode or left its queue, so none can still be parked between the words.
 *		Disable mirrors it. NOP<->MOV is outside the CMODX-safe set, though.
 * rude		As tasks-rcu with synchronize_rcu_tasks_rude(): every CPU runs a work item once.
 *		That forces each CPU through the scheduler but says nothing about a task that
 *		sits preempted on a run queue: expected to fail like none, only less often.
 * init-mov	The MOV goes into every slot 1 at boot (one CPU, IRQs off, nothing runs the
 *		sites); at run time only slot 2 flips NOP<->BL: a task between the words has
 *		already run the MOV, and NOP<->BL is CMODX-safe. What mainline arm64 does.
 * b8		Slot 2 is BL for good (from boot); slot 1 flips between B .+8 (skip the BL) and
 *		MOV (PowerPC, 2008). One word per update; a task can only reach the BL through
 *		the MOV. B<->MOV is outside the CMODX-safe set, and "off" costs a taken branch.
 * stop-machine	Both words of every site inside one stop_machine(): no CPU runs anything but
 *		the rendezvous. That covers running CPUs, not parked tasks, so enable also looks
 *		at every task preempted from an EL1 IRQ and moves one parked between the words
 *		(saved pc == rec->ip while slot 1 is still NOP) past the site: it finishes the
 *		old, untraced prologue. ftrace.stop_machine_fixup=0 leaves that out to show
 *		the naive variant failing like none.
 *
 * Every write is validated: if a word is not what the bookkeeping says, the site is refused
 * (counted, reported, left alone for good) rather than overwritten.
 */
#include <asm/barrier.h>
#include <asm/insn.h>
#include <asm/patching.h>
#include <asm/ptrace.h>
#include <linux/atomic.h>
#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/selftest.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>

extern char _stext[], _etext[];
extern unsigned long __start_mcount_loc[], __stop_mcount_loc[];

#define FTRACE_MAX_SITES	2048
#define FTRACE_MAX_UPDATES	8192
#define FTRACE_MAX_BUGS		8

static struct dyn_ftrace ftrace_records[FTRACE_MAX_SITES];
struct dyn_ftrace *ftrace_pages = ftrace_records;
int ftrace_nr_sites;

enum ftrace_strategy ftrace_strategy = FTRACE_STRATEGY_TASKS_RCU;
bool ftrace_stop_machine_fixup = true;
struct ftrace_update_stats ftrace_update_stats;
struct ftrace_damage ftrace_damage;

/* The readers' view: a NULL-terminated list, walked with preemption off. */
static struct ftrace_ops *ftrace_ops_list;
struct ftrace_ops *function_trace_op;
static int ftrace_nr_ops;
static bool ftrace_sites_enabled;

/* Serialises updaters, who sleep in grace periods: a minimal sleeping lock. */
static atomic_t ftrace_mutex;

/* Per update: total cycles, cycles in grace-period waits, enable (1) or disable (0). */
static u64 ftrace_upd_total[FTRACE_MAX_UPDATES];
static u64 ftrace_upd_gp[FTRACE_MAX_UPDATES];
static u8 ftrace_upd_on[FTRACE_MAX_UPDATES];
static int ftrace_nr_upd;

/* Validation failures, printed after the update (the writer may be inside stop_machine). */
static struct {
	unsigned long pc;
	u32 expected, found;
} ftrace_bugs[FTRACE_MAX_BUGS];
static int ftrace_nr_bugs, ftrace_bugs_printed;

/* Recursion guard: one bit per CPU and context (task, hard IRQ). */
static u8 ftrace_recursion[NR_CPUS][2];
static unsigned long ftrace_recursion_missed;

static const char *const ftrace_strategy_names[NR_FTRACE_STRATEGIES] = {
	[FTRACE_STRATEGY_NONE]		= "none",
	[FTRACE_STRATEGY_TASKS_RCU]	= "tasks-rcu",
	[FTRACE_STRATEGY_RUDE]		= "rude",
	[FTRACE_STRATEGY_INIT_MOV]	= "init-mov",
	[FTRACE_STRATEGY_B8]		= "b8",
	[FTRACE_STRATEGY_STOP_MACHINE]	= "stop-machine",
};

const char *ftrace_strategy_name(enum ftrace_strategy s)
{
	if ((unsigned int)s >= NR_FTRACE_STRATEGIES)
		return "?";
	return ftrace_strategy_names[s];
}

int ftrace_strategy_parse(const char *name)
{
	int s;

	for (s = 0; s < NR_FTRACE_STRATEGIES; s++)
		if (!strcmp(name, ftrace_strategy_names[s]))
			return s;
	return -1;
}

static void ftrace_lock(void)
{
	while (atomic_cmpxchg(&ftrace_mutex, 0, 1) != 0)
		schedule_timeout_uninterruptible(1);
}

static void ftrace_unlock(void)
{
	__atomic_store_n(&ftrace_mutex.counter, 0, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------------------------------------
 * Sites
 */

struct dyn_ftrace *ftrace_lookup_ip(unsigned long ip)
{
	int lo = 0, hi = ftrace_nr_sites - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (ftrace_records[mid].ip == ip)
			return &ftrace_records[mid];
		if (ftrace_records[mid].ip < ip)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

struct dyn_ftrace *ftrace_find_rec(unsigned long func)
{
	return ftrace_lookup_ip(ftrace_call_adjust(func));
}

/* The words a site holds under strategy s, tracing on or off. */
static void ftrace_site_words(enum ftrace_strategy s, struct dyn_ftrace *rec, bool on, u32 *w1,
			      u32 *w2)
{
	if (on) {
		*w1 = AARCH64_INSN_MOV_X9_X30;
		*w2 = ftrace_call_insn(rec);
		return;
	}
	switch (s) {
	case FTRACE_STRATEGY_INIT_MOV:
		*w1 = AARCH64_INSN_MOV_X9_X30;
		*w2 = AARCH64_INSN_NOP;
		break;
	case FTRACE_STRATEGY_B8:
		*w1 = AARCH64_INSN_B_8;
		*w2 = ftrace_call_insn(rec);
		break;
	default:
		*w1 = AARCH64_INSN_NOP;
		*w2 = AARCH64_INSN_NOP;
		break;
	}
}

int ftrace_check_sites(enum ftrace_strategy s, bool enabled)
{
	int i, bad = 0;

	for (i = 0; i < ftrace_nr_sites; i++) {
		struct dyn_ftrace *rec = &ftrace_records[i];
		u32 w1, w2, c1, c2;

		if (rec->flags & FTRACE_FL_FAILED)
			continue;
		ftrace_site_words(s, rec, enabled, &w1, &w2);
		aarch64_insn_read((void *)FTRACE_SLOT1(rec), &c1);
		aarch64_insn_read((void *)FTRACE_SLOT2(rec), &c2);
		if (c1 != w1 || c2 != w2)
			bad++;
	}
	return bad;
}

static void ftrace_bug(struct dyn_ftrace *rec, unsigned long pc, u32 expected)
{
	u32 found = 0;

	aarch64_insn_read((void *)pc, &found);
	rec->flags |= FTRACE_FL_FAILED;
	ftrace_update_stats.patch_errors++;
	if (ftrace_nr_bugs < FTRACE_MAX_BUGS) {
		ftrace_bugs[ftrace_nr_bugs].pc = pc;
		ftrace_bugs[ftrace_nr_bugs].expected = expected;
		ftrace_bugs[ftrace_nr_bugs].found = found;
	}
	ftrace_nr_bugs++;
}

/* Printing is left to a context that may take the console lock. */
static void ftrace_report_bugs(void)
{
	while (ftrace_bugs_printed < ftrace_nr_bugs && ftrace_bugs_printed < FTRACE_MAX_BUGS) {
		int i = ftrace_bugs_printed++;

		pr_err("ftrace: refused to patch %pS: found %08x, expected %08x\n",
		       (void *)ftrace_bugs[i].pc, ftrace_bugs[i].found, ftrace_bugs[i].expected);
	}
	if (ftrace_bugs_printed == FTRACE_MAX_BUGS && ftrace_nr_bugs > FTRACE_MAX_BUGS) {
		pr_err("ftrace: %d more refused sites\n", ftrace_nr_bugs - FTRACE_MAX_BUGS);
		ftrace_bugs_printed++;
	}
}

/* One validated word. A site that ever fails is not touched again. */
static bool ftrace_patch(struct dyn_ftrace *rec, unsigned long pc, u32 old, u32 new)
{
	if (rec->flags & FTRACE_FL_FAILED)
		return false;
	if (old == new)
		return true;
	if (ftrace_modify_code(pc, old, new, true)) {
		ftrace_bug(rec, pc, old);
		return false;
	}
	ftrace_update_stats.words_written++;
	return true;
}

/* Slot 1 or 2 of every site from the (strategy, on) state a to state b, one CPU, no sync. */
static void ftrace_pass(int slot, enum ftrace_strategy s, bool from_on, bool to_on)
{
	int i;

	for (i = 0; i < ftrace_nr_sites; i++) {
		struct dyn_ftrace *rec = &ftrace_records[i];
		u32 o1, o2, n1, n2;

		ftrace_site_words(s, rec, from_on, &o1, &o2);
		ftrace_site_words(s, rec, to_on, &n1, &n2);
		if (slot == 1)
			ftrace_patch(rec, FTRACE_SLOT1(rec), o1, n1);
		else
			ftrace_patch(rec, FTRACE_SLOT2(rec), o2, n2);
	}
}

/*
 * Both words of every site, site after site. Going towards a BL the MOV goes first (so a
 * CPU running through the site alone sees MOV;NOP, MOV;BL, never NOP;BL); going away from it
 * the BL goes first. That protects running CPUs only when the writes are slower than the
 * two instructions, which preemption between them makes false.
 */
static void ftrace_pass_both(enum ftrace_strategy from_s, bool from_on, enum ftrace_strategy to_s,
			     bool to_on)
{
	int i;

	for (i = 0; i < ftrace_nr_sites; i++) {
		struct dyn_ftrace *rec = &ftrace_records[i];
		u32 o1, o2, n1, n2;

		ftrace_site_words(from_s, rec, from_on, &o1, &o2);
		ftrace_site_words(to_s, rec, to_on, &n1, &n2);
		if (aarch64_insn_is_bl(n2) && !aarch64_insn_is_bl(o2)) {
			if (ftrace_patch(rec, FTRACE_SLOT1(rec), o1, n1))
				ftrace_patch(rec, FTRACE_SLOT2(rec), o2, n2);
		} else {
			if (ftrace_patch(rec, FTRACE_SLOT2(rec), o2, n2))
				ftrace_patch(rec, FTRACE_SLOT1(rec), o1, n1);
		}
	}
}

/* ------------------------------------------------------------------------------------------
 * stop_machine updates
 */

struct ftrace_sm_update {
	enum ftrace_strategy from_s, to_s;
	bool from_on, to_on;
	bool fixup;
	unsigned long fixups;
};

/*
 * With every CPU in the rendezvous nobody is half-way through a prologue on a CPU, but a task
 * preempted (by the tick) right after slot 1 is parked on a run queue with its saved pc at
 * slot 2. If slot 2 becomes BL while slot 1 was not MOV when it ran, that task would call the
 * tracer with a stale X9. Its saved pc is moved past the BL: it goes on into the body as if
 * the site had still been off, which is what it started executing.
 *
 * No lock is needed for the task list: the other CPUs are spinning with IRQs off and a
 * tasklist_lock holder is never preempted, so nobody can be in the middle of changing it.
 */
static unsigned long ftrace_fixup_preempted(struct ftrace_sm_update *u)
{
	unsigned long fixups = 0;
	struct task_struct *t;

	for_each_process(t) {
		struct pt_regs *regs = READ_ONCE(t->preempted_regs);
		struct dyn_ftrace *rec;
		u32 o1, o2, n1, n2;

		if (!regs || user_mode(regs))
			continue;
		rec = ftrace_lookup_ip(regs->pc);
		if (!rec || (rec->flags & FTRACE_FL_FAILED))
			continue;
		ftrace_site_words(u->from_s, rec, u->from_on, &o1, &o2);
		ftrace_site_words(u->to_s, rec, u->to_on, &n1, &n2);
		if (aarch64_insn_is_bl(n2) && o1 != AARCH64_INSN_MOV_X9_X30) {
			regs->pc += AARCH64_INSN_SIZE;
			fixups++;
		}
	}
	return fixups;
}

static int ftrace_sm_update_cb(void *arg)
{
	struct ftrace_sm_update *u = arg;

	if (u->fixup)
		u->fixups = ftrace_fixup_preempted(u);
	ftrace_pass_both(u->from_s, u->from_on, u->to_s, u->to_on);
	return 0;
}

static void ftrace_stop_machine_update(enum ftrace_strategy from_s, bool from_on,
				       enum ftrace_strategy to_s, bool to_on, bool fixup)
{
	struct ftrace_sm_update u = {
		.from_s = from_s, .to_s = to_s, .from_on = from_on, .to_on = to_on, .fixup = fixup,
	};

	aarch64_patch_stop_machine(ftrace_sm_update_cb, &u);
	ftrace_update_stats.sm_fixups += u.fixups;
}

/* ------------------------------------------------------------------------------------------
 * Enabling and disabling every site
 */

static u64 ftrace_gp_wait(enum ftrace_strategy s)
{
	u64 t0 = get_cycles();

	if (s == FTRACE_STRATEGY_RUDE)
		synchronize_rcu_tasks_rude();
	else
		synchronize_rcu_tasks();
	return get_cycles() - t0;
}

static void ftrace_record_update(bool on, u64 total, u64 gp)
{
	ftrace_update_stats.updates++;
	ftrace_update_stats.last_cycles = total;
	ftrace_update_stats.gp_last_cycles = gp;
	if (ftrace_nr_upd < FTRACE_MAX_UPDATES) {
		ftrace_upd_total[ftrace_nr_upd] = total;
		ftrace_upd_gp[ftrace_nr_upd] = gp;
		ftrace_upd_on[ftrace_nr_upd] = on;
		ftrace_nr_upd++;
	}
}

/* Turn every site on (on) or off with the current strategy. Called under ftrace_lock. */
static void ftrace_update_sites(bool on)
{
	enum ftrace_strategy s = ftrace_strategy;
	u64 t0 = get_cycles(), gp = 0;

	switch (s) {
	case FTRACE_STRATEGY_NONE:
		ftrace_pass_both(s, !on, s, on);
		break;
	case FTRACE_STRATEGY_TASKS_RCU:
	case FTRACE_STRATEGY_RUDE:
		/* Towards MOV;BL the MOVs lead; towards NOP;NOP the BLs leave first. */
		ftrace_pass(on ? 1 : 2, s, !on, on);
		gp = ftrace_gp_wait(s);
		ftrace_pass(on ? 2 : 1, s, !on, on);
		break;
	case FTRACE_STRATEGY_INIT_MOV:
		ftrace_pass(2, s, !on, on);
		break;
	case FTRACE_STRATEGY_B8:
		ftrace_pass(1, s, !on, on);
		break;
	case FTRACE_STRATEGY_STOP_MACHINE:
		ftrace_stop_machine_update(s, !on, s, on, on && ftrace_stop_machine_fixup);
		break;
	default:
		break;
	}
	ftrace_sites_enabled = on;
	ftrace_record_update(on, get_cycles() - t0, gp);
	ftrace_report_bugs();
}

void ftrace_update_stats_reset(void)
{
	ftrace_lock();
	ftrace_nr_upd = 0;
	ftrace_update_stats.updates = 0;
	ftrace_update_stats.sm_fixups = 0;
	ftrace_update_stats.patch_errors = 0;
	ftrace_update_stats.words_written = 0;
	ftrace_unlock();
}

void ftrace_update_medians(u64 *patch_median, u64 *gp_median, u64 *enable_median,
			   u64 *disable_median)
{
	static u64 a[FTRACE_MAX_UPDATES];
	int n = ftrace_nr_upd, i, ne, nd;

	/* median_u64 sorts: work on a copy, one quantity at a time. */
	for (i = 0; i < n; i++)
		a[i] = ftrace_upd_total[i];
	*patch_median = median_u64(a, n);
	for (i = 0; i < n; i++)
		a[i] = ftrace_upd_gp[i];
	*gp_median = median_u64(a, n);
	for (i = 0, ne = 0; i < n; i++)
		if (ftrace_upd_on[i])
			a[ne++] = ftrace_upd_total[i];
	*enable_median = median_u64(a, ne);
	for (i = 0, nd = 0; i < n; i++)
		if (!ftrace_upd_on[i])
			a[nd++] = ftrace_upd_total[i];
	*disable_median = median_u64(a, nd);
}

/* ------------------------------------------------------------------------------------------
 * The ops list
 */

static void ftrace_update_trace_op(void)
{
	struct ftrace_ops *first = ftrace_ops_list;

	WRITE_ONCE(function_trace_op, first && !first->next ? first : NULL);
}

int register_ftrace_function(struct ftrace_ops *ops)
{
	if (!ops || !ops->func)
		return -EINVAL;
	ftrace_lock();
	if (ops->flags & FTRACE_OPS_FL_ENABLED) {
		ftrace_unlock();
		return -EBUSY;
	}
	/* Publish the ops before any site can call into the list. */
	ops->next = ftrace_ops_list;
	rcu_assign_pointer(ftrace_ops_list, ops);
	ops->flags |= FTRACE_OPS_FL_ENABLED;
	ftrace_update_trace_op();
	if (++ftrace_nr_ops == 1)
		ftrace_update_sites(true);
	ftrace_unlock();
	return 0;
}

int unregister_ftrace_function(struct ftrace_ops *ops)
{
	struct ftrace_ops **p;

	ftrace_lock();
	for (p = &ftrace_ops_list; *p && *p != ops; p = &(*p)->next)
		;
	if (!*p) {
		ftrace_unlock();
		return -EINVAL;
	}
	/* ops->next stays valid: a reader standing on ops still finds the rest of the list. */
	rcu_assign_pointer(*p, ops->next);
	ops->flags &= ~FTRACE_OPS_FL_ENABLED;
	ftrace_update_trace_op();
	if (--ftrace_nr_ops == 0)
		ftrace_update_sites(false);

	/*
	 * A kmalloc'ed ops may still be in use: by a CPU where RCU is not watching (idle, the
	 * entry code), which the rude flavour covers by making every CPU schedule; and by a
	 * task preempted inside the list walk or the callback, which only tasks-RCU covers.
	 * Only after both may the caller free it.
	 */
	if (ops->flags & FTRACE_OPS_FL_DYNAMIC) {
		synchronize_rcu_tasks_rude();
		synchronize_rcu_tasks();
	}
	ftrace_unlock();
	return 0;
}

/*
 * Called by ftrace_regs_caller for every traced function entry while any site is on. The
 * guard drops a call made from inside a callback on the same CPU and context (a callback
 * that reaches a traced function, printk for one), instead of recursing without end.
 */
void ftrace_ops_list_func(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *unused,
			  struct pt_regs *regs)
{
	struct ftrace_ops *op;
	int cpu, ctx;

	preempt_disable_notrace();
	cpu = smp_processor_id();
	ctx = in_interrupt() ? 1 : 0;
	if (unlikely(ftrace_recursion[cpu][ctx])) {
		ftrace_recursion_missed++;
		goto out;
	}
	WRITE_ONCE(ftrace_recursion[cpu][ctx], 1);
	barrier();
	for (op = rcu_dereference_raw(ftrace_ops_list); op; op = rcu_dereference_raw(op->next))
		op->func(ip, parent_ip, op, regs);
	barrier();
	WRITE_ONCE(ftrace_recursion[cpu][ctx], 0);
out:
	preempt_enable_notrace();
}

/*
 * The damage detector: a real parent_ip is a return address, so the word before it is a
 * call (BL, or BLR for calls through pointers). A stale X9 rarely is, with one exception
 * worth catching: ftrace_regs_caller returns with X9 = func + 8, just after a site's
 * "BL ftrace_regs_caller". That BL never calls a traced function, so a parent right after
 * it is a stale X9 too.
 */
bool is_call_site(unsigned long parent_ip)
{
	unsigned long start = (unsigned long)_stext, end = (unsigned long)_etext;
	unsigned long pc = parent_ip - AARCH64_INSN_SIZE;
	u32 insn;

	if ((parent_ip & 3) || parent_ip < start + AARCH64_INSN_SIZE || parent_ip >= end)
		return false;
	insn = READ_ONCE(*(u32 *)pc);
	if (aarch64_insn_is_blr(insn))
		return true;
	return aarch64_insn_is_bl(insn) &&
	       pc + aarch64_get_branch_offset(insn) != (unsigned long)ftrace_regs_caller;
}

/* ------------------------------------------------------------------------------------------
 * Boot and strategy changes
 */

/*
 * Boot: one CPU, IRQs off, no other CPU started. Nothing can be executing a site, so any
 * word may be written with the plain nosync primitive; init-mov and b8 rely on exactly that.
 */
void ftrace_init(void)
{
	unsigned long *loc;
	const char *name = bootarg_str("ftrace.strategy", "tasks-rcu");
	int s = ftrace_strategy_parse(name), i, k, n = 0, skipped = 0;

	if (s < 0)	/* a typo must not silently run another experiment */
		panic("unknown ftrace.strategy=%s (none, tasks-rcu, rude, init-mov, b8, stop-machine)",
		      name);
	ftrace_strategy = s;
	ftrace_stop_machine_fixup = bootarg_long("ftrace.stop_machine_fixup", 1) != 0;

	for (loc = __start_mcount_loc; loc < __stop_mcount_loc; loc++) {
		unsigned long addr = *loc;
		u32 w1 = 0, w2 = 0;

		/* Only sites that really are two NOPs in kernel text. */
		if (addr < (unsigned long)_stext || addr + 8 > (unsigned long)_etext ||
		    aarch64_insn_read((void *)addr, &w1) || aarch64_insn_read((void *)(addr + 4), &w2) ||
		    w1 != AARCH64_INSN_NOP || w2 != AARCH64_INSN_NOP || n == FTRACE_MAX_SITES) {
			skipped++;
			continue;
		}
		ftrace_records[n].ip = ftrace_call_adjust(addr);
		ftrace_records[n].flags = 0;
		n++;
	}
	/* Link order is almost address order: insertion sort is linear on it. */
	for (i = 1; i < n; i++) {
		struct dyn_ftrace r = ftrace_records[i];
		int j = i;

		while (j > 0 && ftrace_records[j - 1].ip > r.ip) {
			ftrace_records[j] = ftrace_records[j - 1];
			j--;
		}
		ftrace_records[j] = r;
	}
	/* Drop duplicates (a COMDAT function listed twice). */
	for (i = 1, k = 1; i < n; i++)
		if (ftrace_records[i].ip != ftrace_records[k - 1].ip)
			ftrace_records[k++] = ftrace_records[i];
	ftrace_nr_sites = n ? k : 0;

	ftrace_pass_both(FTRACE_STRATEGY_NONE, false, ftrace_strategy, false);
	ftrace_report_bugs();
	pr_info("ftrace: %d sites (%d skipped), strategy %s%s\n", ftrace_nr_sites, skipped,
		ftrace_strategy_name(ftrace_strategy),
		ftrace_strategy == FTRACE_STRATEGY_STOP_MACHINE && !ftrace_stop_machine_fixup ?
			" (no fixup of preempted tasks)" : "");
}

/*
 * Move every site from this strategy's "off" words to another's, for the selftests. Other
 * CPUs run the sites meanwhile, and a task may be parked between the words, so the change is
 * made inside stop_machine with the same fixup as the stop-machine strategy.
 */
int ftrace_set_strategy(enum ftrace_strategy s)
{
	int ret = 0;

	if ((unsigned int)s >= NR_FTRACE_STRATEGIES)
		return -EINVAL;
	ftrace_lock();
	if (ftrace_nr_ops || ftrace_sites_enabled) {
		ret = -EBUSY;
	} else if (s != ftrace_strategy) {
		ftrace_stop_machine_update(ftrace_strategy, false, s, false, true);
		ftrace_strategy = s;
		ftrace_report_bugs();
	}
	ftrace_unlock();
	return ret;
}

/* ------------------------------------------------------------------------------------------
 * Self-test: every strategy turns the sites on and off, and a traced call reaches the ops.
 */

/* This file is notrace; these two get their two NOPs from the attribute. */
#define __ftrace_selftest_traced noinline __attribute__((patchable_function_entry(2, 0)))

__ftrace_selftest_traced int ftrace_selftest_target(int x)
{
	asm volatile("" : "+r"(x));
	return 3 * x + 1;
}

__ftrace_selftest_traced int ftrace_selftest_victim(int x)
{
	asm volatile("" : "+r"(x));
	return 5 * x + 2;
}

static int (*volatile ftrace_selftest_fn)(int) = ftrace_selftest_target;
static int (*volatile ftrace_selftest_victim_fn)(int) = ftrace_selftest_victim;

static struct {
	volatile int hits;
	unsigned long ip, parent_ip, pc, lr;
	int victim_hits;
} fst;

static void ftrace_selftest_func(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *op,
				 struct pt_regs *regs)
{
	if (ip == ftrace_call_adjust((unsigned long)ftrace_selftest_target)) {
		fst.ip = ip;
		fst.parent_ip = parent_ip;
		fst.pc = regs->pc;
		fst.lr = regs->regs[30];
		fst.hits++;
	} else if (ip == ftrace_call_adjust((unsigned long)ftrace_selftest_victim)) {
		fst.victim_hits++;
	}
}

static struct ftrace_ops ftrace_selftest_ops = { .func = ftrace_selftest_func };

/* The traced call under test; parent_ip must point back in here. */
static noinline int ftrace_selftest_call(int x)
{
	int r = ftrace_selftest_fn(x);

	barrier();
	return r;
}

static bool ftrace_selftest_parent_ok(void)
{
	unsigned long off;
	const char *name = kallsyms_lookup(fst.parent_ip, &off);

	return is_call_site(fst.parent_ip) && fst.parent_ip == fst.lr && name &&
	       !strcmp(name, "ftrace_selftest_call");
}

static void ftrace_selftest_strategy(enum ftrace_strategy s)
{
	const char *name = ftrace_strategy_name(s);
	unsigned long target = (unsigned long)ftrace_selftest_target;
	int ret, bad, hits, r;

	ret = ftrace_set_strategy(s);
	bad = ftrace_check_sites(s, false);
	tap_ok(ret == 0 && bad == 0, "ftrace %s: %d sites read the off words (%d wrong)", name,
	       ftrace_nr_sites, bad);

	hits = fst.hits;
	fst.parent_ip = 0;
	ret = register_ftrace_function(&ftrace_selftest_ops);
	bad = ftrace_check_sites(s, true);
	r = ftrace_selftest_call(7);
	tap_ok(ret == 0 && bad == 0, "ftrace %s: enable writes MOV;BL everywhere (%d wrong)", name,
	       bad);
	tap_ok(r == 22 && fst.hits == hits + 1 && fst.ip == target + 4 && fst.pc == target + 8 &&
	       ftrace_selftest_parent_ok(),
	       "ftrace %s: traced call reaches the ops (ip %pS, parent %pS)", name,
	       (void *)fst.ip, (void *)fst.parent_ip);

	ret = unregister_ftrace_function(&ftrace_selftest_ops);
	bad = ftrace_check_sites(s, false);
	hits = fst.hits;
	r = ftrace_selftest_call(7);
	tap_ok(ret == 0 && bad == 0 && r == 22 && fst.hits == hits,
	       "ftrace %s: disable restores the off words, ops no longer called (%d wrong)", name,
	       bad);
}

void ftrace_selftest(void)
{
	enum ftrace_strategy boot = ftrace_strategy;
	struct dyn_ftrace *rec = ftrace_find_rec((unsigned long)ftrace_selftest_target);
	struct dyn_ftrace *vrec = ftrace_find_rec((unsigned long)ftrace_selftest_victim);
	struct ftrace_ops *dyn;
	unsigned long errors;
	u32 w1 = 0, w2 = 0;
	int s, ret, hits, r;

	tap_ok(ftrace_nr_sites > 0 && rec && vrec && ftrace_find_rec((unsigned long)ftrace_init) == NULL,
	       "ftrace: %d sites found, test functions among them, notrace code not", ftrace_nr_sites);
	if (!rec || !vrec)
		return;

	tap_ok(is_call_site((unsigned long)__builtin_return_address(0)) &&
	       !is_call_site((unsigned long)ftrace_selftest_target) && !is_call_site(0x1234) &&
	       !is_call_site((unsigned long)&ftrace_nr_sites),
	       "ftrace: is_call_site accepts a return address, refuses others");

	for (s = 0; s < NR_FTRACE_STRATEGIES; s++)
		ftrace_selftest_strategy(s);

	/* The words each boot-time strategy leaves while off. */
	ftrace_set_strategy(FTRACE_STRATEGY_INIT_MOV);
	aarch64_insn_read((void *)FTRACE_SLOT1(rec), &w1);
	aarch64_insn_read((void *)FTRACE_SLOT2(rec), &w2);
	tap_ok(w1 == AARCH64_INSN_MOV_X9_X30 && w2 == AARCH64_INSN_NOP,
	       "ftrace init-mov: off site reads MOV X9,X30; NOP (%08x %08x)", w1, w2);
	ftrace_set_strategy(FTRACE_STRATEGY_B8);
	aarch64_insn_read((void *)FTRACE_SLOT1(rec), &w1);
	aarch64_insn_read((void *)FTRACE_SLOT2(rec), &w2);
	r = ftrace_selftest_call(2);
	tap_ok(w1 == AARCH64_INSN_B_8 && w2 == ftrace_call_insn(rec) && r == 7,
	       "ftrace b8: off site reads B .+8; BL ftrace_regs_caller (%08x %08x)", w1, w2);

	/* Two ops at once, one of them kmalloc'ed and freed after unregistering. */
	ftrace_set_strategy(FTRACE_STRATEGY_INIT_MOV);
	dyn = kzalloc(sizeof(*dyn));
	if (dyn) {
		dyn->func = ftrace_selftest_func;
		dyn->flags = FTRACE_OPS_FL_DYNAMIC;
		hits = fst.hits;
		register_ftrace_function(&ftrace_selftest_ops);
		ret = register_ftrace_function(dyn);
		r = ftrace_selftest_call(1);
		tap_ok(ret == 0 && r == 4 && fst.hits == hits + 2 && function_trace_op == NULL,
		       "ftrace: static and dynamic ops both called (%d)", fst.hits - hits);
		ret = unregister_ftrace_function(dyn);
		kfree(dyn);
		hits = fst.hits;
		r = ftrace_selftest_call(1);
		tap_ok(ret == 0 && r == 4 && fst.hits == hits + 1 &&
		       function_trace_op == &ftrace_selftest_ops && ftrace_check_sites(ftrace_strategy, true) == 0,
		       "ftrace: dynamic ops unregistered after tasks-rude + tasks RCU, freed; sites still on");
		ret = unregister_ftrace_function(&ftrace_selftest_ops);
		tap_ok(ret == 0 && unregister_ftrace_function(&ftrace_selftest_ops) == -EINVAL,
		       "ftrace: last ops off, unregistering twice refused");
	}

	/*
	 * Validation: the victim's slot 1 is not the NOP the none strategy expects, so enabling
	 * must refuse that site (and not write its BL) while doing all the others.
	 */
	ftrace_set_strategy(FTRACE_STRATEGY_NONE);
	aarch64_insn_patch_text_nosync((void *)FTRACE_SLOT1(vrec), AARCH64_INSN_B_8);
	errors = ftrace_update_stats.patch_errors;
	fst.victim_hits = 0;
	register_ftrace_function(&ftrace_selftest_ops);
	aarch64_insn_read((void *)FTRACE_SLOT1(vrec), &w1);
	aarch64_insn_read((void *)FTRACE_SLOT2(vrec), &w2);
	r = ftrace_selftest_victim_fn(1);
	tap_ok(ftrace_update_stats.patch_errors == errors + 1 && (vrec->flags & FTRACE_FL_FAILED) &&
	       w1 == AARCH64_INSN_B_8 && w2 == AARCH64_INSN_NOP && r == 7 && fst.victim_hits == 0 &&
	       ftrace_check_sites(FTRACE_STRATEGY_NONE, true) == 0,
	       "ftrace: site with an unexpected word refused, left alone, others enabled");
	unregister_ftrace_function(&ftrace_selftest_ops);
	aarch64_insn_patch_text_nosync((void *)FTRACE_SLOT1(vrec), AARCH64_INSN_NOP);
	vrec->flags &= ~FTRACE_FL_FAILED;
	ftrace_update_stats.patch_errors = errors;
	tap_ok(ftrace_check_sites(FTRACE_STRATEGY_NONE, false) == 0,
	       "ftrace: victim restored, every site off");

	ret = ftrace_set_strategy(boot);
	tap_ok(ret == 0 && ftrace_check_sites(boot, false) == 0 && ftrace_strategy == boot,
	       "ftrace: back to the boot strategy %s", ftrace_strategy_name(boot));
	ftrace_update_stats_reset();
}
