/*
 * Ticket spinlocks: the upper half of the word hands out tickets, the lower half says whose
 * turn it is. Taking a ticket is one atomic add: LDADDA when the CPU has ARMv8.1 LSE atomics,
 * an LDAXR/STXR loop otherwise. Waiters sleep in WFE on an exclusive load of the owner field,
 * so the unlocking store (STLRH) wakes them.
 */
#include <asm/barrier.h>
#include <linux/kernel.h>
#include <linux/spinlock.h>

bool system_uses_lse_atomics;

static inline u32 ticket_take_llsc(arch_spinlock_t *lock)
{
	u32 old, newval, fail;

	asm volatile(
	"1:	ldaxr	%w0, %3\n"
	"	add	%w1, %w0, #0x10, lsl #12\n"
	"	stxr	%w2, %w1, %3\n"
	"	cbnz	%w2, 1b\n"
	: "=&r"(old), "=&r"(newval), "=&r"(fail), "+Q"(lock->val) : : "memory");
	return old;
}

static inline u32 ticket_take_lse(arch_spinlock_t *lock)
{
	u32 old;

	asm volatile(
	".arch_extension lse\n"
	"	ldadda	%w2, %w0, %1\n"
	: "=&r"(old), "+Q"(lock->val) : "r"(1u << 16) : "memory");
	return old;
}

void arch_spin_lock(arch_spinlock_t *lock)
{
	u32 old = system_uses_lse_atomics ? ticket_take_lse(lock) : ticket_take_llsc(lock);
	u16 ticket = old >> 16;
	u16 owner = old & 0xffff;

	if (owner == ticket)
		return;
	asm volatile("sevl" : : : "memory");
	for (;;) {
		u32 cur;

		asm volatile("wfe\n\tldaxrh %w0, %1" : "=&r"(cur) : "Q"(*(u16 *)&lock->val) : "memory");
		if ((u16)cur == ticket)
			return;
	}
}

bool arch_spin_trylock(arch_spinlock_t *lock)
{
	u32 old = READ_ONCE(lock->val);

	if ((old >> 16) != (old & 0xffff))
		return false;
	return __atomic_compare_exchange_n(&lock->val, &old, old + (1u << 16), false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* ID_AA64ISAR0_EL1.Atomic >= 2: LDADD and friends exist. lse=0 forces the exclusives. */
void cpufeature_init(void)
{
	u64 isar0 = read_sysreg(id_aa64isar0_el1);

	system_uses_lse_atomics = ((isar0 >> 20) & 0xf) >= 2 && bootarg_long("lse", 1);
}
