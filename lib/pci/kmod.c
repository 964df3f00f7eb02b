/* kmod: module state from /sys/module, modules.dep (or modules.dep.bin) and
 * modules.builtin (lib/modules/$(uname -r)/), loading through modprobe.
 *
 * A busybox built as a standalone shell would run its own modprobe applet,
 * which needs the text modules.dep that mkinitcpio does not ship; so the
 * real modprobe is always exec'd by its path. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/act.h"
#include "pci/kmod.h"
#include "base/sysfs.h"
#include "base/util.h"

int vb_kmod_release(char *buf, size_t n)
{
	char p[VB_PATH_MAX];
	int r = vb_sysfs_path(p, sizeof(p), "/proc/sys/kernel/osrelease");

	if (r < 0)
		return r;
	r = vb_sysfs_read(p, buf, n);
	return r < 0 ? r : 0;
}

static void norm(char *s)
{
	for (; *s; s++)
		if (*s == '-')
			*s = '_';
}

/* Does a modules.dep/modules.builtin style file list the module? Lines look
 * like "kernel/drivers/vfio/pci/vfio-pci.ko.xz: deps" or "...ko". With
 * delim '\0' the file is modules.dep.bin (all mkinitcpio keeps): kmod's
 * index stores each module's dep line whole, as a NUL-terminated value after
 * binary bytes that never reach the line's last '/'. */
static int listed(const char *file, const char *want, int delim)
{
	FILE *f = fopen(file, "re");
	char *line = NULL;
	size_t cap = 0;
	int found = 0;

	if (!f)
		return -errno;
	while (!found && getdelim(&line, &cap, delim, f) > 0) {
		char *end = strchr(line, ':'), *base, *dot;
		if (!end)
			end = line + strcspn(line, "\n");
		*end = 0;
		base = strrchr(line, '/');
		base = base ? base + 1 : line;
		dot = strstr(base, ".ko");
		if (!dot)
			continue;
		*dot = 0;
		norm(base);
		found = !strcmp(base, want);
	}
	free(line);
	fclose(f);
	return found;
}

int vb_kmod_state(const char *name)
{
	char want[64], rel[128], p[VB_PATH_MAX], st[32];
	int r;

	if (vb_strlcpy(want, name, sizeof(want)) < 0 || strchr(want, '/') || strstr(want, ".."))
		return -EINVAL;
	norm(want);
	if ((r = vb_sysfs_path(p, sizeof(p), "/sys/module/%s", want)) < 0)
		return r;
	if (vb_sysfs_exists(p)) {
		vb_sysfs_path(p, sizeof(p), "/sys/module/%s/initstate", want);
		if (vb_sysfs_read(p, st, sizeof(st)) < 0)
			return VB_KMOD_BUILTIN;
		if (!strcmp(st, "live"))
			return VB_KMOD_LOADED;
		/* coming or going: not usable yet */
	}
	if ((r = vb_kmod_release(rel, sizeof(rel))) < 0)
		return r;
	if (vb_sysfs_path(p, sizeof(p), "/lib/modules/%s/modules.builtin", rel) == 0 &&
	    listed(p, want, '\n') == 1)
		return VB_KMOD_BUILTIN;
	if ((r = vb_sysfs_path(p, sizeof(p), "/lib/modules/%s/modules.dep", rel)) < 0)
		return r;
	r = listed(p, want, '\n');
	if (r == -ENOENT && vb_sysfs_path(p, sizeof(p), "/lib/modules/%s/modules.dep.bin", rel) == 0)
		r = listed(p, want, 0);
	if (r == 1)
		return VB_KMOD_AVAILABLE;
	if (r == 0 || r == -ENOENT)
		return VB_KMOD_MISSING;
	return r;
}

const char *vb_kmod_state_name(int state)
{
	switch (state) {
	case VB_KMOD_MISSING: return "missing";
	case VB_KMOD_AVAILABLE: return "available";
	case VB_KMOD_LOADED: return "loaded";
	case VB_KMOD_BUILTIN: return "built in";
	}
	return "unknown";
}

int vb_kmod_modprobe(char *buf, size_t n)
{
	static const char *const dirs[] = { "/sbin", "/usr/sbin", "/usr/bin", "/bin" };
	const char *e = getenv("VFIOBOX_MODPROBE");
	size_t i;

	if (e && *e)
		return vb_strlcpy(buf, e, n);
	for (i = 0; i < VB_ARRAY_SIZE(dirs); i++) {
		if (vb_sysfs_path(buf, n, "%s/modprobe", dirs[i]) < 0)
			return -ENAMETOOLONG;
		if (access(buf, X_OK) == 0)
			return 0;
	}
	/* Last, the one the kernel runs for request_module(): an image whose
	 * modprobe lives elsewhere (a store path) tells the kernel so. */
	{
		char p[VB_PATH_MAX], k[VB_PATH_MAX];
		if (vb_sysfs_path(p, sizeof(p), "/proc/sys/kernel/modprobe") == 0 &&
		    vb_sysfs_read(p, k, sizeof(k)) > 0 && k[0] == '/' && !strstr(k, "..") &&
		    vb_sysfs_path(buf, n, "%s", k) == 0 && access(buf, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

int vb_kmod_load(const struct vb_act *a, const char *name, int *status)
{
	char mp[VB_PATH_MAX];
	char *argv[3];
	int r = vb_kmod_state(name);

	if (status)
		*status = 0;
	if (r == VB_KMOD_LOADED || r == VB_KMOD_BUILTIN)
		return 0;
	if ((r = vb_kmod_modprobe(mp, sizeof(mp))) < 0)
		return r;
	argv[0] = mp;
	argv[1] = (char *)name;
	argv[2] = NULL;
	r = vb_act_run(a, argv);
	if (a && a->dry_run)
		return 0;
	if (r < 0)
		return r;
	if (status)
		*status = r;
	r = vb_kmod_state(name);
	if (r == VB_KMOD_LOADED || r == VB_KMOD_BUILTIN)
		return 0;
	return -ENOPKG;
}

/* ---- vfio-pci variant drivers (modules.alias) ---------------------------- */

#define VB_ALIAS_PREFIX "alias vfio_pci:"

struct valias {
	char *pat;	/* "v...d...sv*sd*bc*sc*i*" */
	char *mod;	/* normalised: '_' for '-' */
};

/* The vfio_pci: lines of the running kernel's modules.alias, read once per
 * file (path, inode, size and mtime: a unit test may write another). */
static struct {
	char path[VB_PATH_MAX];
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	struct valias *v;
	size_t n;
	int valid;
} acache;

static void acache_drop(void)
{
	size_t i;

	for (i = 0; i < acache.n; i++) {
		free(acache.v[i].pat);
		free(acache.v[i].mod);
	}
	free(acache.v);
	acache.v = NULL;
	acache.n = 0;
	acache.valid = 0;
}

static int aliases(const struct valias **v, size_t *n)
{
	char rel[128], p[VB_PATH_MAX], *line = NULL;
	size_t cap = 0, max = 0;
	struct stat st;
	FILE *f;
	int r;

	*v = NULL;
	*n = 0;
	if ((r = vb_kmod_release(rel, sizeof(rel))) < 0)
		return r;
	if ((r = vb_sysfs_path(p, sizeof(p), "/lib/modules/%s/modules.alias", rel)) < 0)
		return r;
	if (stat(p, &st) < 0) {
		acache_drop();
		return errno == ENOENT ? 0 : -errno;
	}
	if (acache.valid && !strcmp(acache.path, p) && acache.dev == st.st_dev &&
	    acache.ino == st.st_ino && acache.size == st.st_size &&
	    acache.mtime.tv_sec == st.st_mtim.tv_sec && acache.mtime.tv_nsec == st.st_mtim.tv_nsec) {
		*v = acache.v;
		*n = acache.n;
		return 0;
	}
	acache_drop();
	if (!(f = fopen(p, "re")))
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		char *pat, *mod, *end;

		if (strncmp(line, VB_ALIAS_PREFIX, strlen(VB_ALIAS_PREFIX)))
			continue;
		pat = line + strlen(VB_ALIAS_PREFIX);
		end = pat + strcspn(pat, " \t");
		if (!*end || end == pat)
			continue;
		*end++ = 0;
		mod = end + strspn(end, " \t");
		mod[strcspn(mod, " \t\n")] = 0;
		if (!*mod || strlen(mod) >= VB_KMOD_NAME_LEN)
			continue;
		if (acache.n == max) {
			max = max ? max * 2 : 16;
			acache.v = vb_xrealloc(acache.v, max * sizeof(*acache.v));
		}
		acache.v[acache.n].pat = vb_xstrdup(pat);
		acache.v[acache.n].mod = vb_xstrdup(mod);
		norm(acache.v[acache.n].mod);
		acache.n++;
	}
	free(line);
	fclose(f);
	vb_strlcpy(acache.path, p, sizeof(acache.path));
	acache.dev = st.st_dev;
	acache.ino = st.st_ino;
	acache.size = st.st_size;
	acache.mtime = st.st_mtim;
	acache.valid = 1;
	*v = acache.v;
	*n = acache.n;
	return 0;
}

int vb_kmod_vfio_variant(const char *m, const char *only, char *mod, size_t mn, char *pat,
			 size_t pn)
{
	const struct valias *v;
	char want[VB_KMOD_NAME_LEN] = "", dev[128];
	size_t n, i, best = 0;
	int r, stars = -1;

	if (strncmp(m, "pci:", 4))
		return -EINVAL;
	vb_strlcpy(dev, m + 4, sizeof(dev));
	dev[strcspn(dev, "\n")] = 0;
	if (only && vb_strlcpy(want, only, sizeof(want)) < 0)
		return -EINVAL;
	norm(want);
	if ((r = aliases(&v, &n)) < 0)
		return r;
	for (i = 0; i < n; i++) {
		const char *c;
		int k = 0;

		if (!strcmp(v[i].mod, "vfio_pci") || (*want && strcmp(v[i].mod, want)))
			continue;
		if (fnmatch(v[i].pat, dev, 0))
			continue;
		for (c = v[i].pat; *c; c++)
			k += *c == '*';
		if (stars < 0 || k < stars) {
			stars = k;
			best = i;
		}
	}
	if (stars < 0)
		return 0;
	vb_strlcpy(mod, v[best].mod, mn);
	snprintf(pat, pn, "vfio_pci:%s", v[best].pat);
	return 1;
}

int vb_kmod_is_vfio_variant(const char *name)
{
	const struct valias *v;
	char want[VB_KMOD_NAME_LEN];
	size_t n, i;

	if (!*name || vb_strlcpy(want, name, sizeof(want)) < 0)
		return 0;
	norm(want);
	if (aliases(&v, &n) < 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!strcmp(v[i].mod, want))
			return 1;
	return 0;
}
