/*
 * Timing microbenchmarks: each kernel of micro.S times itself with the PMU's cycle counter
 * (PMCCNTR_EL0) and instructions-retired counter (event 0x08). A kernel runs once to warm the
 * caches and predictors, then for SHORT and for LONG iterations; the difference of the two runs
 * is printed, so the call, the counter reads and the loop's start-up and exit (the mispredicted
 * last loop branch) cancel and only steady-state iterations remain:
 *
 *	<kernel> iterations=<LONG - SHORT> cycles=<difference> instructions=<difference>
 *
 * tests/sim/test_timing_micro.cpp compares the figures with what the timing parameters predict.
 */
#include "runtime.h"

typedef unsigned long u64;
typedef void kernel_fn(u64 iterations, u64 arg);

/* Even counts: the alternating kernel then starts every run on a not-taken iteration. The
   I-cache kernels run 12,288 and 4,096 instructions an iteration: fewer suffice. */
#define SHORT 50
#define LONG 150
#define BIG_SHORT 4
#define BIG_LONG 12

extern kernel_fn k_alu_chain, k_alu_pairs, k_shift_chain, k_shifted_operand_chain, k_mul_chain,
	k_mac_chain, k_load_chain, k_load_alu_chain, k_load_miss_chain, k_div_chain, k_nop_sled,
	k_isb_sled, k_branch_taken, k_branch_taken_next, k_branch_not_taken, k_branch_alternating,
	k_call_return, k_dsb_sled, k_btb_conflict, k_icache_fit, k_icache_thrash;

struct sample {
	u64 cycles, instructions;
};

/* The ISBs keep the counter reads from overlapping the kernel on either side. */
static inline struct sample counters(void)
{
	struct sample s;
	asm volatile("isb\n\tmrs %0, pmccntr_el0\n\tmrs %1, pmevcntr0_el0\n\tisb"
		     : "=r"(s.cycles), "=r"(s.instructions)
		     :
		     : "memory");
	return s;
}

/*
 * Runs `fn` for `short_run` iterations (a warm-up), then `short_run` and `long_run` iterations,
 * and stores each run's cycles and instructions. All runs go through the one call in this loop,
 * which is neither inlined nor unrolled, and the same instructions run between any two of them:
 * the harness's branches then leave the same predictor and BTB state before each measured run.
 * (With a call site per run, one of them can evict a kernel branch from the 256-entry BTB and
 * cost that run a BTB miss.)
 */
static void __attribute__((noinline))
timed_runs(kernel_fn *fn, u64 arg, u64 short_run, u64 long_run, struct sample out[3])
{
	const u64 counts[3] = {short_run, short_run, long_run};
#pragma clang loop unroll(disable)
	for (int i = 0; i < 3; i++) {
		struct sample a = counters();
		fn(counts[i], arg);
		struct sample b = counters();
		out[i] = (struct sample){b.cycles - a.cycles, b.instructions - a.instructions};
	}
}

static void measure_runs(const char *name, kernel_fn *fn, u64 arg, u64 short_run, u64 long_run)
{
	struct sample s[3];
	timed_runs(fn, arg, short_run, long_run, s);
	printf("%s iterations=%lu cycles=%lu instructions=%lu\n", name, long_run - short_run,
	       s[2].cycles - s[1].cycles, s[2].instructions - s[1].instructions);
}

static void measure(const char *name, kernel_fn *fn, u64 arg)
{
	measure_runs(name, fn, arg, SHORT, LONG);
}

/* A word holding its own address: a pointer chase that always hits. */
static u64 self_node __attribute__((aligned(64)));

/*
 * Five nodes 8 KiB apart: with 32 KiB, 4 ways and 64-byte lines a D-cache set spans 8 KiB, so
 * all five lines fall into one set and, cycled through in order, each evicts the least recently
 * used and every load misses.
 */
#define RING_NODES 5
#define RING_STRIDE (8192 / sizeof(u64))
static u64 ring[RING_NODES * RING_STRIDE] __attribute__((aligned(64)));

int main(void)
{
	/* Event counter 0 counts instructions retired; enable it and the cycle counter. */
	asm volatile("msr pmevtyper0_el0, %0" : : "r"(0x08ul));
	asm volatile("msr pmcntenset_el0, %0" : : "r"((1ul << 31) | 1));
	asm volatile("msr pmcr_el0, %0\n\tisb" : : "r"(1ul) : "memory");

	self_node = (u64)&self_node;
	for (int i = 0; i < RING_NODES; i++)
		ring[i * RING_STRIDE] = (u64)&ring[((i + 1) % RING_NODES) * RING_STRIDE];

	printf("timing microbenchmarks: differences between runs of %d and %d iterations (%d and %d "
	       "for the I-cache kernels)\n",
	       LONG, SHORT, BIG_LONG, BIG_SHORT);
	measure("alu_chain", k_alu_chain, 0);
	measure("alu_pairs", k_alu_pairs, 0);
	measure("shift_chain", k_shift_chain, 0);
	measure("shifted_operand_chain", k_shifted_operand_chain, 0);
	measure("mul_chain", k_mul_chain, 0);
	measure("mac_chain", k_mac_chain, 0);
	measure("load_chain", k_load_chain, (u64)&self_node);
	measure("load_alu_chain", k_load_alu_chain, (u64)&self_node);
	measure("load_miss_chain", k_load_miss_chain, (u64)&ring[0]);
	/* Quotients of 0, 5, 16 and 64 significant bits. */
	measure("div_q0", k_div_chain, 0);
	measure("div_q5", k_div_chain, 0x1f);
	measure("div_q16", k_div_chain, 0xffff);
	measure("div_q64", k_div_chain, ~0ul);
	measure("nop_sled", k_nop_sled, 0);
	measure("isb_sled", k_isb_sled, 0);
	measure("dsb_sled", k_dsb_sled, 0);
	measure("branch_taken", k_branch_taken, 0);
	measure("branch_taken_next", k_branch_taken_next, 0);
	measure("branch_not_taken", k_branch_not_taken, 0);
	/* Train every counter to strongly taken first, so the alternation's steady state is the
	   same whatever the predictor's reset state: each not-taken run mispredicts. */
	k_branch_alternating(SHORT, 0);
	measure("branch_alternating", k_branch_alternating, 1);
	measure("call_return", k_call_return, 0);
	measure("btb_conflict", k_btb_conflict, 0);
	measure_runs("icache_fit", k_icache_fit, 0, BIG_SHORT, BIG_LONG);
	measure_runs("icache_thrash", k_icache_thrash, 0, BIG_SHORT, BIG_LONG);
	printf("done\n");
	return 0;
}
