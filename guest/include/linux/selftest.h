/*
 * In-kernel self-tests (selftest=1): TAP version 13 on the console. Each subsystem provides a
 * *_selftest() function that calls tap_ok(); kernel/selftest.c runs them in order from a
 * kthread, prints the plan "1..N" at the end and powers off (exit 0 even when a test fails:
 * the TAP lines say which; ctest parses them).
 */
#ifndef _LINUX_SELFTEST_H
#define _LINUX_SELFTEST_H

#include <linux/compiler.h>
#include <linux/types.h>

bool tap_ok(bool ok, const char *fmt, ...) __printf(2, 3);	/* "ok N - ..." / "not ok N - ..." */
void tap_diag(const char *fmt, ...) __printf(1, 2);		/* "# ..." */

void sched_selftest(void);		/* kernel/sched/core.c */
void mmu_selftest(void);		/* arch/arm64/mm/mmu.c */
void rcu_selftest(void);		/* kernel/rcu/selftest.c: every flavour */
void patching_selftest(void);		/* arch/arm64/kernel/patching.c */
void ftrace_selftest(void);		/* kernel/trace/ftrace.c: every strategy */
void run_selftests(void);		/* kernel/selftest.c */

#endif
