/* topo: see topo.h. Parents come from where each device's directory sits in
 * /sys/devices (vb_pcidev_parent): pci0000:00/0000:00:01.0/0000:01:00.0. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pci/topo.h"
#include "base/sysfs.h"
#include "base/util.h"

int vb_topo_find(const struct vb_topo *t, const char *addr)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = vb_bdf_cmp(t->v[mid].addr, addr);
		if (!c)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int depth_of(struct vb_topo *t, int i, int guard)
{
	struct vb_topo_node *d = &t->v[i];

	if (d->depth >= 0)
		return d->depth;
	if (d->parent < 0 || guard > (int)t->n) {
		d->parent = -1;	/* a loop cannot happen in sysfs; cut it if it does */
		return d->depth = 0;
	}
	return d->depth = depth_of(t, d->parent, guard + 1) + 1;
}

int vb_topo_build(struct vb_topo *t)
{
	char **all;
	size_t n, i;
	int *last;
	int r;

	memset(t, 0, sizeof(*t));
	if ((r = vb_pcidev_list(&all, &n)) < 0)
		return r;
	t->v = vb_xcalloc(n ? n : 1, sizeof(*t->v));
	t->n = n;
	for (i = 0; i < n; i++) {
		vb_strlcpy(t->v[i].addr, all[i], sizeof(t->v[i].addr));
		t->v[i].child = t->v[i].next = -1;
		t->v[i].depth = -1;
	}
	for (i = 0; i < n; i++) {
		char p[VB_BDF_LEN];
		t->v[i].parent = -1;
		if (vb_pcidev_parent(all[i], p) == 0 && p[0])
			t->v[i].parent = vb_topo_find(t, p);
		if (t->v[i].parent == (int)i)
			t->v[i].parent = -1;
	}
	vb_sysfs_list_free(all, n);
	/* Children in address order: append, walking the sorted list. */
	last = vb_xcalloc(n ? n : 1, sizeof(*last));
	for (i = 0; i < n; i++)
		last[i] = -1;
	for (i = 0; i < n; i++) {
		int p = t->v[i].parent;
		if (p < 0)
			continue;
		if (last[p] < 0)
			t->v[p].child = (int)i;
		else
			t->v[last[p]].next = (int)i;
		last[p] = (int)i;
	}
	free(last);
	for (i = 0; i < n; i++)
		depth_of(t, (int)i, 0);
	/* Root buses: the bus of each device with no parent, in order. */
	t->roots = vb_xcalloc(n ? n : 1, sizeof(*t->roots));
	for (i = 0; i < n; i++) {
		struct vb_topo_node *d = &t->v[i];
		if (d->parent >= 0)
			continue;
		vb_strlcpy(d->root, d->addr, sizeof(d->root));
		d->root[strlen(d->root) - 5] = 0;	/* "DDDD:BB:DD.F" -> "DDDD:BB" */
		if (!t->nroots || strcmp(t->v[t->roots[t->nroots - 1]].root, d->root))
			t->roots[t->nroots++] = (int)i;
	}
	for (i = 0; i < n; i++) {
		int k = (int)i;
		while (t->v[k].parent >= 0)
			k = t->v[k].parent;
		if (k != (int)i)
			vb_strlcpy(t->v[i].root, t->v[k].root, sizeof(t->v[i].root));
	}
	return 0;
}

void vb_topo_free(struct vb_topo *t)
{
	free(t->v);
	free(t->roots);
	memset(t, 0, sizeof(*t));
}
