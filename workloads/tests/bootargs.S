/* Prints the boot-argument string (NUL-terminated at 0x44000000) on the PL011, then powers off. */
	.section .text.boot, "ax"
	.global	_start
_start:
	movz	x1, #0x4400, lsl #16	/* boot arguments */
	movz	x2, #0x0900, lsl #16	/* UARTDR */
1:	ldrb	w3, [x1], #1
	cbz	w3, 2f
	str	w3, [x2]
	b	1b
2:	mov	w3, #'\n'
	str	w3, [x2]
	movz	x0, #0x0008
	movk	x0, #0x8400, lsl #16	/* PSCI SYSTEM_OFF */
	hvc	#0
	b	.
