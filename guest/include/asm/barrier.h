/* Barriers and system-register access, as arch/arm64/include/asm/barrier.h and sysreg.h. */
#ifndef _ASM_BARRIER_H
#define _ASM_BARRIER_H

#include <linux/compiler.h>
#include <linux/types.h>

#define isb()		asm volatile("isb" : : : "memory")
#define dsb(opt)	asm volatile("dsb " #opt : : : "memory")
#define dmb(opt)	asm volatile("dmb " #opt : : : "memory")
#define sev()		asm volatile("sev" : : : "memory")
#define sevl()		asm volatile("sevl" : : : "memory")
#define wfe()		asm volatile("wfe" : : : "memory")
#define wfi()		asm volatile("wfi" : : : "memory")
#define cpu_relax()	asm volatile("yield" : : : "memory")

#define mb()		dsb(sy)
#define smp_mb()	dmb(ish)
#define smp_rmb()	dmb(ishld)
#define smp_wmb()	dmb(ishst)

#define smp_store_release(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)

#define read_sysreg(r) ({ u64 __v; asm volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(v, r) asm volatile("msr " #r ", %0" : : "r"((u64)(v)) : "memory")
#define read_sysreg_s(r) ({ u64 __v; asm volatile("mrs %0, " r : "=r"(__v)); __v; })
#define write_sysreg_s(v, r) asm volatile("msr " r ", %0" : : "r"((u64)(v)) : "memory")

static inline u32 readl(unsigned long a) { return *(volatile u32 *)a; }
static inline void writel(u32 v, unsigned long a) { *(volatile u32 *)a = v; }
static inline u64 readq(unsigned long a) { return *(volatile u64 *)a; }
static inline void writeq(u64 v, unsigned long a) { *(volatile u64 *)a = v; }

/* The core's cycle counter (PMCCNTR_EL0, enabled on every CPU at boot). */
static inline u64 get_cycles(void) { u64 c; asm volatile("isb; mrs %0, pmccntr_el0" : "=r"(c) : : "memory"); return c; }

#endif
