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

#endif
