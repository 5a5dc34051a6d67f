/*
 * Function tracing (kernel/trace/ftrace.c, arch/arm64/kernel/ftrace.c, entry-ftrace.S).
 *
 * Every traced function starts with two NOPs (-fpatchable-function-entry=2); their addresses
 * are in __patchable_function_entries (between __start_mcount_loc and __stop_mcount_loc). A
 * dyn_ftrace record's ip is the SECOND slot, as in Linux. Enabled, a site reads
 * "MOV X9, X30; BL ftrace_regs_caller"; ftrace_regs_caller calls
 * ftrace_ops_list_func(ip, parent_ip = X9, ops, regs) and returns into the body with X30 = X9.
 *
 * How sites are switched on and off is the strategy (boot argument ftrace.strategy=).
 */
#ifndef _LINUX_FTRACE_H
#define _LINUX_FTRACE_H

#include <asm/insn.h>
#include <linux/list.h>
#include <linux/types.h>

struct pt_regs;
struct ftrace_ops;
typedef void (*ftrace_func_t)(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *op,
			      struct pt_regs *regs);

#define FTRACE_OPS_FL_ENABLED	(1 << 0)
#define FTRACE_OPS_FL_DYNAMIC	(1 << 1)	/* kmalloc'ed: freeing needs tasks-RCU (seed 002) */

struct ftrace_ops {
	ftrace_func_t func;
	struct ftrace_ops *next;
	unsigned long flags;
	void *private;
};

enum ftrace_strategy {
	FTRACE_STRATEGY_NONE,		/* MOV and BL back to back: torn prologue possible */
	FTRACE_STRATEGY_TASKS_RCU,	/* all MOVs; synchronize_rcu_tasks(); all BLs */
	FTRACE_STRATEGY_RUDE,		/* same with synchronize_rcu_tasks_rude() */
	FTRACE_STRATEGY_INIT_MOV,	/* MOV at boot; runtime flips NOP<->BL only (mainline) */
	FTRACE_STRATEGY_B8,		/* slot 1 B .+8 <-> MOV; slot 2 always BL (PowerPC 2008) */
	FTRACE_STRATEGY_STOP_MACHINE,	/* both words while every CPU waits with IRQs off */
	NR_FTRACE_STRATEGIES,
};

struct dyn_ftrace {
	unsigned long ip;		/* the BL slot (function + 4) */
	unsigned long flags;		/* FTRACE_FL_ENABLED */
};
#define FTRACE_FL_ENABLED	(1UL << 0)
#define FTRACE_FL_FAILED	(1UL << 1)	/* a word was not what we expected: left alone */

extern enum ftrace_strategy ftrace_strategy;
const char *ftrace_strategy_name(enum ftrace_strategy s);
int ftrace_strategy_parse(const char *name);		/* -1 if unknown */
void ftrace_init(void);		/* boot, one CPU, IRQs off: records, and the init-time writes */
int register_ftrace_function(struct ftrace_ops *ops);	/* first ops enables every site */
int unregister_ftrace_function(struct ftrace_ops *ops);	/* last ops disables them */
/* Switch the strategy used from now on (sites must be disabled); for the selftests. */
int ftrace_set_strategy(enum ftrace_strategy s);

/* Sites, for scenarios and tests. */
extern struct dyn_ftrace *ftrace_pages;
extern int ftrace_nr_sites;
struct dyn_ftrace *ftrace_find_rec(unsigned long func);	/* by function address */

/* Patch timing: cycles of the last enable/disable, and all of them for medians. */
struct ftrace_update_stats {
	u64 updates;
	u64 last_cycles;
	u64 gp_last_cycles;		/* the grace-period waits inside the last update */
	u64 patch_errors;		/* validation refusals (the word was not the expected one) */
	u64 sm_fixups;			/* stop-machine: preempted tasks moved past a site */
	u64 words_written;
};
extern struct ftrace_update_stats ftrace_update_stats;
/* Medians over every update since the last reset (0 when none); resetting starts a new set. */
void ftrace_update_medians(u64 *patch_median, u64 *gp_median, u64 *enable_median,
			   u64 *disable_median);
void ftrace_update_stats_reset(void);
/* stop-machine strategy: fix up tasks preempted between the two slots (default on). */
extern bool ftrace_stop_machine_fixup;
/* The ops ftrace_regs_caller passes along: the only registered ops, or NULL. */
extern struct ftrace_ops *function_trace_op;
/* Which dyn_ftrace has this BL slot (rec->ip), or NULL. */
struct dyn_ftrace *ftrace_lookup_ip(unsigned long ip);
/* Every site reads the pair this strategy expects (enabled or not); returns the mismatches. */
int ftrace_check_sites(enum ftrace_strategy s, bool enabled);

/* arch/arm64/kernel/ftrace.c: the words and their writes. */
#define FTRACE_SLOT1(rec)	((rec)->ip - AARCH64_INSN_SIZE)	/* NOP, MOV or B .+8 */
#define FTRACE_SLOT2(rec)	((rec)->ip)			/* NOP or BL */
unsigned long ftrace_call_adjust(unsigned long addr);	/* first NOP -> rec->ip */
u32 ftrace_call_insn(struct dyn_ftrace *rec);		/* BL ftrace_regs_caller at rec->ip */
/* Read pc, refuse (-EINVAL) if validating and it is not old, then patch (nosync). */
int ftrace_modify_code(unsigned long pc, u32 old, u32 new, bool validate);
int ftrace_make_call(struct dyn_ftrace *rec);		/* slot 2: NOP -> BL */
int ftrace_make_nop(struct dyn_ftrace *rec);		/* slot 2: BL -> NOP */
int ftrace_init_nop(struct dyn_ftrace *rec);		/* slot 1: NOP -> MOV (boot) */

/* entry-ftrace.S; ftrace_regs_caller calls ftrace_ops_list_func (kernel/trace/ftrace.c). */
void ftrace_regs_caller(void);
void ftrace_stub(void);
void ftrace_ops_list_func(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *op,
			  struct pt_regs *regs);

/* The function tracer (kernel/trace/trace.c). */
struct ftrace_entry {
	u64 ts;				/* cycles */
	unsigned long ip, parent_ip;
	int pid;
	u8 cpu, flags, preempt;
	char comm[16];
};
/* Record one function entry in this CPU's buffer (from an ops callback). */
void trace_function(unsigned long ip, unsigned long parent_ip);
int tracing_start_function_trace(void);	/* registers the function tracer's ops */
void tracing_stop_function_trace(void);
void tracing_reset(void);		/* allocates the buffers the first time, empties them */
/* Print the buffers in /sys/kernel/tracing/trace format (boot argument trace=1). */
void ftrace_dump(int max_lines);

/* Damage the guest detects (the race oracles seen from inside). */
struct ftrace_damage {
	u64 bad_parent;			/* parent_ip (X9) not right after a call instruction */
	u64 wild_branch;		/* an exception from a wild return */
	unsigned long last_ip, last_x9;	/* the site and X9 of the latest bad_parent */
	int last_pid, last_cpu;
};
extern struct ftrace_damage ftrace_damage;
bool is_call_site(unsigned long parent_ip);

#endif

#ifndef _LINUX_FTRACE_SCENARIO
#define _LINUX_FTRACE_SCENARIO
/*
 * Called by the EL1 exception handler (arch/arm64/kernel/traps.c) for an unexpected synchronous
 * exception taken in task context (not in an IRQ, preempt_count 0). If it returns true the
 * exception was damage the scenario counts (a wild branch): the task is terminated with
 * do_exit() instead of a panic. kernel/scenarios/ftrace_race.c defines it.
 */
bool ftrace_race_handle_fault(struct pt_regs *regs, unsigned long esr, const char *what);
/* scenario=ftrace-race (kernel/scenarios/ftrace_race.c): runs the race, prints the summary. */
int ftrace_race_main(void);
#endif
