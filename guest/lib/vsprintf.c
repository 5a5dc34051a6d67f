/*
 * Formatted output: %c %s %d %i %u %x %X %p %% with the h/l/ll/z length modifiers, flags '-'
 * and '0', a width and a precision (also as '*'), and %pS: symbol+offset/size via kallsyms.
 */
#include <linux/kernel.h>

struct outbuf {
	char *buf;
	size_t size, len;
};

static void put(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_padded(struct outbuf *o, const char *s, size_t n, int width, bool left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	if (!left)
		while (fill-- > 0)
			put(o, pad);
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
	if (left)
		while (fill-- > 0)
			put(o, ' ');
}

static size_t format_number(char *tmp, unsigned long long v, int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char rev[24];
	size_t n = 0, i = 0;

	do {
		rev[n++] = digits[v % base];
		v /= base;
	} while (v);
	while (n)
		tmp[i++] = rev[--n];
	return i;
}

static void put_symbol(struct outbuf *o, unsigned long addr, int width, bool left)
{
	unsigned long off;
	const char *name = kallsyms_lookup(addr, &off);
	char tmp[128];
	int n;

	if (name)
		n = snprintf(tmp, sizeof(tmp), off ? "%s+0x%lx" : "%s", name, off);
	else
		n = snprintf(tmp, sizeof(tmp), "0x%lx", addr);
	put_padded(o, tmp, (size_t)min(n, (int)sizeof(tmp) - 1), width, left, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		bool left = false;
		char pad = ' ';
		int width = 0, precision = -1, lng = 0;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			precision = 0;
			if (*fmt == '*') {
				precision = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					precision = precision * 10 + (*fmt++ - '0');
			}
		}
		while (*fmt == 'l' || *fmt == 'h' || *fmt == 'z') {
			if (*fmt == 'l' || *fmt == 'z')
				lng++;
			fmt++;
		}

		char tmp[32];
		unsigned long long v;
		bool neg = false;
		size_t n;

		switch (*fmt) {
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			put_padded(&o, tmp, 1, width, left, ' ');
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (!s)
				s = "(null)";
			n = strlen(s);
			if (precision >= 0 && (size_t)precision < n)
				n = (size_t)precision;
			put_padded(&o, s, n, width, left, ' ');
			break;
		}
		case 'd':
		case 'i': {
			long long sv = lng >= 2 ? va_arg(ap, long long) : lng ? va_arg(ap, long) : va_arg(ap, int);

			neg = sv < 0;
			v = neg ? -(unsigned long long)sv : (unsigned long long)sv;
			tmp[0] = '-';
			n = format_number(tmp + neg, v, 10, false) + neg;
			put_padded(&o, tmp, n, width, left, left ? ' ' : pad);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
			v = lng >= 2 ? va_arg(ap, unsigned long long) : lng ? va_arg(ap, unsigned long)
								     : va_arg(ap, unsigned int);
			n = format_number(tmp, v, *fmt == 'u' ? 10 : 16, *fmt == 'X');
			put_padded(&o, tmp, n, width, left, left ? ' ' : pad);
			break;
		case 'p':
			if (fmt[1] == 'S' || fmt[1] == 's') {
				fmt++;
				put_symbol(&o, (unsigned long)va_arg(ap, void *), width, left);
				break;
			}
			tmp[0] = '0';
			tmp[1] = 'x';
			n = format_number(tmp + 2, (unsigned long)va_arg(ap, void *), 16, false) + 2;
			put_padded(&o, tmp, n, width, left, ' ');
			break;
		case '%':
			put(&o, '%');
			break;
		case 0:
			fmt--;
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (!size)
		return 0;
	return n < (int)size ? n : (int)size - 1;
}
