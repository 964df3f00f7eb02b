/* blob: whole binary files in and out. See blob.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "base/blob.h"
#include "base/util.h"

/* Read fd to its end (at most max bytes) into a new buffer. */
static int read_fd(int fd, size_t max, unsigned char **buf, size_t *len)
{
	unsigned char *b = NULL;
	size_t n = 0, cap = 0;
	int e;

	for (;;) {
		ssize_t r;

		if (n == cap) {
			/* one byte past max tells "too big" from "exactly max" */
			if (cap > max) {
				e = -EFBIG;
				goto fail;
			}
			cap = cap ? cap * 2 : 65536;
			if (cap > max + 1)
				cap = max + 1;
			b = vb_xrealloc(b, cap);
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = -errno;
			goto fail;
		}
		if (!r)
			break;
		n += (size_t)r;
		if (n > max) {
			e = -EFBIG;
			goto fail;
		}
	}
	if (!n) {
		free(b);
		b = NULL;
	}
	*buf = b;
	*len = n;
	return 0;
fail:
	free(b);
	return e;
}

int vb_blob_read(const char *path, size_t max, unsigned char **buf, size_t *len)
{
	int fd, r;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = read_fd(fd, max, buf, len);
	close(fd);
	return r;
}

const char *vb_blob_ftype(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFDIR: return "a directory";
	case S_IFIFO: return "a FIFO";
	case S_IFSOCK: return "a socket";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFLNK: return "a symbolic link";
	}
	return "not a file";
}

int vb_blob_read_regular(const char *path, size_t max, char **text, mode_t *type)
{
	unsigned char *b = NULL;
	struct stat st;
	size_t n = 0;
	int fd, r;

	*text = NULL;
	if (type)
		*type = 0;
	/* Look before opening: opening a FIFO waits for a writer, opening a
	 * device can do things. Then check the file opened is still one. */
	if (stat(path, &st) < 0)
		return -errno;
	if (type)
		*type = st.st_mode & S_IFMT;
	if (!S_ISREG(st.st_mode))
		return -VB_ENOTREG;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (type)
		*type = st.st_mode & S_IFMT;
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -VB_ENOTREG;
	}
	r = read_fd(fd, max, &b, &n);
	close(fd);
	if (r < 0)
		return r;
	if (b && memchr(b, 0, n)) {
		free(b);
		return -EILSEQ;
	}
	*text = vb_xrealloc(b, n + 1);
	(*text)[n] = 0;
	return 0;
}

static mode_t cur_umask(void)
{
	mode_t m = umask(022);	/* reading the umask means setting it */

	umask(m);
	return m;
}

/* The directory part of path ("." when there is none). */
static int dir_of(const char *path, char *dir, size_t n)
{
	const char *s = strrchr(path, '/');

	if (!s)
		return vb_strlcpy(dir, ".", n);
	if (s == path)
		return vb_strlcpy(dir, "/", n);
	if ((size_t)(s - path) >= n)
		return -ENAMETOOLONG;
	memcpy(dir, path, (size_t)(s - path));
	dir[s - path] = 0;
	return 0;
}

int vb_blob_check_target(const char *path)
{
	char dir[PATH_MAX];
	struct stat st;
	int r;

	if (!*path)
		return -ENOENT;		/* as open("") */
	if (path[strlen(path) - 1] == '/')
		return -EISDIR;
	if ((r = dir_of(path, dir, sizeof(dir))) < 0)
		return r;
	if (stat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (access(dir, W_OK | X_OK) < 0)
		return -errno;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return -EISDIR;
	return 0;
}

int vb_blob_tmpfile(const char *path, char *tmp, size_t n)
{
	char dir[PATH_MAX];
	const char *base = strrchr(path, '/');
	size_t len;
	int fd, e;

	base = base ? base + 1 : path;
	if (!*base)
		return -EISDIR;
	if ((e = dir_of(path, dir, sizeof(dir))) < 0)
		return e;
	/* mkostemp replaces the last six characters, which must be 'X'; a
	 * name that would pass NAME_MAX gets a short one */
	if (strlen(base) + 8 > NAME_MAX)
		base = "vfiobox";
	if (vb_fmt(tmp, n, "%s/.%s.", dir, base) < 0 || (len = strlen(tmp)) + 7 > n)
		return -ENAMETOOLONG;
	memset(tmp + len, 'X', 6);
	tmp[len + 6] = 0;
	fd = mkostemp(tmp, O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int vb_blob_write_fd(int fd, const void *buf, size_t len)
{
	const char *b = buf;

	while (len) {
		ssize_t w = write(fd, b, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		b += w;
		len -= (size_t)w;
	}
	return 0;
}

int vb_blob_write_atomic(const char *path, const void *buf, size_t len, mode_t mode)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	const char *base = strrchr(path, '/');
	int fd, dfd, e;

	base = base ? base + 1 : path;
	if (!*base)
		return -EISDIR;
	if ((e = dir_of(path, dir, sizeof(dir))) < 0)
		return e;
	if ((fd = vb_blob_tmpfile(path, tmp, sizeof(tmp))) < 0)
		return fd;
	if ((e = vb_blob_write_fd(fd, buf, len)) < 0)
		goto fail;
	if (fchmod(fd, mode & ~cur_umask()) < 0 || fsync(fd) < 0) {
		e = -errno;
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		e = -errno;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		e = -errno;
		goto fail;
	}
	/* the rename itself is durable once the directory is synced */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		/* the file is in place; a failed directory sync is not worth
		 * undoing a complete write for */
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return e;
}

/* ---- replacing a file that exists: vb_blob_repl ---------------------------- */

int vb_blob_lock(int fd, const char *path, unsigned timeout_ms)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	struct stat a, b;
	unsigned waited = 0;

	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			/* the lock is on the inode: is it still the one at path? */
			if (fstat(fd, &a) < 0)
				return -errno;
			if (stat(path, &b) < 0)
				return errno == ENOENT ? -ESTALE : -errno;
			return a.st_dev == b.st_dev && a.st_ino == b.st_ino ? 0 : -ESTALE;
		}
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return -errno;
		if (waited >= timeout_ms)
			return -EWOULDBLOCK;
		nanosleep(&nap, NULL);
		waited += 20;
	}
}

int vb_blob_repl_open(struct vb_blob_repl *r, const char *path)
{
	int e;

	memset(r, 0, sizeof(*r));
	r->fd = r->dfd = -1;
	if (vb_strlcpy(r->path, path, sizeof(r->path)) < 0)
		return -ENAMETOOLONG;
	if ((e = dir_of(path, r->dir, sizeof(r->dir))) < 0)
		return e;
	r->dfd = open(r->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->dfd < 0)
		return -errno;
	r->fd = open(r->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (r->fd >= 0)
		return 0;
	/* no O_TMPFILE here (EOPNOTSUPP, EISDIR from an older kernel): a
	 * named file, removed by vb_blob_repl_abort */
	if ((r->fd = vb_blob_tmpfile(path, r->tmp, sizeof(r->tmp))) < 0) {
		e = r->fd;
		r->tmp[0] = 0;
		vb_blob_repl_abort(r);
		return e;
	}
	return 0;
}

int vb_blob_repl_owner(struct vb_blob_repl *r, const struct stat *st)
{
	if (fchown(r->fd, st->st_uid, st->st_gid) < 0)
		return -errno;
	return 0;
}

int vb_blob_copy_xattrs(int from, int to, char *failed, size_t n)
{
	char *names = NULL, *val = NULL, *k;
	ssize_t len, vlen;
	int e = 0;

	if (n)
		failed[0] = 0;
	for (;;) {
		len = flistxattr(from, NULL, 0);
		if (len < 0 && (errno == ENOTSUP || errno == ENOSYS))
			return 0;	/* no xattrs where it comes from: none to keep */
		if (len <= 0)
			return len < 0 ? -errno : 0;
		free(names);
		names = vb_xmalloc((size_t)len);
		len = flistxattr(from, names, (size_t)len);
		if (len >= 0)
			break;
		if (errno != ERANGE) {
			free(names);
			return -errno;
		}
	}
	for (k = names; k < names + len; k += strlen(k) + 1) {
		for (;;) {
			vlen = fgetxattr(from, k, NULL, 0);
			if (vlen < 0)
				break;
			free(val);
			val = vb_xmalloc((size_t)vlen + 1);
			vlen = fgetxattr(from, k, val, (size_t)vlen);
			if (vlen >= 0 || errno != ERANGE)
				break;
		}
		if (vlen < 0 || fsetxattr(to, k, val, (size_t)vlen, 0) < 0) {
			e = -errno;
			if (n)
				vb_strlcpy(failed, k, n);
			break;
		}
	}
	free(names);
	free(val);
	return e;
}

/* Link the unnamed file in as a new name next to the target: into tmp. */
static int link_unnamed(struct vb_blob_repl *r)
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	char proc[64], *x;
	size_t len;
	int i, k, fd;

	if ((fd = vb_blob_tmpfile(r->path, r->tmp, sizeof(r->tmp))) < 0)
		return fd;
	/* the name was free a moment ago; take it for the link */
	close(fd);
	unlink(r->tmp);
	len = strlen(r->tmp);
	x = r->tmp + len - 6;
	for (i = 0; i < 100; i++) {
		if (linkat(r->fd, "", AT_FDCWD, r->tmp, AT_EMPTY_PATH) == 0)
			return 0;
		if (errno == ENOENT || errno == EPERM) {
			/* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; /proc does not */
			snprintf(proc, sizeof(proc), "/proc/self/fd/%d", r->fd);
			if (linkat(AT_FDCWD, proc, AT_FDCWD, r->tmp, AT_SYMLINK_FOLLOW) == 0)
				return 0;
		}
		if (errno != EEXIST)
			break;
		for (k = 0; k < 6; k++)
			x[k] = abc[(unsigned)rand() % (sizeof(abc) - 1)];
	}
	k = -errno;
	r->tmp[0] = 0;
	return k;
}

int vb_blob_repl_commit(struct vb_blob_repl *r)
{
	int e;

	if (fsync(r->fd) < 0)
		return -errno;
	if (!r->tmp[0] && (e = link_unnamed(r)) < 0)
		return e;
	if (rename(r->tmp, r->path) < 0)
		return -errno;
	r->tmp[0] = 0;
	close(r->fd);
	r->fd = -1;
	/* the file is in place; a failed directory sync is not worth undoing
	 * a complete write for (vb_blob_write_atomic does the same) */
	(void)fsync(r->dfd);
	close(r->dfd);
	r->dfd = -1;
	return 0;
}

void vb_blob_repl_abort(struct vb_blob_repl *r)
{
	if (r->tmp[0])
		unlink(r->tmp);
	r->tmp[0] = 0;
	if (r->fd >= 0)
		close(r->fd);
	if (r->dfd >= 0)
		close(r->dfd);
	r->fd = r->dfd = -1;
}

/* The copy for a filesystem without hard links: a new file beside bak,
 * synced, renamed over it. */
static int backup_copy(const char *path, const char *bak)
{
	char tmp[PATH_MAX], buf[16384];
	int in, out, r = 0;
	ssize_t k;

	if ((in = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if ((out = vb_blob_tmpfile(bak, tmp, sizeof(tmp))) < 0) {
		close(in);
		return out;
	}
	while ((k = read(in, buf, sizeof(buf))) > 0)
		if ((r = vb_blob_write_fd(out, buf, (size_t)k)) < 0)
			break;
	if (k < 0)
		r = -errno;
	if (r == 0 && fsync(out) < 0)
		r = -errno;
	close(in);
	close(out);
	if (r == 0 && rename(tmp, bak) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

int vb_blob_backup(const char *path, const char *bak)
{
	char tmp[PATH_MAX];
	struct stat a, b;
	int fd, e;

	if (stat(path, &a) < 0)
		return -errno;
	if (stat(bak, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return 0;	/* it is already a link of the original */
	if ((fd = vb_blob_tmpfile(bak, tmp, sizeof(tmp))) < 0)
		return fd;
	close(fd);
	unlink(tmp);
	if (link(path, tmp) < 0) {
		e = -errno;
		if (e == -EPERM || e == -EOPNOTSUPP || e == -EMLINK)
			return backup_copy(path, bak);
		return e;
	}
	if (rename(tmp, bak) < 0) {
		e = -errno;
		unlink(tmp);
		return e;
	}
	/* rename of one link over another of the same file does nothing */
	unlink(tmp);
	return 0;
}
