/* The PL011 UART, transmit only: the console. */
#include <asm/barrier.h>
#include <asm/memory.h>
#include <linux/kernel.h>

#define UARTDR	0x00
#define UARTFR	0x18
#define UARTFR_TXFF (1U << 5)

void console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		while (readl(UART_BASE + UARTFR) & UARTFR_TXFF)
			;
		writel((u8)s[i], UART_BASE + UARTDR);
	}
}
