/*
 * Stale code on two cores: core 1 spins in a loop that fits one aligned 16-byte block (smp.S)
 * while core 0 patches a word of it with the full maintenance sequence (DC CVAU; DSB ISH;
 * IC IVAU, broadcast to every core; DSB ISH; ISB on core 0) and then raises a flag. Core 1 does
 * no context synchronisation in the loop, so it may go on running the old word; after it has
 * seen the flag SPIN_ITERATIONS times it executes an ISB and runs the loop as many times again.
 * The patched word counts the iterations that saw the flag, the original word in one register
 * and the patch in another, so core 1 reports how often each ran.
 *
 * On cmodx core 1's fetch buffer still holds the block after IC IVAU: the old word runs on every
 * iteration until the ISB empties the buffer. docs/stale-code.md explains and compares QEMU.
 */
#include "runtime.h"

typedef unsigned int u32;
typedef unsigned long u64;

#define SPIN_ITERATIONS 1000 /* as in smp.S */
#define PSCI_CPU_ON 0xc4000003UL

extern u32 spin_word[], spin_new_word[];
extern char spinner_entry[];

/* Shared with core 1 (smp.S). */
volatile u32 spinner_ready, patch_flag, spinner_done;
volatile u64 spinner_counts[4]; /* old, new before core 1's ISB; old, new after it */

static long cpu_on(u64 mpidr, void *entry)
{
	register u64 x0 asm("x0") = PSCI_CPU_ON;
	register u64 x1 asm("x1") = mpidr;
	register u64 x2 asm("x2") = (u64)entry;
	register u64 x3 asm("x3") = 0;
	asm volatile("hvc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
	return (long)x0;
}

int main(void)
{
	printf("stale code, two cores: core 1 spins in a 16-byte loop while core 0 patches it\n");
	if (cpu_on(1, spinner_entry) != 0) {
		printf("PSCI CPU_ON of core 1 failed: run with two cores\n");
		return 0;
	}
	while (!spinner_ready)
		;
	/*
	 * Give core 1 time to be spinning in the loop, its block in the fetch buffer: 1 ms of the
	 * generic counter. Counter time, not an instruction count, because on QEMU core 1 must also
	 * have translated the loop: a translation racing with the patch below can keep the old
	 * word for good (seen with QEMU 7.2), which is not what this guest is about.
	 */
	u64 freq, start, now;
	asm volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(start) : : "memory");
	do
		asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(now) : : "memory");
	while (now - start < freq / 1000);

	*(volatile u32 *)spin_word = *(volatile u32 *)spin_new_word;
	asm volatile("dc cvau, %0\n\t"
		     "dsb ish\n\t"
		     "ic ivau, %0\n\t" /* broadcast: every core's instruction cache */
		     "dsb ish\n\t"
		     "isb"
		     :
		     : "r"(spin_word)
		     : "memory");
	printf("core 0: patched the loop: DC CVAU; DSB ISH; IC IVAU; DSB ISH; ISB\n");
	asm volatile("stlr %w0, [%1]" : : "r"(1), "r"(&patch_flag) : "memory");

	while (!spinner_done)
		;
	asm volatile("dmb ish" : : : "memory");
	printf("core 1, %d iterations after the flag, no ISB: old word %lu, new word %lu\n",
	       SPIN_ITERATIONS, spinner_counts[0], spinner_counts[1]);
	printf("core 1, %d iterations after its ISB: old word %lu, new word %lu\n", SPIN_ITERATIONS,
	       spinner_counts[2], spinner_counts[3]);
	return 0;
}
