/*
 * stop_machine (kernel/stop_machine.c): a stopper kthread per CPU at PRIO_STOP. Every online
 * CPU enters it, all disable IRQs together, fn(data) runs on one CPU (the first to arrive, or
 * each CPU in cpus if given) while the others spin with IRQs off, then all leave together.
 */
#ifndef _LINUX_STOP_MACHINE_H
#define _LINUX_STOP_MACHINE_H

#include <linux/types.h>

typedef int (*cpu_stop_fn_t)(void *arg);
/* cpus: mask of CPUs that run fn (0: only one CPU runs it). Returns fn's result (or the first nonzero). */
int stop_machine(cpu_stop_fn_t fn, void *data, u32 cpus);
void stop_machine_init(void);

/* The stages every CPU goes through together, each acknowledged by all before the next. */
enum multi_stop_state {
	MULTI_STOP_NONE,		/* not in stop_machine */
	MULTI_STOP_PREPARE,		/* in the stopper, IRQs as they were */
	MULTI_STOP_DISABLE_IRQ,		/* IRQs masked */
	MULTI_STOP_RUN,			/* fn runs on the active CPUs */
	MULTI_STOP_EXIT,
};
/* For the selftests: the last stage cpu's stopper completed, and whether it masked IRQs. */
enum multi_stop_state stop_machine_cpu_state(int cpu, bool *irqs_off);

#endif
