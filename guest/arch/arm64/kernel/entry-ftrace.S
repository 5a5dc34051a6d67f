/*
 * The ftrace trampoline (as arch/arm64/kernel/entry-ftrace.S, DYNAMIC_FTRACE_WITH_REGS).
 *
 * A traced function starts with two patchable words. Enabled they read
 *
 *	func:	mov	x9, x30			// keep the caller's return address
 *		bl	ftrace_regs_caller	// x30 = func + 8
 *		<body>
 *
 * so on entry here x9 holds the return address into func's caller and x30 points at the
 * body. The AAPCS lets a callee clobber x9-x17 at this point (nothing is passed in them, and
 * x16/x17 are the veneer scratch registers); x0-x8 (arguments, indirect result), x18 and
 * x19-x30 must reach the body unchanged. The trampoline builds a struct pt_regs so a tracer
 * sees the function's arguments and may redirect it (regs->pc), calls the ops list, then
 * returns to regs->pc with x30 = regs->regs[30], i.e. the caller's return address.
 *
 * If the BL runs without the MOV before it (a torn prologue: the first word was executed as
 * the old NOP), x9 is whatever the interrupted code left there. The tracer then reports a
 * bogus parent, and func's own epilogue returns to that value.
 */
#include <asm/ptrace.h>

/* pt_regs plus the frame record standing in for func, which has not built its own yet. */
#define FTRACE_FRAME_SIZE	(PT_REGS_SIZE + 16)

	.text
	.balign	16
	.globl	ftrace_regs_caller
	.type	ftrace_regs_caller, %function
ftrace_regs_caller:
	sub	sp, sp, #FTRACE_FRAME_SIZE

	/* Every GPR goes in, so the callback sees a complete frame. */
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	str	x28, [sp, #16 * 14]

	/*
	 * As the body will see them: fp is still the caller's, lr is the caller's return
	 * address (x9), sp is the value at the call, pc is where the body starts.
	 */
	add	x10, sp, #FTRACE_FRAME_SIZE
	stp	x29, x9, [sp, #S_FP]		/* S_FP, S_LR */
	stp	x10, x30, [sp, #S_SP]		/* S_SP, S_PC */
	mov	x10, #PSR_MODE_EL1h
	str	x10, [sp, #S_PSTATE]

	/*
	 * Two frame records, so a backtrace from the callback reads
	 * ... <- ftrace_regs_caller <- func <- func's caller: one for func (at the top of our
	 * frame, pointing at its caller) and one for us (in pt_regs, pointing at func's body).
	 */
	stp	x29, x9, [sp, #PT_REGS_SIZE]
	add	x29, sp, #PT_REGS_SIZE
	stp	x29, x30, [sp, #S_STACKFRAME]
	add	x29, sp, #S_STACKFRAME

	sub	x0, x30, #4			/* ip: the BL, i.e. rec->ip */
	mov	x1, x9				/* parent_ip */
	adrp	x2, function_trace_op
	ldr	x2, [x2, #:lo12:function_trace_op]
	mov	x3, sp				/* regs */
	bl	ftrace_ops_list_func

	/*
	 * Back to the body. x19-x28 survived the C call; x18 is reloaded in case the compiler
	 * used it as a temporary. regs->pc may have been changed by a callback.
	 */
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldr	x8, [sp, #S_X8]
	ldr	x18, [sp, #16 * 9]
	ldr	x29, [sp, #S_FP]
	ldr	x30, [sp, #S_LR]
	ldr	x9, [sp, #S_PC]
	add	sp, sp, #FTRACE_FRAME_SIZE
	ret	x9
	.size	ftrace_regs_caller, . - ftrace_regs_caller

	.globl	ftrace_stub
	.type	ftrace_stub, %function
ftrace_stub:
	ret
	.size	ftrace_stub, . - ftrace_stub
