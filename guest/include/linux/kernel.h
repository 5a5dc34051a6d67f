/* printk, panic and the small helpers every file uses. */
#ifndef _LINUX_KERNEL_H
#define _LINUX_KERNEL_H

#include <stdarg.h>
#include <linux/compiler.h>
#include <linux/types.h>

#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))

/* lib/vsprintf.c: %c %s %d %i %u %x %lx %llx %p %pS (symbol+offset), width, '-' and '0'. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int scnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* kernel/printk.c: whole lines to the PL011 under console_lock (IRQs off while printing). */
int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);
#define pr_info(fmt, ...)	printk(fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)	printk(fmt, ##__VA_ARGS__)
void console_write(const char *s, size_t n);	/* raw bytes, caller holds nothing */

/* kernel/panic.c: reason, registers of the caller, backtrace, then power off with failure. */
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;
struct pt_regs;
void __die(const char *reason, struct pt_regs *regs) __noreturn;
void dump_backtrace(unsigned long fp, unsigned long pc);
#define BUG() panic("kernel BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(c) do { if (unlikely(c)) panic("kernel BUG at %s:%d: %s", __FILE__, __LINE__, #c); } while (0)
#define WARN_ON(c) ({ bool __w = !!(c); if (unlikely(__w)) printk("WARNING: %s:%d: %s\n", __FILE__, __LINE__, #c); __w; })

/* arch/arm64/kernel/psci.c */
void machine_power_off(void) __noreturn;		/* PSCI SYSTEM_OFF: exit status 0 */
void machine_fail(int status) __noreturn;		/* semihosting exit with status (panic) */

/* lib/string.c */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strncpy(char *dst, const char *src, size_t n);
long simple_strtol(const char *s, const char **end, int base);

/* lib/random.c: xorshift64*, seeded from the boot argument seed= (deterministic). */
u64 prandom_u64(u64 *state);
u32 prandom_below(u64 *state, u32 n);		/* uniform-ish in [0, n) */

/* lib/sort.c: sort u64 values ascending (for medians). */
void sort_u64(u64 *v, size_t n);
u64 median_u64(u64 *v, size_t n);		/* sorts v; 0 when n == 0 */

/* kernel/kallsyms.c: the function containing addr, from the symbol table built at link time. */
const char *kallsyms_lookup(unsigned long addr, unsigned long *offset);
bool kernel_text_address(unsigned long addr);

/* init/main.c: the boot arguments at 0x44000000 (key=value words). */
const char *get_bootarg(const char *key);			/* value or NULL */
long bootarg_long(const char *key, long def);
const char *bootarg_str(const char *key, const char *def);
extern const char *boot_command_line;

#endif
