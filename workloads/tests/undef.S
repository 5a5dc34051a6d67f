/* Executes an undefined word and a BRK with vectors installed: the handler prints the exception
 * class and ELR offset of each, proving guest faults are guest exceptions. */
	.section .text.boot, "ax"
	.global	_start
_start:
	ldr	x0, =__stack_top
	mov	sp, x0
	adr	x0, vectors
	msr	vbar_el1, x0
	isb
	ldr	x19, =0x09000000	/* UART data register */
fault1:	.inst	0x00000000		/* UDF #0: permanently undefined */
	mov	x0, 'A'
	strb	w0, [x19]
fault2:	brk	#0x42
	mov	x0, 'B'
	strb	w0, [x19]
	mov	x0, '\n'
	strb	w0, [x19]
	ldr	x0, =0x84000008
	hvc	#0
1:	b	1b

/* sync handler: print "EC=<2 hex> ISS=<4 hex> ELR=+<offset from _start, 2 hex>\n", skip insn */
sync_handler:
	mrs	x1, esr_el1
	lsr	x2, x1, #26
	mov	x3, #'E'
	strb	w3, [x19]
	mov	x3, #'C'
	strb	w3, [x19]
	mov	x3, #'='
	strb	w3, [x19]
	mov	x4, x2
	mov	x5, #2
	bl	puthex
	mov	x3, #' '
	strb	w3, [x19]
	and	x4, x1, #0xffff
	mov	x5, #4
	bl	puthex
	mov	x3, #' '
	strb	w3, [x19]
	mrs	x4, elr_el1
	adr	x6, _start
	sub	x4, x4, x6
	mov	x5, #2
	bl	puthex
	mov	x3, #'\n'
	strb	w3, [x19]
	mrs	x4, elr_el1
	add	x4, x4, #4
	msr	elr_el1, x4
	eret

/* puthex: print the low x5 nibbles of x4 */
puthex:
	sub	x5, x5, #1
	lsl	x6, x5, #2
	lsr	x7, x4, x6
	and	x7, x7, #0xf
	cmp	x7, #10
	add	x8, x7, #'0'
	add	x9, x7, #('a' - 10)
	csel	x7, x8, x9, lo
	strb	w7, [x19]
	cbnz	x5, puthex
	ret

	.balign	2048
vectors:
	.rept	4			/* current EL with SP0 */
	b	.
	.balign	128
	.endr
	b	sync_handler		/* current EL with SPx: synchronous */
	.balign	128
	.rept	11
	b	.
	.balign	128
	.endr
