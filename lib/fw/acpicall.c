/* acpicall: /proc/acpi/call and _ROM reads. See acpicall.h. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw/acpicall.h"
#include "fw/rom.h"
#include "base/sysfs.h"
#include "base/util.h"

#define REPLY_MAX 65536		/* acpi_call keeps 256; builds with more exist */

int vb_acpicall_parse_buffer(const char *reply, unsigned char *out, size_t max, size_t *got,
			     int *cut)
{
	const char *p = reply;

	*got = 0;
	*cut = 0;
	if (!strncmp(reply, "Error:", 6))
		return -EREMOTEIO;
	if (!strcmp(reply, "not called"))
		return -ENOMSG;
	if (*p++ != '{')
		return -EPROTO;
	for (;;) {
		char *end;
		unsigned long v;

		while (*p == ' ')
			p++;
		if (*p == '}')
			return p[1] ? -EPROTO : 0;
		if (!*p) {			/* after a comma: cut short */
			*cut = 1;
			return *got ? 0 : -EPROTO;
		}
		if (p[0] != '0' || p[1] != 'x' || !isxdigit((unsigned char)p[2]))
			return -EPROTO;
		v = strtoul(p + 2, &end, 16);
		if (v > 0xff || end - p > 4)
			return -EPROTO;
		if (*got == max)
			return -EPROTO;
		out[(*got)++] = (unsigned char)v;
		p = end;
		if (*p == ',')
			p++;
		else if (*p != '}')
			return -EPROTO;
	}
}

static int failed(struct vb_acpicall_rom *r, size_t at, const char *reply, const char *why, int e)
{
	r->at = at;
	vb_strlcpy(r->reply, reply, sizeof(r->reply));
	r->why = why;
	return e;
}

int vb_acpicall_read_rom(const struct vb_act *act, const char *method, size_t max,
			 unsigned char **buf, size_t *n, struct vb_acpicall_rom *r)
{
	char path[VB_PATH_MAX], cmd[600], *reply;
	size_t have = 0, end = 0, cap = 0, chunk = VB_ACPICALL_CHUNK;
	unsigned char *out = NULL;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	*buf = NULL;
	*n = 0;
	if ((rc = vb_sysfs_path(path, sizeof(path), VB_ACPICALL_PATH)) < 0)
		return rc;
	if (!vb_sysfs_exists(path))
		return -ENOENT;
	if (strlen(method) > 400)
		return -ENAMETOOLONG;
	if (act->dry_run) {
		snprintf(cmd, sizeof(cmd), "%s 0x0 0x%x", method, VB_ACPICALL_CHUNK);
		vb_act_write(act, path, cmd);
		vb_act_note(act, "read the reply from %s; again at the offset after its bytes "
			    "until the image chain ends", VB_ACPICALL_PATH);
		return 0;
	}
	reply = vb_xmalloc(REPLY_MAX);
	for (;;) {
		size_t want = chunk, got;
		int cut;

		if (end && end - have < want)
			want = end - have;
		if (have + want > max) {
			rc = -EFBIG;
			break;
		}
		if (cap < have + want) {
			cap = have + want > 2 * cap ? have + want : 2 * cap;
			out = vb_xrealloc(out, cap);
		}
		snprintf(cmd, sizeof(cmd), "%s 0x%zx 0x%zx", method, have, want);
		if ((rc = vb_act_write(act, path, cmd)) < 0) {
			failed(r, have, "", "writing the call", rc);
			break;
		}
		r->calls++;
		if ((rc = vb_sysfs_read(path, reply, REPLY_MAX)) < 0) {
			failed(r, have, "", "reading the reply", rc);
			break;
		}
		rc = vb_acpicall_parse_buffer(reply, out + have, want, &got, &cut);
		if (rc == -EREMOTEIO) {
			failed(r, have, reply, "the call failed", rc);
			break;
		}
		if (rc == -ENOMSG) {
			failed(r, have, reply, "acpi_call made no call (it did not take the "
			       "method and its arguments)", rc);
			break;
		}
		if (rc < 0) {
			failed(r, have, reply, "not a buffer", rc);
			break;
		}
		if (!got) {
			rc = failed(r, have, reply, "_ROM returned no bytes", -ENODATA);
			break;
		}
		r->cut += cut;
		if (cut)
			chunk = got;	/* what the module's reply holds: ask no more */
		have += got;
		if (!end) {
			int c = vb_rom_chain_len(out, have, &end);

			if (c < 0)
				break;		/* broken: vb_rom_parse says how */
			if (c == 0)
				end = 0;
		}
		if (end && have >= end)
			break;
	}
	free(reply);
	if (end && have > end)
		have = end;		/* the last piece went past the chain */
	*buf = out;
	*n = have;
	return rc;
}
