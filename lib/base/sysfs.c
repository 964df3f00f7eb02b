/* sysfs: rooted paths, attribute reads, the one write helper, errno meanings.
 *
 * Kernel ABI: Documentation/ABI/testing/sysfs-bus-pci. Attributes are read
 * with a single read() (sysfs fills a page per read), written with a single
 * write() of the whole value (sysfs rejects partial writes). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/sysfs.h"
#include "base/util.h"

static char root[VB_PATH_MAX];
static int root_read;

void vb_sysfs_set_root(const char *r)
{
	size_t n;

	if (!r)
		r = getenv("VFIOBOX_SYSROOT");
	if (!r)
		r = "";
	vb_strlcpy(root, r, sizeof(root));
	n = strlen(root);
	while (n && root[n - 1] == '/')
		root[--n] = 0;
	root_read = 1;
}

const char *vb_sysfs_root(void)
{
	if (!root_read)
		vb_sysfs_set_root(NULL);
	return root;
}

int vb_sysfs_path(char *buf, size_t n, const char *fmt, ...)
{
	const char *r = vb_sysfs_root();
	size_t rl = strlen(r);
	va_list ap;
	int w;

	if (rl >= n)
		return -ENAMETOOLONG;
	memcpy(buf, r, rl);
	va_start(ap, fmt);
	w = vsnprintf(buf + rl, n - rl, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= n - rl)
		return -ENAMETOOLONG;
	return 0;
}

const char *vb_sysfs_unroot(const char *path)
{
	const char *r = vb_sysfs_root();
	size_t rl = strlen(r);

	if (rl && !strncmp(path, r, rl) && path[rl] == '/')
		return path + rl;
	return path;
}

int vb_sysfs_read(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;
	char extra;

	if (fd < 0)
		return -errno;
	do
		r = read(fd, buf, n - 1);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	buf[r] = 0;
	if ((size_t)r == n - 1 && read(fd, &extra, 1) == 1) {
		close(fd);
		return -EOVERFLOW;
	}
	close(fd);
	return (int)vb_chomp(buf);
}

static long lock_wait_ms = 10000;

void vb_sysfs_set_wait(long ms)
{
	lock_wait_ms = ms > 0 ? ms : 1;
}

long vb_sysfs_wait(void)
{
	return lock_wait_ms;
}

/* The child: read, send the result (an int, then the text), exit. It
 * closes every other fd first, so that one left blocked in the kernel holds
 * neither the applet's lock nor its stdout. */
static void read_child(int out, const char *path, size_t n)
{
	char *buf = malloc(n);
	int fd, r;

	for (fd = 0; fd < 1024; fd++)
		if (fd != out)
			close(fd);
	r = buf ? vb_sysfs_read(path, buf, n) : -ENOMEM;
	if (write(out, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(1);
	if (r >= 0 && write(out, buf, (size_t)r + 1) != (ssize_t)r + 1)
		_exit(1);
	_exit(0);
}

int vb_sysfs_read_locked(const char *path, char *buf, size_t n)
{
	long long end = vb_now_ms() + lock_wait_ms;
	size_t got = 0, want = sizeof(int);
	char head[sizeof(int)];
	int fds[2], r = 0, text = 0;
	pid_t pid;

	if (n == 0)
		return -EINVAL;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		read_child(fds[1], path, n);
	close(fds[1]);
	if (pid < 0) {
		r = -errno;
		close(fds[0]);
		return r;
	}
	/* The result header, then the text and its NUL. */
	for (;;) {
		struct pollfd pf = { fds[0], POLLIN, 0 };
		long long left = end - vb_now_ms();
		ssize_t k;
		int pr = poll(&pf, 1, left > 0 ? (int)(left > 1000000 ? 1000000 : left) : 0);

		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0) {
			r = pr < 0 ? -errno : -ETIMEDOUT;
			break;
		}
		k = read(fds[0], text ? buf + got : head + got, want - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			r = -EIO;
			break;
		}
		got += (size_t)k;
		if (got < want)
			continue;
		if (!text) {
			memcpy(&r, head, sizeof(r));
			if (r < 0)
				break;
			if ((size_t)r >= n) {
				r = -EIO;
				break;
			}
			got = 0;
			want = (size_t)r + 1;
			text = 1;
			continue;
		}
		break;
	}
	close(fds[0]);
	if (r == -ETIMEDOUT) {
		/* Dies when the kernel lets it; its zombie goes with us. */
		kill(pid, SIGKILL);
		waitpid(pid, NULL, WNOHANG);
		return r;
	}
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return r;
}

int vb_sysfs_pread(const char *path, void *buf, size_t n, long off, size_t *got)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t done = 0;

	*got = 0;
	if (fd < 0)
		return -errno;
	while (done < n) {
		ssize_t r = pread(fd, (char *)buf + done, n - done, off + (long)done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = -errno;
			close(fd);
			*got = done;
			return e;
		}
		if (!r)
			break;
		done += (size_t)r;
	}
	close(fd);
	*got = done;
	return 0;
}

int vb_sysfs_read_ulong(const char *path, int base, unsigned long *v)
{
	char buf[64];
	int r = vb_sysfs_read(path, buf, sizeof(buf));

	if (r < 0)
		return r;
	return vb_parse_ulong(buf, base, (unsigned long)-1, v);
}

int vb_sysfs_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t w;
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	do
		w = write(fd, val, len);
	while (w < 0 && errno == EINTR);
	if (w < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	if (close(fd) < 0 && errno != EINTR)
		return -errno;
	return (size_t)w == len ? 0 : -EIO;
}

int vb_sysfs_link_name(const char *path, char *buf, size_t n)
{
	char target[VB_PATH_MAX];
	ssize_t r = readlink(path, target, sizeof(target) - 1);
	const char *base;

	if (r < 0)
		return -errno;
	target[r] = 0;
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	return vb_strlcpy(buf, base, n);
}

int vb_sysfs_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int vb_sysfs_list(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t len = 0, cap = 0;

	*names = NULL;
	*n = 0;
	if (!d)
		return -errno;
	for (errno = 0; (e = readdir(d)); errno = 0) {
		const char *nm = e->d_name;

		if (nm[0] == '.' && (!nm[1] || (nm[1] == '.' && !nm[2])))
			continue;
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			v = vb_xrealloc(v, cap * sizeof(*v));
		}
		v[len++] = vb_xstrdup(nm);
	}
	if (errno) {
		int err = -errno;
		closedir(d);
		vb_sysfs_list_free(v, len);
		return err;
	}
	closedir(d);
	if (len)
		qsort(v, len, sizeof(*v), cmp_names);
	*names = v;
	*n = len;
	return 0;
}

void vb_sysfs_list_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

const char *vb_sysfs_strerror(int err, const char *attr)
{
	if (err < 0)
		err = -err;
	if (!attr)
		attr = "";
	switch (err) {
	case EACCES:
	case EPERM:
		return "permission denied (needs root)";
	case ENOENT:
		return "no such file (device gone, or the kernel lacks this attribute)";
	case ENAMETOOLONG:
		return "path too long";
	case EOVERFLOW:
		return "value longer than expected";
	}
	if (!strcmp(attr, "unbind") && err == ENODEV)
		return "device is not bound to that driver";
	if (!strcmp(attr, "bind")) {
		if (err == ENODEV)
			return "driver refused the device (driver_override names another "
			       "driver, or its id table does not match)";
		if (err == EBUSY)
			return "device is already bound to a driver";
	}
	if (!strcmp(attr, "new_id") && err == EEXIST)
		return "the id is already in the driver's table";
	if (!strcmp(attr, "driver_override") && err == EINVAL)
		return "value rejected (too long or not a valid driver name)";
	if (!strcmp(attr, "reset") && err == ENOTTY)
		return "no usable reset method (a bus reset is refused while other "
		       "functions share the slot)";
	if (!strcmp(attr, "reset_method")) {
		if (err == EINVAL)
			return "method unknown or not supported by this device";
		if (err == ENOTTY)
			return "the device has no reset methods";
	}
	if (!strcmp(attr, "drivers_probe") && err == EINVAL)
		return "not a PCI device address the kernel knows";
	if (!strcmp(attr, "config") && err == EIO)
		return "config space not readable (device powered off or gone)";
	switch (err) {
	case ENODEV:
		return "no such device (it left the bus)";
	case EBUSY:
		return "device or resource busy";
	case EIO:
		return "I/O error (device not responding)";
	case EINVAL:
		return "invalid value";
	case ETIMEDOUT:
		return "timed out";
	}
	return strerror(err);
}
