/* blob: whole files in and out: firmware images (ssdt, rom), and the text
 * files that must be regular files (/etc/vfiobox.conf, /proc/cmdline).
 *
 * vb_blob_read reads with plain read() until end of file, so it works on
 * sysfs binary attributes (whose st_size is a maximum, not the length), on
 * pipes, and on regular files. vb_blob_write_atomic never leaves a partial
 * file behind: it writes a temporary file in the target's directory, fsyncs
 * it, and renames it over the target.
 *
 * vb_blob_repl_* replace a file that exists (domxml -i) keeping what made it
 * that file: the new content is written to an unnamed file in the target's
 * directory (O_TMPFILE, so nothing named exists while it is written and a
 * kill -9 leaves nothing; where the filesystem lacks it, a file named
 * .BASE.RANDOM, or .vfiobox.RANDOM when that name would pass NAME_MAX),
 * given the original's owner, mode and extended attributes (POSIX ACLs
 * are system.posix_acl_access), then linked under a temporary name and
 * renamed over the target in one step. vb_blob_lock serializes the
 * writers that take it (flock on the file) and says when the file at path
 * is no longer the one locked. */
#ifndef VB_BLOB_H
#define VB_BLOB_H

#include <limits.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Read all of path (at most max bytes) into a new buffer (*buf, freed by the
 * caller; NULL when nothing was read). Returns 0, -EFBIG when the file holds
 * more than max bytes, or -errno from open/read. */
int vb_blob_read(const char *path, size_t max, unsigned char **buf, size_t *len);
/* Returned (negated) for a path that is not a regular file: a code past
 * errno's range, so no system call can mean it. */
#define VB_ENOTREG 4096
/* Read all of a text file that must be a regular file (a configuration,
 * /proc/cmdline): a FIFO, a directory, a socket or a device is refused
 * before it is opened (-VB_ENOTREG, *type its S_IFMT), so nothing waits
 * for a writer. *text (freed by the caller) is NUL-terminated. Returns 0,
 * -EFBIG past max bytes, -EILSEQ for a NUL byte in it, or -errno from
 * stat/open/read: a read error is an error, never a shorter text. */
int vb_blob_read_regular(const char *path, size_t max, char **text, mode_t *type);
/* The file type of an S_IFMT mode in words: "a FIFO", "a directory". */
const char *vb_blob_ftype(mode_t mode);
/* Create and open (O_RDWR, mode 0600) a new file next to path, named
 * DIR/.BASE.RANDOM (DIR/.vfiobox.RANDOM when that name would pass
 * NAME_MAX), its name in tmp[n]. Returns the fd or -errno. */
int vb_blob_tmpfile(const char *path, char *tmp, size_t n);
/* Write len bytes to path atomically, mode mode (before umask). 0 or -errno;
 * on error nothing is left at path's directory but what was there before. */
int vb_blob_write_atomic(const char *path, const void *buf, size_t len, mode_t mode);
/* Write all of buf[0..len) to fd, going on after short writes and EINTR.
 * 0 or -errno (-EIO for a write of 0 bytes). */
int vb_blob_write_fd(int fd, const void *buf, size_t len);
/* 0 if the directory that path would be created in exists and is writable,
 * else -errno (checked before any other side effect). */
int vb_blob_check_target(const char *path);

/* flock(LOCK_EX) of fd, open on path, waiting at most timeout_ms for another
 * holder. 0 locked; -EWOULDBLOCK still held by another; -ESTALE locked, but
 * path is now another file (replaced while waiting: reopen and lock again);
 * else -errno. */
int vb_blob_lock(int fd, const char *path, unsigned timeout_ms);

struct vb_blob_repl {
	int fd;				/* the new content: write here */
	int dfd;			/* the target's directory */
	char path[PATH_MAX], dir[PATH_MAX];
	char tmp[PATH_MAX];		/* its name while it has one, else "" */
};

/* Start replacing path (which names a regular file, symlinks resolved by
 * the caller): r->fd is a new empty file (mode 0600) in its directory.
 * 0 or -errno (nothing left behind). */
int vb_blob_repl_open(struct vb_blob_repl *r, const char *path);
/* Give the new file st's owner and group: 0 or -errno (EPERM: not root and
 * the file is another user's, or its group is not one of the caller's). */
int vb_blob_repl_owner(struct vb_blob_repl *r, const struct stat *st);
/* Copy every extended attribute of from to to (ACLs included). 0 (also when
 * from's filesystem has none); else -errno with the name of the first one
 * that could not be copied in failed[n] (ENOTSUP: to's filesystem takes no
 * such attribute; EPERM: a security.* or trusted.* one, not root). */
int vb_blob_copy_xattrs(int from, int to, char *failed, size_t n);
/* fsync the new file and put it in place of path (rename: atomic); r is
 * done with on 0. -errno: path untouched, call vb_blob_repl_abort. */
int vb_blob_repl_commit(struct vb_blob_repl *r);
/* Forget the new file: close it, remove its name if it has one. Only
 * unlink() and close(): safe in a signal handler. */
void vb_blob_repl_abort(struct vb_blob_repl *r);
/* Keep path's file also as bak (a hard link, replacing what bak was; a
 * synced copy where the filesystem has no hard links): 0 or -errno. No
 * temporary is left, also when bak is a link of it already. */
int vb_blob_backup(const char *path, const char *bak);

#endif
