/* conf: kernel command line and /etc/vfiobox.conf. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/conf.h"
#include "base/sysfs.h"
#include "base/util.h"

/* Next parameter of a command line: [start, end) of the whole word, with the
 * kernel's rule that spaces inside double quotes do not split. */
static const char *next_param(const char *s, const char **end)
{
	int q = 0;

	while (*s && isspace((unsigned char)*s))
		s++;
	if (!*s)
		return NULL;
	*end = s;
	while (**end && (q || !isspace((unsigned char)**end))) {
		if (**end == '"')
			q = !q;
		(*end)++;
	}
	return s;
}

static int append(char *val, size_t n, const char *v, size_t len)
{
	size_t cur = strlen(val);

	if (cur && len) {
		if (cur + 1 >= n)
			return -EOVERFLOW;
		val[cur++] = ',';
	}
	if (cur + len >= n)
		return -EOVERFLOW;
	memcpy(val + cur, v, len);
	val[cur + len] = 0;
	return 0;
}

int vb_cmdline_get(const char *cmdline, const char *key, char *val, size_t n)
{
	const char *s = cmdline, *e;
	size_t kl = strlen(key);
	int found = 0;

	val[0] = 0;
	while ((s = next_param(s, &e))) {
		if ((size_t)(e - s) > kl && !strncmp(s, key, kl) && s[kl] == '=') {
			const char *v = s + kl + 1;
			size_t len = (size_t)(e - v);
			if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
				v++;
				len -= 2;
			}
			if (append(val, n, v, len) < 0)
				return -EOVERFLOW;
			found = 1;
		}
		s = e;
	}
	return found;
}

int vb_cmdline_has(const char *cmdline, const char *word)
{
	const char *s = cmdline, *e;
	size_t wl = strlen(word);

	while ((s = next_param(s, &e))) {
		if ((size_t)(e - s) >= wl && !strncmp(s, word, wl) &&
		    ((size_t)(e - s) == wl || s[wl] == '='))
			return 1;
		s = e;
	}
	return 0;
}

int vb_cmdline_read(char *buf, size_t n)
{
	char p[VB_PATH_MAX];
	int r = vb_sysfs_path(p, sizeof(p), "/proc/cmdline");

	if (r < 0)
		return r;
	return vb_sysfs_read(p, buf, n);
}

int vb_conf_from_cmdline(const char *cmdline, struct vb_conf *c)
{
	int any = 0, r;

	if ((r = vb_cmdline_get(cmdline, "vfiobox.ids", c->ids, sizeof(c->ids))) < 0)
		return r;
	any |= r;
	if ((r = vb_cmdline_get(cmdline, "vfiobox.claim", c->claim, sizeof(c->claim))) < 0)
		return r;
	any |= r;
	if ((r = vb_cmdline_get(cmdline, "vfiobox.hda", c->hda, sizeof(c->hda))) < 0)
		return r;
	/* hda alone selects nothing */
	if (any)
		c->source = "the kernel command line";
	return any;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

int vb_conf_from_file(const char *path, struct vb_conf *c, int *errline)
{
	FILE *f = fopen(path, "re");
	char line[2048];
	int lineno = 0, any = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *s, *eq, *k, *v;
		size_t vl;

		lineno++;
		if (!strchr(line, '\n') && !feof(f))
			goto bad;		/* line too long */
		s = trim(line);
		if (!*s || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (!eq)
			goto bad;
		*eq = 0;
		k = trim(s);
		v = trim(eq + 1);
		vl = strlen(v);
		if (vl && (v[0] == '"' || v[0] == '\'')) {
			if (vl < 2 || v[vl - 1] != v[0])
				goto bad;
			v[vl - 1] = 0;
			v++;
			vl -= 2;
		}
		if (!strcmp(k, "ids")) {
			if (append(c->ids, sizeof(c->ids), v, vl) < 0)
				goto bad;
			any = 1;
		} else if (!strcmp(k, "claim")) {
			if (append(c->claim, sizeof(c->claim), v, vl) < 0)
				goto bad;
			any = 1;
		} else if (!strcmp(k, "hda")) {
			if (vb_strlcpy(c->hda, v, sizeof(c->hda)) < 0)
				goto bad;
		} else {
			goto bad;
		}
	}
	fclose(f);
	if (any)
		c->source = "/etc/vfiobox.conf";
	return any;
bad:
	fclose(f);
	if (errline)
		*errline = lineno;
	return -EINVAL;
}

int vb_conf_load(struct vb_conf *c, int *errline)
{
	char cmdline[4096], p[VB_PATH_MAX], hda[sizeof(c->hda)] = "";
	int r;

	memset(c, 0, sizeof(*c));
	if (vb_cmdline_read(cmdline, sizeof(cmdline)) >= 0) {
		r = vb_conf_from_cmdline(cmdline, c);
		if (r > 0)
			return 1;
		if (r < 0)
			return r;
		/* vfiobox.hda= alone still overrides the file's hda= */
		vb_strlcpy(hda, c->hda, sizeof(hda));
	}
	memset(c, 0, sizeof(*c));
	if ((r = vb_sysfs_path(p, sizeof(p), "/etc/vfiobox.conf")) < 0)
		return r;
	r = vb_conf_from_file(p, c, errline);
	if (r == -ENOENT)
		r = 0;
	if (r >= 0 && hda[0])
		vb_strlcpy(c->hda, hda, sizeof(c->hda));
	return r;
}
