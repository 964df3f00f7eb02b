/* vfio: what a VM needs from the kernel beyond vfio-pci holding the device:
 * the IOMMU backend module, and an IOMMU group that opens the way QEMU opens
 * it.
 *
 * The backend: `vfio` declares vfio_iommu_type1 only as a soft dependency,
 * which busybox's modprobe, insmod and a rescue shell do not follow; without
 * it VFIO_SET_IOMMU fails with ENODEV. On a kernel without vfio_iommu_type1
 * but with iommufd (6.2+), iommufd's compatibility container serves the same
 * ioctls.
 *
 * The open (QEMU's hw/vfio/container.c): /dev/vfio/vfio, VFIO_GET_API_VERSION
 * == VFIO_API_VERSION, VFIO_CHECK_EXTENSION(TYPE1v2, else TYPE1), open
 * /dev/vfio/N, VFIO_GROUP_GET_STATUS has VIABLE, VFIO_GROUP_SET_CONTAINER,
 * VFIO_SET_IOMMU, then everything closed. Never VFIO_GROUP_GET_DEVICE_FD:
 * opening a device resets it when it is closed, which some GPUs do not
 * survive.
 *
 * A kernel without the group interface (CONFIG_VFIO_GROUP=n, 6.6+ with
 * CONFIG_VFIO_DEVICE_CDEV) has no /dev/vfio/vfio and no /dev/vfio/N: a VM
 * (QEMU's iommufd backend, libvirt 12.2+ with <driver iommufd='yes'/>) opens
 * each device's cdev /dev/vfio/devices/vfioN and binds it to /dev/iommu.
 * Verification there stops short of the bind: open() of the cdev only takes
 * a reference on the registered device (drivers/vfio/device_cdev.c,
 * vfio_device_fops_cdev_open: "device access ... is blocked until
 * .open_device() is called successfully during BIND_IOMMUFD"), and a close
 * without a bind unbinds nothing (vfio_df_unbind_iommufd returns when access
 * was never granted); VFIO_DEVICE_BIND_IOMMUFD opens the device, which
 * resets it on close: never done. So: the device's vfio-dev/vfioN has a
 * `dev` number, /dev/vfio/devices/vfioN is that character device and opens,
 * /dev/iommu opens and gives an IO address space (IOMMU_IOAS_ALLOC, then
 * IOMMU_DESTROY); the group's viability, which the kernel checks only at the
 * bind (iommu_device_claim_dma_owner), is the caller's sysfs rule
 * (lib/pci/iommu).
 *
 * Kernel ABI: /dev/vfio/vfio, /dev/vfio/N (include/uapi/linux/vfio.h),
 * /sys/bus/pci/devices/ADDR/vfio-dev/vfioN/dev, /dev/vfio/devices/vfioN,
 * /dev/iommu (include/uapi/linux/iommufd.h), modules.dep / modules.builtin
 * through lib/pci/kmod. Returns 0 or -errno, never prints. */
#ifndef VB_VFIO_H
#define VB_VFIO_H

#include <stddef.h>

struct vb_act;

/* The backend module a VM's container needs on the running kernel:
 * "vfio_iommu_type1" when it is loaded, built in or in modules.dep(.bin),
 * else "iommufd" when that is; *name gets it. -ENOENT when neither is (then
 * *name is "vfio_iommu_type1", the one to install), other -errno. */
int vb_vfio_backend(const char **name);
/* Make sure the backend is loaded (vb_kmod_load: modprobe by name, as
 * vfio-pci is loaded); *name as above. 0 when loaded or built in (or in a
 * dry run), -ENOENT (no module, or no modprobe: *nomod tells which), -ENOPKG
 * (modprobe ran, *status its exit status, module not loaded), other -errno.
 * *was_loaded: it was there before (nothing run). */
int vb_vfio_backend_ready(const struct vb_act *a, const char **name, int *status, int *nomod,
			  int *was_loaded);

/* Which userspace interfaces the running kernel's vfio offers:
 * VB_VFIO_IF_GROUP, the container and group nodes every QEMU uses
 * (/dev/vfio/vfio); VB_VFIO_IF_CDEV, the device cdev (CONFIG_VFIO_DEVICE_CDEV,
 * 6.6+: /dev/vfio/devices/vfioN; /sys/class/vfio-dev alone is not it, every
 * kernel since 6.1 has that class); VB_VFIO_IF_IOMMUFD, /dev/iommu (6.2+).
 * What the nodes show wins: vfio loaded (/sys/module/vfio) and no
 * /dev/vfio/vfio is a kernel without the group interface; a vfio-dev/vfioN
 * with a `dev` number is the cdev. Else the kernel's config says it
 * (/boot/config-RELEASE, /lib/modules/RELEASE/config: CONFIG_VFIO_GROUP,
 * CONFIG_VFIO_DEVICE_CDEV, CONFIG_IOMMUFD), with VB_VFIO_IF_FROM_CONFIG set.
 * 0 when nothing tells. */
enum {
	VB_VFIO_IF_GROUP = 1,
	VB_VFIO_IF_CDEV = 2,
	VB_VFIO_IF_IOMMUFD = 4,
	VB_VFIO_IF_FROM_CONFIG = 8,	/* the bits above come from the kernel's config */
};
int vb_vfio_interfaces(void);

/* 1 when the group interface is there (/dev/vfio/vfio: vfio loaded on a
 * kernel with CONFIG_VFIO_GROUP), 0 not. */
int vb_vfio_has_groups(void);

/* The device's vfio cdev: the name under ADDR/vfio-dev/ ("vfio3", into name)
 * and its device number. 0; -ENOENT when the device has none (not on a vfio
 * driver, or a vfio-dev/vfioN without `dev`: a kernel without
 * CONFIG_VFIO_DEVICE_CDEV); other -errno. */
int vb_vfio_cdev(const char *addr, char *name, size_t n, unsigned *maj, unsigned *min);

/* The device's vfio nodes as the user opens them, each "" when there is
 * none: group gets /dev/vfio/N (or /dev/vfio/noiommu-N) when that node is
 * there, cdev /dev/vfio/devices/vfioN when the device has a cdev
 * (vb_vfio_cdev). Returns how many were found. */
int vb_vfio_nodes(const char *addr, char *group, size_t gn, char *cdev, size_t cn);
/* The one node a VM opens for addr: its group's (vb_vfio_nodes), else, on a
 * kernel without the group interface, its cdev; "" none. 1 found, 0 not. */
int vb_vfio_node(const char *addr, char *node, size_t n);

/* The steps of the open, for messages. */
enum vb_vfio_step {
	VB_VFIO_STEP_NONE = 0,
	VB_VFIO_STEP_CONTAINER,		/* open /dev/vfio/vfio */
	VB_VFIO_STEP_API,		/* VFIO_GET_API_VERSION */
	VB_VFIO_STEP_EXTENSION,		/* VFIO_CHECK_EXTENSION(TYPE1v2 / TYPE1) */
	VB_VFIO_STEP_GROUP,		/* open /dev/vfio/N */
	VB_VFIO_STEP_STATUS,		/* VFIO_GROUP_GET_STATUS */
	VB_VFIO_STEP_VIABLE,		/* the VIABLE flag */
	VB_VFIO_STEP_SET_CONTAINER,	/* VFIO_GROUP_SET_CONTAINER */
	VB_VFIO_STEP_SET_IOMMU,		/* VFIO_SET_IOMMU */
	VB_VFIO_STEP_CDEV,		/* ADDR/vfio-dev/vfioN/dev */
	VB_VFIO_STEP_CDEV_OPEN,		/* open /dev/vfio/devices/vfioN */
	VB_VFIO_STEP_IOMMUFD,		/* open /dev/iommu */
	VB_VFIO_STEP_IOAS,		/* IOMMU_IOAS_ALLOC */
};
/* "open /dev/vfio/vfio", "VFIO_SET_IOMMU", ... */
const char *vb_vfio_step_name(int step);

struct vb_vfio_open {
	int step;		/* the step that failed, VB_VFIO_STEP_NONE when it opened */
	int err;		/* its -errno (VIABLE: -EPERM; API: -EPROTO; EXTENSION: -ENODEV) */
	long api;		/* what GET_API_VERSION said */
	const char *iommu;	/* "type1v2" or "type1" once the extension step passed */
	int checked;		/* 1: the ioctls ran; 0: a fake tree's node is not a
				 * character device, so only its presence was checked */
	/* vb_vfio_cdev_open: */
	char dev[16];		/* the failing device's address, "" none */
	char node[64];		/* its cdev node (or the one that failed) */
	unsigned want_maj, want_min;	/* CDEV_OPEN -ENXIO: what vfio-dev said */
};

/* Open IOMMU group g as QEMU does (see the top) and close it again. 0 when
 * it opened; -EBUSY when the group is open already (a running VM, another
 * process: in use, not broken); else the failing step's -errno with o->step.
 * Under VFIOBOX_SYSROOT a node that is not a character device (a fake tree)
 * is only checked to exist, with o->checked 0; on the real root that is a
 * failure (-ENOTTY). */
int vb_vfio_group_open(int g, struct vb_vfio_open *o);

/* Verify device addr (on a vfio driver) through its cdev and /dev/iommu, as
 * far as that goes without opening the device (see the top): its
 * vfio-dev/vfioN number, /dev/vfio/devices/vfioN that character device
 * (-ENXIO: another number, o->want_*), opened and closed; /dev/iommu
 * opened, an IOAS allocated and destroyed. 0, else the failing step's -errno
 * with o->step and o->dev. A fake tree's nodes (not character devices) are
 * only checked to exist, o->checked 0. o->node gets the cdev node. */
int vb_vfio_cdev_open(const char *addr, struct vb_vfio_open *o);

/* The system calls the open uses, replaceable by unit tests (NULL: the real
 * ones). */
struct vb_vfio_ops {
	int (*open)(const char *path, int flags);
	int (*ioctl)(int fd, unsigned long req, unsigned long arg);
	int (*close)(int fd);
	int (*is_chr)(const char *path);	/* 1 char device, 0 other, -errno */
	int (*rdev)(const char *path, unsigned *maj, unsigned *min);	/* stat's st_rdev */
};
void vb_vfio_set_ops(const struct vb_vfio_ops *ops);

#endif
