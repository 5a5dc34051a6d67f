/*
 * The EL0 half of the ftrace-race scenario's user tasks (kernel/scenarios/ftrace_race.c).
 *
 * Each task loops on system calls, so it keeps entering the kernel through traced handlers
 * (kernel/sys.c) and can be preempted inside them, and keeps returning to user mode, a
 * tasks-RCU quiescent state. It stops when the kernel sets race_user_stop, and says so in
 * race_user_done[] before the exit call. Only usr/ data is touched: this code runs at EL0.
 */
#include "syscall.h"

#define RACE_USER_SLOTS	128

volatile int race_user_stop;
volatile unsigned long race_user_nap_ns;	/* nonzero: sleep that long every 16 calls */
volatile int race_user_done[RACE_USER_SLOTS];
volatile unsigned long race_user_iters[RACE_USER_SLOTS];

/* Written with length 0: the handler runs, the console stays quiet. */
static const char race_user_msg[] = "race-user\n";

void race_user_main(long slot)
{
	unsigned long n = 0;
	unsigned int cpu = 0;

	while (!race_user_stop) {
		sys_getcpu(&cpu);
		if ((n & 3) == 0)
			sys_sched_yield();
		if ((n & 7) == 0)
			sys_write(1, race_user_msg, 0);
		if ((n & 15) == 15 && race_user_nap_ns)
			sys_nanosleep(race_user_nap_ns);
		n++;
		if ((n & 63) == 0)
			race_user_iters[slot] = n;
	}
	race_user_iters[slot] = n;
	race_user_done[slot] = 1;
	sys_exit(0);
}
