/* Instruction encodings the patching code needs, as arch/arm64/include/asm/insn.h. */
#ifndef _ASM_INSN_H
#define _ASM_INSN_H

#include <linux/types.h>

#define AARCH64_INSN_SIZE	4
#define AARCH64_INSN_NOP	0xd503201fu	/* HINT #0 */
#define AARCH64_INSN_MOV_X9_X30	0xaa1e03e9u	/* ORR X9, XZR, X30 */
#define AARCH64_INSN_B_8	0x14000002u	/* B .+8: skips the next word (the b8 strategy) */
#define AARCH64_BREAK_FAULT	0xd4207d00u	/* BRK #0x3e8: what a failed generator returns */

#define AARCH64_BRANCH_RANGE	(128UL << 20)	/* B/BL reach [-128 MiB, +128 MiB) */

u32 aarch64_insn_gen_branch_imm(unsigned long pc, unsigned long addr, bool link); /* B or BL */
bool aarch64_insn_is_b(u32 insn);
bool aarch64_insn_is_bl(u32 insn);
bool aarch64_insn_is_blr(u32 insn);
bool aarch64_insn_is_nop(u32 insn);
bool aarch64_insn_is_brk(u32 insn);
/* The byte offset a B or BL at any pc branches by (sign-extended imm26 * 4). */
long aarch64_get_branch_offset(u32 insn);
/* In the architecture's CMODX-safe set: B, BL, BRK, HVC, ISB, NOP, SMC, SVC. */
bool aarch64_insn_is_cmodx_safe(u32 insn);

#endif
