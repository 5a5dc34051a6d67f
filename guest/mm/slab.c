/*
 * kmalloc: power-of-two size classes from 32 B to 64 KiB, carved from the heap region and
 * kept on per-class free lists. Freed memory is poisoned with BRK instructions, so a task
 * that jumps into a freed trampoline traps instead of running stale code.
 */
#include <asm/memory.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#define MIN_SHIFT	5
#define MAX_SHIFT	16
#define HDR		16	/* size class in front of every object, keeps 16-byte alignment */

struct free_obj {
	struct free_obj *next;
};

static struct free_obj *free_lists[MAX_SHIFT + 1];
static unsigned long heap_next = HEAP_BASE;
static DEFINE_SPINLOCK(slab_lock);

void kmem_init(void) {}

void *kmalloc(size_t size)
{
	unsigned int shift = MIN_SHIFT;
	unsigned long flags;
	char *obj;

	while ((1UL << shift) < size + HDR)
		shift++;
	if (shift > MAX_SHIFT)
		panic("kmalloc: %zu bytes is too large", size);
	spin_lock_irqsave(&slab_lock, flags);
	if (free_lists[shift]) {
		obj = (char *)free_lists[shift];
		free_lists[shift] = free_lists[shift]->next;
	} else {
		if (heap_next + (1UL << shift) > HEAP_END)
			panic("kmalloc: out of memory");
		obj = (char *)heap_next;
		heap_next += 1UL << shift;
	}
	spin_unlock_irqrestore(&slab_lock, flags);
	*(u64 *)obj = shift;
	return obj + HDR;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	memset(p, 0, size);
	return p;
}

void kfree(const void *p)
{
	char *obj = (char *)p - HDR;
	unsigned int shift;
	unsigned long flags;

	if (!p)
		return;
	shift = (unsigned int)*(u64 *)obj;
	BUG_ON(shift < MIN_SHIFT || shift > MAX_SHIFT);
	for (u32 *w = (u32 *)(obj + HDR); (char *)w < obj + (1UL << shift); w++)
		*w = SLAB_POISON_INSN;
	spin_lock_irqsave(&slab_lock, flags);
	((struct free_obj *)obj)->next = free_lists[shift];
	free_lists[shift] = (struct free_obj *)obj;
	spin_unlock_irqrestore(&slab_lock, flags);
}
