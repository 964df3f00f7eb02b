/* holders: who keeps a driver busy with a device, as far as /proc shows:
 * processes with one of its device nodes open (/dev/nvidia* for nvidia, the
 * device's /dev/dri and /dev/snd nodes, its framebuffer /dev/fbN, /dev/vfio/GROUP
 * and its cdev /dev/vfio/devices/vfioN for vfio drivers),
 * and the module's use count.
 *
 * Kernel ABI: /sys/bus/pci/devices/ADDR/{drm,sound,graphics}, /proc/PID/fd,
 * /proc/PID/comm, /sys/module/NAME/refcnt. */
#ifndef VB_HOLDERS_H
#define VB_HOLDERS_H

#include <stddef.h>

/* e.g. "Xorg (pid 812: /dev/nvidia0, /dev/nvidiactl)"; then the module's use
 * count. Returns the number of processes found; buf is "" when nothing is
 * visible. */
int vb_holders_find(const char *addr, const char *driver, char *buf, size_t n);

#endif
