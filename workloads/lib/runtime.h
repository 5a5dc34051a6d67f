/* Minimal freestanding runtime for the bundled workloads: PL011 console and PSCI power-off. */
#ifndef CMODX_WORKLOAD_RUNTIME_H
#define CMODX_WORKLOAD_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

void uart_putc(char c);
void uart_puts(const char *s);
/* printf subset: %c %s %d %i %u %x %p %% with l/ll, width and 0-padding. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void system_off(void) __attribute__((noreturn));

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

#endif
