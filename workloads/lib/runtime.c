#include "runtime.h"

#include <stdarg.h>

#define PL011_BASE	0x09000000UL
#define PL011_DR	0x000
#define PL011_FR	0x018
#define PL011_FR_TXFF	(1u << 5)

#define PSCI_0_2_FN_SYSTEM_OFF	0x84000008UL

static inline uint32_t mmio_read32(unsigned long addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(unsigned long addr, uint32_t val)
{
	*(volatile uint32_t *)addr = val;
}

void uart_putc(char c)
{
	while (mmio_read32(PL011_BASE + PL011_FR) & PL011_FR_TXFF)
		;
	mmio_write32(PL011_BASE + PL011_DR, (unsigned char)c);
}

void uart_puts(const char *s)
{
	while (*s)
		uart_putc(*s++);
}

void system_off(void)
{
	register unsigned long x0 asm("x0") = PSCI_0_2_FN_SYSTEM_OFF;
	asm volatile("hvc #0" : "+r"(x0) : : "memory");
	for (;;)
		asm volatile("wfi");
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	while (n--)
		*d++ = *s++;
	return dst;
}

static void put_padded(const char *digits, int len, int width, char pad, int negative)
{
	if (negative && pad == '0')
		uart_putc('-');
	for (int i = len + negative; i < width; i++)
		uart_putc(pad);
	if (negative && pad != '0')
		uart_putc('-');
	while (len--)
		uart_putc(digits[len]);
}

static void put_unsigned(unsigned long long v, unsigned base, int width, char pad, int negative)
{
	char buf[24];
	int len = 0;
	do {
		unsigned d = v % base;
		buf[len++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v);
	put_padded(buf, len, width, pad, negative);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			uart_putc(*fmt);
			continue;
		}
		fmt++;
		char pad = ' ';
		int width = 0, longs = 0;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		switch (*fmt) {
		case 'c':
			uart_putc((char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len = 0;
			while (s[len])
				len++;
			for (int i = len; i < width; i++)
				uart_putc(' ');
			uart_puts(s);
			break;
		}
		case 'd':
		case 'i': {
			long long v = longs ? va_arg(ap, long long) : va_arg(ap, int);
			unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
			put_unsigned(mag, 10, width, pad, v < 0);
			break;
		}
		case 'u':
			put_unsigned(longs ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned), 10,
				     width, pad, 0);
			break;
		case 'x':
			put_unsigned(longs ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned), 16,
				     width, pad, 0);
			break;
		case 'p':
			uart_puts("0x");
			put_unsigned((unsigned long)va_arg(ap, void *), 16, 16, '0', 0);
			break;
		case '%':
			uart_putc('%');
			break;
		default:
			uart_putc('%');
			uart_putc(*fmt);
			break;
		}
	}
	va_end(ap);
	return 0;
}
