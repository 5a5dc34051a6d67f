/* The system calls EL0 tasks have, with arm64 Linux's numbers (kernel/sys.c). */
#ifndef _LINUX_SYSCALLS_H
#define _LINUX_SYSCALLS_H

#include <uapi/asm/unistd.h>

#ifndef __ASSEMBLY__
long sys_write(unsigned long fd, const char *buf, unsigned long len);
void sys_exit(long code) __attribute__((noreturn));
long sys_nanosleep(unsigned long ns);
long sys_sched_yield(void);
long sys_getcpu(unsigned int *cpu);
#endif

#endif
