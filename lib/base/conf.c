/* conf: kernel command line and /etc/vfiobox.conf. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/blob.h"
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

int vb_cmdline_read(char **text, unsigned *type)
{
	char p[VB_PATH_MAX];
	mode_t t = 0;
	int r = vb_sysfs_path(p, sizeof(p), "/proc/cmdline");

	*text = NULL;
	if (type)
		*type = 0;
	if (r < 0)
		return r;
	r = vb_blob_read_regular(p, VB_CONF_MAX, text, &t);
	if (type)
		*type = t;
	if (r == 0)
		vb_chomp(*text);
	return r;
}

void vb_conf_free(struct vb_conf *c)
{
	free(c->ids);
	free(c->claim);
	free(c->hda);
	c->ids = c->claim = c->hda = NULL;
}

/* Add v[0..len) to the list *list (',' between), or replace it. */
static void put(char **list, const char *v, size_t len, int replace)
{
	size_t cur = *list && !replace ? strlen(*list) : 0;

	if (replace) {
		free(*list);
		*list = NULL;
	}
	*list = vb_xrealloc(*list, cur + 1 + len + 1);
	if (cur && len)
		(*list)[cur++] = ',';
	memcpy(*list + cur, v, len);
	(*list)[cur + len] = 0;
}

/* Every key=VALUE of a command line into *val (joined, or the last one). */
static int cmdline_all(const char *cmdline, const char *key, char **val, int last)
{
	const char *s = cmdline, *e;
	size_t kl = strlen(key);
	int found = 0;

	while ((s = next_param(s, &e))) {
		if ((size_t)(e - s) > kl && !strncmp(s, key, kl) && s[kl] == '=') {
			const char *v = s + kl + 1;
			size_t len = (size_t)(e - v);
			if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
				v++;
				len -= 2;
			}
			put(val, v, len, last);
			found = 1;
		}
		s = e;
	}
	return found;
}

int vb_cmdline_get(const char *cmdline, const char *key, char *val, size_t n)
{
	char *all = NULL;
	int found = cmdline_all(cmdline, key, &all, 0);

	val[0] = 0;
	if (found && vb_strlcpy(val, all, n) < 0) {
		val[0] = 0;
		found = -EOVERFLOW;
	}
	free(all);
	return found;
}

char *vb_cmdline_dup(const char *cmdline, const char *key)
{
	char *all = NULL;

	if (cmdline_all(cmdline, key, &all, 0) <= 0) {
		free(all);
		return NULL;
	}
	return all;
}

int vb_conf_from_cmdline(const char *cmdline, struct vb_conf *c)
{
	int any = 0;

	any |= cmdline_all(cmdline, "vfiobox.ids", &c->ids, 0);
	any |= cmdline_all(cmdline, "vfiobox.claim", &c->claim, 0);
	if (cmdline_all(cmdline, "vfiobox.hda", &c->hda, 1))
		c->hda_source = "the kernel command line";
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
	char *text, *line, *next;
	int lineno = 0, any = 0, r;

	r = vb_blob_read_regular(path, VB_CONF_MAX, &text, NULL);
	if (r == -EILSEQ) {
		/* a NUL byte: name its line */
		unsigned char *b;
		size_t n, i;
		if (vb_blob_read(path, VB_CONF_MAX, &b, &n) == 0) {
			for (i = 0, lineno = 1; i < n && b[i]; i++)
				lineno += b[i] == '\n';
			free(b);
		}
		goto bad;
	}
	if (r < 0)
		return r;
	for (line = text; line && *line; line = next) {
		char *s, *eq, *k, *v;
		size_t vl;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		s = trim(line);
		if (!*s || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (!eq)
			goto bad_free;
		*eq = 0;
		k = trim(s);
		v = trim(eq + 1);
		vl = strlen(v);
		if (vl && (v[0] == '"' || v[0] == '\'')) {
			if (vl < 2 || v[vl - 1] != v[0])
				goto bad_free;
			v[vl - 1] = 0;
			v++;
			vl -= 2;
		}
		if (!strcmp(k, "ids")) {
			put(&c->ids, v, vl, 0);
			any = 1;
		} else if (!strcmp(k, "claim")) {
			put(&c->claim, v, vl, 0);
			any = 1;
		} else if (!strcmp(k, "hda")) {
			put(&c->hda, v, vl, 1);
			c->hda_source = "/etc/vfiobox.conf";
		} else {
			goto bad_free;
		}
	}
	free(text);
	if (any)
		c->source = "/etc/vfiobox.conf";
	return any;
bad_free:
	free(text);
bad:
	if (errline)
		*errline = lineno;
	return -EINVAL;
}

int vb_conf_load(struct vb_conf *c, int *errline)
{
	char *cmdline = NULL, *hda = NULL, p[VB_PATH_MAX];
	unsigned type = 0;
	int r;

	memset(c, 0, sizeof(*c));
	r = vb_cmdline_read(&cmdline, &type);
	if (r < 0 && r != -ENOENT) {
		c->bad_file = "/proc/cmdline";
		c->bad_type = type;
		return r;
	}
	if (cmdline) {
		r = vb_conf_from_cmdline(cmdline, c);
		free(cmdline);
		if (r > 0)
			return 1;
		/* vfiobox.hda= alone still overrides the file's hda= */
		hda = c->hda;
		c->hda = NULL;
		vb_conf_free(c);
		memset(c, 0, sizeof(*c));
	}
	if ((r = vb_sysfs_path(p, sizeof(p), "/etc/vfiobox.conf")) < 0) {
		free(hda);
		return r;
	}
	r = vb_conf_from_file(p, c, errline);
	if (r == -ENOENT)
		r = 0;
	if (r < 0 && r != -EINVAL) {
		struct stat st;
		c->bad_file = "/etc/vfiobox.conf";
		if (r == -VB_ENOTREG && stat(p, &st) == 0)
			c->bad_type = st.st_mode & S_IFMT;
	}
	if (hda) {
		free(c->hda);
		c->hda = hda;
		c->hda_source = "the kernel command line";
	}
	return r;
}
