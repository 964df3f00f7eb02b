/* blob: whole binary files in and out, for the applets that dump firmware
 * images (ssdt, rom).
 *
 * vb_blob_read reads with plain read() until end of file, so it works on
 * sysfs binary attributes (whose st_size is a maximum, not the length), on
 * pipes, and on regular files. vb_blob_write_atomic never leaves a partial
 * file behind: it writes a temporary file in the target's directory, fsyncs
 * it, and renames it over the target. */
#ifndef VB_BLOB_H
#define VB_BLOB_H

#include <stddef.h>
#include <sys/types.h>

/* Read all of path (at most max bytes) into a new buffer (*buf, freed by the
 * caller; NULL when nothing was read). Returns 0, -EFBIG when the file holds
 * more than max bytes, or -errno from open/read. */
int vb_blob_read(const char *path, size_t max, unsigned char **buf, size_t *len);
/* Create and open (O_RDWR, mode 0600) a new file next to path, named
 * DIR/.BASE.RANDOM, its name in tmp[n]. Returns the fd or -errno. */
int vb_blob_tmpfile(const char *path, char *tmp, size_t n);
/* Write len bytes to path atomically, mode mode (before umask). 0 or -errno;
 * on error nothing is left at path's directory but what was there before. */
int vb_blob_write_atomic(const char *path, const void *buf, size_t len, mode_t mode);
/* 0 if the directory that path would be created in exists and is writable,
 * else -errno (checked before any other side effect). */
int vb_blob_check_target(const char *path);

#endif
