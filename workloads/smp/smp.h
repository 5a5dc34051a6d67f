/* Constants shared by head.S and smp.c. */
#ifndef CMODX_SMP_H
#define CMODX_SMP_H

#define NR_CPUS		4
#define STACK_SHIFT	14		/* 16 KiB per CPU */

/* MAIR_EL1: Attr0 = Device-nGnRnE (MMIO), Attr1 = Normal write-back RW-allocate (RAM). */
#define MT_DEVICE_nGnRnE	0
#define MT_NORMAL		1
#define MAIR_EL1_VAL		0xff00

/*
 * TCR_EL1: T0SZ = 25 (39-bit VA, walk starts at level 1), walks write-back cacheable and inner
 * shareable like the RAM they read, 4 KiB granule, EPD1 (no TTBR1 walks), IPS = 40 bits (the
 * Cortex-A53's PARange; the max CPU supports more).
 */
#define TCR_EL1_VAL	(25 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23) | (2UL << 32))

/*
 * SCTLR_EL1: the ARMv8.0 RES1 bits (11, 20, 22, 23, 28, 29; on v8.1+ CPUs bit 23 is SPAN = 1,
 * so taking an exception never sets PSTATE.PAN) plus M, C, SA, SA0, I. A stays 0.
 */
#define SCTLR_EL1_VAL	0x30d0181d

/* EL0 system calls (the SVC immediate, read back from ESR_EL1.ISS). */
#define SYS_WRITE	0
#define SYS_ADD		1
#define SYS_EXIT	0xff

#ifndef __ASSEMBLER__
#include <stdint.h>

typedef uint32_t u32;
typedef uint64_t u64;

/* What kernel_entry saves: the interrupted context, editable before the ERET. */
struct pt_regs {
	u64 regs[31];
	u64 sp;		/* SP_EL0 */
	u64 pc;		/* ELR_EL1 */
	u64 pstate;	/* SPSR_EL1 */
};
#endif

#endif
