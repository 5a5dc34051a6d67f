/* Interrupt numbers and the GIC/timer drivers' entry points. */
#ifndef _ASM_IRQ_H
#define _ASM_IRQ_H

#include <linux/types.h>

#define IRQ_VTIMER	27	/* the virtual timer's PPI: the scheduler tick */

struct pt_regs;
void gic_init(void);			/* distributor: once, on CPU 0 */
void gic_cpu_init(int cpu);		/* redistributor and CPU interface: on each CPU */
void gic_send_sgi(int cpu, int intid);
void gic_handle_irq(struct pt_regs *regs);

void arch_timer_init(void);		/* CNTFRQ and the tick interval from HZ */
void arch_timer_start(void);		/* on each CPU */
void arch_timer_handle_irq(struct pt_regs *regs);
u64 arch_counter_get(void);		/* CNTVCT_EL0 */
extern u64 arch_timer_rate;

void handle_ipi(int ipinr);		/* arch/arm64/kernel/smp.c */

#endif
