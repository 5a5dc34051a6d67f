/*
 * The arm64 side of dynamic ftrace (as arch/arm64/kernel/ftrace.c): what the two patchable
 * words of a site hold, and validated writes of single words.
 *
 * -fpatchable-function-entry=2 leaves "NOP; NOP" at every traced function; rec->ip is the
 * second word. The states the strategies move between (kernel/trace/ftrace.c):
 *
 *	slot 1 (rec->ip - 4):	NOP | MOV X9, X30 | B .+8
 *	slot 2 (rec->ip):	NOP | BL ftrace_regs_caller
 *
 * Only "MOV; BL" calls the tracer; any state where slot 2 is BL but a task can arrive there
 * without having executed the MOV loses the caller's return address.
 */
#include <asm/insn.h>
#include <asm/patching.h>
#include <linux/ftrace.h>
#include <linux/kernel.h>

unsigned long ftrace_call_adjust(unsigned long addr)
{
	return addr + AARCH64_INSN_SIZE;
}

u32 ftrace_call_insn(struct dyn_ftrace *rec)
{
	/* The image is far smaller than 128 MiB, so this never needs a PLT. */
	return aarch64_insn_gen_branch_imm(rec->ip, (unsigned long)ftrace_regs_caller, true);
}

/*
 * Like Linux, be paranoid: a word that is not what we think it is means our bookkeeping is
 * wrong (or someone else patched it), and writing over it could break a live instruction
 * stream in a way nothing would explain. Refuse and let the caller report it.
 */
int ftrace_modify_code(unsigned long pc, u32 old, u32 new, bool validate)
{
	u32 replaced;

	if (validate) {
		if (aarch64_insn_read((void *)pc, &replaced))
			return -EFAULT;
		if (replaced != old)
			return -EINVAL;
	}
	if (new == AARCH64_BREAK_FAULT || aarch64_insn_patch_text_nosync((void *)pc, new))
		return -EPERM;
	return 0;
}

int ftrace_make_call(struct dyn_ftrace *rec)
{
	return ftrace_modify_code(FTRACE_SLOT2(rec), AARCH64_INSN_NOP, ftrace_call_insn(rec), true);
}

int ftrace_make_nop(struct dyn_ftrace *rec)
{
	return ftrace_modify_code(FTRACE_SLOT2(rec), ftrace_call_insn(rec), AARCH64_INSN_NOP, true);
}

/*
 * The mainline answer to the two-word race: put the MOV in once, while nothing can be
 * executing the site (boot, one CPU, IRQs off). X9 is a scratch register at function entry,
 * so the MOV is harmless while slot 2 stays a NOP.
 */
int ftrace_init_nop(struct dyn_ftrace *rec)
{
	return ftrace_modify_code(FTRACE_SLOT1(rec), AARCH64_INSN_NOP, AARCH64_INSN_MOV_X9_X30, true);
}
