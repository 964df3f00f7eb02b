/* act: side effects with a dry run. See act.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/act.h"
#include "pci/pciconf.h"
#include "pci/pcidev.h"
#include "base/sysfs.h"
#include "base/util.h"

static int shown(const struct vb_act *a)
{
	return a && a->out && (a->dry_run || a->echo);
}

/* Quote a value for a shell line only when it needs it. */
static void put_word(FILE *f, const char *s)
{
	const char *p;
	int plain = *s != 0;

	for (p = s; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_.:,=+-/@%", *p))
			plain = 0;
	if (plain) {
		fputs(s, f);
		return;
	}
	putc('\'', f);
	for (p = s; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			putc(*p, f);
	}
	putc('\'', f);
}

int vb_act_write(const struct vb_act *a, const char *path, const char *val)
{
	if (shown(a)) {
		size_t len = strlen(val);

		if (!strcmp(val, "\n")) {
			fprintf(a->out, "echo > %s\n", vb_sysfs_unroot(path));
		} else if (len > 1 && val[len - 1] == '\n' && !memchr(val, '\n', len - 1)) {
			/* echo writes exactly VALUE plus its newline */
			char *v = strndup(val, len - 1);
			fputs("echo ", a->out);
			put_word(a->out, v ? v : "?");
			fprintf(a->out, " > %s\n", vb_sysfs_unroot(path));
			free(v);
		} else {
			/* sysfs attributes ignore the newline echo adds */
			fputs("echo ", a->out);
			put_word(a->out, val);
			fprintf(a->out, " > %s\n", vb_sysfs_unroot(path));
		}
	}
	if (a && a->dry_run)
		return 0;
	return vb_sysfs_write(path, val);
}

int vb_act_dev_write(const struct vb_act *a, const char *addr, const char *attr, const char *val)
{
	char p[VB_PATH_MAX];
	int r = vb_pcidev_path(p, sizeof(p), addr, attr);

	if (r < 0)
		return r;
	return vb_act_write(a, p, val);
}

int vb_act_cfg32(const struct vb_act *a, struct vb_pci *p, const char *addr, int pos,
		 uint32_t val, uint32_t mask)
{
	uint32_t cur;
	int r;

	if (shown(a))
		fprintf(a->out, "setpci -s %s 0x%x.L=0x%08x:0x%08x\n", addr, pos, val, mask);
	if (a && a->dry_run)
		return 0;
	if ((r = vb_pciconf_read32(p, addr, pos, &cur)) < 0)
		return r;
	return vb_pciconf_write32(p, addr, pos, (cur & ~mask) | (val & mask));
}

int vb_act_cfg16(const struct vb_act *a, struct vb_pci *p, const char *addr, int pos,
		 uint16_t val, uint16_t mask)
{
	uint16_t cur;
	int r;

	if (shown(a))
		fprintf(a->out, "setpci -s %s 0x%x.W=0x%04x:0x%04x\n", addr, pos, val, mask);
	if (a && a->dry_run)
		return 0;
	if ((r = vb_pciconf_read16(p, addr, pos, &cur)) < 0)
		return r;
	return vb_pciconf_write16(p, addr, pos, (uint16_t)((cur & ~mask) | (val & mask)));
}

int vb_act_run(const struct vb_act *a, char *const argv[])
{
	/* No shell, a fixed PATH; VFIOBOX_SYSROOT is passed on so a test's
	 * fake modprobe knows its tree. */
	char *envp[3] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL, NULL };
	char rootenv[VB_PATH_MAX + 32];
	int status, i;
	pid_t pid;

	if (shown(a)) {
		const char *b = strrchr(argv[0], '/');
		fputs(b ? b + 1 : argv[0], a->out);
		for (i = 1; argv[i]; i++) {
			putc(' ', a->out);
			put_word(a->out, argv[i]);
		}
		putc('\n', a->out);
	}
	if (a && a->dry_run)
		return 0;
	if (*vb_sysfs_root() &&
	    vb_fmt(rootenv, sizeof(rootenv), "VFIOBOX_SYSROOT=%s", vb_sysfs_root()) == 0)
		envp[1] = rootenv;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			dup2(fd, 0);
		}
		execve(argv[0], argv, envp);
		_exit(127);
	}
	/* Bounded: a modprobe can hang (a module's init waiting for hardware);
	 * past the wait it is left running and the caller says so. */
	{
		long long end = vb_now_ms() + vb_sysfs_wait();
		long step = 1;

		for (;;) {
			pid_t w = waitpid(pid, &status, WNOHANG);

			if (w < 0 && errno != EINTR)
				return -errno;
			if (w == pid)
				break;
			if (vb_now_ms() >= end)
				return -ETIMEDOUT;
			vb_sleep_ms(step);
			if (step < 50)
				step *= 2;
		}
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status) == 127 ? -ENOEXEC : WEXITSTATUS(status);
	return -EINTR;
}

void vb_act_sleep(const struct vb_act *a, long ms)
{
	if (a && a->dry_run) {
		if (shown(a))
			fprintf(a->out, "sleep %ld.%03ld\n", ms / 1000, ms % 1000);
		return;
	}
	vb_sleep_ms(ms);
}

void vb_act_note(const struct vb_act *a, const char *fmt, ...)
{
	va_list ap;

	if (!shown(a))
		return;
	fputs("# ", a->out);
	va_start(ap, fmt);
	vfprintf(a->out, fmt, ap);
	va_end(ap);
	putc('\n', a->out);
}
