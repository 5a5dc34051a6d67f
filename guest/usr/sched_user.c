/*
 * EL0 code for the scheduler self-test: every system call once, then exit with a code that
 * says what it saw. Only usr/ code and data are reachable from EL0.
 */
#include <linux/syscalls.h>

static long user_syscall(long nr, long a0, long a1, long a2)
{
	register long x8 asm("x8") = nr;
	register long x0 asm("x0") = a0;
	register long x1 asm("x1") = a1;
	register long x2 asm("x2") = a2;

	asm volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}

static const char user_hello[] = "# el0: hello from user mode\n";
static unsigned int user_cpu = ~0u;

void sched_user_main(long expected_cpu)
{
	long code = 0;

	if (user_syscall(__NR_getcpu, (long)&user_cpu, 0, 0) == 0 && user_cpu == expected_cpu)
		code |= 1;
	if (user_syscall(__NR_write, 1, (long)user_hello, sizeof(user_hello) - 1) ==
	    sizeof(user_hello) - 1)
		code |= 2;
	if (user_syscall(__NR_sched_yield, 0, 0, 0) == 0)
		code |= 4;
	if (user_syscall(__NR_nanosleep, 100000, 0, 0) == 0)
		code |= 8;
	if (user_syscall(12345, 0, 0, 0) == -38)	/* ENOSYS */
		code |= 16;
	user_syscall(__NR_exit, code, 0, 0);
	for (;;)
		;
}
