/*
 * Encoding and classifying the few A64 instructions that text patching writes or checks
 * (the role of arch/arm64/lib/insn.c). Masks and values are from the Arm ARM's encoding
 * tables (C4.1): unconditional branch (immediate) and (register), exception generation,
 * hints and barriers.
 */
#include <asm/insn.h>
#include <linux/compiler.h>

/* B and BL share bits 30:26 = 0b00101; bit 31 is the link bit. */
#define INSN_B_MASK		0xfc000000u
#define INSN_B_VALUE		0x14000000u
#define INSN_BL_VALUE		0x94000000u
#define INSN_IMM26_MASK		0x03ffffffu
/* BLR Xn: 1101011 0001 11111 000000 nnnnn 00000 */
#define INSN_BLR_MASK		0xfffffc1fu
#define INSN_BLR_VALUE		0xd63f0000u
/* Exception generation: 11010100 opc(3) imm16 op2(3) LL(2); opc and LL pick the instruction. */
#define INSN_EXC_MASK		0xffe0001fu
#define INSN_SVC_VALUE		0xd4000001u
#define INSN_HVC_VALUE		0xd4000002u
#define INSN_SMC_VALUE		0xd4000003u
#define INSN_BRK_VALUE		0xd4200000u
/* ISB with any CRm option (only SY is defined, the others behave as SY). */
#define INSN_ISB_MASK		0xfffff0ffu
#define INSN_ISB_VALUE		0xd50330dfu

u32 aarch64_insn_gen_branch_imm(unsigned long pc, unsigned long addr, bool link)
{
	long offset = (long)(addr - pc);

	/*
	 * The immediate counts words, so both ends must be word aligned, and imm26 reaches
	 * +-128 MiB. A caller that gets the fault word back must not write it.
	 */
	if ((pc & 3) || (addr & 3))
		return AARCH64_BREAK_FAULT;
	if (offset < -(long)AARCH64_BRANCH_RANGE || offset >= (long)AARCH64_BRANCH_RANGE)
		return AARCH64_BREAK_FAULT;

	return (link ? INSN_BL_VALUE : INSN_B_VALUE) | ((u32)(offset >> 2) & INSN_IMM26_MASK);
}

long aarch64_get_branch_offset(u32 insn)
{
	/* Shift imm26 to the top, then back down arithmetically: sign extension and *4. */
	return (long)((s32)(insn << 6) >> 4);
}

bool aarch64_insn_is_b(u32 insn)
{
	return (insn & INSN_B_MASK) == INSN_B_VALUE;
}

bool aarch64_insn_is_bl(u32 insn)
{
	return (insn & INSN_B_MASK) == INSN_BL_VALUE;
}

bool aarch64_insn_is_blr(u32 insn)
{
	return (insn & INSN_BLR_MASK) == INSN_BLR_VALUE;
}

bool aarch64_insn_is_nop(u32 insn)
{
	return insn == AARCH64_INSN_NOP;
}

bool aarch64_insn_is_brk(u32 insn)
{
	return (insn & INSN_EXC_MASK) == INSN_BRK_VALUE;
}

/*
 * Arm ARM B2.2.5: when both the old and the new word are in this set, a PE that executes the
 * location while it is being written behaves as if it ran one or the other. Anything else
 * (MOV, i.e. ORR, included) is constrained-unpredictable under concurrent modification.
 */
bool aarch64_insn_is_cmodx_safe(u32 insn)
{
	u32 exc = insn & INSN_EXC_MASK;

	return aarch64_insn_is_b(insn) || aarch64_insn_is_bl(insn) ||
	       aarch64_insn_is_nop(insn) || (insn & INSN_ISB_MASK) == INSN_ISB_VALUE ||
	       exc == INSN_BRK_VALUE || exc == INSN_HVC_VALUE || exc == INSN_SMC_VALUE ||
	       exc == INSN_SVC_VALUE;
}
