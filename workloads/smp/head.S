/*
 * Entry points, exception vectors and the few routines that must be exact instruction sequences
 * (MMU enable, exclusive/LSE loops, the EL0 program) for the multicore test image.
 */
#include "smp.h"

	.arch_extension lse		/* LDADD below; only run when ID_AA64ISAR0_EL1 says so */

/* struct pt_regs offsets (smp.h): x0..x30, sp_el0, elr (pc), spsr (pstate) */
#define S_LR		(30 * 8)
#define S_PC		(32 * 8)
#define S_FRAME_SIZE	(34 * 8)

	.section .head.text, "ax"
	.global	_start
_start:					/* CPU 0, EL1h, MMU off: the only CPU QEMU starts */
	ldr	x0, =__bss_start	/* zero .bss first: the stacks and page tables live there */
	ldr	x1, =__bss_end
1:	str	xzr, [x0], #8
	cmp	x0, x1
	b.lo	1b
	mov	x0, #0
	b	cpu_setup

/* PSCI CPU_ON lands here with the MMU off and x0 = the context id we passed: the CPU number. */
	.global	secondary_entry
secondary_entry:
	b	cpu_setup

/* x0 = CPU number: own stack, vectors, MMU, then into C. */
cpu_setup:
	ldr	x1, =cpu_stacks
	add	x2, x0, #1
	add	x1, x1, x2, lsl #STACK_SHIFT	/* top of cpu_stacks[x0] */
	mov	sp, x1
	ldr	x1, =vectors
	msr	vbar_el1, x1
	isb
	mov	x19, x0
	cbz	x0, 2f			/* CPU 0 enables its MMU from C once the tables exist */
	bl	__enable_mmu
	mov	x0, x19
	b	secondary_start_kernel
2:	b	start_kernel

/*
 * Turn the MMU on with the shared identity map. Runs from an identity-mapped page, so the
 * instruction after the SCTLR write is fetched through the new map at the same address.
 */
	.text
	.global	__enable_mmu
__enable_mmu:
	ldr	x0, =MAIR_EL1_VAL
	msr	mair_el1, x0
	ldr	x0, =TCR_EL1_VAL
	msr	tcr_el1, x0
	ldr	x0, =idmap_pg_dir
	msr	ttbr0_el1, x0
	isb
	tlbi	vmalle1			/* nothing stale from before reset may be used */
	dsb	nsh
	isb
	ldr	x0, =SCTLR_EL1_VAL
	msr	sctlr_el1, x0
	isb
	ic	iallu			/* drop anything fetched speculatively while the MMU was off */
	dsb	nsh
	isb
	ret

/* Exclusive-monitor increment: a real retry loop, STXR fails whenever another CPU interferes. */
	.global	atomic_inc_excl
atomic_inc_excl:			/* x0 = counter, x1 = iterations */
1:	ldxr	x2, [x0]
	add	x2, x2, #1
	stxr	w3, x2, [x0]
	cbnz	w3, 1b
	subs	x1, x1, #1
	b.ne	1b
	ret

	.global	atomic_inc_lse
atomic_inc_lse:				/* x0 = counter, x1 = iterations */
	mov	x2, #1
1:	ldadd	x2, xzr, [x0]
	subs	x1, x1, #1
	b.ne	1b
	ret

/* Test-and-set lock: the STLR in spin_unlock clears waiters' monitors, which wakes their WFE. */
	.global	spin_lock
spin_lock:
	mov	w2, #1
	sevl
1:	wfe
2:	ldaxr	w1, [x0]
	cbnz	w1, 1b
	stxr	w1, w2, [x0]
	cbnz	w1, 2b
	ret

	.global	spin_unlock
spin_unlock:
	stlr	wzr, [x0]
	ret

/* Unaligned exclusive load: always an alignment fault, whatever SCTLR_EL1.A says. */
	.global	ldxr_probe
ldxr_probe:
	ldxr	x0, [x0]
	ret

/*
 * enter_el0(entry, sp): run the EL0 program until its exit SVC and return its x0. The exit SVC
 * handler points the exception return at ret_from_el0 in EL1h, and the popped frame leaves SP_EL1
 * exactly where we left it here, so the callee-saved registers are found again.
 */
	.global	enter_el0
enter_el0:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	msr	sp_el0, x1
	msr	elr_el1, x0
	msr	spsr_el1, xzr		/* EL0t with all of DAIF clear: timer IRQs reach EL0 too */
	eret
	.global	ret_from_el0
ret_from_el0:
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret

/* Save the interrupted context as a struct pt_regs on the current (SP_EL1) stack. */
	.macro	kernel_entry
	sub	sp, sp, #S_FRAME_SIZE
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
	mrs	x21, sp_el0
	mrs	x22, elr_el1
	mrs	x23, spsr_el1
	stp	x30, x21, [sp, #S_LR]
	stp	x22, x23, [sp, #S_PC]
	.endm

/*
 * All 16 vectors share one shape: save pt_regs, call handle_exception(regs, index), restore and
 * ERET. Index = 4 * {EL1t, EL1h, EL0 AArch64, EL0 AArch32} + {sync, IRQ, FIQ, SError}; the C
 * side decides which are expected. kernel_entry is 21 instructions, so each fits in 32.
 */
	.align	11
	.global	vectors
vectors:
	.irp	idx, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.align	7
	kernel_entry
	mov	x0, sp
	mov	x1, #\idx
	bl	handle_exception
	b	ret_to_user_or_kernel
	.endr

ret_to_user_or_kernel:			/* registers come back from pt_regs the handler may have edited */
	ldp	x22, x23, [sp, #S_PC]
	ldp	x30, x21, [sp, #S_LR]
	msr	sp_el0, x21
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
	add	sp, sp, #S_FRAME_SIZE
	eret

/*
 * The EL0 program: its own page (EL0-executable, EL1 never executes it). Everything it needs,
 * including its message, is in this page; the kernel-only address it probes is PC-relative.
 */
	.section .user.text, "ax"
	.global	el0_main
el0_main:
	adr	x0, el0_msg
	mov	x1, #el0_msg_len
	svc	#SYS_WRITE		/* kernel prints x1 bytes at x0 */
	mov	x0, #20
	mov	x1, #22
	svc	#SYS_ADD		/* returns x0 + x1 */
	mov	x19, x0
	svc	#0x123			/* no such call: the kernel reports ESR_EL1.ISS */
	adrp	x2, kernel_secret
	add	x2, x2, :lo12:kernel_secret
	mov	x3, #0x5a5a
	ldr	x3, [x2]		/* kernel-only page: permission fault, skipped, x3 stays */
	mrs	x4, sctlr_el1		/* EL1-only register: UNDEFINED at EL0, skipped */
	str	x19, [sp, #-16]!	/* the EL0 stack (user data page) works */
	ldr	x0, [sp], #16
	mov	x1, x3
	svc	#SYS_EXIT		/* back to enter_el0's caller with x0, x1 */
	b	.
el0_msg:
	.ascii	"hello from el0"
	.set	el0_msg_len, . - el0_msg

	.section .user.data, "aw"
	.balign	4096
	.space	4096			/* EL0 stack: SP_EL0 starts at the end of this page */
