/* util: allocation wrappers and small string helpers. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"

static void oom(size_t n)
{
	static const char m[] = "vfiobox: out of memory\n";
	(void)n;
	if (write(2, m, sizeof(m) - 1) < 0) {
		/* nothing left to report with */
	}
	_exit(1);
}

void *vb_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *vb_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *vb_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

char *vb_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(vb_xmalloc(n), s, n);
}

int vb_strlcpy(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);

	if (!n)
		return -ENAMETOOLONG;
	if (len >= n) {
		memcpy(dst, src, n - 1);
		dst[n - 1] = 0;
		return -ENAMETOOLONG;
	}
	memcpy(dst, src, len + 1);
	return 0;
}

int vb_fmt(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(dst, n, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= n)
		return -ENAMETOOLONG;
	return 0;
}

size_t vb_chomp(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return n;
}

int vb_parse_ulong(const char *s, int base, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || isspace((unsigned char)*s) || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, base);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int vb_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int vb_hexn(const char *s, int n, unsigned long *v)
{
	unsigned long x = 0;
	int i, h;

	for (i = 0; i < n; i++) {
		if ((h = vb_hexval((unsigned char)s[i])) < 0)
			return -EINVAL;
		x = x << 4 | (unsigned)h;
	}
	*v = x;
	return 0;
}

long long vb_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long vb_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void vb_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int vb_parse_seconds(const char *s, long *ms)
{
	char ip[16];
	const char *dot = strchr(s, '.');
	size_t il = dot ? (size_t)(dot - s) : strlen(s);
	unsigned long sec, frac = 0;
	size_t fl = 0;

	if (!il || il >= sizeof(ip))
		return -EINVAL;
	memcpy(ip, s, il);
	ip[il] = 0;
	if (vb_parse_ulong(ip, 10, 86400, &sec) < 0)
		return -EINVAL;
	if (dot) {
		fl = strlen(dot + 1);
		if (!fl || fl > 3 || vb_parse_ulong(dot + 1, 10, 999, &frac) < 0)
			return -EINVAL;
		while (fl++ < 3)
			frac *= 10;
	}
	*ms = (long)(sec * 1000 + frac);
	return *ms > 0 ? 0 : -EINVAL;
}

void vb_appendf(char *buf, size_t n, const char *fmt, ...)
{
	size_t l = strlen(buf);
	va_list ap;

	if (l + 1 >= n)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + l, n - l, fmt, ap);
	va_end(ap);
}

void vb_join_words(char *const *v, size_t n, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = 0;
	for (i = 0; i < n; i++) {
		int w = snprintf(buf + used, len - used, "%s%s", i ? " " : "", v[i]);

		if (w < 0 || (size_t)w >= len - used) {
			buf[used] = 0;
			break;
		}
		used += (size_t)w;
	}
}
