/*
 * Exception vectors, struct pt_regs frames, the return paths and the context switch.
 *
 * While a CPU is in the kernel, SP_EL0 holds current (the task_struct); a task's user SP is
 * kept in its pt_regs. Every exception saves a full pt_regs frame, with a frame record so that
 * backtraces walk across it.
 */
#include <asm/asm-offsets.h>
#include <asm/ptrace.h>

	.macro	kernel_entry, el
	sub	sp, sp, #PT_REGS_SIZE
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
	stp	x28, x29, [sp, #16 * 14]
	.if	\el == 0
	mrs	x21, sp_el0			/* the user SP */
	mrs	x0, tpidr_el1			/* current = this CPU's running task */
	ldr	x1, =cpu_current_task
	ldr	x0, [x1, x0, lsl #3]
	msr	sp_el0, x0
	strb	wzr, [x0, #TSK_IN_USER]		/* in the kernel from here on */
	.else
	add	x21, sp, #PT_REGS_SIZE		/* the interrupted kernel SP */
	.endif
	mrs	x22, elr_el1
	mrs	x23, spsr_el1
	stp	x30, x21, [sp, #S_LR]
	stp	x22, x23, [sp, #S_PC]
	.if	\el == 0
	stp	xzr, xzr, [sp, #S_STACKFRAME]	/* the backtrace ends here */
	.else
	stp	x29, x22, [sp, #S_STACKFRAME]	/* interrupted frame, interrupted PC */
	.endif
	add	x29, sp, #S_STACKFRAME
	.endm

	.macro	kernel_exit, el
	ldp	x22, x23, [sp, #S_PC]
	ldp	x30, x21, [sp, #S_LR]
	.if	\el == 0
	mrs	x0, sp_el0			/* current: back to user mode */
	mov	w1, #1
	strb	w1, [x0, #TSK_IN_USER]
	msr	sp_el0, x21
	.endif
	msr	elr_el1, x22
	msr	spsr_el1, x23
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	add	sp, sp, #PT_REGS_SIZE
	eret
	.endm

	.macro	entry_handler, el, label, handler
	.align	6
\label:
	kernel_entry \el
	mov	x0, sp
	bl	\handler
	.if	\el == 0
	b	ret_to_user
	.else
	kernel_exit 1
	.endif
	.endm

	.macro	vector, label
	.align	7
	b	\label
	.endm

	.section .entry.text, "ax"
	.align	11
	.global	vectors
vectors:
	vector	el1t_64_sync			/* EL1 with SP_EL0: never used */
	vector	el1t_64_irq
	vector	el1t_64_fiq
	vector	el1t_64_error
	vector	el1h_64_sync			/* EL1 with SP_EL1: the kernel */
	vector	el1h_64_irq
	vector	el1h_64_fiq
	vector	el1h_64_error
	vector	el0t_64_sync			/* EL0 AArch64: user tasks */
	vector	el0t_64_irq
	vector	el0t_64_fiq
	vector	el0t_64_error
	vector	el0t_32_sync			/* EL0 AArch32: not supported */
	vector	el0t_32_irq
	vector	el0t_32_fiq
	vector	el0t_32_error

	entry_handler 1, el1t_64_sync, bad_mode_handler
	entry_handler 1, el1t_64_irq, bad_mode_handler
	entry_handler 1, el1t_64_fiq, bad_mode_handler
	entry_handler 1, el1t_64_error, bad_mode_handler
	entry_handler 1, el1h_64_sync, el1h_64_sync_handler
	entry_handler 1, el1h_64_irq, el1h_64_irq_handler
	entry_handler 1, el1h_64_fiq, bad_mode_handler
	entry_handler 1, el1h_64_error, bad_mode_handler
	entry_handler 0, el0t_64_sync, el0t_64_sync_handler
	entry_handler 0, el0t_64_irq, el0t_64_irq_handler
	entry_handler 0, el0t_64_fiq, bad_mode_handler
	entry_handler 0, el0t_64_error, bad_mode_handler
	entry_handler 0, el0t_32_sync, bad_mode_handler
	entry_handler 0, el0t_32_irq, bad_mode_handler
	entry_handler 0, el0t_32_fiq, bad_mode_handler
	entry_handler 0, el0t_32_error, bad_mode_handler

/* Back to EL0: pending work (rescheduling) first, with IRQs off for the final check. */
	.global	ret_to_user
ret_to_user:
	mov	x0, sp
	bl	exit_to_user_mode
	kernel_exit 0

/* A new user task's first return to EL0: x0 = its pt_regs at the top of its kernel stack. */
	.global	ret_to_user_from
ret_to_user_from:
	mov	sp, x0
	b	ret_to_user

/*
 * cpu_switch_to(prev, next): save prev's callee-saved registers, SP and return address in its
 * cpu_context, load next's, and make next current. Returns prev (in next's context).
 */
	.text
	.global	cpu_switch_to
cpu_switch_to:
	add	x8, x0, #TSK_CPU_CONTEXT
	mov	x9, sp
	stp	x19, x20, [x8], #16
	stp	x21, x22, [x8], #16
	stp	x23, x24, [x8], #16
	stp	x25, x26, [x8], #16
	stp	x27, x28, [x8], #16
	stp	x29, x9, [x8], #16
	str	x30, [x8]
	add	x8, x1, #TSK_CPU_CONTEXT
	ldp	x19, x20, [x8], #16
	ldp	x21, x22, [x8], #16
	ldp	x23, x24, [x8], #16
	ldp	x25, x26, [x8], #16
	ldp	x27, x28, [x8], #16
	ldp	x29, x9, [x8], #16
	ldr	x30, [x8]
	mov	sp, x9
	msr	sp_el0, x1
	ret

/* A new task's first instructions: x19 = fn, x20 = its argument (kthread_run_on_cpu). */
	.global	ret_from_fork
ret_from_fork:
	bl	schedule_tail
	mov	x0, x20
	blr	x19
	bl	do_exit				/* fn's return value is the exit code */
	.ltorg
