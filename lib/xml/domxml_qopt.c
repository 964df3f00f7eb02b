/* domxml_qopt: the values of QEMU options as a domain XML writes them
 * (see domxml_qopt.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "xml/domxml_qopt.h"

/* One item of a key=value list is compared on its first ITEM_MAX - 1 bytes. */
#define ITEM_MAX 640

/* Copy a JSON string at *sp (after the opening quote) into out; advance past
 * the closing quote. 0 or -1. */
static int json_str(const char **sp, char *out, size_t n)
{
	const char *s = *sp;
	size_t o = 0;

	while (*s && *s != '"') {
		char ch = *s++;

		if (ch == '\\') {
			ch = *s++;
			switch (ch) {
			case 'n': ch = '\n'; break;
			case 't': ch = '\t'; break;
			case 'r': ch = '\r'; break;
			case 'b': ch = '\b'; break;
			case 'f': ch = '\f'; break;
			case 'u':
				/* Only what a path or id would use: keep the
				 * escape undecoded, so it compares unequal. */
				ch = '?';
				if (strlen(s) < 4)
					return -1;
				s += 4;
				break;
			case '"': case '\\': case '/':
				break;
			default:
				return -1;
			}
		}
		if (o + 1 < n)
			out[o++] = ch;
	}
	if (*s != '"')
		return -1;
	out[o] = 0;
	*sp = s + 1;
	return 0;
}

static const char *jws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

/* The value of key in a flat JSON object: strings unquoted, other scalars
 * as written. 1 found, 0 not (or not JSON). */
static int json_get(const char *s, const char *key, char *out, size_t n)
{
	char k[64];

	s = jws(s);
	if (*s++ != '{')
		return 0;
	for (;;) {
		int match;

		s = jws(s);
		if (*s == '}')
			return 0;
		if (*s++ != '"' || json_str(&s, k, sizeof(k)) < 0)
			return 0;
		match = !strcmp(k, key);
		s = jws(s);
		if (*s++ != ':')
			return 0;
		s = jws(s);
		if (*s == '"') {
			s++;
			if (json_str(&s, out, n) < 0)
				return 0;
			if (match)
				return 1;
		} else if (*s == '{' || *s == '[') {
			int depth = 0;

			do {
				if (*s == '"') {
					s++;
					if (json_str(&s, k, sizeof(k)) < 0)
						return 0;
					continue;
				}
				if (*s == '{' || *s == '[')
					depth++;
				else if (*s == '}' || *s == ']')
					depth--;
				else if (!*s)
					return 0;
				s++;
			} while (depth);
			if (match)
				return 0;
		} else {
			size_t o = 0;

			while (*s && *s != ',' && *s != '}' && *s != ' ' && *s != '\n' && *s != '\t' && *s != '\r') {
				if (o + 1 < n)
					out[o++] = *s;
				s++;
			}
			out[o] = 0;
			if (match)
				return 1;
		}
		s = jws(s);
		if (*s == ',')
			s++;
		else if (*s != '}')
			return 0;
	}
}

/* The value of key in a QEMU option list "a,k=v,k2=v,,with comma" (the
 * first item without '=' is implied's value). 1 found, 0 not. */
int dx_kv_get(const char *s, const char *implied, const char *key, char *out, size_t n)
{
	int first = 1;

	while (*s) {
		char item[ITEM_MAX];
		size_t o = 0;
		char *eq;

		while (*s) {
			if (*s == ',') {
				if (s[1] != ',')
					break;
				s++;
			}
			if (o + 1 < sizeof(item))
				item[o++] = *s;
			s++;
		}
		item[o] = 0;
		if (*s == ',')
			s++;
		eq = strchr(item, '=');
		if (!eq) {
			if (first && implied && !strcmp(implied, key)) {
				vb_strlcpy(out, item, n);
				return 1;
			}
		} else {
			*eq = 0;
			if (!strcmp(item, key)) {
				vb_strlcpy(out, eq + 1, n);
				return 1;
			}
		}
		first = 0;
	}
	return 0;
}

/* JSON if it looks like JSON, else key=value. */
int dx_opt_get(const char *s, const char *implied, const char *key, char *out, size_t n)
{
	if (*jws(s) == '{')
		return json_get(s, key, out, n);
	return dx_kv_get(s, implied, key, out, n);
}

/* A QEMU size ("67108864", "64M", "64MiB"... in key=value lists). */
int dx_qsize(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 0: break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	case 'T': shift = 40; end++; break;
	case 'b': case 'B': end++; break;
	default: return -1;
	}
	if (*end == 'i' && end[1] == 'B')
		end += 2;
	else if (*end == 'B' && shift)
		end++;
	if (*end || (shift && v > (~0ULL >> shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

/* A libvirt scaled integer (<size unit='M'>64</size>) in bytes. */
int dx_scaled(const char *num, const char *unit, uint64_t *out)
{
	static const struct { const char *u; uint64_t m; } tab[] = {
		{ "", 1 }, { "b", 1 }, { "bytes", 1 },
		{ "KB", 1000ULL }, { "k", 1024ULL }, { "K", 1024ULL }, { "KiB", 1024ULL },
		{ "MB", 1000000ULL }, { "m", 1ULL << 20 }, { "M", 1ULL << 20 }, { "MiB", 1ULL << 20 },
		{ "GB", 1000000000ULL }, { "g", 1ULL << 30 }, { "G", 1ULL << 30 }, { "GiB", 1ULL << 30 },
		{ "TB", 1000000000000ULL }, { "t", 1ULL << 40 }, { "T", 1ULL << 40 }, { "TiB", 1ULL << 40 },
	};
	unsigned long long v;
	char *end;
	size_t i;

	while (*num == ' ' || *num == '\t' || *num == '\n' || *num == '\r')
		num++;
	if (*num < '0' || *num > '9')
		return -1;
	errno = 0;
	v = strtoull(num, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
		end++;
	if (errno || *end)
		return -1;
	for (i = 0; i < VB_ARRAY_SIZE(tab); i++)
		if (!strcmp(unit, tab[i].u)) {
			if (v > ~0ULL / tab[i].m)
				return -1;
			*out = v * tab[i].m;
			return 0;
		}
	return -1;
}
