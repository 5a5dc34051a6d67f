/* The exception frame, as arch/arm64/include/asm/ptrace.h. Offsets used by entry.S. */
#ifndef _ASM_PTRACE_H
#define _ASM_PTRACE_H

#define S_X0		0
#define S_X8		64
#define S_X9		72
#define S_FP		232	/* x29 */
#define S_LR		240	/* x30 */
#define S_SP		248
#define S_PC		256
#define S_PSTATE	264
#define S_STACKFRAME	272	/* a frame record {fp, lr} so backtraces cross exceptions */
#define PT_REGS_SIZE	288

#define PSR_MODE_EL0t	0x0
#define PSR_MODE_EL1h	0x5
#define PSR_MODE_MASK	0xf
#define PSR_I_BIT	0x80

#ifndef __ASSEMBLY__
#include <linux/types.h>

struct pt_regs {
	u64 regs[31];
	u64 sp;
	u64 pc;
	u64 pstate;
	u64 stackframe[2];
};

#define user_mode(regs)	(((regs)->pstate & PSR_MODE_MASK) == PSR_MODE_EL0t)
#define interrupts_enabled(regs) (!((regs)->pstate & PSR_I_BIT))
#define instruction_pointer(regs) ((regs)->pc)

_Static_assert(__builtin_offsetof(struct pt_regs, regs[30]) == S_LR, "S_LR");
_Static_assert(__builtin_offsetof(struct pt_regs, pc) == S_PC, "S_PC");
_Static_assert(__builtin_offsetof(struct pt_regs, stackframe) == S_STACKFRAME, "S_STACKFRAME");
_Static_assert(sizeof(struct pt_regs) == PT_REGS_SIZE, "PT_REGS_SIZE");
#endif

#endif
