/* json: string escaping per RFC 8259. */
#include <stdio.h>

#include "json.h"

void vb_json_str(FILE *f, const char *s, int null_if_empty)
{
	if (!s || (null_if_empty && !*s)) {
		fputs("null", f);
		return;
	}
	putc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			putc(c, f);
	}
	putc('"', f);
}
