/*
 * The loop the two-core stale-code guest (smp.c) patches while core 1 runs it. It lies inside one
 * aligned 16-byte block, the size of the simulated core's fetch buffer, so while core 1 loops it
 * never refills that buffer from its instruction cache.
 */

/*
 * Core 1 of the two-core guest (PSCI CPU_ON lands here; it needs no stack). It announces itself
 * in `spinner_ready` and spins in `spin` until it has seen `patch_flag` set SPIN_ITERATIONS
 * times. The patched word counts the iterations that saw the flag: `add x6, x6, x1` while the
 * original word runs, `add x7, x7, x1` once the patch does. There is no context synchronisation
 * in the loop, so nothing makes core 1 refetch it. Then it records both counts, executes an ISB
 * and runs the loop SPIN_ITERATIONS times again, records the counts again in spinner_counts[2..3]
 * and sets `spinner_done` before turning itself off.
 */
	.equ	SPIN_ITERATIONS, 1000
	.equ	PSCI_CPU_OFF, 0x84000002

	.global	spinner_entry
spinner_entry:
	ldr	x20, =spinner_counts
	ldr	x21, =patch_flag
	ldr	x22, =spinner_ready
	mov	x9, #0			/* phase: 0 before the ISB, 1 after it */
	mov	x6, #0
	mov	x7, #0
	mov	x5, #SPIN_ITERATIONS
	mov	w1, #1
	str	w1, [x22]
	b	spin

	.balign	16
	.global	spin
	.global	spin_word
spin:	ldr	w1, [x21]		/* 0 until core 0 has patched spin_word, then 1 */
spin_word:
	add	x6, x6, x1		/* the patched word */
	sub	x5, x5, x1
	cbnz	x5, spin

	cbnz	x9, 1f
	stp	x6, x7, [x20]		/* before the ISB */
	mov	x9, #1
	mov	x6, #0
	mov	x7, #0
	mov	x5, #SPIN_ITERATIONS
	isb
	b	spin
1:	stp	x6, x7, [x20, #16]	/* after the ISB */
	mov	w1, #1
	ldr	x22, =spinner_done
	stlr	w1, [x22]
	ldr	w0, =PSCI_CPU_OFF
	hvc	#0
	b	.

	.global	spin_new_word
spin_new_word:
	add	x7, x7, x1		/* never executed here: copied over spin_word */
