/* Local interrupt masking, as arch/arm64/include/asm/irqflags.h. */
#ifndef _LINUX_IRQFLAGS_H
#define _LINUX_IRQFLAGS_H

#include <asm/barrier.h>
#include <linux/compiler.h>

static __always_inline unsigned long arch_local_save_flags(void) { return read_sysreg(daif); }
static __always_inline void local_irq_enable(void) { asm volatile("msr daifclr, #2" : : : "memory"); }
static __always_inline void local_irq_disable(void) { asm volatile("msr daifset, #2" : : : "memory"); }
static __always_inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags = arch_local_save_flags();
	local_irq_disable();
	return flags;
}
static __always_inline void local_irq_restore(unsigned long flags) { write_sysreg(flags, daif); }
#define local_irq_save(flags)	do { (flags) = arch_local_irq_save(); } while (0)
static __always_inline bool irqs_disabled(void) { return arch_local_save_flags() & 0x80; }

#endif
