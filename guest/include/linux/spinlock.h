/*
 * Spinlocks: a ticket lock in exclusives (LDAXR/STXR) or, when the CPU has ARMv8.1 atomics,
 * LSE (LDADDA); chosen once at boot (lse= boot argument can force it off). Taking a lock
 * disables preemption, as in Linux.
 */
#ifndef _LINUX_SPINLOCK_H
#define _LINUX_SPINLOCK_H

#include <linux/irqflags.h>
#include <linux/sched.h>
#include <linux/spinlock_types.h>

extern bool system_uses_lse_atomics;	/* arch/arm64/kernel/cpufeature.c */

void arch_spin_lock(arch_spinlock_t *lock);	/* arch/arm64/kernel/spinlock.c */
bool arch_spin_trylock(arch_spinlock_t *lock);
static __always_inline void arch_spin_unlock(arch_spinlock_t *lock)
{
	u16 *owner = (u16 *)&lock->val;		/* little-endian: the low half */
	u16 next = (u16)(*owner + 1);
	asm volatile("stlrh %w1, %0" : "=Q"(*owner) : "r"(next) : "memory");
}
static __always_inline bool arch_spin_is_locked(arch_spinlock_t *lock)
{
	u32 v = READ_ONCE(lock->val);
	return (v >> 16) != (v & 0xffff);
}

static inline void spin_lock_init(spinlock_t *l) { l->raw_lock.val = 0; }
static __always_inline void spin_lock(spinlock_t *l) { preempt_disable(); arch_spin_lock(&l->raw_lock); }
static __always_inline void spin_unlock(spinlock_t *l) { arch_spin_unlock(&l->raw_lock); preempt_enable(); }
static __always_inline bool spin_trylock(spinlock_t *l)
{
	preempt_disable();
	if (arch_spin_trylock(&l->raw_lock))
		return true;
	preempt_enable();
	return false;
}
#define spin_lock_irqsave(l, flags) do { local_irq_save(flags); spin_lock(l); } while (0)
static __always_inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	arch_spin_unlock(&l->raw_lock);
	local_irq_restore(flags);
	preempt_enable();
}
static __always_inline void spin_lock_irq(spinlock_t *l) { local_irq_disable(); spin_lock(l); }
static __always_inline void spin_unlock_irq(spinlock_t *l)
{
	arch_spin_unlock(&l->raw_lock);
	local_irq_enable();
	preempt_enable();
}
#define raw_spin_lock spin_lock
#define raw_spin_unlock spin_unlock
#define raw_spin_lock_irqsave spin_lock_irqsave
#define raw_spin_unlock_irqrestore spin_unlock_irqrestore

#endif
