/*
 * Timing microbenchmark kernels (the harness is micro.c; the expected cycles per iteration are
 * derived in tests/sim/test_timing_micro.cpp). Every kernel is `void k(u64 iterations, u64 arg)`
 * and runs a loop whose iteration is one fixed instruction sequence:
 *
 *	1:	subs	x0, x0, #1	// loop count first: it pairs with the body's first instruction
 *		<body>
 *		b.ne	1b
 *
 * so the loop costs at most one extra issue slot and one taken branch per iteration, which the
 * expected figures account for exactly. The harness subtracts two runs of different lengths, so
 * nothing outside the loop counts. Kernels touch only x0-x9 (and x30 where they call).
 */

	/* Starts a kernel: an aligned entry, so each loop's cache lines do not depend on its
	   neighbours' sizes (alignment NOPs run once per call, outside the loop). */
	.macro	KERNEL name
	.text
	.balign	64
	.global	\name
	.type	\name, %function
\name:
	.endm

	/* A loop of `count` copies of one instruction, the loop count paired with the first. */
	.macro	CHAIN_LOOP count:req, insn:vararg
	.balign	64
1:	subs	x0, x0, #1
	.rept	\count
	\insn
	.endr
	b.ne	1b
	ret
	.endm

/* Dependent ALU chain: each ADD reads the previous one's result. */
KERNEL k_alu_chain
	mov	x1, #0
	CHAIN_LOOP 64, add x1, x1, #1

/* Independent ALU pairs: two interleaved chains, so two ADDs can issue together. */
KERNEL k_alu_pairs
	mov	x1, #0
	mov	x2, #0
	.balign	64
1:	subs	x0, x0, #1
	.rept	32
	add	x1, x1, #1
	add	x2, x2, #1
	.endr
	b.ne	1b
	ret

/* Dependent shift-by-immediate chain (LSL is UBFM: the shift/bitfield latency). */
KERNEL k_shift_chain
	mov	x1, #1
	CHAIN_LOOP 64, lsl x1, x1, #1

/* Chain through the shifted operand of ADD (shifted register): read one cycle earlier. */
KERNEL k_shifted_operand_chain
	mov	x1, #0
	mov	x2, #3
	CHAIN_LOOP 64, add x1, x2, x1, lsl #2

/* Dependent multiply chain through the multiplicand. */
KERNEL k_mul_chain
	mov	x1, #3
	mov	x2, #5
	CHAIN_LOOP 64, mul x1, x1, x2

/* Multiply-accumulate chain through the accumulator (the multiplicands do not change). */
KERNEL k_mac_chain
	mov	x1, #0
	mov	x2, #3
	mov	x3, #5
	CHAIN_LOOP 64, madd x1, x2, x3, x1

/* Pointer chase: x1 = arg = the address of a word holding its own address (always a D-cache hit
   once warm), so each load's address is the previous load's result. */
KERNEL k_load_chain
	CHAIN_LOOP 64, ldr x1, [x1]

/* Load -> ALU -> load: the ADD waits for the load, the next load's base waits for the ADD. */
KERNEL k_load_alu_chain
	.balign	64
1:	subs	x0, x0, #1
	.rept	32
	ldr	x1, [x1]
	add	x1, x1, #0
	.endr
	b.ne	1b
	ret

/* Pointer chase around a ring of lines that all map to one D-cache set and outnumber its ways:
   with LRU every load misses (x1 = arg = the first node; micro.c builds the ring). */
KERNEL k_load_miss_chain
	CHAIN_LOOP 64, ldr x1, [x1]

/* Divide chain: x1 = arg divided by 1 each time, so every quotient is arg and the number of
   quotient bits, hence each divide's latency, is known. */
KERNEL k_div_chain
	mov	x2, #1
	CHAIN_LOOP 64, udiv x1, x1, x2

/* NOP sled: hints go down the branch pipe, one per cycle. */
KERNEL k_nop_sled
	CHAIN_LOOP 256, nop

/* ISB sled: each one drains the pipeline and empties the fetch buffer. */
KERNEL k_isb_sled
	CHAIN_LOOP 64, isb

/* DSB sled: each one drains like an ISB, with the barrier's own cost after it. */
KERNEL k_dsb_sled
	CHAIN_LOOP 64, dsb ish

/*
 * Branch kernels: 32 units of two independent ALU instructions and a conditional branch; the
 * last unit's branch is the loop branch and its ALU slots hold the loop count (and, for the
 * alternating kernel, the toggle). A taken branch jumps over one instruction (`skipped`), except
 * in k_branch_taken_next, so that the others do not depend on how a branch to the very next
 * instruction, which leaves the PC where falling through would, is told from a fall-through.
 * Branch conditions come from registers set long before the branch, so only prediction, not
 * readiness, decides their cost.
 */
	.macro	BRANCH_UNITS skipped:req, branch:vararg
	.balign	64
1:	.rept	31
	add	x1, x2, #1
	add	x3, x4, #1
	\branch	2f
	\skipped
2:
	.endr
	.endm

/* Always taken (V is clear: SUBS of a small positive count never overflows). The skipped
   words are never executed. */
KERNEL k_branch_taken
	cmp	x0, #0			/* V = 0 before the first iteration too */
	BRANCH_UNITS "udf #0", b.vc
	subs	x0, x0, #1
	add	x3, x4, #1
	b.ne	1b
	ret

/* Always taken, each branch to the very next instruction: still a taken branch, although the PC
   ends up where falling through would leave it. */
KERNEL k_branch_taken_next
	cmp	x0, #0
	BRANCH_UNITS "", b.vc
	subs	x0, x0, #1
	add	x3, x4, #1
	b.ne	1b
	ret

/* Never taken: a branch to the next instruction, so nothing is skipped. */
KERNEL k_branch_not_taken
	cmp	x0, #0
	BRANCH_UNITS "", b.vs
	subs	x0, x0, #1
	add	x3, x4, #1
	b.ne	1b
	ret

/*
 * Taken on alternate iterations: the branches test bit 0 of x6, which the last unit toggles with
 * x7. arg = 0: x6 = 1, x7 = 0, always taken (the harness trains the counters with this first);
 * arg = 1: x6 = 0, x7 = 1, not taken on the first iteration, then taken, not taken, ...
 * A not-taken branch falls through to an ADD that a taken one skips.
 */
KERNEL k_branch_alternating
	eor	x6, x1, #1
	mov	x7, x1
	BRANCH_UNITS "add x5, x6, #1", tbnz x6, #0,
	subs	x0, x0, #1
	eor	x6, x6, x7
	b.ne	1b
	ret

/* Call and return: 64 BLs to a leaf that returns at once (one RAS entry deep). */
KERNEL k_call_return
	mov	x9, x30
	.balign	64
1:	subs	x0, x0, #1
	.rept	64
	bl	leaf
	.endr
	b.ne	1b
	mov	x30, x9
	ret
leaf:
	ret

/*
 * BTB conflicts: seven taken branches 1 KiB apart, so they share one entry of a 256-entry
 * direct-mapped BTB indexed by PC / 4 and each finds another branch's target there; the loop
 * branch sits at another index. The words between them never run.
 */
KERNEL k_btb_conflict
	cmp	x0, #0			/* V = 0 */
	.balign	1024
1:	.rept	7
	b.vc	2f
	.balign	1024
2:
	.endr
	subs	x0, x0, #1
	b.ne	1b
	ret

/*
 * A loop of exactly `bytes` bytes of straight-line code: SUBS, then ADDs alternating between two
 * chains (two per cycle), then B.NE. Starts on a cache line boundary.
 */
	.macro	STRAIGHT_LINE bytes:req
	.balign	64
1:	subs	x0, x0, #1
	add	x1, x1, #1
	.rept	(\bytes / 8) - 2
	add	x2, x2, #1
	add	x1, x1, #1
	.endr
	add	x2, x2, #1
	b.ne	1b
	ret
	.endm

/* The big kernels come last, after every branch kernel, so their code cannot share a predictor
   counter or BTB entry with a smaller kernel's branches (see micro.c). */
	.section .text.zbig, "ax"

/* 16 KiB: fits the 32 KiB I-cache, so no misses once warm. */
	.balign	64
	.global	k_icache_fit
k_icache_fit:
	STRAIGHT_LINE 16384

/* 48 KiB: with 64-byte lines and 2 ways of 16 KiB, every set holds three of its lines, so with
   LRU every line misses on every pass. */
	.balign	64
	.global	k_icache_thrash
k_icache_thrash:
	STRAIGHT_LINE 49152
