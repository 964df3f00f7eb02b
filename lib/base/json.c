/* json: string escaping per RFC 8259. */
#include <stdio.h>

#include "base/json.h"

/* Length of the valid UTF-8 sequence at s (2 to 4 bytes), 0 if there is none:
 * sysfs values are bytes, and JSON text must be UTF-8. */
static int utf8_len(const unsigned char *s)
{
	int n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* overlong 3- and 4-byte forms, surrogates, beyond U+10FFFF */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

void vb_json_str(FILE *f, const char *s, int null_if_empty)
{
	if (!s || (null_if_empty && !*s)) {
		fputs("null", f);
		return;
	}
	putc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int n;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else if (c < 0x80)
			putc(c, f);
		else if ((n = utf8_len((const unsigned char *)s)) > 0) {
			fwrite(s, 1, (size_t)n, f);
			s += n - 1;
		} else {
			fprintf(f, "\\u%04x", c);	/* not UTF-8: the byte as U+0080..U+00FF */
		}
	}
	putc('"', f);
}
