/* vfio: the IOMMU backend and the QEMU-style group open. See vfio.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "base/sysfs.h"
#include "base/util.h"
#include "pci/kmod.h"
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

/* /sys/class/vfio-dev/vfioN exists for every vfio device since 6.1; only a
 * kernel with CONFIG_VFIO_DEVICE_CDEV gives it a dev number (the cdev). */
static int have_cdev(void)
{
	char p[VB_PATH_MAX], a[VB_PATH_MAX], **v;
	size_t n, i;
	int any = 0;

	if (vb_sysfs_path(p, sizeof(p), "/sys/class/vfio-dev") < 0 || vb_sysfs_list(p, &v, &n) < 0)
		return 0;
	for (i = 0; i < n && !any; i++)
		any = vb_fmt(a, sizeof(a), "%s/%s/dev", p, v[i]) == 0 && vb_sysfs_exists(a);
	vb_sysfs_list_free(v, n);
	return any;
}

int vb_vfio_interfaces(void)
{
	return (rooted_exists("/dev/vfio/vfio") ? VB_VFIO_IF_GROUP : 0) |
	       (have_cdev() ? VB_VFIO_IF_CDEV : 0) |
	       (rooted_exists("/dev/iommu") ? VB_VFIO_IF_IOMMUFD : 0);
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

static const struct vb_vfio_ops real_ops = { real_open, real_ioctl, close, real_is_chr };
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
