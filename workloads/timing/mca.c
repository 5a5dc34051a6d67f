/*
 * The llvm-mca comparison's guest: times every kernel of mca_kernels.txt (assembled by
 * scripts/timing_validation.py into two loops per kernel, with a short and a long unroll of the
 * body) with the PMU, and prints for each
 *
 *	mca <kernel> unroll=<short>,<long> iterations=<n> cycles=<c1>,<c2> instructions=<i1>,<i2>
 *
 * where c1 (c2) is the difference between runs of LONG and SHORT iterations of the short (long)
 * loop. (c2 - c1) / (n * (long - short)) is then the cycles of one copy of the body in steady
 * state: the call, the start-up and the loop's own instructions are in both and cancel.
 */
#include "runtime.h"

typedef unsigned long u64;
typedef void kernel_fn(u64 iterations);

#define SHORT 20
#define LONG 60

struct mca_kernel {
	const char *name;
	kernel_fn *short_unroll, *long_unroll;
	u64 instructions;
};

extern const struct mca_kernel mca_kernels[];
extern const u64 mca_unroll[2];

struct sample {
	u64 cycles, instructions;
};

static inline struct sample counters(void)
{
	struct sample s;
	asm volatile("isb\n\tmrs %0, pmccntr_el0\n\tmrs %1, pmevcntr0_el0\n\tisb"
		     : "=r"(s.cycles), "=r"(s.instructions)
		     :
		     : "memory");
	return s;
}

static struct sample __attribute__((noinline)) timed(kernel_fn *fn, u64 iterations)
{
	struct sample a = counters();
	fn(iterations);
	struct sample b = counters();
	return (struct sample){b.cycles - a.cycles, b.instructions - a.instructions};
}

/*
 * Steady-state cycles and instructions of LONG - SHORT iterations, after a warm-up run. Every run
 * is called from the same call site: the harness's branches then leave the same predictor and
 * BTB state before each run (a different call site can evict a kernel branch from the BTB).
 */
static struct sample steady(kernel_fn *fn)
{
	static const u64 counts[3] = {SHORT, SHORT, LONG};
	struct sample s[3];
#pragma clang loop unroll(disable)
	for (int i = 0; i < 3; i++)
		s[i] = timed(fn, counts[i]);
	return (struct sample){s[2].cycles - s[1].cycles, s[2].instructions - s[1].instructions};
}

int main(void)
{
	asm volatile("msr pmevtyper0_el0, %0" : : "r"(0x08ul));
	asm volatile("msr pmcntenset_el0, %0" : : "r"((1ul << 31) | 1));
	asm volatile("msr pmcr_el0, %0\n\tisb" : : "r"(1ul) : "memory");

	for (const struct mca_kernel *k = mca_kernels; k->name; k++) {
		struct sample a = steady(k->short_unroll), b = steady(k->long_unroll);
		printf("mca %s unroll=%lu,%lu iterations=%d cycles=%lu,%lu instructions=%lu,%lu\n",
		       k->name, mca_unroll[0], mca_unroll[1], LONG - SHORT, a.cycles, b.cycles,
		       a.instructions, b.instructions);
	}
	printf("done\n");
	return 0;
}
