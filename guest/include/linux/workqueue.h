/* Workqueues (kernel/workqueue.c): one worker kthread per CPU ("kworker/N") at PRIO_NORMAL. */
#ifndef _LINUX_WORKQUEUE_H
#define _LINUX_WORKQUEUE_H

#include <linux/list.h>
#include <linux/types.h>

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	struct list_head entry;
	work_func_t func;
	volatile int pending;		/* queued and not started yet: cleared just before func
					 * runs, so func may requeue or free its work */
	int cpu;			/* where it was queued last */
};

#define INIT_WORK(w, f) do { INIT_LIST_HEAD(&(w)->entry); (w)->func = (f); (w)->pending = 0; } while (0)

bool queue_work_on(int cpu, struct work_struct *work);	/* false if already pending */
bool schedule_work(struct work_struct *work);		/* on the current CPU */
void flush_work(struct work_struct *work);		/* sleep until it has run (queued or running) */
/* Run func on every online CPU from its worker, and wait for all: Steven Rostedt's trick. */
int schedule_on_each_cpu(work_func_t func);
void workqueue_init(void);				/* after the scheduler, before use */

#endif
