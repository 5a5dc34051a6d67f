/*
 * Kernel text patching (arch/arm64/kernel/patching.c). Text is mapped read-only; writes go
 * through a writable alias of the page (the FIX_TEXT_POKE0 fixmap slot) under patch_lock.
 */
#ifndef _ASM_PATCHING_H
#define _ASM_PATCHING_H

#include <linux/types.h>

int aarch64_insn_read(void *addr, u32 *insnp);
int aarch64_insn_write(void *addr, u32 insn);			/* the store only */
/* Aligned 32-bit store through the alias, then DC CVAU; DSB ISH; IC IVAU; DSB ISH; ISB. */
int aarch64_insn_patch_text_nosync(void *addr, u32 insn);
/* All cnt words patched by one CPU inside stop_machine; every CPU ISBs before leaving. */
int aarch64_insn_patch_text(void *addrs[], u32 insns[], int cnt);
/* D-cache clean + I-cache invalidate to PoU over [start, end), then ISB (local only). */
void caches_clean_inval_pou(unsigned long start, unsigned long end);

/*
 * Run fn(arg) on one CPU inside stop_machine() while every other online CPU spins in
 * untraced code with IRQs off; all of them ISB before leaving. For batches of text writes
 * that no CPU may execute half-done (the callee patches with the nosync primitive).
 */
int aarch64_patch_stop_machine(int (*fn)(void *arg), void *arg);

/* Words written by aarch64_insn_write since boot (statistics for the scenarios). */
extern unsigned long aarch64_insn_writes;

#define EINVAL	22
#define EFAULT	14
#define EPERM	1
#define EBUSY	16
#define ENOMEM	12

#endif
