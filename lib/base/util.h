/* util: allocation wrappers that die on ENOMEM, and small string helpers. */
#ifndef VB_UTIL_H
#define VB_UTIL_H

#include <stddef.h>

#define VB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *vb_xmalloc(size_t n);
void *vb_xcalloc(size_t n, size_t size);
void *vb_xrealloc(void *p, size_t n);
char *vb_xstrdup(const char *s);

/* Copy with truncation; returns -ENAMETOOLONG if src did not fit (dst is still
 * terminated). */
int vb_strlcpy(char *dst, const char *src, size_t n);
/* snprintf that returns 0 or -ENAMETOOLONG. */
int vb_fmt(char *dst, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Strip trailing whitespace (newlines) in place; returns the new length. */
size_t vb_chomp(char *s);
/* Parse an unsigned number (base 0 or 16 per `base`) that must fill the whole
 * string; -EINVAL on junk, -ERANGE past max. */
int vb_parse_ulong(const char *s, int base, unsigned long max, unsigned long *out);
/* Seconds as every --timeout takes them: "10", "0.5" (at most three
 * decimals), more than 0, at most a day (86400); into milliseconds. 0 or
 * -EINVAL. */
int vb_parse_seconds(const char *s, long *ms);
/* Append formatted text to the string in buf (n bytes), cut to fit. */
void vb_appendf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* v[0..n) joined by single spaces into buf (len bytes), ending at the last
 * word that fits whole. */
void vb_join_words(char *const *v, size_t n, char *buf, size_t len);
/* The value of hex digit c, -1 if it is none. */
int vb_hexval(int c);
/* Exactly n hex digits at s (no sign, no prefix) into *v; -EINVAL at anything
 * else, the end of the string included. */
int vb_hexn(const char *s, int n, unsigned long *v);
/* Milliseconds from CLOCK_MONOTONIC. */
long long vb_now_ms(void);
/* Microseconds from CLOCK_MONOTONIC. */
long long vb_now_us(void);
/* Sleep for ms milliseconds (restarted on EINTR). */
void vb_sleep_ms(long ms);

#endif
