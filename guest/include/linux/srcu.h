/* Sleepable RCU (kernel/rcu/srcu.c): per-CPU reader counts for two indices, flipped by the GP. */
#ifndef _LINUX_SRCU_H
#define _LINUX_SRCU_H

#include <linux/list.h>
#include <linux/smp.h>
#include <linux/spinlock_types.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct srcu_struct {
	unsigned long lock_count[NR_CPUS][2];
	unsigned long unlock_count[NR_CPUS][2];
	volatile unsigned long srcu_idx;	/* readers use srcu_idx & 1 */
	volatile unsigned long srcu_gp_seq;	/* completed grace periods (x2, odd while running) */
	spinlock_t lock;			/* guards gp_running and srcu_gp_seq_needed */
	bool gp_running;			/* a GP is in progress (its caller sleeps in it) */
	/* Polled GPs: the highest cookie asked for, and the work that drives GPs up to it. */
	unsigned long srcu_gp_seq_needed;
	struct work_struct work;
};

void srcu_poll_work_fn(struct work_struct *work);	/* kernel/rcu/srcu.c */
#define __SRCU_STRUCT_INIT(name) {						\
	.lock = __RAW_SPIN_LOCK_UNLOCKED,					\
	.work = { .entry = LIST_HEAD_INIT((name).work.entry), .func = srcu_poll_work_fn },	\
}
#define DEFINE_SRCU(name) struct srcu_struct name = __SRCU_STRUCT_INIT(name)
int init_srcu_struct(struct srcu_struct *ssp);
int srcu_read_lock(struct srcu_struct *ssp);
void srcu_read_unlock(struct srcu_struct *ssp, int idx);
void synchronize_srcu(struct srcu_struct *ssp);
unsigned long get_state_synchronize_srcu(struct srcu_struct *ssp);
/* Like get_state, and makes sure the GP it needs happens (from a work item). */
unsigned long start_poll_synchronize_srcu(struct srcu_struct *ssp);
bool poll_state_synchronize_srcu(struct srcu_struct *ssp, unsigned long cookie);

#endif
