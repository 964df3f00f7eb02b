/* kmod: is a kernel module loaded, built in, or available for the running
 * kernel, and loading one with the real modprobe (execve, no shell).
 *
 * Module names compare with '-' and '_' as equals (vfio-pci == vfio_pci).
 * The running kernel's release comes from ROOT/proc/sys/kernel/osrelease,
 * so a fake tree can pose as any kernel. */
#ifndef VB_KMOD_H
#define VB_KMOD_H

#include <stddef.h>

struct vb_act;

#define VB_KMOD_NAME_LEN 64	/* a module name + NUL */

enum vb_kmod_state {
	VB_KMOD_MISSING = 0,	/* not in modules.dep, not built in */
	VB_KMOD_AVAILABLE,	/* in modules.dep, not loaded */
	VB_KMOD_LOADED,		/* /sys/module/NAME/initstate is live */
	VB_KMOD_BUILTIN,	/* in modules.builtin, or /sys/module without initstate */
};

int vb_kmod_release(char *buf, size_t n);
/* State of module name for the running kernel, or -errno. */
int vb_kmod_state(const char *name);
const char *vb_kmod_state_name(int state);
/* The modprobe to run: first of ROOT{/sbin,/usr/sbin,/usr/bin,/bin}/modprobe,
 * else the path in /proc/sys/kernel/modprobe;
 * VFIOBOX_MODPROBE overrides. -ENOENT if none. */
int vb_kmod_modprobe(char *buf, size_t n);
/* Make sure name is loaded: nothing to do when loaded or built in, else run
 * `modprobe NAME`. Returns 0 when loaded afterwards (or in a dry run), -ENOENT
 * when there is no modprobe, -ENOPKG when modprobe ran but the module is not
 * loaded (*status gets modprobe's exit status), other -errno. */
int vb_kmod_load(const struct vb_act *a, const char *name, int *status);

/* ---- vfio-pci variant drivers -------------------------------------------
 * A variant driver (mlx5_vfio_pci, nvgrace_gpu_vfio_pci, ...) declares its id
 * table with PCI_DRIVER_OVERRIDE_DEVICE_VFIO, which depmod writes to
 * lib/modules/$(uname -r)/modules.alias as
 * "alias vfio_pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X MODULE" with '*'
 * for any value (scripts/mod/file2alias.c); vfio_pci's own line is all '*'.
 * The driver's name is its module name (KBUILD_MODNAME). */

/* The variant driver for a device whose modalias is m ("pci:v...", as sysfs
 * gives it): of the vfio_pci: aliases that match it, the one with the fewest
 * '*' (libvirt's virPCIDeviceFindBestVFIOVariant), vfio_pci's catch-all left
 * out; only, when not NULL, limits the search to that module. Returns 1 with
 * mod (the module and driver name) and pat (the alias, "vfio_pci:...") set,
 * 0 when none matches or the kernel has no modules.alias, -errno. */
int vb_kmod_vfio_variant(const char *m, const char *only, char *mod, size_t mn, char *pat,
			 size_t pn);
/* 1 if name ('-' and '_' equal) has a vfio_pci: alias in modules.alias of
 * the running kernel: a vfio-pci variant driver (or vfio_pci itself). */
int vb_kmod_is_vfio_variant(const char *name);

#endif
