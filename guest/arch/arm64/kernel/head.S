/*
 * Boot: the primary CPU enters at primary_entry (EL1h, MMU off, as QEMU and cmodx start a plain
 * ELF); the others at secondary_entry when PSCI CPU_ON names them, with x0 = their number.
 */
#include <asm/memory.h>
#include <asm/asm-offsets.h>

#define MAIR_EL1_VAL	0xff04		/* Attr0 Device-nGnRE (MMIO), Attr1 Normal write-back */
/* T0SZ 25 (39-bit VA), write-back inner-shareable walks, 4 KiB granule, EPD1, IPS 40 bits. */
#define TCR_EL1_VAL	(25 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23) | (2 << 32))
/* RES1 bits of ARMv8.0 plus M, C, SA, SA0, I. */
#define SCTLR_EL1_VAL	0x30d0181d

	.section .head.text, "ax"
	.global	primary_entry
primary_entry:
	ldr	x0, =__bss_start		/* zero .bss: stacks and page tables live there */
	ldr	x1, =__bss_end
1:	stp	xzr, xzr, [x0], #16
	cmp	x0, x1
	b.lo	1b
	ldr	x0, =init_stack + 16384		/* the boot CPU's idle task runs on init_stack */
	mov	sp, x0
	ldr	x0, =vectors
	msr	vbar_el1, x0
	msr	tpidr_el1, xzr			/* CPU number 0 */
	ldr	x0, =init_task			/* current = init_task (SP_EL0) */
	msr	sp_el0, x0
	isb
	bl	paging_init			/* page tables, with the MMU still off */
	bl	__enable_mmu
	mov	x29, xzr
	mov	x30, xzr
	b	start_kernel

/* x0 = CPU number; secondary_stacks[cpu] and idle_tasks[cpu] were prepared by CPU 0. */
	.global	secondary_entry
secondary_entry:
	msr	tpidr_el1, x0
	ldr	x1, =secondary_stacks
	ldr	x2, [x1, x0, lsl #3]
	mov	sp, x2
	ldr	x1, =idle_tasks
	ldr	x2, [x1, x0, lsl #3]
	msr	sp_el0, x2
	ldr	x1, =vectors
	msr	vbar_el1, x1
	isb
	bl	__enable_mmu
	mov	x29, xzr
	mov	x30, xzr
	b	secondary_start_kernel

/*
 * Turn the MMU on with the identity map. The code runs from an identity-mapped page, so the
 * instruction after the SCTLR write is fetched through the new map at the same address.
 */
	.global	__enable_mmu
__enable_mmu:
	ldr	x0, =MAIR_EL1_VAL
	msr	mair_el1, x0
	ldr	x0, =TCR_EL1_VAL
	msr	tcr_el1, x0
	ldr	x0, =swapper_pg_dir
	msr	ttbr0_el1, x0
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	ldr	x0, =SCTLR_EL1_VAL
	msr	sctlr_el1, x0
	isb
	ic	iallu				/* nothing fetched with the MMU off may be used */
	dsb	nsh
	isb
	ret
	.ltorg
