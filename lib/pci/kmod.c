/* kmod: module state from /sys/module, modules.dep (or modules.dep.bin) and
 * modules.builtin (lib/modules/$(uname -r)/), loading through modprobe.
 *
 * A busybox built as a standalone shell would run its own modprobe applet,
 * which needs the text modules.dep that mkinitcpio does not ship; so the
 * real modprobe is always exec'd by its path. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
