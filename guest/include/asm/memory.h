/* The guest's physical (= virtual, identity-mapped) memory map. */
#ifndef _ASM_MEMORY_H
#define _ASM_MEMORY_H

#define PAGE_SHIFT		12
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#define PHYS_OFFSET		0x40000000UL	/* RAM */
#define KIMAGE_VADDR		0x40080000UL	/* the image (kernel.ld) */
#define KALLSYMS_BASE		0x40200000UL
#define USER_REGION_BASE	0x40400000UL	/* EL0 stacks: 2 MiB, EL0 read-write */
#define USER_REGION_SIZE	0x00200000UL
#define HEAP_BASE		0x40600000UL	/* kmalloc */
#define HEAP_END		0x43f00000UL
#define BOOTARGS_BASE		0x44000000UL	/* key=value words, NUL-terminated */
#define FIXMAP_BASE		0x80000000UL	/* FIX_TEXT_POKE0 */

#define UART_BASE		0x09000000UL	/* PL011 */
#define GICD_BASE		0x08000000UL
#define GICR_BASE		0x080a0000UL
#define GICR_STRIDE		0x20000UL

#endif
