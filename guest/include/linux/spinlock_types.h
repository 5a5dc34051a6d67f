#ifndef _LINUX_SPINLOCK_TYPES_H
#define _LINUX_SPINLOCK_TYPES_H

#include <linux/types.h>

/* A ticket lock: next (upper half) is taken by lockers, owner (lower half) is served. */
typedef struct {
	u32 val;
} arch_spinlock_t;

typedef struct {
	arch_spinlock_t raw_lock;
} raw_spinlock_t;
typedef raw_spinlock_t spinlock_t;

#define __RAW_SPIN_LOCK_UNLOCKED { { 0 } }
#define DEFINE_SPINLOCK(x) spinlock_t x = __RAW_SPIN_LOCK_UNLOCKED
#define DEFINE_RAW_SPINLOCK(x) raw_spinlock_t x = __RAW_SPIN_LOCK_UNLOCKED

#endif
