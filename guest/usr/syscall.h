/*
 * System calls from EL0 code (usr/): SVC #0 with the number in x8, arguments in x0..x5 and
 * the result in x0, the arm64 Linux convention. Everything here is inline: EL0 code may not
 * call into kernel text, which it cannot execute.
 */
#ifndef _USR_SYSCALL_H
#define _USR_SYSCALL_H

#include <uapi/asm/unistd.h>

static inline __attribute__((always_inline)) long
__syscall3(long nr, long a0, long a1, long a2)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a0;
	register long x1 __asm__("x1") = a1;
	register long x2 __asm__("x2") = a2;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}

static inline __attribute__((always_inline)) long sys_write(int fd, const void *buf, unsigned long len)
{
	return __syscall3(__NR_write, fd, (long)buf, (long)len);
}

static inline __attribute__((always_inline, noreturn)) void sys_exit(int code)
{
	__syscall3(__NR_exit, code, 0, 0);
	for (;;)
		;
}

static inline __attribute__((always_inline)) long sys_nanosleep(unsigned long ns)
{
	return __syscall3(__NR_nanosleep, (long)ns, 0, 0);
}

static inline __attribute__((always_inline)) long sys_sched_yield(void)
{
	return __syscall3(__NR_sched_yield, 0, 0, 0);
}

static inline __attribute__((always_inline)) long sys_getcpu(unsigned int *cpu)
{
	return __syscall3(__NR_getcpu, (long)cpu, 0, 0);
}

#endif
