/* vfio: the IOMMU backend, the QEMU-style group open, the device cdev. See
 * vfio.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/types.h>
#include <linux/vfio.h>
#if defined(__has_include) && __has_include(<linux/iommufd.h>)
#include <linux/iommufd.h>
#else
/* include/uapi/linux/iommufd.h (6.2): the two commands used here, for
 * headers older than that (Debian 12's linux-libc-dev is 6.1). */
#define IOMMUFD_TYPE (';')
struct iommu_destroy {
	__u32 size;
	__u32 id;
};
#define IOMMU_DESTROY _IO(IOMMUFD_TYPE, 0x80)
struct iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};
#define IOMMU_IOAS_ALLOC _IO(IOMMUFD_TYPE, 0x81)
#endif

#include "base/blob.h"
#include "base/sysfs.h"
#include "base/util.h"
#include "pci/kmod.h"
#include "pci/pcidev.h"
#include "pci/vfio.h"

#define TYPE1 "vfio_iommu_type1"
#define IOMMUFD "iommufd"

int vb_vfio_backend(const char **name)
{
	int st = vb_kmod_state(TYPE1);

	*name = TYPE1;
	if (st < 0)
		return st;
	if (st != VB_KMOD_MISSING)
		return 0;
	st = vb_kmod_state(IOMMUFD);
	if (st < 0 || st == VB_KMOD_MISSING)
		return -ENOENT;
	*name = IOMMUFD;
	return 0;
}

int vb_vfio_backend_ready(const struct vb_act *a, const char **name, int *status, int *nomod,
			  int *was_loaded)
{
	int r, st;

	*status = 0;
	*nomod = 0;
	*was_loaded = 0;
	if ((r = vb_vfio_backend(name)) < 0) {
		*nomod = r == -ENOENT;
		return r;
	}
	st = vb_kmod_state(*name);
	if (st == VB_KMOD_LOADED || st == VB_KMOD_BUILTIN) {
		*was_loaded = 1;
		return 0;
	}
	return vb_kmod_load(a, *name, status);
}

static int rooted_exists(const char *abs)
{
	char p[VB_PATH_MAX];

	return vb_sysfs_path(p, sizeof(p), "%s", abs) == 0 && vb_sysfs_exists(p);
}

int vb_vfio_has_groups(void)
{
	return rooted_exists("/dev/vfio/vfio");
}

int vb_vfio_cdev(const char *addr, char *name, size_t n, unsigned *maj, unsigned *min)
{
	char p[VB_PATH_MAX], v[32], *end;
	char **names;
	size_t k, i;
	int r = -ENOENT;

	name[0] = 0;
	if (vb_pcidev_path(p, sizeof(p), addr, "vfio-dev") < 0 || vb_sysfs_list(p, &names, &k) < 0)
		return -ENOENT;
	for (i = 0; i < k && r == -ENOENT; i++) {
		unsigned long a, b;
		char attr[64];

		if (strncmp(names[i], "vfio", 4) || !names[i][4] ||
		    vb_fmt(attr, sizeof(attr), "vfio-dev/%s/dev", names[i]) < 0 ||
		    vb_pcidev_path(p, sizeof(p), addr, attr) < 0 ||
		    vb_sysfs_read(p, v, sizeof(v)) < 0)
			continue;
		errno = 0;
		a = strtoul(v, &end, 10);
		if (end == v || *end != ':' || errno)
			continue;
		b = strtoul(end + 1, &end, 10);
		if (*end || errno || a > 0xfff || b > 0xfffff)
			continue;
		*maj = (unsigned)a;
		*min = (unsigned)b;
		r = vb_strlcpy(name, names[i], n);
	}
	vb_sysfs_list_free(names, k);
	return r;
}

int vb_vfio_nodes(const char *addr, char *group, size_t gn, char *cdev, size_t cn)
{
	char name[32], abs[64];
	unsigned a, b;
	int g = vb_pcidev_group(addr), k = 0;

	group[0] = cdev[0] = 0;
	if (g >= 0) {
		snprintf(abs, sizeof(abs), "/dev/vfio/%d", g);
		if (!rooted_exists(abs))
			snprintf(abs, sizeof(abs), "/dev/vfio/noiommu-%d", g);
		if (rooted_exists(abs) && vb_strlcpy(group, abs, gn) == 0)
			k++;
	}
	if (vb_vfio_cdev(addr, name, sizeof(name), &a, &b) == 0 &&
	    vb_fmt(cdev, cn, "/dev/vfio/devices/%s", name) == 0)
		k++;
	else
		cdev[0] = 0;
	return k;
}

int vb_vfio_node(const char *addr, char *node, size_t n)
{
	char gn[64], cn[64];

	vb_vfio_nodes(addr, gn, sizeof(gn), cn, sizeof(cn));
	return vb_strlcpy(node, gn[0] ? gn : cn, n) == 0 && node[0];
}

/* Some device on the bus has a vfio cdev. */
static int any_cdev(void)
{
	char p[VB_PATH_MAX], name[32];
	char **names;
	size_t k, i;
	unsigned a, b;
	int r = 0;

	if (vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/devices") < 0 || vb_sysfs_list(p, &names, &k) < 0)
		return 0;
	for (i = 0; i < k && !r; i++)
		r = vb_vfio_cdev(names[i], name, sizeof(name), &a, &b) == 0;
	vb_sysfs_list_free(names, k);
	return r;
}

/* CONFIG_NAME of the running kernel's config file: 1 y/m, 0 "is not set",
 * -ENODATA not there at all (an option the kernel does not have yet),
 * -ENOENT no config to read. */
static int kconfig(const char *name)
{
	static const char *const where[] = { "/boot/config-%s", "/lib/modules/%s/config" };
	char rel[128], p[VB_PATH_MAX], want[64];
	char *buf;
	size_t i, len;

	if (vb_kmod_release(rel, sizeof(rel)) < 0)
		return -ENOENT;
	snprintf(want, sizeof(want), "\n%s=", name);
	len = strlen(want);
	for (i = 0; i < VB_ARRAY_SIZE(where); i++) {
		const char *at;
		char *text;
		int r;

		if (vb_sysfs_path(p, sizeof(p), where[i], rel) < 0 ||
		    vb_blob_read_regular(p, 4 << 20, &buf, NULL) < 0)
			continue;
		/* A leading newline so that the first line matches too. */
		text = vb_xmalloc(strlen(buf) + 2);
		text[0] = '\n';
		strcpy(text + 1, buf);
		free(buf);
		at = strstr(text, want);
		r = at ? (at[len] == 'y' || at[len] == 'm') : -ENODATA;
		if (!at) {
			char off[80];
			snprintf(off, sizeof(off), "\n# %s is not set", name);
			if (strstr(text, off))
				r = 0;
		}
		free(text);
		return r;
	}
	return -ENOENT;
}

int vb_vfio_interfaces(void)
{
	int f = 0, g, c, u;

	if (rooted_exists("/sys/module/vfio") || rooted_exists("/dev/vfio/vfio")) {
		/* vfio is there: the nodes tell the group interface, and a
		 * device on vfio tells the cdev. */
		f |= rooted_exists("/dev/vfio/vfio") ? VB_VFIO_IF_GROUP : 0;
		f |= rooted_exists("/dev/iommu") ? VB_VFIO_IF_IOMMUFD : 0;
		if (any_cdev())
			return f | VB_VFIO_IF_CDEV;
		/* No device on vfio (or none with a cdev): the config, if any,
		 * says whether there would be one. */
		if ((c = kconfig("CONFIG_VFIO_DEVICE_CDEV")) > 0)
			f |= VB_VFIO_IF_CDEV | VB_VFIO_IF_FROM_CONFIG;
		return f;
	}
	g = kconfig("CONFIG_VFIO_GROUP");
	c = kconfig("CONFIG_VFIO_DEVICE_CDEV");
	u = kconfig("CONFIG_IOMMUFD");
	if (g == -ENOENT)
		return 0;
	/* Before 6.2 there is no CONFIG_VFIO_GROUP: groups are all vfio has. */
	if (g == -ENODATA)
		g = kconfig("CONFIG_VFIO") > 0;
	if (g <= 0 && c <= 0)
		return 0;
	return VB_VFIO_IF_FROM_CONFIG | (g > 0 ? VB_VFIO_IF_GROUP : 0) |
	       (c > 0 ? VB_VFIO_IF_CDEV : 0) | (u > 0 ? VB_VFIO_IF_IOMMUFD : 0);
}

const char *vb_vfio_step_name(int step)
{
	switch (step) {
	case VB_VFIO_STEP_CONTAINER: return "open /dev/vfio/vfio";
	case VB_VFIO_STEP_API: return "VFIO_GET_API_VERSION";
	case VB_VFIO_STEP_EXTENSION: return "VFIO_CHECK_EXTENSION";
	case VB_VFIO_STEP_GROUP: return "open /dev/vfio/GROUP";
	case VB_VFIO_STEP_STATUS: return "VFIO_GROUP_GET_STATUS";
	case VB_VFIO_STEP_VIABLE: return "VFIO_GROUP_GET_STATUS (viable)";
	case VB_VFIO_STEP_SET_CONTAINER: return "VFIO_GROUP_SET_CONTAINER";
	case VB_VFIO_STEP_SET_IOMMU: return "VFIO_SET_IOMMU";
	case VB_VFIO_STEP_CDEV: return "vfio-dev";
	case VB_VFIO_STEP_CDEV_OPEN: return "open /dev/vfio/devices/vfioN";
	case VB_VFIO_STEP_IOMMUFD: return "open /dev/iommu";
	case VB_VFIO_STEP_IOAS: return "IOMMU_IOAS_ALLOC";
	}
	return "vfio";
}

/* ---- the system calls, through a seam ----------------------------------- */

static int real_open(const char *path, int flags)
{
	return open(path, flags);
}

static int real_ioctl(int fd, unsigned long req, unsigned long arg)
{
	return ioctl(fd, req, arg);
}

static int real_is_chr(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	return S_ISCHR(st.st_mode) ? 1 : 0;
}

static int real_rdev(const char *path, unsigned *maj, unsigned *min)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	*maj = major(st.st_rdev);
	*min = minor(st.st_rdev);
	return 0;
}

static const struct vb_vfio_ops real_ops = { real_open, real_ioctl, close, real_is_chr, real_rdev };
static const struct vb_vfio_ops *ops = &real_ops;

void vb_vfio_set_ops(const struct vb_vfio_ops *o)
{
	ops = o ? o : &real_ops;
}

static int failed(struct vb_vfio_open *o, int step, int err)
{
	o->step = step;
	o->err = err;
	return err;
}

/* Is the node at p (rooted) usable: 1 a character device, 0 a fake tree's
 * plain file (only under VFIOBOX_SYSROOT), -errno. */
static int node_kind(const char *p)
{
	int r = ops->is_chr(p);

	if (r == 0 && !*vb_sysfs_root())
		return -ENOTTY;	/* a real /dev/vfio/N is always a character device */
	return r;
}

int vb_vfio_group_open(int g, struct vb_vfio_open *o)
{
	char cp[VB_PATH_MAX], gp[VB_PATH_MAX];
	struct vfio_group_status gs;
	int c = -1, gf = -1, r, k1, k2, type;
	long v;

	memset(o, 0, sizeof(*o));
	o->checked = 1;
	if (g < 0)
		return failed(o, VB_VFIO_STEP_GROUP, -EINVAL);
	if (vb_sysfs_path(cp, sizeof(cp), "/dev/vfio/vfio") < 0 ||
	    vb_sysfs_path(gp, sizeof(gp), "/dev/vfio/%d", g) < 0)
		return failed(o, VB_VFIO_STEP_CONTAINER, -ENAMETOOLONG);
	if ((k1 = node_kind(cp)) < 0)
		return failed(o, VB_VFIO_STEP_CONTAINER, k1);
	if ((k2 = node_kind(gp)) < 0)
		return failed(o, VB_VFIO_STEP_GROUP, k2);
	if (!k1 || !k2) {
		o->checked = 0;	/* a fake tree: there, but no kernel behind it */
		return 0;
	}
	if ((c = ops->open(cp, O_RDWR | O_CLOEXEC)) < 0)
		return failed(o, VB_VFIO_STEP_CONTAINER, -errno);
	errno = 0;
	v = ops->ioctl(c, VFIO_GET_API_VERSION, 0);
	o->api = v;
	if (v != VFIO_API_VERSION) {
		r = failed(o, VB_VFIO_STEP_API, v < 0 && errno ? -errno : -EPROTO);
		goto out;
	}
	if (ops->ioctl(c, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0) {
		type = VFIO_TYPE1v2_IOMMU;
		o->iommu = "type1v2";
	} else if (ops->ioctl(c, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) > 0) {
		type = VFIO_TYPE1_IOMMU;
		o->iommu = "type1";
	} else {
		r = failed(o, VB_VFIO_STEP_EXTENSION, -ENODEV);
		goto out;
	}
	if ((gf = ops->open(gp, O_RDWR | O_CLOEXEC)) < 0) {
		r = failed(o, VB_VFIO_STEP_GROUP, -errno);
		goto out;
	}
	memset(&gs, 0, sizeof(gs));
	gs.argsz = sizeof(gs);
	if (ops->ioctl(gf, VFIO_GROUP_GET_STATUS, (unsigned long)(uintptr_t)&gs) < 0) {
		r = failed(o, VB_VFIO_STEP_STATUS, -errno);
		goto out;
	}
	if (!(gs.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		r = failed(o, VB_VFIO_STEP_VIABLE, -EPERM);
		goto out;
	}
	if (ops->ioctl(gf, VFIO_GROUP_SET_CONTAINER, (unsigned long)(uintptr_t)&c) < 0) {
		r = failed(o, VB_VFIO_STEP_SET_CONTAINER, -errno);
		goto out;
	}
	if (ops->ioctl(c, VFIO_SET_IOMMU, (unsigned long)type) < 0) {
		r = failed(o, VB_VFIO_STEP_SET_IOMMU, -errno);
		goto out;
	}
	r = 0;
out:
	/* Closing the group fd unsets the container; closing the container
	 * releases the IOMMU domain. No device fd was ever opened. */
	if (gf >= 0)
		ops->close(gf);
	if (c >= 0)
		ops->close(c);
	return r;
}

int vb_vfio_cdev_open(const char *addr, struct vb_vfio_open *o)
{
	char name[32], np[VB_PATH_MAX], ip[VB_PATH_MAX];
	struct iommu_ioas_alloc alloc;
	struct iommu_destroy destroy;
	unsigned maj, min, a, b;
	int fd, u = -1, r, k1, k2;

	memset(o, 0, sizeof(*o));
	o->checked = 1;
	vb_strlcpy(o->dev, addr, sizeof(o->dev));
	if ((r = vb_vfio_cdev(addr, name, sizeof(name), &maj, &min)) < 0)
		return failed(o, VB_VFIO_STEP_CDEV, r);
	snprintf(o->node, sizeof(o->node), "/dev/vfio/devices/%s", name);
	if (vb_sysfs_path(np, sizeof(np), "%s", o->node) < 0 ||
	    vb_sysfs_path(ip, sizeof(ip), "/dev/iommu") < 0)
		return failed(o, VB_VFIO_STEP_CDEV_OPEN, -ENAMETOOLONG);
	if ((k1 = node_kind(np)) < 0)
		return failed(o, VB_VFIO_STEP_CDEV_OPEN, k1);
	if ((k2 = node_kind(ip)) < 0)
		return failed(o, VB_VFIO_STEP_IOMMUFD, k2);
	if (!k1 || !k2) {
		o->checked = 0;	/* a fake tree */
		o->dev[0] = 0;
		return 0;
	}
	/* The node is the device's: a stale or hand-made node is another. */
	if ((r = ops->rdev(np, &a, &b)) < 0)
		return failed(o, VB_VFIO_STEP_CDEV_OPEN, r);
	if (a != maj || b != min) {
		o->want_maj = maj;
		o->want_min = min;
		return failed(o, VB_VFIO_STEP_CDEV_OPEN, -ENXIO);
	}
	/* open() of the cdev takes a reference on the registered device and
	 * nothing else; no ioctl is made on it (BIND_IOMMUFD would open the
	 * device). */
	if ((fd = ops->open(np, O_RDWR | O_CLOEXEC)) < 0)
		return failed(o, VB_VFIO_STEP_CDEV_OPEN, -errno);
	if ((u = ops->open(ip, O_RDWR | O_CLOEXEC)) < 0) {
		r = failed(o, VB_VFIO_STEP_IOMMUFD, -errno);
		goto out;
	}
	memset(&alloc, 0, sizeof(alloc));
	alloc.size = sizeof(alloc);
	if (ops->ioctl(u, IOMMU_IOAS_ALLOC, (unsigned long)(uintptr_t)&alloc) < 0) {
		r = failed(o, VB_VFIO_STEP_IOAS, -errno);
		goto out;
	}
	memset(&destroy, 0, sizeof(destroy));
	destroy.size = sizeof(destroy);
	destroy.id = alloc.out_ioas_id;
	/* Closing /dev/iommu frees the IOAS as well; destroy it first all the
	 * same, as QEMU does. */
	ops->ioctl(u, IOMMU_DESTROY, (unsigned long)(uintptr_t)&destroy);
	o->dev[0] = 0;
	r = 0;
out:
	if (u >= 0)
		ops->close(u);
	ops->close(fd);
	return r;
}
