/*
 * The function tracer's ring buffers and their text output (the roles of kernel/trace/trace.c,
 * trace_functions.c and trace_output.c, much reduced).
 *
 * One buffer per CPU: a fixed array of struct ftrace_entry that overwrites its oldest entry
 * when full and counts every entry ever written, so the header can say how many were lost.
 * Writers are ops callbacks, running with preemption off on their own CPU; IRQs are masked
 * around the slot reservation so a traced function in an interrupt handler cannot take the
 * same slot. The dump merges the CPUs by timestamp and prints the format of
 * /sys/kernel/tracing/trace, so the usual tools and eyes can read it.
 *
 * Timestamps are PMCCNTR_EL0 cycles of the writing CPU, shown as seconds at 1 GHz. Each CPU's
 * counter starts when that CPU enables it, so merging across CPUs is only as good as the
 * counters agree (on cmodx and on QEMU they run from early boot, close enough for ordering
 * the events of one scenario).
 */
#include <asm/barrier.h>
#include <asm/insn.h>
#include <asm/patching.h>
#include <asm/ptrace.h>
#include <linux/ftrace.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>

#define TRACE_BUF_DEFAULT	1024	/* entries per CPU; boot argument trace.buf= */
#define TRACE_BUF_MAX_BYTES	(64 * 1024 - 64)	/* kmalloc's largest size class, less its header */

struct trace_cpu_buffer {
	struct ftrace_entry *ents;
	unsigned long size;
	volatile u64 written;		/* entries ever written; the next slot is written % size */
};

static struct trace_cpu_buffer trace_bufs[NR_CPUS];
static int trace_nr_bufs;

/* Allocate every online CPU's buffer once, halving the size until the heap agrees. */
static int trace_alloc_buffers(void)
{
	unsigned long size = bootarg_long("trace.buf", TRACE_BUF_DEFAULT);
	int cpu;

	if (trace_nr_bufs)
		return 0;
	if (size < 16)
		size = 16;
	if (size > TRACE_BUF_MAX_BYTES / sizeof(struct ftrace_entry))
		size = TRACE_BUF_MAX_BYTES / sizeof(struct ftrace_entry);
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		struct ftrace_entry *e = NULL;
		unsigned long n = size;

		while (n >= 16 && !(e = kmalloc(n * sizeof(*e))))
			n /= 2;
		if (!e)
			return -ENOMEM;
		trace_bufs[cpu].size = n;
		trace_bufs[cpu].written = 0;
		/* Publish the array last: writers test ents before anything else. */
		__atomic_store_n(&trace_bufs[cpu].ents, e, __ATOMIC_RELEASE);
	}
	trace_nr_bufs = nr_cpu_ids;
	return 0;
}

void trace_function(unsigned long ip, unsigned long parent_ip)
{
	struct task_struct *t = current;
	int cpu = smp_processor_id();
	struct trace_cpu_buffer *b = &trace_bufs[cpu];
	struct ftrace_entry *e;
	unsigned long flags;
	int pc = preempt_count();
	u8 f = 0;

	if (!__atomic_load_n(&b->ents, __ATOMIC_ACQUIRE))
		return;
	local_irq_save(flags);
	e = &b->ents[b->written % b->size];
	b->written++;
	e->ts = get_cycles();
	e->ip = ip;
	e->parent_ip = parent_ip;
	e->pid = t->pid;
	e->cpu = (u8)cpu;
	if (flags & PSR_I_BIT)
		f |= 1;				/* IRQs were off in the traced function */
	if (test_thread_flag(TIF_NEED_RESCHED))
		f |= 2;
	if (pc & HARDIRQ_MASK)
		f |= 4;
	e->flags = f;
	/* ftrace_ops_list_func disabled preemption once on the way here: not the function's. */
	e->preempt = (u8)((pc & 0xff) ? (pc & 0xff) - 1 : 0);
	memcpy(e->comm, t->comm, sizeof(e->comm));
	e->comm[sizeof(e->comm) - 1] = '\0';
	local_irq_restore(flags);
}

void tracing_reset(void)
{
	int cpu;

	if (trace_alloc_buffers())
		return;
	for (cpu = 0; cpu < trace_nr_bufs; cpu++)
		trace_bufs[cpu].written = 0;
}

static void function_trace_call(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *op,
				struct pt_regs *regs)
{
	trace_function(ip, parent_ip);
}

static struct ftrace_ops trace_ops = { .func = function_trace_call };

int tracing_start_function_trace(void)
{
	int ret = trace_alloc_buffers();

	if (ret)
		return ret;
	return register_ftrace_function(&trace_ops);
}

void tracing_stop_function_trace(void)
{
	unregister_ftrace_function(&trace_ops);
}

/* Function name without offset, as the function tracer prints by default. */
static const char *trace_sym(unsigned long addr, char *buf, size_t len)
{
	unsigned long off;
	const char *name = kallsyms_lookup(addr, &off);

	if (name)
		return name;
	snprintf(buf, len, "0x%lx", addr);
	return buf;
}

static void trace_print_entry(const struct ftrace_entry *e)
{
	char ipbuf[24], pbuf[24];
	u64 usecs = e->ts / 1000;		/* 1 GHz: 1000 cycles per microsecond */
	char depth = e->preempt ? (e->preempt < 16 ? "0123456789abcdef"[e->preempt] : 'f') : '.';

	printk("%16s-%-7d [%03d] %c%c%c%c. %5u.%06u: %s <-%s\n", e->comm, e->pid, e->cpu,
	       (e->flags & 1) ? 'd' : '.', (e->flags & 2) ? 'N' : '.', (e->flags & 4) ? 'h' : '.',
	       depth, (unsigned int)(usecs / 1000000), (unsigned int)(usecs % 1000000),
	       trace_sym(e->ip, ipbuf, sizeof(ipbuf)), trace_sym(e->parent_ip, pbuf, sizeof(pbuf)));
}

void ftrace_dump(int max_lines)
{
	u64 pos[NR_CPUS], end[NR_CPUS], in_buf = 0, written = 0, skip;
	int cpu;

	pr_info("# tracer: function\n");
	pr_info("#\n");
	for (cpu = 0; cpu < trace_nr_bufs; cpu++) {
		struct trace_cpu_buffer *b = &trace_bufs[cpu];

		end[cpu] = b->written;
		pos[cpu] = end[cpu] > b->size ? end[cpu] - b->size : 0;
		in_buf += end[cpu] - pos[cpu];
		written += end[cpu];
	}
	pr_info("# entries-in-buffer/entries-written: %u/%u   #P:%d\n", (unsigned int)in_buf,
		(unsigned int)written, num_online_cpus());
	pr_info("#\n");
	pr_info("#                                _-----=> irqs-off/BH-disabled\n");
	pr_info("#                               / _----=> need-resched\n");
	pr_info("#                              | / _---=> hardirq/softirq\n");
	pr_info("#                              || / _--=> preempt-depth\n");
	pr_info("#                              ||| / _-=> migrate-disable\n");
	pr_info("#                              |||| /     delay\n");
	pr_info("#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n");
	pr_info("#              | |         |   |||||     |         |\n");

	/* The newest max_lines entries, oldest first: merge, skipping the older ones. */
	skip = max_lines >= 0 && in_buf > (u64)max_lines ? in_buf - max_lines : 0;
	for (;;) {
		const struct ftrace_entry *best = NULL;
		int best_cpu = -1;

		for (cpu = 0; cpu < trace_nr_bufs; cpu++) {
			struct trace_cpu_buffer *b = &trace_bufs[cpu];
			const struct ftrace_entry *e;

			if (pos[cpu] >= end[cpu])
				continue;
			e = &b->ents[pos[cpu] % b->size];
			if (!best || e->ts < best->ts) {
				best = e;
				best_cpu = cpu;
			}
		}
		if (!best)
			break;
		pos[best_cpu]++;
		if (skip) {
			skip--;
			continue;
		}
		trace_print_entry(best);
	}
}
