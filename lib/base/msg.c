/* msg: stderr messages, copied to /dev/kmsg in early boot. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "base/msg.h"
#include "base/sysfs.h"
#include "base/util.h"

#define RAMFS_MAGIC_ 0x858458f6
#define TMPFS_MAGIC_ 0x01021994

static const char *applet = "vfiobox";
static int kmsg = -1;

int vb_worst(int a, int b)
{
	static const int rank[] = { 0, 2, 1, 3 };	/* 0 < 2 < 1 < 3 */

	if (a < 0 || a > 3)
		return a;
	if (b < 0 || b > 3)
		return b;
	return rank[a] >= rank[b] ? a : b;
}

void vb_msg_init(const char *name)
{
	applet = name;
	kmsg = -1;
}

const char *vb_msg_applet(void)
{
	return applet;
}

int vb_msg_kmsg(void)
{
	const char *e;
	struct statfs sf;

	if (kmsg >= 0)
		return kmsg;
	e = getenv("VFIOBOX_KMSG");
	if (e && *e)
		kmsg = strcmp(e, "0") != 0;
	else
		kmsg = !isatty(2) && statfs("/", &sf) == 0 &&
		       ((unsigned long)sf.f_type == RAMFS_MAGIC_ ||
			(unsigned long)sf.f_type == TMPFS_MAGIC_);
	return kmsg;
}

/* /dev/kmsg takes records of about 1 kB (the kernel's LOG_LINE_MAX): a longer
 * message is whole on stderr and cut there. */
#define KMSG_REC 1024

static void emit(int level, const char *tag, const char *fmt, va_list ap)
{
	char small[1024], *line = small, *out;
	size_t olen;
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return;
	}
	if ((size_t)n >= sizeof(small)) {
		line = vb_xmalloc((size_t)n + 1);
		vsnprintf(line, (size_t)n + 1, fmt, ap2);
	}
	va_end(ap2);
	fflush(stdout);
	/* One write (stderr is unbuffered: a fprintf is two). */
	olen = strlen(applet) + strlen(tag) + (size_t)n + 16;
	out = vb_xmalloc(olen);
	if (strcmp(applet, "vfiobox"))
		n = snprintf(out, olen, "vfiobox %s: %s%s\n", applet, tag, line);
	else
		n = snprintf(out, olen, "vfiobox: %s%s\n", tag, line);
	if (n > 0)
		fwrite(out, 1, (size_t)n, stderr);
	free(out);
	if (vb_msg_kmsg()) {
		char path[VB_PATH_MAX], rec[KMSG_REC];
		int fd;

		if (vb_sysfs_path(path, sizeof(path), "/dev/kmsg") >= 0 &&
		    (fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)) >= 0) {
			n = snprintf(rec, sizeof(rec), "<%d>vfiobox %s: %s%s\n", level, applet, tag, line);
			if (n > 0 && (size_t)n >= sizeof(rec))
				rec[sizeof(rec) - 2] = '\n', n = sizeof(rec) - 1;
			if (n > 0 && write(fd, rec, (size_t)n) < 0) {
				/* kmsg is a copy; stderr already has the message */
			}
			close(fd);
		}
	}
	if (line != small)
		free(line);
}

void vb_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(3, "", fmt, ap);
	va_end(ap);
}

void vb_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(4, "warning: ", fmt, ap);
	va_end(ap);
}

void vb_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(6, "", fmt, ap);
	va_end(ap);
}

int vb_usage_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(3, "", fmt, ap);
	va_end(ap);
	if (strcmp(applet, "vfiobox"))
		fprintf(stderr, "try 'vfiobox %s --help'\n", applet);
	else
		fprintf(stderr, "try 'vfiobox --help'\n");
	return VB_EXIT_USAGE;
}
