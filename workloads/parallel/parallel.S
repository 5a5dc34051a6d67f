/*
 * Every core computes at once: core 0 starts the others with PSCI CPU_ON, all of them run the
 * same integer loop (an LCG and a running sum, ~8 instructions per iteration), the others turn
 * themselves off with CPU_OFF, and core 0 waits for AFFINITY_INFO to report them off before
 * SYSTEM_OFF. Used by `cmodx bench` to measure multicore simulation speed at quantum 1. Runs
 * on however many cores the machine has (CPU_ON of a missing core fails and is skipped).
 */
	.equ	PSCI_CPU_OFF,		0x84000002
	.equ	PSCI_CPU_ON,		0xc4000003
	.equ	PSCI_AFFINITY_INFO,	0xc4000004
	.equ	PSCI_SYSTEM_OFF,	0x84000008
	.equ	ITERATIONS,		10000000

	.section .text.boot, "ax"
	.global	_start
_start:
	mov	x19, #1			/* next core to start */
	mov	x20, #0			/* cores started */
1:	cmp	x19, #16
	b.hs	2f
	ldr	w0, =PSCI_CPU_ON
	mov	x1, x19			/* MPIDR: Aff0 = core number */
	adr	x2, secondary_entry
	mov	x3, #0
	hvc	#0
	cbnz	x0, 2f			/* no such core: all are started */
	add	x19, x19, #1
	add	x20, x20, #1
	b	1b
2:	bl	work
	/* Wait until every started core reports OFF (AFFINITY_INFO == 1). */
	mov	x19, #1
3:	sub	x21, x19, #1
	cmp	x21, x20
	b.hs	5f
4:	ldr	w0, =PSCI_AFFINITY_INFO
	mov	x1, x19
	mov	x2, #0
	hvc	#0
	cmp	x0, #1
	b.ne	4b
	add	x19, x19, #1
	b	3b
5:	ldr	w0, =PSCI_SYSTEM_OFF
	hvc	#0
	b	.

secondary_entry:
	bl	work
	ldr	w0, =PSCI_CPU_OFF
	hvc	#0
	b	.

/* The loop every core runs: x0 = LCG state, x1 = sum. */
work:
	ldr	x2, =ITERATIONS
	ldr	x3, =6364136223846793005
	mrs	x0, mpidr_el1
	mov	x1, #0
6:	madd	x0, x0, x3, x2
	eor	x1, x1, x0, lsr #17
	add	x1, x1, x0
	ror	x1, x1, #7
	subs	x2, x2, #1
	b.ne	6b
	ret
