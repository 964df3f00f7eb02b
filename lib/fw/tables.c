/* tables: the host's ACPI tables and a definition lookup. See tables.h. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fw/tables.h"
#include "fw/acpi.h"
#include "fw/aml.h"
#include "base/blob.h"
#include "base/util.h"

static int cmp_table(const void *a, const void *b)
{
	const struct vb_fwtable *x = a, *y = b;
	int c;

	if (x->dynamic != y->dynamic)
		return x->dynamic - y->dynamic;
	if ((c = strcmp(x->sig, y->sig)))
		return c;
	if (x->inst != y->inst)
		return x->inst < y->inst ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int scan_dir(struct vb_fwtables *t, int dynamic)
{
	char dir[VB_PATH_MAX], **names;
	size_t n, i;
	int r;

	r = vb_sysfs_path(dir, sizeof(dir), VB_FWTABLES_DIR "%s", dynamic ? "/dynamic" : "");
	if (r < 0)
		return r;
	if ((r = vb_sysfs_list(dir, &names, &n)) < 0)
		return r;
	for (i = 0; i < n; i++) {
		struct vb_fwtable *e;
		struct stat st;
		char path[VB_PATH_MAX];
		const char *d;

		if (vb_fmt(path, sizeof(path), "%s/%s", dir, names[i]) < 0 ||
		    stat(path, &st) < 0 || !S_ISREG(st.st_mode) || strlen(names[i]) < 4)
			continue;
		t->v = vb_xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
		e = &t->v[t->n++];
		memset(e, 0, sizeof(*e));
		vb_strlcpy(e->path, path, sizeof(e->path));
		vb_fmt(e->name, sizeof(e->name), "%s%s", dynamic ? "dynamic/" : "", names[i]);
		e->dynamic = dynamic;
		memcpy(e->sig, names[i], 4);
		for (d = names[i] + 4; *d && isdigit((unsigned char)*d); d++)
			e->inst = e->inst * 10 + (unsigned)(*d - '0');
	}
	vb_sysfs_list_free(names, n);
	return 0;
}

int vb_fwtables_scan(struct vb_fwtables *t)
{
	int r;

	memset(t, 0, sizeof(*t));
	if ((r = scan_dir(t, 0)) < 0) {
		vb_fwtables_free(t);
		return r;
	}
	/* dynamic/ exists only once a table has been loaded at run time */
	if ((r = scan_dir(t, 1)) < 0 && r != -ENOENT)
		t->dyn_err = r;
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), cmp_table);
	return 0;
}

void vb_fwtables_free(struct vb_fwtables *t)
{
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

int vb_fwtables_path_norm(const char *path, char *out, size_t n)
{
	struct vb_acpi_name nm;
	size_t len;

	if (path[0] != '\\' || vb_acpi_name_parse(path, &nm) < 0 || n < 2)
		return -EINVAL;
	out[0] = '\\';
	vb_acpi_name_format(&nm, out + 1, n - 1);
	len = strlen(out);
	return len + 1 < n ? 0 : -EINVAL;
}

int vb_fwtables_find_def(const struct vb_fwtables *t, const char *path, struct vb_fwdef *d)
{
	char want[VB_ACPI_MAX_SEGS * 5 + 2];
	size_t i;

	memset(d, 0, sizeof(*d));
	if (vb_fwtables_path_norm(path, want, sizeof(want)) < 0)
		return -EINVAL;
	for (i = 0; i < t->n; i++) {
		const struct vb_fwtable *e = &t->v[i];
		const struct vb_aml_item *it;
		struct vb_acpi_hdr h;
		struct vb_aml a;
		unsigned char *buf;
		size_t n, idx = 0;
		int st, found = 0;

		if (!vb_acpi_is_aml(e->sig))
			continue;
		if (vb_blob_read(e->path, VB_FWTABLE_MAX, &buf, &n) < 0) {
			d->unreadable++;
			continue;
		}
		st = vb_acpi_check(buf, n, &h);
		if (st == VB_ACPI_NOHDR || st == VB_ACPI_BADLEN) {
			d->unreadable++;
			free(buf);
			continue;
		}
		vb_aml_walk(&a, buf, n < h.length ? n : h.length);
		while ((it = vb_aml_find_def(&a, want, &idx))) {
			if (strcmp(it->kind, "External")) {
				vb_strlcpy(d->table, e->name, sizeof(d->table));
				d->off = it->end - 4;
				d->kind = it->kind;
				d->cond = it->cond;
				d->argc = it->argc;
				found = 1;
				break;
			}
		}
		vb_aml_free(&a);
		free(buf);
		if (found)
			return 1;
	}
	return 0;
}

int vb_vfct_find(unsigned bus, unsigned dev, unsigned fn, unsigned vendor, unsigned device,
		 unsigned char **tbl, size_t *n, struct vb_vfct_image *img, size_t *count,
		 int *badsum)
{
	struct vb_vfct_image v[VB_VFCT_MAX_IMAGES];
	struct vb_acpi_hdr h;
	char p[VB_PATH_MAX];
	unsigned char *t;
	size_t len, i;
	int r, st;

	*count = 0;
	*badsum = 0;
	if ((r = vb_sysfs_path(p, sizeof(p), VB_FWTABLES_DIR "/VFCT")) < 0)
		return r;
	if ((r = vb_blob_read(p, VB_FWTABLE_MAX, &t, &len)) < 0)
		return r;
	st = vb_acpi_check(t, len, &h);
	if (st != VB_ACPI_OK && st != VB_ACPI_BADSUM) {
		free(t);
		return -EBADMSG;
	}
	*badsum = st == VB_ACPI_BADSUM;
	r = vb_vfct_parse(t, len, v, count);
	for (i = 0; i < *count; i++) {
		if (v[i].len && v[i].bus == bus && v[i].dev == dev && v[i].fn == fn &&
		    v[i].vendor == vendor && v[i].device == device) {
			*img = v[i];
			*tbl = t;
			*n = len;
			return 1;
		}
	}
	free(t);
	return r < 0 ? r : 0;
}
