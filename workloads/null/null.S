/* Powers off at once: measures a simulator's start-up and shut-down time. */
	.section .text.boot, "ax"
	.global	_start
_start:
	ldr	x0, =0x84000008		/* PSCI SYSTEM_OFF */
	hvc	#0
1:	b	1b
