/* blob: whole binary files in and out. See blob.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/blob.h"
#include "base/util.h"

int vb_blob_read(const char *path, size_t max, unsigned char **buf, size_t *len)
{
	unsigned char *b = NULL;
	size_t n = 0, cap = 0;
	int fd, e;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
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
	close(fd);
	if (!n) {
		free(b);
		b = NULL;
	}
	*buf = b;
	*len = n;
	return 0;
fail:
	close(fd);
	free(b);
	return e;
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
	/* mkostemp replaces the last six characters, which must be 'X' */
	if (vb_fmt(tmp, n, "%s/.%s.", dir, base) < 0 || (len = strlen(tmp)) + 7 > n)
		return -ENAMETOOLONG;
	memset(tmp + len, 'X', 6);
	tmp[len + 6] = 0;
	fd = mkostemp(tmp, O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int vb_blob_write_atomic(const char *path, const void *buf, size_t len, mode_t mode)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	const char *base = strrchr(path, '/');
	size_t done = 0;
	int fd, dfd, e;

	base = base ? base + 1 : path;
	if (!*base)
		return -EISDIR;
	if ((e = dir_of(path, dir, sizeof(dir))) < 0)
		return e;
	if ((fd = vb_blob_tmpfile(path, tmp, sizeof(tmp))) < 0)
		return fd;
	while (done < len) {
		ssize_t w = write(fd, (const char *)buf + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			e = -errno;
			goto fail;
		}
		done += (size_t)w;
	}
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
