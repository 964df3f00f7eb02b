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

static void emit(int level, const char *tag, const char *fmt, va_list ap)
{
	char line[1024], out[1200];
	int n;

	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	fflush(stdout);
	/* One write (stderr is unbuffered: a fprintf is two). */
	if (strcmp(applet, "vfiobox"))
		n = snprintf(out, sizeof(out), "vfiobox %s: %s%s\n", applet, tag, line);
	else
		n = snprintf(out, sizeof(out), "vfiobox: %s%s\n", tag, line);
	if (n > 0)
		fwrite(out, 1, (size_t)n < sizeof(out) ? (size_t)n : sizeof(out) - 1, stderr);
	if (vb_msg_kmsg()) {
		char path[VB_PATH_MAX], rec[1200];
		int fd;

		if (vb_sysfs_path(path, sizeof(path), "/dev/kmsg") < 0)
			return;
		fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd < 0)
			return;
		n = snprintf(rec, sizeof(rec), "<%d>vfiobox %s: %s%s\n", level, applet, tag, line);
		if (n > 0 && write(fd, rec, (size_t)n < sizeof(rec) ? (size_t)n : sizeof(rec) - 1) < 0) {
			/* kmsg is a copy; stderr already has the message */
		}
		close(fd);
	}
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
