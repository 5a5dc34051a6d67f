/* Never powers off: a runaway guest for --max-insns. */
	.section .text.boot, "ax"
	.global	_start
_start:
	add	x0, x0, #1
	b	_start
