/*
 * The fixmap: one page-sized window (FIX_TEXT_POKE0) through which read-only kernel text is
 * written. arch/arm64/mm/mmu.c. Callers hold patch_lock with IRQs off.
 */
#ifndef _ASM_FIXMAP_H
#define _ASM_FIXMAP_H

void *patch_map(void *addr);	/* the writable alias of addr */
void patch_unmap(void);

#endif
