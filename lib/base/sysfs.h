/* sysfs: every path under /sys, /proc, /dev, /etc, /lib/modules and /run is
 * built from one root prefix, VFIOBOX_SYSROOT (read once; empty = the real
 * system). Attribute reads and the one write helper return 0/length or -errno
 * and never print. */
#ifndef VB_SYSFS_H
#define VB_SYSFS_H

#include <stddef.h>

#define VB_PATH_MAX 512

/* The root prefix ("" on a real system, no trailing slash). */
const char *vb_sysfs_root(void);
/* Override the root (unit tests); NULL re-reads VFIOBOX_SYSROOT. */
void vb_sysfs_set_root(const char *root);
/* root + formatted absolute path; -ENAMETOOLONG if it does not fit. */
int vb_sysfs_path(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The path as the user knows it: the root prefix stripped (for messages and
 * dry runs, so they read the same on a fake tree). */
const char *vb_sysfs_unroot(const char *path);

/* Read a text attribute; trailing whitespace stripped. Returns the length,
 * -EOVERFLOW when it does not fit in n-1 bytes, or -errno. */
int vb_sysfs_read(const char *path, char *buf, size_t n);
/* The same for an attribute whose read takes the device lock (driver_override:
 * the kernel holds that lock for as long as an unbind or a probe of the device
 * runs, and a driver in use can make that for ever). The read happens in a
 * child process, which is given up after the wait set by vb_sysfs_set_wait
 * (default 10 s): -ETIMEDOUT, and the child, killed, goes when the kernel lets
 * it (it holds no fd of ours but the pipe). */
int vb_sysfs_read_locked(const char *path, char *buf, size_t n);
/* How long vb_sysfs_read_locked waits, in ms (applets pass --timeout). */
void vb_sysfs_set_wait(long ms);
long vb_sysfs_wait(void);
/* Read up to n bytes from offset off; *got is set to the count read. */
int vb_sysfs_pread(const char *path, void *buf, size_t n, long off, size_t *got);
/* Read an unsigned number (base 0: "0x10de" or "1"; base 16 etc.). */
int vb_sysfs_read_ulong(const char *path, int base, unsigned long *v);
/* The one write helper: open O_WRONLY|O_TRUNC|O_CLOEXEC (never creates), one
 * write() of the whole value; a short write is -EIO. */
int vb_sysfs_write(const char *path, const char *val);
/* Basename of a symlink's target (driver, iommu_group); -ENOENT if absent. */
int vb_sysfs_link_name(const char *path, char *buf, size_t n);
/* 1 if the path exists (lstat), 0 if not. */
int vb_sysfs_exists(const char *path);

/* Sorted names in a directory, "." and ".." skipped. Free with
 * vb_sysfs_list_free(). */
int vb_sysfs_list(const char *dir, char ***names, size_t *n);
void vb_sysfs_list_free(char **names, size_t n);

/* What the kernel meant by err when writing (or reading) attribute attr, e.g.
 * ENODEV on "unbind". Never NULL. */
const char *vb_sysfs_strerror(int err, const char *attr);

#endif
