/*
 * Stale code on one core: a loop runs an instruction, the guest overwrites that instruction with
 * a plain store, and runs the loop again before and after the cache maintenance the architecture
 * requires (DC CVAU; DSB ISH; IC IVAU; DSB ISH; ISB). The loop (single.S) records what it ran:
 * 1 for the original word `mov w2, #1`, 2 for the patch `mov w2, #2`.
 *
 * On cmodx the instruction cache keeps the copy of the line it filled, so the old word runs
 * until IC IVAU drops that line; on QEMU (coherent fetch) the store alone is enough.
 * docs/stale-code.md shows both.
 */
#include "runtime.h"

typedef unsigned int u32;
typedef unsigned long u64;

extern u32 site_word[], site_new_word[];
void run_site(u32 *seen, u64 count);

#define RUNS 3

static void show(const char *when)
{
	u32 seen[RUNS];
	run_site(seen, RUNS);
	printf("%s:", when);
	for (int i = 0; i < RUNS; i++)
		printf(" %u", seen[i]);
	printf("\n");
}

int main(void)
{
	printf("stale code, one core: the loop runs mov w2, #1 (prints 1) until it runs the patch "
	       "mov w2, #2 (prints 2)\n");
	show("before the store");
	/* With the MMU off the code is writable: a plain store, and nothing else. */
	*(volatile u32 *)site_word = *(volatile u32 *)site_new_word;
	show("after a plain store, no maintenance");
	show("the same loop called again");
	asm volatile("dc cvau, %0\n\t"
		     "dsb ish\n\t"
		     "ic ivau, %0\n\t"
		     "dsb ish\n\t"
		     "isb"
		     :
		     : "r"(site_word)
		     : "memory");
	show("after DC CVAU; DSB ISH; IC IVAU; DSB ISH; ISB");
	return 0;
}
