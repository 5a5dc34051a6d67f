/* PSCI through HVC (QEMU's firmware conduit without EL2/EL3), and semihosting exit. */
#include <asm/barrier.h>
#include <linux/kernel.h>

#define PSCI_0_2_FN_SYSTEM_OFF		0x84000008UL
#define PSCI_0_2_FN64_CPU_ON		0xc4000003UL

static long psci_call(u64 fn, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 asm("x0") = fn, x1 asm("x1") = a1, x2 asm("x2") = a2, x3 asm("x3") = a3;

	asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : :
		     "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
		     "x15", "x16", "x17", "memory");
	return (long)x0;
}

/* 0 on success; -2 (INVALID_PARAMETERS) when there is no such CPU. */
long psci_cpu_on(int cpu, unsigned long entry, unsigned long context)
{
	return psci_call(PSCI_0_2_FN64_CPU_ON, cpu, entry, context);
}

void machine_power_off(void)
{
	psci_call(PSCI_0_2_FN_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		wfi();
}

/* Semihosting SYS_EXIT with ADP_Stopped_ApplicationExit and the status: a failure code. */
void machine_fail(int status)
{
	static u64 block[2];

	block[0] = 0x20026;
	block[1] = status;
	register u64 x0 asm("x0") = 0x18;
	register u64 x1 asm("x1") = (u64)block;
	asm volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
	machine_power_off();
}
