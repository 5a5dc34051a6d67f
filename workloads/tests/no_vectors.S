/* Executes an undefined word with VBAR_EL1 = 0, where nothing is mapped: the exception can
 * never be handled. cmodx must stop with "guest wedged" rather than spin or crash. */
	.section .text.boot, "ax"
	.global	_start
_start:
	.inst	0x00000000
