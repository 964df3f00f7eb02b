/* select: selectors and the selected devices. See select.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/blob.h"
#include "base/conf.h"
#include "base/msg.h"
#include "base/sysfs.h"
#include "base/util.h"
#include "pci/ids.h"
#include "pci/pcidev.h"
#include "pci/select.h"

static int add_addr(struct vb_select *s, const char *a)
{
	char c[VB_BDF_LEN];
	size_t i;

	if (vb_bdf_canon(a, c) < 0)
		return -EINVAL;
	for (i = 0; i < s->naddrs; i++)
		if (!strcmp(s->addrs[i], c))
			return 0;
	s->addrs = vb_xrealloc(s->addrs, (s->naddrs + 1) * sizeof(*s->addrs));
	s->addrs[s->naddrs++] = vb_xstrdup(c);
	return 0;
}

/* Add an ids= list; on a bad entry err names it ("KEY=LIST (SOURCE): ..."). */
static int add_ids(struct vb_select *s, const char *list, const char *key, const char *src,
		   char *err, size_t errlen)
{
	struct vb_idlist l;
	size_t pos = 0, i;

	if (!*list) {
		snprintf(err, errlen, "%s%s: empty id list", key, src);
		return -EINVAL;
	}
	if (vb_ids_parse(list, &l, &pos) < 0) {
		size_t len = strcspn(list + pos, ",");
		snprintf(err, errlen, "%s%s%s: bad id '%.*s' (want VENDOR:DEVICE[:SUBVENDOR:"
			 "SUBDEVICE[:CLASS[:MASK]]] in hex, comma-separated)", key, list, src,
			 (int)len, list + pos);
		return -EINVAL;
	}
	{
		size_t cur = s->ids_text ? strlen(s->ids_text) : 0, len = strlen(list);
		s->ids_text = vb_xrealloc(s->ids_text, cur + 1 + len + 1);
		if (cur)
			s->ids_text[cur++] = ',';
		memcpy(s->ids_text + cur, list, len + 1);
	}
	s->ids.v = vb_xrealloc(s->ids.v, (s->ids.n + l.n) * sizeof(*s->ids.v));
	for (i = 0; i < l.n; i++)
		s->ids.v[s->ids.n++] = l.v[i];
	vb_ids_free(&l);
	return 0;
}

int vb_select_hda_ok(const char *m)
{
	return !strcmp(m, "vfio") || !strcmp(m, "none") || !strcmp(m, "host");
}

static int is_off(const char *item)
{
	return !strcmp(item, "off");
}

int vb_select_off(void)
{
	struct vb_conf c;
	char *cmdline = NULL, *list, *save = NULL, *a;
	int off = 0;

	memset(&c, 0, sizeof(c));
	if (vb_cmdline_read(&cmdline, NULL) < 0)
		return 0;
	if (vb_conf_from_cmdline(cmdline, &c) >= 0 && c.claim) {
		/* Repeated keys are joined with ','. */
		list = vb_xstrdup(c.claim);
		for (a = strtok_r(list, ",", &save); a; a = strtok_r(NULL, ",", &save))
			off |= is_off(a);
		free(list);
	}
	vb_conf_free(&c);
	free(cmdline);
	return off;
}

/* The selectors of the kernel command line or /etc/vfiobox.conf, from
 * vb_conf_load's result r (and line, for a bad line). */
static int from_conf(struct vb_select *s, const struct vb_conf *c, int r, int line, char *err,
		     size_t errlen)
{
	const char *key;
	char src[64];

	if (r == -EINVAL) {
		snprintf(err, errlen, "/etc/vfiobox.conf:%d: bad line (want KEY=VALUE, KEY one of "
			 "ids, claim, hda; '#' comments)", line);
		return r;
	}
	if (r == -VB_ENOTREG) {
		snprintf(err, errlen, "%s is %s, not a regular file", c->bad_file,
			 vb_blob_ftype(c->bad_type));
		return r;
	}
	if (r == -EFBIG) {
		snprintf(err, errlen, "%s: larger than %d KiB, the most vfiobox reads", c->bad_file,
			 VB_CONF_MAX / 1024);
		return r;
	}
	if (r == -EILSEQ) {
		snprintf(err, errlen, "%s: holds a NUL byte", c->bad_file);
		return r;
	}
	if (r < 0) {
		snprintf(err, errlen, "%s: cannot read: %s", c->bad_file ? c->bad_file :
			 "/etc/vfiobox.conf", strerror(-r));
		return r;
	}
	/* hda is checked whether or not anything is selected: a bad one alone
	 * is still a mistake, named as written in its source. */
	if (c->hda && !vb_select_hda_ok(c->hda)) {
		int cl = !strcmp(c->hda_source, "the kernel command line");
		snprintf(err, errlen, "%shda=%s (%s): want vfio, none or host", cl ? "vfiobox." : "",
			 c->hda, cl ? "kernel command line" : c->hda_source);
		return -EINVAL;
	}
	if (r == 0)
		return 0;
	s->source = c->source;
	/* Messages name the key as it is written in its source. */
	key = !strcmp(c->source, "the kernel command line") ? "vfiobox." : "";
	snprintf(src, sizeof(src), " (%s)", !strncmp(c->source, "the ", 4) ? c->source + 4 : c->source);
	if (c->ids) {
		char k[32];
		snprintf(k, sizeof(k), "%sids=", key);
		if ((r = add_ids(s, c->ids, k, src, err, errlen)) < 0)
			return r;
	}
	if (c->claim) {
		char *list = vb_xstrdup(c->claim), *save = NULL, *a;
		const char *p;

		/* An empty item ("a,,b" or a trailing comma) is a mistake too. */
		for (p = list; *p; p++)
			if (*p == ',' && (p == list || p[1] == ',' || !p[1]))
				break;
		if (*p) {
			snprintf(err, errlen, "%sclaim=%s%s: empty address in the list", key,
				 c->claim, src);
			free(list);
			return -EINVAL;
		}
		for (a = strtok_r(list, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
			if (*key && is_off(a))
				continue;	/* the off switch (vb_select_off), not an address */
			if (add_addr(s, a) < 0) {
				snprintf(err, errlen, "%sclaim=%s%s: '%s' is not a PCI address "
					 "(DDDD:BB:DD.F or BB:DD.F)", key, c->claim, src, a);
				free(list);
				return -EINVAL;
			}
		}
		free(list);
	}
	if (c->hda)
		vb_strlcpy(s->hda, c->hda, sizeof(s->hda));
	return s->ids.n || s->naddrs ? 1 : 0;
}

int vb_select_load(struct vb_select *s, char *const *ops, int n, char *err, size_t errlen)
{
	struct vb_conf c;
	int i, r, line = 0;

	memset(s, 0, sizeof(*s));
	err[0] = 0;
	for (i = 0; i < n; i++) {
		if (!strncmp(ops[i], "ids=", 4)) {
			if ((r = add_ids(s, ops[i] + 4, "ids=", "", err, errlen)) < 0)
				return r;
		} else if (add_addr(s, ops[i]) < 0) {
			snprintf(err, errlen, "'%s': not a PCI address (DDDD:BB:DD.F or BB:DD.F) "
				 "nor ids=LIST", ops[i]);
			return -EINVAL;
		}
	}
	if (n > 0) {
		s->source = "the arguments";
		return 1;
	}

	r = vb_conf_load(&c, &line);
	r = from_conf(s, &c, r, line, err, errlen);
	vb_conf_free(&c);
	return r;
}

void vb_select_free(struct vb_select *s)
{
	vb_sysfs_list_free(s->addrs, s->naddrs);
	s->addrs = NULL;
	s->naddrs = 0;
	vb_ids_free(&s->ids);
	free(s->ids_text);
	s->ids_text = NULL;
}

int vb_select_match_ids(const struct vb_select *s, const struct vb_pciids *id)
{
	return vb_ids_match(&s->ids, id);
}

int vb_select_has_addr(const struct vb_select *s, const char *addr)
{
	char c[VB_BDF_LEN];
	size_t i;

	if (vb_bdf_canon(addr, c) < 0)
		return 0;
	for (i = 0; i < s->naddrs; i++)
		if (!strcmp(s->addrs[i], c))
			return 1;
	return 0;
}

static struct vb_seldev *find_dev(struct vb_devset *set, const char *addr)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (!strcmp(set->v[i].d.addr, addr))
			return &set->v[i];
	return NULL;
}

/* An audio function in the slot of a display function the set already has
 * is an HDA function: known without listing the slot (a GPU and its HDA
 * function share a group, and the GPU is usually selected first). */
static int slot_has_display(const struct vb_devset *set, const struct vb_pcidev *d)
{
	size_t i, l = strlen(d->addr) - 1;	/* all but the function digit */

	if (!vb_class_is_audio(d->id.class))
		return 0;
	for (i = 0; i < set->n; i++)
		if (!strncmp(set->v[i].d.addr, d->addr, l) && strcmp(set->v[i].d.addr, d->addr) &&
		    vb_class_is_display(set->v[i].d.id.class))
			return 1;
	return 0;
}

/* Load addr into the set; 0, or -errno. */
static int add_dev(struct vb_devset *set, const char *addr, const struct vb_pciids *id,
		   int why, const char *via)
{
	struct vb_seldev *e;
	int r;

	if (find_dev(set, addr))
		return 0;
	set->v = vb_xrealloc(set->v, (set->n + 1) * sizeof(*set->v));
	e = &set->v[set->n];
	memset(e, 0, sizeof(*e));
	if ((r = vb_pcidev_load_basic(addr, id, &e->d)) < 0)
		return r;
	e->why = why;
	if (via)
		vb_strlcpy(e->via, via, sizeof(e->via));
	e->bridge = vb_pcidev_is_bridge(e->d.addr, e->d.id.class);
	e->hda = slot_has_display(set, &e->d) || vb_pcidev_is_hda(e->d.addr, e->d.id.class);
	set->n++;
	return 0;
}

/* A device that left the bus meanwhile is passed over; any other failure
 * to read it (driver_override timing out) is an error naming it. */
static int gone(int r)
{
	return r == -ENOENT || r == -ENODEV;
}

/* Every device the ids= list matches (the set is sorted afterwards). */
static int scan_ids(const struct vb_idlist *ids, struct vb_devset *set, char bad[VB_BDF_LEN])
{
	char **all;
	size_t n, i;
	int r;

	if ((r = vb_pcidev_list(&all, &n)) < 0)
		return r;
	for (i = 0; i < n; i++) {
		struct vb_pciids id;

		if (vb_pcidev_ids(all[i], &id) == 0 && vb_ids_match(ids, &id) &&
		    (r = add_dev(set, all[i], &id, VB_WHY_IDS, NULL)) < 0 && !gone(r)) {
			vb_strlcpy(bad, all[i], VB_BDF_LEN);
			vb_sysfs_list_free(all, n);
			return r;
		}
	}
	vb_sysfs_list_free(all, n);
	return 0;
}

static int cmp_dev(const void *a, const void *b)
{
	return vb_bdf_cmp(((const struct vb_seldev *)a)->d.addr,
			  ((const struct vb_seldev *)b)->d.addr);
}

int vb_select_devices(const struct vb_select *s, int no_group, struct vb_devset *set,
		      char bad[VB_BDF_LEN])
{
	size_t i, j, nsel;
	int r;

	set->v = NULL;
	set->n = 0;
	bad[0] = 0;
	for (i = 0; i < s->naddrs; i++) {
		r = add_dev(set, s->addrs[i], NULL, VB_WHY_ADDR, NULL);
		if (r < 0) {
			vb_strlcpy(bad, s->addrs[i], VB_BDF_LEN);
			vb_devset_free(set);
			return r == -ENOENT ? -ENODEV : r;
		}
	}
	if (s->ids.n && (r = scan_ids(&s->ids, set, bad)) < 0) {
		vb_devset_free(set);
		return r;
	}
	if (!no_group) {
		nsel = set->n;
		for (i = 0; i < nsel; i++) {
			char **m, via[VB_BDF_LEN];
			size_t nm;
			int g = set->v[i].d.group;

			if (g < 0 || vb_pcidev_group_members(g, &m, &nm) < 0)
				continue;
			vb_strlcpy(via, set->v[i].d.addr, sizeof(via));
			for (j = 0; j < nm; j++) {
				r = add_dev(set, m[j], NULL, VB_WHY_GROUP, via);
				if (r < 0 && !gone(r)) {
					vb_strlcpy(bad, m[j], VB_BDF_LEN);
					vb_sysfs_list_free(m, nm);
					vb_devset_free(set);
					return r;
				}
			}
			vb_sysfs_list_free(m, nm);
		}
	}
	if (set->n > 1)
		qsort(set->v, set->n, sizeof(*set->v), cmp_dev);
	return 0;
}

void vb_devset_free(struct vb_devset *set)
{
	free(set->v);
	set->v = NULL;
	set->n = 0;
}


/* Append the list (comma-separated) as key=LIST, its entries after the first
 * VB_DESCRIBE_LIST bytes said as a count: ",... (N in all)". */
#define VB_DESCRIBE_LIST 160
static void describe_list(char *buf, size_t n, const char *key, const char *list)
{
	size_t len = strlen(list), cut = len, count = 1;
	const char *p;

	for (p = list; *p; p++)
		count += *p == ',';
	if (len > VB_DESCRIBE_LIST) {
		for (cut = VB_DESCRIBE_LIST; cut > 0 && list[cut] != ','; cut--)
			;
	}
	vb_appendf(buf, n, "%s%s=%.*s", buf[0] ? " " : "", key, (int)cut, list);
	if (cut < len)
		vb_appendf(buf, n, ",... (%zu in all)", count);
}

void vb_select_describe(const struct vb_select *s, char *buf, size_t n)
{
	size_t i, len = 0;
	char *claim;

	if (!n)
		return;
	buf[0] = 0;
	if (s->ids_text)
		describe_list(buf, n, "ids", s->ids_text);
	for (i = 0; i < s->naddrs; i++)
		len += strlen(s->addrs[i]) + 1;
	if (s->naddrs) {
		claim = vb_xmalloc(len);
		claim[0] = 0;
		for (i = 0; i < s->naddrs; i++)
			vb_appendf(claim, len, "%s%s", i ? "," : "", s->addrs[i]);
		describe_list(buf, n, "claim", claim);
		free(claim);
	}
	if (s->hda[0])
		vb_appendf(buf, n, "%shda=%s", buf[0] ? " " : "", s->hda);
}

int vb_select_load_act(struct vb_select *s, char *const *operands, int n, const char *verb)
{
	char err[VB_TEXT_LEN];
	int r = vb_select_load(s, operands, n, err, sizeof(err));

	if (r < 0) {
		vb_select_free(s);
		if (n > 0)
			return -vb_usage_err("%s", err);
		vb_err("%s; nothing %s", err, verb);
		return -VB_EXIT_USAGE;
	}
	if (r == 0) {
		vb_info("nothing selected: no ids= or addresses given, none on the kernel command "
			"line (vfiobox.ids=, vfiobox.claim=), none in /etc/vfiobox.conf");
		vb_select_free(s);
		return -VB_EXIT_OK;
	}
	if (strcmp(s->source, "the arguments")) {
		char what[VB_TEXT_LEN];

		vb_select_describe(s, what, sizeof(what));
		vb_info("from %s: %s", s->source, what);
	}
	return 1;
}
