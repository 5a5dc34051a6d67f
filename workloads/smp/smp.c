/*
 * Multicore acceptance test for the QEMU virt board (GICv3, 4 CPUs): PSCI, MMU, GIC, timers,
 * IPIs, atomics, EL0 and exceptions. Only CPU 0 prints, and only after the others have reported
 * through shared memory, so the output is a fixed sequence whatever the interleaving.
 */
#include "runtime.h"
#include "smp.h"

#define READ_ONCE(x)		(*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
#define read_sysreg(r) ({ u64 __v; asm volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(v, r) asm volatile("msr " #r ", %0" : : "r"((u64)(v)) : "memory")
#define isb()			asm volatile("isb" : : : "memory")
#define dsb(opt)		asm volatile("dsb " #opt : : : "memory")
#define sev()			asm volatile("sev" : : : "memory")
#define wfe()			asm volatile("wfe" : : : "memory")
#define wfi()			asm volatile("wfi" : : : "memory")
/* The ISB makes an IRQ that is already pending be taken right here, not some time later. */
#define local_irq_enable()	asm volatile("msr daifclr, #2\n\tisb" : : : "memory")
#define local_irq_disable()	asm volatile("msr daifset, #2" : : : "memory")
#define smp_processor_id()	((unsigned)read_sysreg(tpidr_el1))

/* Wait for another CPU's store: every writer of a waited-for flag does DSB + SEV. */
#define wait_event(cond)	do { while (!(cond)) wfe(); } while (0)
/*
 * Wait for something an interrupt handler on this CPU will do. Checking with IRQs masked and
 * then WFI closes the race with an IRQ arriving between the check and the WFI: a pending
 * (even masked) interrupt ends WFI, and unmasking takes it.
 */
#define wait_irq_until(cond)							\
	do {									\
		for (;;) {							\
			local_irq_disable();					\
			if (cond)						\
				break;						\
			wfi();							\
			local_irq_enable();					\
		}								\
		local_irq_enable();						\
	} while (0)

static inline u32 readl(unsigned long a) { return *(volatile u32 *)a; }
static inline void writel(u32 v, unsigned long a) { *(volatile u32 *)a = v; }

/* head.S */
extern char __text_start[], __text_end[], __user_text_start[], __user_data_start[];
extern char __user_data_end[], __data_start[], __end[];
extern char secondary_entry[], el0_main[], ret_from_el0[];
void __enable_mmu(void);
void atomic_inc_excl(u64 *p, u64 n);
void atomic_inc_lse(u64 *p, u64 n);
void spin_lock(u32 *lock);
void spin_unlock(u32 *lock);
u64 ldxr_probe(void *p);
u64 enter_el0(void *entry, void *sp);

/* ---- PSCI 0.2+ through HVC (QEMU's built-in firmware: no EL2/EL3 in the guest) ---- */
#define PSCI_0_2_FN_PSCI_VERSION	0x84000000UL
#define PSCI_0_2_FN_CPU_OFF		0x84000002UL
#define PSCI_0_2_FN64_CPU_ON		0xc4000003UL
#define PSCI_0_2_FN64_AFFINITY_INFO	0xc4000004UL
#define PSCI_RET_ALREADY_ON		-4

static long psci_call(u64 fn, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 asm("x0") = fn, x1 asm("x1") = a1, x2 asm("x2") = a2, x3 asm("x3") = a3;

	/* SMCCC: results in x0-x3, x4-x17 may be clobbered by the firmware. */
	asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : :
		     "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
		     "x15", "x16", "x17", "memory");
	return (long)x0;
}

/* ---- identity map: L1 1 GiB device block, L2 -> one L3 table for the image's 2 MiB ---- */
#define PAGE_SIZE	4096UL
#define PTE_BLOCK	(1UL << 0)		/* L1/L2 block */
#define PTE_TABLE	(3UL << 0)		/* L1/L2 table, or an L3 page */
#define PTE_ATTRINDX(t)	((u64)(t) << 2)
#define PTE_USER	(1UL << 6)		/* AP[1]: EL0 may access */
#define PTE_RDONLY	(1UL << 7)		/* AP[2]: read-only */
#define PTE_SHARED	(3UL << 8)		/* inner shareable: all 4 CPUs are coherent */
#define PTE_AF		(1UL << 10)		/* no hardware AF updates: set it up front */
#define PTE_PXN		(1UL << 53)
#define PTE_UXN		(1UL << 54)

#define PROT_NORMAL	(PTE_TABLE | PTE_ATTRINDX(MT_NORMAL) | PTE_SHARED | PTE_AF)
#define PROT_KERNEL_TEXT (PROT_NORMAL | PTE_RDONLY | PTE_UXN)
#define PROT_KERNEL_DATA (PROT_NORMAL | PTE_PXN | PTE_UXN)
#define PROT_USER_TEXT	(PROT_NORMAL | PTE_USER | PTE_RDONLY | PTE_PXN)
#define PROT_USER_DATA	(PROT_NORMAL | PTE_USER | PTE_PXN | PTE_UXN)

/* One stack per CPU; cpu_setup in head.S points SP at the top of cpu_stacks[cpu]. */
unsigned char cpu_stacks[NR_CPUS][1 << STACK_SHIFT] __attribute__((aligned(16)));

/* [0] = L1 (TTBR0_EL1, head.S), [1] = L2 for 1-2 GiB, [2] = L3 for 0x4000_0000-0x401f_ffff. */
u64 idmap_pg_dir[3][512] __attribute__((aligned(4096)));

static void map_pages(char *start, char *end, u64 prot)
{
	for (u64 pa = (u64)start; pa < (u64)end; pa += PAGE_SIZE)
		idmap_pg_dir[2][(pa >> 12) & 511] = pa | prot;
}

static void paging_init(void)
{
	idmap_pg_dir[0][0] = 0 | PTE_BLOCK | PTE_ATTRINDX(MT_DEVICE_nGnRnE) | PTE_AF | PTE_PXN |
			     PTE_UXN;	/* GIC, UART, ...; 0x8000_0000+ stays unmapped */
	idmap_pg_dir[0][1] = (u64)idmap_pg_dir[1] | PTE_TABLE;
	idmap_pg_dir[1][0] = (u64)idmap_pg_dir[2] | PTE_TABLE;
	map_pages(__text_start, __text_end, PROT_KERNEL_TEXT);
	map_pages(__user_text_start, __user_data_start, PROT_USER_TEXT);
	map_pages(__user_data_start, __user_data_end, PROT_USER_DATA);
	map_pages(__data_start, __end, PROT_KERNEL_DATA);
	/*
	 * The tables were written with the D-cache off, straight to memory; the walker will read
	 * them as cacheable, so no stale line may shadow them.
	 */
	dsb(sy);
	for (char *p = (char *)idmap_pg_dir; p < (char *)(idmap_pg_dir + 3); p += 64)
		asm volatile("dc ivac, %0" : : "r"(p) : "memory");
	dsb(sy);
	__enable_mmu();
}

/* ---- GICv3 ---- */
#define GICD_BASE		0x08000000UL
#define GICR_BASE		0x080a0000UL	/* one 128 KiB RD + SGI frame pair per CPU */
#define GICR_STRIDE		0x20000UL
#define GICR_SGI_BASE(cpu)	(GICR_BASE + (cpu) * GICR_STRIDE + 0x10000)
#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_CTLR_RWP		(1U << 31)
#define GICD_CTLR_ARE		(1U << 4)	/* bit layout with DS = 1 (no security) */
#define GICD_CTLR_ENABLE_G1	(1U << 1)
#define GICR_CTLR		0x0000
#define GICR_TYPER		0x0008
#define GICR_WAKER		0x0014
#define GICR_CTLR_RWP		(1U << 3)
#define GICR_WAKER_ProcessorSleep (1U << 1)
#define GICR_WAKER_ChildrenAsleep (1U << 2)
#define GICR_IGROUPR0		0x0080
#define GICR_ISENABLER0		0x0100
#define GICR_ICENABLER0		0x0180
#define GICR_IPRIORITYR0	0x0400
#define GIC_PRIO_IRQ		0xa0		/* below ICC_PMR_EL1 = 0xf0, so it is signalled */

#define IPI_PING		1	/* CPU 0 -> CPU n */
#define IPI_PONG		2	/* CPU n -> CPU 0 */
#define IPI_BCAST		3	/* IRM = 1: everyone but the sender */
#define PPI_VTIMER		27
#define PPI_PTIMER		30	/* EL1 (non-secure) physical timer */
#define GIC_SPURIOUS		1023

struct cpu_info {
	u64 mpidr, gicr_typer;
	u32 waker_reset, waker;		/* GICR_WAKER before/after waking the redistributor */
	u32 online, ticks, ipi_seen, bcast_seen;
} __attribute__((aligned(64)));	/* one cache line each: CPUs write only their own */

static struct cpu_info cpu_info[NR_CPUS];
static u64 tick_interval;
static u32 ipi_replies, vtimer_ctl, cpu_off_req /* to CPU 3 */, counter_go;
static u64 counters_done, excl_counter, lse_counter, lock_counter;
static u32 counter_lock;
static u64 el0_exit_x1;
u64 kernel_secret = 0x5ec2e7;		/* in a kernel-only page; EL0 tries to read it */
static u64 fault_buf[2];
static struct { u32 expected; u64 esr, far; } fault;

static void gic_dist_init(void)
{
	/* ARE can only change while both groups are off, which is the reset state. */
	writel(GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1, GICD_BASE + GICD_CTLR);
	while (readl(GICD_BASE + GICD_CTLR) & GICD_CTLR_RWP)
		;
}

static void gic_cpu_init(unsigned cpu)
{
	unsigned long rd = GICR_BASE + cpu * GICR_STRIDE, sgi = GICR_SGI_BASE(cpu);
	struct cpu_info *ci = &cpu_info[cpu];

	/* A sleeping redistributor forwards nothing: clear ProcessorSleep, wait for the ack. */
	ci->waker_reset = readl(rd + GICR_WAKER);
	writel(ci->waker_reset & ~GICR_WAKER_ProcessorSleep, rd + GICR_WAKER);
	while (readl(rd + GICR_WAKER) & GICR_WAKER_ChildrenAsleep)
		;
	ci->waker = readl(rd + GICR_WAKER);
	ci->gicr_typer = *(volatile u64 *)(rd + GICR_TYPER);

	writel(~0U, sgi + GICR_ICENABLER0);
	while (readl(rd + GICR_CTLR) & GICR_CTLR_RWP)
		;
	writel(~0U, sgi + GICR_IGROUPR0);	/* SGIs and PPIs: group 1 (IRQ, ICC_IAR1_EL1) */
	for (int i = 0; i < 32; i += 4)
		writel(GIC_PRIO_IRQ * 0x01010101U, sgi + GICR_IPRIORITYR0 + i);
	writel(1U << IPI_PING | 1U << IPI_PONG | 1U << IPI_BCAST | 1U << PPI_VTIMER |
	       1U << PPI_PTIMER, sgi + GICR_ISENABLER0);

	/* CPU interface through system registers only. */
	write_sysreg(read_sysreg(icc_sre_el1) | 1, icc_sre_el1);
	isb();
	write_sysreg(0xf0, icc_pmr_el1);
	write_sysreg(0, icc_bpr1_el1);
	write_sysreg(0, icc_ctlr_el1);		/* EOImode 0: EOIR drops priority and deactivates */
	write_sysreg(1, icc_igrpen1_el1);
	isb();
}

static void gic_send_sgi(unsigned intid, u64 mpidr, int broadcast)
{
	u64 v = (u64)intid << 24;

	if (broadcast)
		v |= 1UL << 40;				/* IRM: all PEs but this one */
	else
		v |= (mpidr >> 8 & 0xff) << 16 | (mpidr >> 16 & 0xff) << 32 |
		     (mpidr >> 32 & 0xff) << 48 | 1UL << (mpidr & 0xf);
	dsb(ishst);	/* what the target will read must be visible before it is interrupted */
	write_sysreg(v, icc_sgi1r_el1);
	isb();
}

/* ---- timers: CNTFRQ-based 1 ms period on the EL1 physical timer ---- */
static void timer_start(void)
{
	write_sysreg(tick_interval, cntp_tval_el0);
	write_sysreg(1, cntp_ctl_el0);			/* ENABLE, not masked */
	isb();
}

static void do_irq(void)
{
	unsigned cpu = smp_processor_id();
	u64 irq = read_sysreg(icc_iar1_el1) & 0xffffff;

	if (irq == GIC_SPURIOUS)
		return;
	switch (irq) {
	case PPI_PTIMER:	/* level-sensitive: rearming drops the line before the EOI */
		write_sysreg(tick_interval, cntp_tval_el0);
		WRITE_ONCE(cpu_info[cpu].ticks, cpu_info[cpu].ticks + 1);
		break;
	case PPI_VTIMER:
		WRITE_ONCE(vtimer_ctl, (u32)read_sysreg(cntv_ctl_el0));
		write_sysreg(0, cntv_ctl_el0);
		break;
	case IPI_PING:
		WRITE_ONCE(cpu_info[cpu].ipi_seen, 1);
		gic_send_sgi(IPI_PONG, cpu_info[0].mpidr, 0);
		break;
	case IPI_PONG:
		WRITE_ONCE(ipi_replies, ipi_replies + 1);
		break;
	case IPI_BCAST:
		WRITE_ONCE(cpu_info[cpu].bcast_seen, cpu_info[cpu].bcast_seen + 1);
		break;
	default:
		printf("cpu%u: unexpected irq %lu\n", cpu, irq);
		system_off();
	}
	write_sysreg(irq, icc_eoir1_el1);
	isb();
}

/* ---- synchronous exceptions ---- */
#define ESR_ELx_EC(esr)		((esr) >> 26 & 0x3f)
#define ESR_ELx_EC_UNKNOWN	0x00
#define ESR_ELx_EC_SVC64	0x15
#define ESR_ELx_EC_DABT_LOW	0x24
#define ESR_ELx_EC_DABT_CUR	0x25
#define ESR_ELx_EC_BRK64	0x3c
#define PSR_MODE_EL1h		0x5
#define PSR_DAF_BITS		0x340		/* D, A, F masked; I open, as in the kernel */

static const char *const vector_names[16] = {
	"el1t sync", "el1t irq", "el1t fiq", "el1t serror", "el1h sync", "el1h irq", "el1h fiq",
	"el1h serror", "el0 sync", "el0 irq", "el0 fiq", "el0 serror", "el0_32 sync",
	"el0_32 irq", "el0_32 fiq", "el0_32 serror",
};

static void __attribute__((noreturn)) bad_mode(struct pt_regs *regs, unsigned vec)
{
	printf("cpu%u: unexpected exception: %s, esr 0x%08lx elr 0x%lx far 0x%lx spsr 0x%lx\n",
	       smp_processor_id(), vector_names[vec], read_sysreg(esr_el1), regs->pc,
	       read_sysreg(far_el1), regs->pstate);
	system_off();
}

/* EL1 faults are only legal inside a test that announced one: record it, skip the instruction. */
static void el1_sync(struct pt_regs *regs)
{
	u64 esr = read_sysreg(esr_el1);
	u64 ec = ESR_ELx_EC(esr);

	if (!fault.expected || (ec != ESR_ELx_EC_DABT_CUR && ec != ESR_ELx_EC_UNKNOWN &&
				ec != ESR_ELx_EC_BRK64))
		bad_mode(regs, 4);
	fault.esr = esr;
	fault.far = read_sysreg(far_el1);
	fault.expected = 0;
	regs->pc += 4;	/* ELR points at the faulting instruction (BRK included) */
}

static void el0_svc(struct pt_regs *regs, u64 esr)
{
	u64 *x = regs->regs;

	/* ELR already points past the SVC: returning resumes the program. */
	switch (esr & 0xffff) {
	case SYS_WRITE:
		printf("el0: svc #0 esr 0x%08lx write \"", esr);
		for (u64 i = 0; i < x[1] && i < 64; i++)
			uart_putc(((const char *)x[0])[i]);
		printf("\"\n");
		x[0] = x[1];
		break;
	case SYS_ADD:
		printf("el0: svc #1 esr 0x%08lx add(%lu, %lu) -> %lu\n", esr, x[0], x[1],
		       x[0] + x[1]);
		x[0] += x[1];
		break;
	case SYS_EXIT:
		printf("el0: svc #0x%lx esr 0x%08lx exit\n", esr & 0xffff, esr);
		el0_exit_x1 = x[1];
		regs->pc = (u64)ret_from_el0;	/* enter_el0 returns x0 */
		regs->pstate = PSR_MODE_EL1h | PSR_DAF_BITS;
		break;
	default:
		printf("el0: svc #0x%lx esr 0x%08lx unknown call\n", esr & 0xffff, esr);
		x[0] = (u64)-38;	/* -ENOSYS */
		break;
	}
}

static void el0_sync(struct pt_regs *regs)
{
	u64 esr = read_sysreg(esr_el1);

	switch (ESR_ELx_EC(esr)) {
	case ESR_ELx_EC_SVC64:
		el0_svc(regs, esr);
		return;
	case ESR_ELx_EC_DABT_LOW:
		printf("el0: data abort esr 0x%08lx far 0x%lx\n", esr, read_sysreg(far_el1));
		break;
	case ESR_ELx_EC_UNKNOWN:
		printf("el0: undefined instruction esr 0x%08lx\n", esr);
		break;
	default:
		bad_mode(regs, 8);
	}
	regs->pc += 4;	/* a real kernel would signal the process; skipping keeps the test going */
}

void handle_exception(struct pt_regs *regs, u64 vec)
{
	switch (vec) {
	case 4:	el1_sync(regs); break;
	case 5:
	case 9:	do_irq(); break;
	case 8:	el0_sync(regs); break;
	default: bad_mode(regs, vec);
	}
}

/* ---- the work every CPU does ---- */
static int cpu_has_lse(void)
{
	return (read_sysreg(id_aa64isar0_el1) >> 20 & 0xf) >= 2;	/* Atomic: LDADD etc. */
}

static void counter_work(void)
{
	atomic_inc_excl(&excl_counter, 10000);
	if (cpu_has_lse())
		atomic_inc_lse(&lse_counter, 10000);
	for (int i = 0; i < 10000; i++) {
		spin_lock(&counter_lock);
		WRITE_ONCE(lock_counter, READ_ONCE(lock_counter) + 1);	/* plain load + store */
		spin_unlock(&counter_lock);
	}
	atomic_inc_excl(&counters_done, 1);
	dsb(ish);
	sev();
}

void __attribute__((noreturn)) secondary_start_kernel(u64 cpu)
{
	write_sysreg(cpu, tpidr_el1);
	gic_cpu_init(cpu);
	cpu_info[cpu].mpidr = read_sysreg(mpidr_el1);
	dsb(ish);
	WRITE_ONCE(cpu_info[cpu].online, 1);
	dsb(ish);
	sev();
	local_irq_enable();
	timer_start();

	wait_event(READ_ONCE(counter_go));
	counter_work();

	if (cpu != 3)
		for (;;)
			wfi();		/* idle: timer ticks and IPIs only, until SYSTEM_OFF */
	wait_event(READ_ONCE(cpu_off_req));
	local_irq_disable();
	write_sysreg(0, cntp_ctl_el0);
	psci_call(PSCI_0_2_FN_CPU_OFF, 0, 0, 0);	/* does not return on success */
	printf("cpu%lu: CPU_OFF returned\n", cpu);
	system_off();
}

/* ---- CPU 0: run every test in order, print what was observed ---- */
static void expect_fault(void)
{
	fault.esr = fault.far = 0;
	fault.expected = 1;
}

static void el1_fault_tests(void)
{
	u64 v = 0;

	expect_fault();
	asm volatile("ldr %0, [%1]" : "+r"(v) : "r"(0x80000000UL) : "memory");
	printf("el1: load from unmapped 0x80000000: esr 0x%08lx far 0x%lx\n", fault.esr, fault.far);
	expect_fault();
	asm volatile("str xzr, [%0]" : : "r"(__text_start) : "memory");
	printf("el1: store to read-only text: esr 0x%08lx far 0x%lx\n", fault.esr, fault.far);
	expect_fault();
	asm volatile("udf #0" : : : "memory");
	printf("el1: udf #0: esr 0x%08lx\n", fault.esr);
	expect_fault();
	ldxr_probe((char *)fault_buf + 1);
	printf("el1: unaligned ldxr: esr 0x%08lx far 0x%lx\n", fault.esr, fault.far);
	expect_fault();
	asm volatile("brk #0x42" : : : "memory");
	printf("el1: brk #0x42: esr 0x%08lx\n", fault.esr);
}

void __attribute__((noreturn)) start_kernel(void)
{
	long ret;

	write_sysreg(0, tpidr_el1);
	printf("smp-test: boot cpu0\n");
	printf("midr: 0x%08lx\n", read_sysreg(midr_el1));
	printf("mpidr: 0x%08lx\n", read_sysreg(mpidr_el1));
	printf("currentel: EL%lu\n", read_sysreg(CurrentEL) >> 2 & 3);
	ret = psci_call(PSCI_0_2_FN_PSCI_VERSION, 0, 0, 0);
	printf("psci: version %ld.%ld\n", ret >> 16, ret & 0xffff);

	paging_init();
	printf("mmu: on, sctlr_el1 0x%08lx\n", read_sysreg(sctlr_el1));

	gic_dist_init();
	gic_cpu_init(0);
	cpu_info[0].mpidr = read_sysreg(mpidr_el1);
	printf("gic: GICD_CTLR 0x%x GICD_TYPER 0x%08x\n", readl(GICD_BASE + GICD_CTLR),
	       readl(GICD_BASE + GICD_TYPER));

	tick_interval = read_sysreg(cntfrq_el0) / 1000;	/* secondaries start ticking at once */

	/* Context id = CPU number: secondary_entry picks its stack with it. */
	for (u64 cpu = 1; cpu < NR_CPUS; cpu++) {
		ret = psci_call(PSCI_0_2_FN64_CPU_ON, cpu, (u64)secondary_entry, cpu);
		printf("psci: cpu_on(cpu%lu) -> %ld\n", cpu, ret);
		if (ret) {
			printf("smp-test: needs -smp %d\n", NR_CPUS);
			system_off();
		}
	}
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
		struct cpu_info *ci = &cpu_info[cpu];

		wait_event(cpu == 0 || READ_ONCE(ci->online));
		printf("cpu%u: online mpidr 0x%08lx gicr_waker 0x%x -> 0x%x gicr_typer 0x%lx\n",
		       cpu, ci->mpidr, ci->waker_reset, ci->waker, ci->gicr_typer);
	}
	ret = psci_call(PSCI_0_2_FN64_CPU_ON, 1, (u64)secondary_entry, 1);
	printf("psci: cpu_on(cpu1) again -> %ld%s\n", ret,
	       ret == PSCI_RET_ALREADY_ON ? " (ALREADY_ON)" : "");
	printf("psci: affinity_info(cpu1) -> %ld\n",
	       psci_call(PSCI_0_2_FN64_AFFINITY_INFO, 1, 0, 0));

	/* Timers. The secondaries started theirs when they came online. */
	local_irq_enable();
	timer_start();
	printf("timer: cntfrq %lu\n", read_sysreg(cntfrq_el0));
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
		wait_irq_until(READ_ONCE(cpu_info[cpu].ticks) >= 3);
		printf("timer: cpu%u ticks>=3\n", cpu);
	}
	write_sysreg(tick_interval, cntv_tval_el0);
	write_sysreg(1, cntv_ctl_el0);
	isb();
	wait_irq_until(READ_ONCE(vtimer_ctl));
	printf("vtimer: cpu0 ppi %d fired, cntv_ctl 0x%x\n", PPI_VTIMER, vtimer_ctl);

	/* IPIs: one round trip per CPU, then one broadcast. */
	for (unsigned cpu = 1; cpu < NR_CPUS; cpu++) {
		u32 before = READ_ONCE(ipi_replies);

		gic_send_sgi(IPI_PING, cpu_info[cpu].mpidr, 0);
		wait_irq_until(READ_ONCE(ipi_replies) == before + 1 &&
			       READ_ONCE(cpu_info[cpu].ipi_seen));
		printf("ipi: cpu0 -> cpu%u -> cpu0 ok\n", cpu);
	}
	gic_send_sgi(IPI_BCAST, 0, 1);
	for (unsigned cpu = 1; cpu < NR_CPUS; cpu++)
		wait_irq_until(READ_ONCE(cpu_info[cpu].bcast_seen));
	printf("ipi: broadcast sgi %d seen by cpu1 cpu2 cpu3, by cpu0 %u times\n", IPI_BCAST,
	       cpu_info[0].bcast_seen);

	/* Shared counters: everyone at once, then wait for the 4 completions. */
	WRITE_ONCE(counter_go, 1);
	dsb(ish);
	sev();
	counter_work();
	wait_event(READ_ONCE(counters_done) == NR_CPUS);
	printf("exclusive counter: %lu\n", excl_counter);
	if (cpu_has_lse())
		printf("lse counter: %lu\n", lse_counter);
	else
		printf("lse: not implemented\n");
	printf("spinlock counter: %lu\n", lock_counter);

	ret = enter_el0(el0_main, __user_data_end);
	printf("el0: returned x0 %ld, x3 after the faulting load 0x%lx\n", ret, el0_exit_x1);

	el1_fault_tests();

	WRITE_ONCE(cpu_off_req, 1);
	dsb(ish);
	sev();
	do
		ret = psci_call(PSCI_0_2_FN64_AFFINITY_INFO, 3, 0, 0);
	while (ret == 0);
	printf("psci: cpu3 cpu_off, affinity_info(cpu3) -> %ld\n", ret);

	printf("smp-test: done\n");
	system_off();
}
