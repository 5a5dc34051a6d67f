/*
 * EL0 code for the scheduler self-test: every system call once, then exit with a code that
 * says what it saw. Only usr/ code and data are reachable from EL0.
 */
#include "syscall.h"

static const char user_hello[] = "# el0: hello from user mode\n";
static unsigned int user_cpu = ~0u;

void sched_user_main(long expected_cpu)
{
	long code = 0;

	if (sys_getcpu(&user_cpu) == 0 && user_cpu == expected_cpu)
		code |= 1;
	if (sys_write(1, user_hello, sizeof(user_hello) - 1) == sizeof(user_hello) - 1)
		code |= 2;
	if (sys_sched_yield() == 0)
		code |= 4;
	if (sys_nanosleep(100000) == 0)
		code |= 8;
	if (__syscall3(12345, 0, 0, 0) == -38)	/* ENOSYS */
		code |= 16;
	sys_exit((int)code);
}
