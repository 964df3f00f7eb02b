/* holders: what keeps a driver busy with a device. See holders.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/act.h"
#include "base/sysfs.h"
#include "base/util.h"
#include "pci/holders.h"
#include "pci/pcidev.h"
#include "pci/vfio.h"

struct nodes {
	char prefix[16][64];	/* a /dev path matches if it starts with one */
	int exact[16];		/* ... or equals it, when exact */
	int n;
};

static void node_add(struct nodes *s, const char *path, int exact)
{
	if (s->n < (int)VB_ARRAY_SIZE(s->prefix)) {
		vb_strlcpy(s->prefix[s->n], path, sizeof(s->prefix[0]));
		s->exact[s->n++] = exact;
	}
}

static int node_match(const struct nodes *s, const char *path)
{
	int i;

	for (i = 0; i < s->n; i++) {
		size_t l = strlen(s->prefix[i]);
		if (s->exact[i] ? !strcmp(path, s->prefix[i]) : !strncmp(path, s->prefix[i], l))
			return 1;
	}
	return 0;
}

/* The device nodes through which a process can keep the driver busy. */
static void device_nodes(const char *addr, const char *driver, struct nodes *s)
{
	char p[VB_PATH_MAX], node[64];
	char **names;
	size_t n, i;
	int g;

	memset(s, 0, sizeof(*s));
	if (!strncmp(driver, "nvidia", 6))
		node_add(s, "/dev/nvidia", 0);
	if (vb_pcidev_path(p, sizeof(p), addr, "drm") == 0 && vb_sysfs_list(p, &names, &n) == 0) {
		for (i = 0; i < n; i++) {
			if (!strncmp(names[i], "card", 4) || !strncmp(names[i], "renderD", 7)) {
				snprintf(node, sizeof(node), "/dev/dri/%s", names[i]);
				node_add(s, node, 1);
			}
		}
		vb_sysfs_list_free(names, n);
	}
	/* fbdev on the device (a DRM driver's fbdev emulation): graphics/fbN */
	if (vb_pcidev_path(p, sizeof(p), addr, "graphics") == 0 && vb_sysfs_list(p, &names, &n) == 0) {
		for (i = 0; i < n; i++) {
			unsigned long k;
			if (strncmp(names[i], "fb", 2) || vb_parse_ulong(names[i] + 2, 10, 31, &k) < 0)
				continue;
			snprintf(node, sizeof(node), "/dev/fb%lu", k);
			node_add(s, node, 1);
		}
		vb_sysfs_list_free(names, n);
	}
	if (vb_pcidev_path(p, sizeof(p), addr, "sound") == 0 && vb_sysfs_list(p, &names, &n) == 0) {
		for (i = 0; i < n; i++) {
			unsigned long k;
			if (strncmp(names[i], "card", 4) || vb_parse_ulong(names[i] + 4, 10, 255, &k) < 0)
				continue;
			snprintf(node, sizeof(node), "/dev/snd/controlC%lu", k);
			node_add(s, node, 1);
			snprintf(node, sizeof(node), "/dev/snd/pcmC%luD", k);
			node_add(s, node, 0);
		}
		vb_sysfs_list_free(names, n);
	}
	if (vb_driver_is_vfio(driver) && (g = vb_pcidev_group(addr)) >= 0) {
		snprintf(node, sizeof(node), "/dev/vfio/%d", g);
		node_add(s, node, 1);
		snprintf(node, sizeof(node), "/dev/vfio/noiommu-%d", g);
		node_add(s, node, 1);
	}
	if (vb_driver_is_vfio(driver)) {
		char gn[64], cn[64];
		/* The device's own cdev, not its neighbours' (lib/pci/vfio). */
		if (vb_vfio_nodes(addr, gn, sizeof(gn), cn, sizeof(cn)) && cn[0])
			node_add(s, cn, 1);
	}
}

static int is_pid(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* A /proc entry that went away: its process exited during the scan. */
static int gone(int err)
{
	return err == -ENOENT || err == -ESRCH;
}

int vb_holders_find(const char *addr, const char *driver, char *buf, size_t n, int *unreadable)
{
	struct nodes want;
	char p[VB_PATH_MAX], mod[VB_DRV_LEN], cnt[32];
	char **pids;
	size_t np, i, k;
	int found = 0, r;

	buf[0] = 0;
	if (unreadable)
		*unreadable = 0;
	device_nodes(addr, driver, &want);
	if (want.n && vb_sysfs_path(p, sizeof(p), "/proc") == 0 && vb_sysfs_list(p, &pids, &np) == 0) {
		for (i = 0; i < np; i++) {
			char fdp[VB_PATH_MAX], comm[64] = "?", seen[256] = "";
			char **fds;
			size_t nf;
			int denied = 0;

			if (!is_pid(pids[i]) ||
			    vb_sysfs_path(fdp, sizeof(fdp), "/proc/%s/fd", pids[i]) < 0)
				continue;
			if ((r = vb_sysfs_list(fdp, &fds, &nf)) < 0) {
				if (!gone(r) && unreadable)
					(*unreadable)++;
				continue;
			}
			for (k = 0; k < nf; k++) {
				char lp[VB_PATH_MAX], t[VB_PATH_MAX];
				ssize_t l;

				if (vb_fmt(lp, sizeof(lp), "%s/%s", fdp, fds[k]) < 0)
					continue;
				l = readlink(lp, t, sizeof(t) - 1);
				if (l <= 0) {
					/* closed since the listing: nothing; refused: unseen */
					denied |= l < 0 && (errno == EACCES || errno == EPERM);
					continue;
				}
				t[l] = 0;
				if (node_match(&want, t) && !strstr(seen, t))
					vb_appendf(seen, sizeof(seen), "%s%s", seen[0] ? ", " : "", t);
			}
			vb_sysfs_list_free(fds, nf);
			if (!seen[0]) {
				if (denied && unreadable)
					(*unreadable)++;
				continue;
			}
			if (vb_sysfs_path(fdp, sizeof(fdp), "/proc/%s/comm", pids[i]) == 0 &&
			    (r = vb_sysfs_read(fdp, comm, sizeof(comm))) < 0) {
				if (gone(r))
					continue;	/* exited since: it holds nothing now */
				strcpy(comm, "?");
			}
			vb_appendf(buf, n, "%s%s (pid %s: %s)", found ? "; " : "", comm, pids[i], seen);
			found++;
		}
		vb_sysfs_list_free(pids, np);
	}
	/* The module's use count says "busy" even when /proc shows nobody. */
	vb_strlcpy(mod, driver, sizeof(mod));
	for (i = 0; mod[i]; i++)
		if (mod[i] == '-')
			mod[i] = '_';
	if (mod[0] && !strchr(mod, '/') && strcmp(mod, "..") && vb_sysfs_path(p, sizeof(p), "/sys/module/%s/refcnt", mod) == 0 &&
	    vb_sysfs_read(p, cnt, sizeof(cnt)) >= 0)
		vb_appendf(buf, n, "%smodule %s use count %s", buf[0] ? "; " : "", mod, cnt);
	return found;
}

int vb_holders_check(const struct vb_act *a, const char *addr, const char *driver, int force,
		     char *who, size_t n)
{
	int unreadable, found = vb_holders_find(addr, driver, who, n, &unreadable);

	if (unreadable)
		vb_act_note(a, "%s: the open files of %d process%s could not be read (not root?): "
			    "%s may hold it unseen", addr, unreadable, unreadable == 1 ? "" : "es",
			    unreadable == 1 ? "it" : "they");
	if (found <= 0)
		return 0;
	vb_act_note(a, "%s: held by %s", addr, who);
	if (unreadable)
		vb_appendf(who, n, "; and %d process%s whose open files could not be read",
			   unreadable, unreadable == 1 ? "" : "es");
	return force || (a && a->dry_run) ? 1 : -EBUSY;
}
