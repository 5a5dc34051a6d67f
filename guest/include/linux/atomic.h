/* atomic_t on the compiler's builtins (exclusives on ARMv8.0; see spinlock.h for LSE). */
#ifndef _LINUX_ATOMIC_H
#define _LINUX_ATOMIC_H

#include <linux/types.h>

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;
#define ATOMIC_INIT(i) { (i) }

#define atomic_read(v)		__atomic_load_n(&(v)->counter, __ATOMIC_RELAXED)
#define atomic_set(v, i)	__atomic_store_n(&(v)->counter, (i), __ATOMIC_RELAXED)
#define atomic_add_return(i, v)	__atomic_add_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST)
#define atomic_sub_return(i, v)	__atomic_sub_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST)
#define atomic_inc_return(v)	atomic_add_return(1, v)
#define atomic_dec_return(v)	atomic_sub_return(1, v)
#define atomic_inc(v)		((void)atomic_add_return(1, v))
#define atomic_dec(v)		((void)atomic_sub_return(1, v))
#define atomic_add(i, v)	((void)atomic_add_return(i, v))
#define atomic_dec_and_test(v)	(atomic_dec_return(v) == 0)
#define atomic_cmpxchg(v, o, n) ({ __typeof__((v)->counter) __o = (o);		\
	__atomic_compare_exchange_n(&(v)->counter, &__o, (n), false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); __o; })
#define atomic_long_read atomic_read
#define atomic_long_set atomic_set
#define atomic_long_inc atomic_inc
#define atomic_long_add atomic_add
#define atomic_long_inc_return atomic_inc_return

#endif
