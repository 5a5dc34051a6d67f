/* CPUs, per-CPU data and cross-CPU calls. */
#ifndef _LINUX_SMP_H
#define _LINUX_SMP_H

#include <asm/barrier.h>
#include <linux/types.h>

#define NR_CPUS		8

/* The CPU number lives in TPIDR_EL1 (set at bring-up, never changes). */
static __always_inline int raw_smp_processor_id(void) { return (int)read_sysreg(tpidr_el1); }
#define smp_processor_id() raw_smp_processor_id()

extern int nr_cpu_ids;			/* CPUs brought online (from PSCI, at most NR_CPUS) */
extern volatile u32 cpu_online_mask;	/* bit n: CPU n is online */
#define cpu_online(cpu)		(READ_ONCE(cpu_online_mask) & (1u << (cpu)))
#define for_each_online_cpu(cpu) \
	for ((cpu) = 0; (cpu) < nr_cpu_ids; (cpu)++) if (!cpu_online(cpu)) {} else
static inline int num_online_cpus(void) { return __builtin_popcount(READ_ONCE(cpu_online_mask)); }

/* Per-CPU variables: plain arrays indexed by CPU, as the guest never hotplugs. */
#define DEFINE_PER_CPU(type, name) __typeof__(type) name[NR_CPUS]
#define DECLARE_PER_CPU(type, name) extern __typeof__(type) name[NR_CPUS]
#define per_cpu(name, cpu) ((name)[cpu])
#define this_cpu_ptr(name) (&(name)[smp_processor_id()])

/* IPIs (SGIs): arch/arm64/kernel/smp.c */
enum ipi_msg_type { IPI_RESCHEDULE = 0, IPI_CALL_FUNC = 1, IPI_CPU_STOP = 2, NR_IPI };
void smp_send_reschedule(int cpu);
void smp_send_stop(void);
/* Run func(info) on cpu from its IPI handler (IRQs off); wait for completion if wait. */
int smp_call_function_single(int cpu, void (*func)(void *), void *info, bool wait);
/* On every other online CPU, then wait if asked. */
void smp_call_function(void (*func)(void *), void *info, bool wait);
/* IPI every other CPU and wait: each takes an exception, a context synchronisation event. */
void kick_all_cpus_sync(void);

#endif
