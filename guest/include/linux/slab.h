/* kmalloc/kfree (mm/slab.c): power-of-two size classes from the heap after the image. */
#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H

#include <linux/types.h>

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(const void *p);
/* Freed memory is filled with BRK #0x100: a freed trampoline traps instead of running old code. */
#define SLAB_POISON_INSN 0xd4202000u
void kmem_init(void);

#endif
