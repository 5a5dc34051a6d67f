/*
 * GICv3 as QEMU's virt board has it (gic-version=3, no security): affinity routing, SGIs for
 * IPIs, the virtual timer's PPI for the tick, everything in Group 1 and signalled as IRQ.
 */
#include <asm/barrier.h>
#include <asm/irq.h>
#include <asm/memory.h>
#include <linux/kernel.h>
#include <linux/smp.h>

#define GICD_CTLR		0x0000
#define GICD_CTLR_RWP		(1U << 31)
#define GICD_CTLR_ARE		(1U << 4)
#define GICD_CTLR_ENABLE_G1	(1U << 1)
#define GICR_CTLR		0x0000
#define GICR_CTLR_RWP		(1U << 3)
#define GICR_WAKER		0x0014
#define GICR_WAKER_ProcessorSleep (1U << 1)
#define GICR_WAKER_ChildrenAsleep (1U << 2)
#define GICR_SGI_OFFSET		0x10000
#define GICR_IGROUPR0		0x0080
#define GICR_ISENABLER0		0x0100
#define GICR_ICENABLER0		0x0180
#define GICR_IPRIORITYR0	0x0400
#define GIC_PRIO_IRQ		0xa0
#define GIC_SPURIOUS		1023

static unsigned long gicr_base(int cpu) { return GICR_BASE + cpu * GICR_STRIDE; }

void gic_init(void)
{
	/* ARE may change only while both groups are disabled, as they are at reset. */
	writel(GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1, GICD_BASE + GICD_CTLR);
	while (readl(GICD_BASE + GICD_CTLR) & GICD_CTLR_RWP)
		;
}

void gic_cpu_init(int cpu)
{
	unsigned long rd = gicr_base(cpu), sgi = rd + GICR_SGI_OFFSET;

	/* A sleeping redistributor forwards nothing. */
	writel(readl(rd + GICR_WAKER) & ~GICR_WAKER_ProcessorSleep, rd + GICR_WAKER);
	while (readl(rd + GICR_WAKER) & GICR_WAKER_ChildrenAsleep)
		;
	writel(~0U, sgi + GICR_ICENABLER0);
	while (readl(rd + GICR_CTLR) & GICR_CTLR_RWP)
		;
	writel(~0U, sgi + GICR_IGROUPR0);
	for (int i = 0; i < 32; i += 4)
		writel(GIC_PRIO_IRQ * 0x01010101U, sgi + GICR_IPRIORITYR0 + i);
	writel((1U << NR_IPI) - 1 | 1U << IRQ_VTIMER, sgi + GICR_ISENABLER0);

	write_sysreg(read_sysreg(icc_sre_el1) | 1, icc_sre_el1);
	isb();
	write_sysreg(0xf0, icc_pmr_el1);
	write_sysreg(0, icc_bpr1_el1);
	write_sysreg(0, icc_ctlr_el1);		/* EOImode 0: EOIR also deactivates */
	write_sysreg(1, icc_igrpen1_el1);
	isb();
}

/* CPUs are numbered by Aff0 (MPIDR = 0x8000_0000 | n), so the target list is one bit. */
void gic_send_sgi(int cpu, int intid)
{
	dsb(ishst);	/* what the target reads must be visible before it is interrupted */
	write_sysreg((u64)intid << 24 | 1UL << cpu, icc_sgi1r_el1);
	isb();
}

void gic_handle_irq(struct pt_regs *regs)
{
	for (;;) {
		u64 irq = read_sysreg(icc_iar1_el1) & 0xffffff;

		if (irq >= 1020)
			return;
		if (irq < NR_IPI)
			handle_ipi((int)irq);
		else if (irq == IRQ_VTIMER)
			arch_timer_handle_irq(regs);
		else
			printk("gic: unexpected interrupt %llu on cpu%d\n", (unsigned long long)irq,
			       smp_processor_id());
		write_sysreg(irq, icc_eoir1_el1);
		isb();
	}
}
