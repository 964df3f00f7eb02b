/* holders: who keeps a driver busy with a device, as far as /proc shows:
 * processes with one of its device nodes open (/dev/nvidia* for nvidia, the
 * device's /dev/dri and /dev/snd nodes, its framebuffer /dev/fbN, /dev/vfio/GROUP
 * and its cdev /dev/vfio/devices/vfioN for vfio drivers),
 * and the module's use count. The check every applet runs before its first
 * write that takes a device off its driver (vfio-claim, vfio-release, recover).
 *
 * Kernel ABI: /sys/bus/pci/devices/ADDR/{drm,sound,graphics}, /proc/PID/fd,
 * /proc/PID/comm, /sys/module/NAME/refcnt. */
#ifndef VB_HOLDERS_H
#define VB_HOLDERS_H

#include <stddef.h>

struct vb_act;

/* e.g. "Xorg (pid 812: /dev/nvidia0, /dev/nvidiactl)"; then the module's use
 * count. Returns the number of processes found; buf is "" when nothing is
 * visible. A process that exits during the scan (its /proc entries go:
 * ENOENT, ESRCH) holds nothing and is skipped; one whose open files cannot be
 * read (EACCES: not root, hidepid=) is counted in *unreadable (may be NULL):
 * it may hold the device unseen. */
int vb_holders_find(const char *addr, const char *driver, char *buf, size_t n, int *unreadable);

/* Before the first write that takes addr off driver: vb_holders_find, with
 * what it found noted in a's plan ("ADDR: held by ...", and how many
 * processes could not be looked into). Returns 0 when no process is seen
 * holding it; 1 when one is and force or a dry run goes on; -EBUSY when one
 * is and the caller must refuse, with who the holders (as vb_holders_find
 * says them). */
int vb_holders_check(const struct vb_act *a, const char *addr, const char *driver, int force,
		     char *who, size_t n);

#endif
