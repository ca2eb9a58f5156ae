/*
 * The kernel's only formatter (see print.h). No floating point, no %n; an
 * unknown conversion is printed as is, so a bad format cannot read past its
 * arguments' end more than a plain printf would.
 */
#include <cleave/print.h>

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

struct spec {
	bool alt; /* '#': prefix hexadecimal with 0x (also for zero, unlike C) */
	bool left;
	bool zero;
	unsigned width;
	int longs; /* 0: int, 1: long, 2: long long, 3: size_t */
};

static void pad(struct out *o, size_t have, const struct spec *sp, char c)
{
	for (; have < sp->width; have++)
		put(o, c);
}

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
	size_t n = 0;

	if (s == NULL)
		s = "(null)";
	while (s[n] != '\0')
		n++;
	if (!sp->left)
		pad(o, n, sp, ' ');
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, n, sp, ' ');
}

static void put_num(struct out *o, unsigned long long v, bool neg, unsigned base, bool upper,
		    const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	size_t n = 0;
	size_t len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v != 0);
	if (neg)
		tmp[n++] = '-';
	len = n;
	if (!sp->left)
		pad(o, len, sp, sp->zero && !neg ? '0' : ' ');
	while (n != 0)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, len, sp, ' ');
}

static const char *parse_spec(const char *f, struct spec *sp)
{
	*sp = (struct spec){0};
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '#')
			sp->alt = true;
		else if (*f == '0')
			sp->zero = true;
		else
			break;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (unsigned)(*f++ - '0');
	if (*f == 'z') {
		sp->longs = 3;
		f++;
	}
	while (*f == 'l' && sp->longs < 2) {
		sp->longs++;
		f++;
	}
	return f;
}

static unsigned long long arg_unsigned(va_list *ap, int longs)
{
	switch (longs) {
	case 1:
		return va_arg(*ap, unsigned long);
	case 2:
		return va_arg(*ap, unsigned long long);
	case 3:
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static long long arg_signed(va_list *ap, int longs)
{
	switch (longs) {
	case 1:
		return va_arg(*ap, long);
	case 2:
		return va_arg(*ap, long long);
	case 3:
		return (long long)va_arg(*ap, size_t);
	default:
		return va_arg(*ap, int);
	}
}

static void convert(struct out *o, char c, const struct spec *sp, va_list *ap)
{
	long long s;

	switch (c) {
	case 's':
		put_str(o, va_arg(*ap, const char *), sp);
		break;
	case 'c':
		put(o, (char)va_arg(*ap, int));
		break;
	case 'd':
	case 'i':
		s = arg_signed(ap, sp->longs);
		put_num(o, s < 0 ? 0ULL - (unsigned long long)s : (unsigned long long)s, s < 0, 10,
			false, sp);
		break;
	case 'u':
		put_num(o, arg_unsigned(ap, sp->longs), false, 10, false, sp);
		break;
	case 'x':
	case 'X':
		if (sp->alt) {
			put(o, '0');
			put(o, 'x');
		}
		put_num(o, arg_unsigned(ap, sp->longs), false, 16, c == 'X', sp);
		break;
	case 'p':
		put(o, '0');
		put(o, 'x');
		put_num(o, (uintptr_t)va_arg(*ap, void *), false, 16, false, sp);
		break;
	case '%':
		put(o, '%');
		break;
	default:
		put(o, '%');
		if (c != '\0')
			put(o, c);
		break;
	}
}

size_t kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {buf, size, 0};
	struct spec sp;
	va_list args;

	va_copy(args, ap);
	while (*fmt != '\0') {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp);
		convert(&o, *fmt, &sp, &args);
		if (*fmt != '\0')
			fmt++;
	}
	va_end(args);
	if (size != 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len;
}

size_t ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
