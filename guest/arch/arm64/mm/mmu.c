/*
 * The identity map and the fixmap.
 *
 * VA = PA everywhere, 39-bit VAs, walks from level 1:
 *   0x0000_0000 - 0x3fff_ffff  one 1 GiB Device block (GIC, UART, ...), never executable;
 *   0x4000_0000 - 0x401f_ffff  4 KiB pages: the image, each section with its own permissions;
 *   0x4020_0000 - 0x7fff_ffff  2 MiB Normal blocks, read-write and never executable, except
 *                              the EL0 region (user stacks), which EL0 may read and write;
 *   0x8000_0000                the fixmap's L3 table: FIX_TEXT_POKE0, a writable alias of
 *                              one text page at a time, as arm64 Linux patches its text.
 */
#include <asm/barrier.h>
#include <asm/fixmap.h>
#include <asm/memory.h>
#include <linux/kernel.h>

#define PTE_BLOCK	(1UL << 0)		/* L1/L2 block */
#define PTE_TABLE	(3UL << 0)		/* L1/L2 table, or an L3 page */
#define PTE_ATTRINDX(t)	((u64)(t) << 2)
#define PTE_USER	(1UL << 6)		/* AP[1]: EL0 may access */
#define PTE_RDONLY	(1UL << 7)		/* AP[2] */
#define PTE_SHARED	(3UL << 8)		/* inner shareable */
#define PTE_AF		(1UL << 10)		/* set up front: no hardware AF updates */
#define PTE_PXN		(1UL << 53)
#define PTE_UXN		(1UL << 54)
#define MT_DEVICE_nGnRE	0
#define MT_NORMAL	1

#define PROT_NORMAL	 (PTE_ATTRINDX(MT_NORMAL) | PTE_SHARED | PTE_AF)
#define PROT_KERNEL_TEXT (PROT_NORMAL | PTE_RDONLY | PTE_UXN)
#define PROT_KERNEL_RO	 (PROT_NORMAL | PTE_RDONLY | PTE_PXN | PTE_UXN)
#define PROT_KERNEL_DATA (PROT_NORMAL | PTE_PXN | PTE_UXN)
#define PROT_USER_TEXT	 (PROT_NORMAL | PTE_USER | PTE_RDONLY | PTE_PXN)
#define PROT_USER_DATA	 (PROT_NORMAL | PTE_USER | PTE_PXN | PTE_UXN)

extern char _text[], _etext[], __end_rodata[], __user_text_start[], __user_text_end[];
extern char __user_data_start[], __user_data_end[], _sdata[], _end[];

/* [0] L1, [1] L2 for 1-2 GiB, [2] L3 for the image's 2 MiB, [3] L2 and [4] L3 of the fixmap. */
u64 swapper_pg_dir[5][512] __aligned(4096);
#define pg_l1		swapper_pg_dir[0]
#define pg_ram_l2	swapper_pg_dir[1]
#define pg_image_l3	swapper_pg_dir[2]
#define pg_fix_l2	swapper_pg_dir[3]
#define pg_fix_l3	swapper_pg_dir[4]

static void map_pages(const char *start, const char *end, u64 prot)
{
	for (u64 pa = (u64)start; pa < (u64)end; pa += PAGE_SIZE)
		pg_image_l3[(pa >> PAGE_SHIFT) & 511] = pa | prot | PTE_TABLE;
}

/* Runs with the MMU off, from head.S: nothing here may rely on the D-cache or on alignment. */
void paging_init(void)
{
	pg_l1[0] = 0 | PTE_BLOCK | PTE_ATTRINDX(MT_DEVICE_nGnRE) | PTE_AF | PTE_PXN | PTE_UXN;
	pg_l1[1] = (u64)pg_ram_l2 | PTE_TABLE;
	pg_l1[2] = (u64)pg_fix_l2 | PTE_TABLE;
	pg_fix_l2[0] = (u64)pg_fix_l3 | PTE_TABLE;

	pg_ram_l2[0] = (u64)pg_image_l3 | PTE_TABLE;
	for (u64 i = 1; i < 512; i++) {
		u64 pa = PHYS_OFFSET + (i << 21);
		u64 prot = PROT_KERNEL_DATA;

		if (pa >= USER_REGION_BASE && pa < USER_REGION_BASE + USER_REGION_SIZE)
			prot = PROT_USER_DATA;
		else if (pa == KALLSYMS_BASE)
			prot = PROT_KERNEL_RO;
		pg_ram_l2[i] = pa | prot | PTE_BLOCK;
	}
	map_pages(_text, _etext, PROT_KERNEL_TEXT);
	map_pages(_etext, __end_rodata, PROT_KERNEL_RO);
	map_pages(__user_text_start, __user_text_end, PROT_USER_TEXT);
	map_pages(__user_data_start, __user_data_end, PROT_USER_DATA);
	map_pages(_sdata, _end, PROT_KERNEL_DATA);

	/*
	 * The tables were written with the D-cache off; the walker reads them as cacheable, so no
	 * stale line may shadow them.
	 */
	dsb(sy);
	for (char *p = (char *)swapper_pg_dir; p < (char *)(swapper_pg_dir + 5); p += 64)
		asm volatile("dc ivac, %0" : : "r"(p) : "memory");
	dsb(sy);
}

/*
 * FIX_TEXT_POKE0: map the page holding addr, writable and never executable, at FIXMAP_BASE.
 * The slot is invalid whenever it is not in use, so mapping needs no TLB maintenance (nothing
 * can be cached for an invalid entry); unmapping needs it on every CPU.
 */
void *patch_map(void *addr)
{
	u64 pa = (u64)addr & ~(PAGE_SIZE - 1);

	BUG_ON(pg_fix_l3[0]);
	WRITE_ONCE(pg_fix_l3[0], pa | PROT_KERNEL_DATA | PTE_TABLE);
	dsb(ishst);
	isb();
	return (void *)(FIXMAP_BASE + ((u64)addr & (PAGE_SIZE - 1)));
}

void patch_unmap(void)
{
	WRITE_ONCE(pg_fix_l3[0], 0);
	dsb(ishst);
	asm volatile("tlbi vaae1is, %0" : : "r"(FIXMAP_BASE >> PAGE_SHIFT) : "memory");
	dsb(ish);
	isb();
}

/* ---- self-test: the permissions, as the MMU itself reports them (AT + PAR_EL1) ---- */
#include <linux/selftest.h>
#include <linux/irqflags.h>

/* Translate va as an EL1 (or EL0) write or read; true when the MMU would allow it. */
static bool at_ok(unsigned long va, bool write, bool el0)
{
	unsigned long flags;
	u64 par;

	local_irq_save(flags);
	if (write && el0)
		asm volatile("at s1e0w, %0" : : "r"(va));
	else if (write)
		asm volatile("at s1e1w, %0" : : "r"(va));
	else if (el0)
		asm volatile("at s1e0r, %0" : : "r"(va));
	else
		asm volatile("at s1e1r, %0" : : "r"(va));
	isb();
	par = read_sysreg(par_el1);
	local_irq_restore(flags);
	return !(par & 1);
}

void mmu_selftest(void)
{
	extern char _stext[];
	static u64 data_word;
	unsigned long text = (unsigned long)_stext;
	unsigned long flags;
	bool alias_writable, alias_same_page;
	void *alias;

	tap_ok(at_ok(text, false, false) && !at_ok(text, true, false),
	       "mm: kernel text is readable and read-only");
	tap_ok(!at_ok(text, false, true), "mm: kernel text is out of EL0's reach");
	tap_ok(at_ok((unsigned long)&data_word, true, false) &&
	       (pg_image_l3[((unsigned long)&data_word >> PAGE_SHIFT) & 511] & PTE_PXN),
	       "mm: kernel data is writable and never executable");
	tap_ok(!(pg_image_l3[(text >> PAGE_SHIFT) & 511] & PTE_PXN),
	       "mm: kernel text is executable at EL1");
	local_irq_save(flags);
	alias = patch_map(_stext);
	alias_writable = at_ok((unsigned long)alias, true, false);
	alias_same_page = *(volatile u32 *)alias == *(volatile u32 *)_stext;
	patch_unmap();
	local_irq_restore(flags);
	tap_ok(alias_writable && alias_same_page && !at_ok((unsigned long)alias, false, false),
	       "mm: the fixmap alias of a text page is writable while mapped, gone after");
	tap_ok(at_ok(USER_REGION_BASE, true, true), "mm: the EL0 stack region is EL0-writable");
}
