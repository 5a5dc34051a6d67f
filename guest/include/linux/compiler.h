/* Compiler attributes and single-copy-atomic accessors, as in include/linux/compiler*.h. */
#ifndef _LINUX_COMPILER_H
#define _LINUX_COMPILER_H

/*
 * notrace: no patchable entry for this function, so ftrace never sees it. Whole files that must
 * not be traced (entry code, the scheduler's switch path, RCU, ftrace itself) are compiled
 * without -fpatchable-function-entry instead, as Linux removes CC_FLAGS_FTRACE from them.
 */
#define notrace		__attribute__((patchable_function_entry(0, 0)))
#define noinline	__attribute__((noinline))
#define __always_inline	inline __attribute__((always_inline))
#define __noreturn	__attribute__((noreturn))
#define __aligned(x)	__attribute__((aligned(x)))
#define __section(s)	__attribute__((section(s)))
#define __used		__attribute__((used))
#define __weak		__attribute__((weak))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __maybe_unused	__attribute__((unused))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define barrier()		asm volatile("" : : : "memory")
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	do { *(volatile __typeof__(x) *)&(x) = (v); } while (0)

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - __builtin_offsetof(type, member)))
#define ALIGN(x, a)		(((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))

#endif
