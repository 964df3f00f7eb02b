/* ids: vfio-pci ids= lists (drivers/vfio/pci/vfio_pci.c vfio_pci_fill_ids,
 * drivers/pci/pci.h pci_match_one_device). The kernel uses sscanf("%x:...")
 * and skips bad entries with a warning; here a bad entry is an error, since
 * a silently ignored id would hand the GPU to its host driver. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pci/ids.h"
#include "base/util.h"

static int hexnum(const char *s, size_t len, unsigned *out)
{
	unsigned long long v = 0;
	size_t i;

	if (!len || len > 8)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		char c = s[i];
		int h;
		if (c >= '0' && c <= '9')
			h = c - '0';
		else if (c >= 'a' && c <= 'f')
			h = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			h = c - 'A' + 10;
		else
			return -EINVAL;
		v = v * 16 + (unsigned)h;
	}
	*out = (unsigned)v;
	return 0;
}

static int parse_one(const char *s, size_t len, struct vb_id *e)
{
	unsigned f[6] = { VB_ANY, VB_ANY, VB_ANY, VB_ANY, 0, 0 };
	size_t i = 0, nf = 0;

	while (i <= len) {
		size_t j = i;
		while (j < len && s[j] != ':')
			j++;
		if (nf == 6 || hexnum(s + i, j - i, &f[nf]) < 0)
			return -EINVAL;
		nf++;
		i = j + 1;
	}
	if (nf < 2)
		return -EINVAL;
	if (f[4] > 0xffffff || f[5] > 0xffffff)
		return -EINVAL;
	if ((f[0] != VB_ANY && f[0] > 0xffff) || (f[1] != VB_ANY && f[1] > 0xffff) ||
	    (f[2] != VB_ANY && f[2] > 0xffff) || (f[3] != VB_ANY && f[3] > 0xffff))
		return -EINVAL;
	e->vendor = f[0];
	e->device = f[1];
	e->subvendor = f[2];
	e->subdevice = f[3];
	e->class = f[4];
	e->class_mask = f[5];
	return 0;
}

int vb_ids_parse(const char *s, struct vb_idlist *l, size_t *errpos)
{
	const char *p = s;
	size_t cap = 0;

	l->v = NULL;
	l->n = 0;
	if (!*s)
		return 0;
	for (;;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		struct vb_id e;

		if (parse_one(p, len, &e) < 0) {
			if (errpos)
				*errpos = (size_t)(p - s);
			vb_ids_free(l);
			return -EINVAL;
		}
		if (l->n == cap) {
			cap = cap ? cap * 2 : 4;
			l->v = vb_xrealloc(l->v, cap * sizeof(*l->v));
		}
		l->v[l->n++] = e;
		if (!c)
			break;
		p = c + 1;
	}
	return 0;
}

void vb_ids_free(struct vb_idlist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int vb_id_match(const struct vb_id *e, const struct vb_pciids *d)
{
	return (e->vendor == VB_ANY || e->vendor == d->vendor) &&
	       (e->device == VB_ANY || e->device == d->device) &&
	       (e->subvendor == VB_ANY || e->subvendor == d->subvendor) &&
	       (e->subdevice == VB_ANY || e->subdevice == d->subdevice) &&
	       !((e->class ^ d->class) & e->class_mask);
}

int vb_ids_match(const struct vb_idlist *l, const struct vb_pciids *d)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (vb_id_match(&l->v[i], d))
			return 1;
	return 0;
}

static int put(char *buf, size_t n, size_t *off, unsigned v, int wide)
{
	int w;

	if (v == VB_ANY)
		w = snprintf(buf + *off, n - *off, "%sffffffff", *off ? ":" : "");
	else
		w = snprintf(buf + *off, n - *off, wide ? "%s%06x" : "%s%04x", *off ? ":" : "", v);
	if (w < 0 || (size_t)w >= n - *off)
		return -1;
	*off += (size_t)w;
	return 0;
}

void vb_id_format(const struct vb_id *e, char *buf, size_t n)
{
	size_t off = 0;
	int fields = 2;

	if (e->class_mask)
		fields = 6;
	else if (e->subdevice != VB_ANY)
		fields = 4;
	else if (e->subvendor != VB_ANY)
		fields = 3;
	buf[0] = 0;
	if (put(buf, n, &off, e->vendor, 0) || put(buf, n, &off, e->device, 0))
		return;
	if (fields >= 3 && put(buf, n, &off, e->subvendor, 0))
		return;
	if (fields >= 4 && put(buf, n, &off, e->subdevice, 0))
		return;
	if (fields == 6 && (put(buf, n, &off, e->class, 1) || put(buf, n, &off, e->class_mask, 1)))
		return;
}
