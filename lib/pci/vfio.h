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
 * Kernel ABI: /dev/vfio/vfio, /dev/vfio/N (include/uapi/linux/vfio.h),
 * modules.dep / modules.builtin through lib/pci/kmod. Returns 0 or -errno,
 * never prints. */
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

/* Which userspace interfaces the running kernel's vfio offers, as far as the
 * nodes show (vfio loaded): VB_VFIO_IF_GROUP, the container and group nodes
 * every QEMU uses (/dev/vfio/vfio); VB_VFIO_IF_CDEV, the device cdev
 * (CONFIG_VFIO_DEVICE_CDEV, 6.6+: a dev number in /sys/class/vfio-dev/vfioN,
 * /dev/vfio/devices/vfioN);
 * VB_VFIO_IF_IOMMUFD, /dev/iommu (6.2+). 0 when none is seen. */
enum { VB_VFIO_IF_GROUP = 1, VB_VFIO_IF_CDEV = 2, VB_VFIO_IF_IOMMUFD = 4 };
int vb_vfio_interfaces(void);

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
};

/* Open IOMMU group g as QEMU does (see the top) and close it again. 0 when
 * it opened; -EBUSY when the group is open already (a running VM, another
 * process: in use, not broken); else the failing step's -errno with o->step.
 * Under VFIOBOX_SYSROOT a node that is not a character device (a fake tree)
 * is only checked to exist, with o->checked 0; on the real root that is a
 * failure (-ENOTTY). */
int vb_vfio_group_open(int g, struct vb_vfio_open *o);

/* The system calls the open uses, replaceable by unit tests (NULL: the real
 * ones). */
struct vb_vfio_ops {
	int (*open)(const char *path, int flags);
	int (*ioctl)(int fd, unsigned long req, unsigned long arg);
	int (*close)(int fd);
	int (*is_chr)(const char *path);	/* 1 char device, 0 other, -errno */
};
void vb_vfio_set_ops(const struct vb_vfio_ops *ops);

#endif
