/*
 * start_kernel: the boot CPU sets everything up with IRQs off, brings the other CPUs up, then
 * becomes CPU 0's idle task while the init kthread runs what the boot arguments ask for:
 *   selftest=1              in-kernel self-tests (TAP)
 *   scenario=ftrace-race    the ftrace patching race (kernel/scenarios/ftrace_race.c)
 *   (nothing)               a short boot report
 * and powers the machine off.
 */
#include <asm/barrier.h>
#include <asm/irq.h>
#include <asm/memory.h>
#include <linux/ftrace.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/selftest.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/stop_machine.h>
#include <linux/workqueue.h>

const char *boot_command_line = "";
static char command_line[4096];

void cpufeature_init(void);
void smp_init(void);
void smp_ipi_init(void);

/* The value of key=value in the boot arguments, as a pointer into a private copy. */
const char *get_bootarg(const char *key)
{
	size_t klen = strlen(key);
	const char *p = command_line;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, key, klen) && p[klen] == '=')
			return p + klen + 1;
		while (*p && *p != ' ')
			p++;
	}
	return NULL;
}

long bootarg_long(const char *key, long def)
{
	const char *v = get_bootarg(key);
	const char *end;
	long n;

	if (!v)
		return def;
	n = simple_strtol(v, &end, 0);
	if (end == v || (*end && *end != ' '))
		panic("boot argument %s=%s is not a number", key, bootarg_str(key, ""));
	return n;
}

const char *bootarg_str(const char *key, const char *def)
{
	static char values[8][64];
	static int next;
	const char *v = get_bootarg(key);
	char *out;
	size_t n = 0;

	if (!v)
		return def;
	out = values[next++ % 8];
	while (v[n] && v[n] != ' ' && n < sizeof(values[0]) - 1) {
		out[n] = v[n];
		n++;
	}
	out[n] = 0;
	return out;
}

/* The words end at a NUL within the first 4 KiB; anything unprintable ends them too. */
static void parse_boot_args(void)
{
	const char *src = (const char *)BOOTARGS_BASE;
	size_t n = 0;

	while (n < sizeof(command_line) - 1 && src[n] >= 0x20 && src[n] < 0x7f) {
		command_line[n] = src[n];
		n++;
	}
	command_line[n] = 0;
	boot_command_line = command_line;
}

void secondary_cpu_init(int cpu)
{
	write_sysreg(read_sysreg(pmcr_el0) | 1, pmcr_el0);	/* cycle counter on */
	write_sysreg(1UL << 31, pmcntenset_el0);
	gic_cpu_init(cpu);
	arch_timer_start();
}

static int kernel_init(void *unused)
{
	const char *scenario = bootarg_str("scenario", NULL);

	workqueue_init();
	stop_machine_init();
	if (bootarg_long("selftest", 0)) {
		run_selftests();
	} else if (scenario && !strcmp(scenario, "ftrace-race")) {
		ftrace_race_main();
	} else if (scenario) {
		panic("unknown scenario=%s (known: ftrace-race)", scenario);
	} else {
		printk("cmodx-kernel: %d CPUs, HZ=%u, %d traced functions, ftrace strategy %s\n",
		       nr_cpu_ids, HZ, ftrace_nr_sites, ftrace_strategy_name(ftrace_strategy));
		printk("cmodx-kernel: boot with scenario=ftrace-race or selftest=1\n");
	}
	machine_power_off();
}

void start_kernel(void)
{
	parse_boot_args();
	write_sysreg(read_sysreg(pmcr_el0) | 1, pmcr_el0);
	write_sysreg(1UL << 31, pmcntenset_el0);
	kmem_init();
	sched_init();
	cpufeature_init();
	smp_ipi_init();
	printk("Booting cmodx-kernel on CPU 0: %s\n", boot_command_line);
	rcu_init();
	gic_init();
	gic_cpu_init(0);
	arch_timer_init();
	ftrace_init();			/* one CPU, IRQs off: boot-time prologue writes are safe */
	smp_init();
	printk("smp: %d CPUs online, HZ=%u, %s atomics\n", nr_cpu_ids, HZ,
	       system_uses_lse_atomics ? "LSE" : "exclusive");
	arch_timer_start();
	kthread_run_on_cpu(kernel_init, NULL, 0, PRIO_NORMAL, "init");
	cpu_startup_entry();
}
