/*
 * Writing kernel text while other CPUs may be executing it (as arch/arm64/kernel/patching.c).
 *
 * Text is mapped read-only, so a word is stored through a temporary writable alias of its page
 * (patch_map, the FIX_TEXT_POKE0 slot), one writer at a time under patch_lock. The store alone
 * changes nothing a CPU fetches: the line must be cleaned from the D-cache to the point of
 * unification and invalidated from every I-cache (CTR_EL0 says IDC = DIC = 0 on the modelled
 * Cortex-A53), and a CPU that already fetched the old word keeps it until its next context
 * synchronisation event. The nosync primitive does the maintenance and synchronises only the
 * writing CPU; whether the others may see old and new words side by side is the caller's
 * problem (the architecture only promises that for B, BL, BRK, HVC, ISB, NOP, SMC, SVC).
 */
#include <asm/barrier.h>
#include <asm/fixmap.h>
#include <asm/insn.h>
#include <asm/patching.h>
#include <linux/atomic.h>
#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <linux/selftest.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/stop_machine.h>

static DEFINE_RAW_SPINLOCK(patch_lock);
unsigned long aarch64_insn_writes;

int aarch64_insn_read(void *addr, u32 *insnp)
{
	if ((unsigned long)addr & 3)
		return -EINVAL;
	/* Text is readable where it is mapped; only writing needs the alias. */
	*insnp = READ_ONCE(*(u32 *)addr);
	return 0;
}

static int __aarch64_insn_write(void *addr, u32 insn)
{
	unsigned long flags;
	u32 *waddr;

	raw_spin_lock_irqsave(&patch_lock, flags);
	waddr = patch_map(addr);
	if (!waddr) {
		raw_spin_unlock_irqrestore(&patch_lock, flags);
		return -EFAULT;
	}
	/* One single-copy-atomic 32-bit store: a racing fetch sees the old or the new word. */
	WRITE_ONCE(*waddr, insn);
	aarch64_insn_writes++;
	patch_unmap();
	raw_spin_unlock_irqrestore(&patch_lock, flags);
	return 0;
}

int aarch64_insn_write(void *addr, u32 insn)
{
	if ((unsigned long)addr & 3)
		return -EINVAL;
	return __aarch64_insn_write(addr, insn);
}

/*
 * Make [start, end) coherent with instruction fetch on this CPU (Arm ARM B2.4.4, the
 * self-modifying code sequence). The maintenance is by VA on the normal (read-only) mapping:
 * DC CVAU needs only read permission, and IC IVAU is broadcast to the Inner Shareable domain,
 * so the other CPUs' I-caches lose the line too. The final ISB is for this CPU only.
 */
void caches_clean_inval_pou(unsigned long start, unsigned long end)
{
	u64 ctr = read_sysreg(ctr_el0);
	unsigned long dline = 4UL << ((ctr >> 16) & 0xf);	/* DminLine, log2 words */
	unsigned long iline = 4UL << (ctr & 0xf);		/* IminLine */
	unsigned long addr;

	for (addr = ALIGN_DOWN(start, dline); addr < end; addr += dline)
		asm volatile("dc cvau, %0" : : "r"(addr) : "memory");
	asm volatile("dsb ish" : : : "memory");
	for (addr = ALIGN_DOWN(start, iline); addr < end; addr += iline)
		asm volatile("ic ivau, %0" : : "r"(addr) : "memory");
	asm volatile("dsb ish\n\tisb" : : : "memory");
}

int aarch64_insn_patch_text_nosync(void *addr, u32 insn)
{
	unsigned long tp = (unsigned long)addr;
	int ret;

	/* A64 instructions are word aligned; a misaligned store would tear two of them. */
	if (tp & 3)
		return -EINVAL;

	ret = aarch64_insn_write(addr, insn);
	if (ret == 0)
		caches_clean_inval_pou(tp, tp + AARCH64_INSN_SIZE);
	return ret;
}

/*
 * Rendezvous inside stop_machine(): every online CPU runs this with IRQs off. The last one to
 * arrive knows all the others are spinning here, in code nobody patches, so it may change
 * any text; it then bumps the count once more to let them go. Each waiter ISBs before it
 * returns to code that may have changed, discarding whatever it fetched before the writes.
 */
struct patch_rendezvous {
	int (*fn)(void *arg);
	void *arg;
	atomic_t cpu_count;
	int ret;
};

static int patch_rendezvous_cb(void *data)
{
	struct patch_rendezvous *pr = data;
	int cpus = num_online_cpus();

	if (atomic_inc_return(&pr->cpu_count) == cpus) {
		pr->ret = pr->fn(pr->arg);
		atomic_inc(&pr->cpu_count);
	} else {
		while (atomic_read(&pr->cpu_count) <= cpus)
			cpu_relax();
		isb();
	}
	return 0;
}

int aarch64_patch_stop_machine(int (*fn)(void *arg), void *arg)
{
	struct patch_rendezvous pr = { .fn = fn, .arg = arg, .cpu_count = ATOMIC_INIT(0) };

	stop_machine(patch_rendezvous_cb, &pr, READ_ONCE(cpu_online_mask));
	return pr.ret;
}

struct aarch64_insn_patch {
	void **text_addrs;
	u32 *new_insns;
	int insn_cnt;
};

static int aarch64_insn_patch_text_cb(void *arg)
{
	struct aarch64_insn_patch *pp = arg;
	int i, ret = 0;

	for (i = 0; ret == 0 && i < pp->insn_cnt; i++)
		ret = aarch64_insn_patch_text_nosync(pp->text_addrs[i], pp->new_insns[i]);
	return ret;
}

int aarch64_insn_patch_text(void *addrs[], u32 insns[], int cnt)
{
	struct aarch64_insn_patch patch = {
		.text_addrs = addrs,
		.new_insns = insns,
		.insn_cnt = cnt,
	};

	if (cnt <= 0)
		return -EINVAL;
	return aarch64_patch_stop_machine(aarch64_insn_patch_text_cb, &patch);
}

/*
 * Self-test. The target is written in assembly so that the word to patch is known: it returns
 * the immediate of its first instruction. Every CPU calls it before the write (so the old word
 * sits in all the I-caches) and after it; a CPU that still returns the old value ran stale code.
 */
#define MOVZ_W0(imm)	(0x52800000u | ((u32)(imm) << 5))	/* MOV W0, #imm */

int patch_test_target(void);
asm(".pushsection .text, \"ax\"\n"
    "	.balign	64\n"
    "	.type	patch_test_target, %function\n"
    "patch_test_target:\n"
    "	mov	w0, #1\n"
    "	ret\n"
    "	.size	patch_test_target, . - patch_test_target\n"
    ".popsection\n");

static void patch_test_call(void *info)
{
	*(int *)info = patch_test_target();
}

/* Call the target on every online CPU; true if each returned want. */
static bool patch_test_all_cpus(int want, const char *what)
{
	int cpu, bad = 0;

	for_each_online_cpu(cpu) {
		int got = -1;

		if (cpu == smp_processor_id())
			patch_test_call(&got);
		else
			smp_call_function_single(cpu, patch_test_call, &got, true);
		if (got != want) {
			tap_diag("%s: CPU %d ran the word returning %d, expected %d", what, cpu, got,
				 want);
			bad++;
		}
	}
	return bad == 0;
}

void patching_selftest(void)
{
	void *target = (void *)patch_test_target;
	unsigned long pc = (unsigned long)target;
	void *addrs[1] = { target };
	u32 insns[1] = { MOVZ_W0(3) };
	u32 word = 0;
	int ret;

	tap_ok(aarch64_insn_gen_branch_imm(0x1000, 0x1008, false) == AARCH64_INSN_B_8 &&
	       aarch64_insn_gen_branch_imm(0x2000, 0x1000, true) == 0x97fffc00u &&
	       aarch64_insn_gen_branch_imm(pc, pc + AARCH64_BRANCH_RANGE - 4, true) != AARCH64_BREAK_FAULT &&
	       aarch64_insn_gen_branch_imm(pc + AARCH64_BRANCH_RANGE, pc, false) != AARCH64_BREAK_FAULT,
	       "insn: B/BL encodings and range ends");
	tap_ok(aarch64_insn_gen_branch_imm(pc, pc + AARCH64_BRANCH_RANGE, true) == AARCH64_BREAK_FAULT &&
	       aarch64_insn_gen_branch_imm(pc + AARCH64_BRANCH_RANGE + 4, pc, true) == AARCH64_BREAK_FAULT &&
	       aarch64_insn_gen_branch_imm(pc, pc + 2, false) == AARCH64_BREAK_FAULT,
	       "insn: out-of-range or misaligned branch gives the fault word");
	tap_ok(aarch64_insn_is_cmodx_safe(AARCH64_INSN_NOP) &&
	       aarch64_insn_is_cmodx_safe(AARCH64_INSN_B_8) &&
	       aarch64_insn_is_cmodx_safe(0x94000400u) && aarch64_insn_is_cmodx_safe(0xd4200000u) &&
	       aarch64_insn_is_cmodx_safe(0xd5033fdfu) && aarch64_insn_is_cmodx_safe(0xd4000001u) &&
	       aarch64_insn_is_cmodx_safe(0xd4000002u) && aarch64_insn_is_cmodx_safe(0xd4000003u) &&
	       !aarch64_insn_is_cmodx_safe(AARCH64_INSN_MOV_X9_X30) &&
	       !aarch64_insn_is_cmodx_safe(0xd65f03c0u) && !aarch64_insn_is_cmodx_safe(0xd63f0100u),
	       "insn: CMODX-safe set is B, BL, BRK, HVC, ISB, NOP, SMC, SVC");
	tap_ok(aarch64_insn_is_bl(0x94000400u) && !aarch64_insn_is_bl(AARCH64_INSN_B_8) &&
	       aarch64_insn_is_blr(0xd63f0100u) && !aarch64_insn_is_blr(0xd61f0100u) &&
	       aarch64_get_branch_offset(0x97fffc00u) == -0x1000 &&
	       aarch64_get_branch_offset(AARCH64_INSN_B_8) == 8,
	       "insn: classifiers and branch offsets");

	/* Prime every I-cache with the original word. */
	tap_ok(patch_test_all_cpus(1, "before") && READ_ONCE(*(u32 *)target) == MOVZ_W0(1),
	       "patching: every CPU runs the original word");

	ret = aarch64_insn_patch_text_nosync(target, MOVZ_W0(2));
	tap_ok(ret == 0 && patch_test_all_cpus(2, "nosync"),
	       "patching: nosync write on CPU %d is executed by every CPU", smp_processor_id());

	ret = aarch64_insn_patch_text(addrs, insns, 1);
	tap_ok(ret == 0 && patch_test_all_cpus(3, "stop_machine"),
	       "patching: stop_machine write is executed by every CPU");

	ret = aarch64_insn_patch_text_nosync((char *)target + 2, AARCH64_INSN_NOP);
	aarch64_insn_read(target, &word);
	tap_ok(ret == -EINVAL && word == MOVZ_W0(3), "patching: misaligned write refused (%d)", ret);

	/* Validation: the expected old word is wrong, so nothing may be written. */
	ret = ftrace_modify_code(pc, MOVZ_W0(1), MOVZ_W0(4), true);
	aarch64_insn_read(target, &word);
	tap_ok(ret == -EINVAL && word == MOVZ_W0(3) && patch_test_all_cpus(3, "refused"),
	       "patching: validated write with a mismatching old word refused (%d)", ret);
	ret = ftrace_modify_code(pc, MOVZ_W0(3), MOVZ_W0(1), true);
	tap_ok(ret == 0 && patch_test_all_cpus(1, "restored"),
	       "patching: validated write with the right old word done");
}
