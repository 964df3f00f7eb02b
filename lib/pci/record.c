/* record: claim records under /run/vfiobox and the applets' lock. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/act.h"
#include "base/blob.h"
#include "pci/pcidev.h"
#include "pci/record.h"
#include "base/sysfs.h"
#include "base/util.h"

static int rec_path(char *p, size_t n, const char *addr)
{
	char c[VB_BDF_LEN];

	if (vb_bdf_canon(addr, c) < 0)
		return -EINVAL;
	return vb_sysfs_path(p, n, "/run/vfiobox/%s", c);
}

/* The rooted /run, for the lock and the records' directory when a try
 * says it is missing (early boot): in the usual case no syscall at all. */
static int mkdir_run(void)
{
	char run[VB_PATH_MAX];
	int r;

	if ((r = vb_sysfs_path(run, sizeof(run), "/run")) < 0)
		return r;
	return mkdir(run, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

/* /run/vfiobox (and the rooted /run when that is missing too). */
static int mkdirs(void)
{
	char p[VB_PATH_MAX];
	int r;

	if ((r = vb_sysfs_path(p, sizeof(p), "/run/vfiobox")) < 0)
		return r;
	if (!mkdir(p, 0755) || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -errno;
	if ((r = mkdir_run()) < 0)
		return r;
	return mkdir(p, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

/* The record in one write to NAME.tmp (the applets' lock is held), then a
 * rename over NAME: a reader sees the old record or the new one. */
int vb_record_write(const struct vb_act *a, const struct vb_record *rec)
{
	char p[VB_PATH_MAX], tmp[VB_PATH_MAX + 8], buf[768];
	int r, fd, len;

	if (a && a->dry_run)
		return 0;
	if ((r = rec_path(p, sizeof(p), rec->addr)) < 0)
		return r;
	len = snprintf(buf, sizeof(buf),
		       "addr=%s\nids=%04x:%04x:%04x:%04x\nclass=%06x\ndriver=%s\ntarget=%s\nhda=%s\n",
		       rec->addr, rec->id.vendor, rec->id.device, rec->id.subvendor,
		       rec->id.subdevice, rec->id.class, rec->driver, rec->target, rec->hda);
	if (len >= 0 && (size_t)len < sizeof(buf) && (rec->fbdev[0] || rec->vtcon[0]))
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "fbdev=%s\nfbdrv=%s\nvtcon=%s\n",
				rec->fbdev, rec->fbdrv, rec->vtcon);
	if (len < 0 || (size_t)len >= sizeof(buf))
		return -ENAMETOOLONG;
	if ((r = vb_fmt(tmp, sizeof(tmp), "%s.tmp", p)) < 0)
		return r;
	/* /run/vfiobox made only when the open says it is missing. */
	fd = openat(AT_FDCWD, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT) {
		if ((r = mkdirs()) < 0)
			return r;
		fd = openat(AT_FDCWD, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		return -errno;
	r = vb_blob_write_fd(fd, buf, (size_t)len);
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, p) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

int vb_record_read(const char *addr, struct vb_record *rec)
{
	char p[VB_PATH_MAX], line[256];
	FILE *f;
	int r, have_addr = 0;

	memset(rec, 0, sizeof(*rec));
	if ((r = rec_path(p, sizeof(p), addr)) < 0)
		return r;
	f = fopen(p, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq++ = 0;
		vb_chomp(eq);
		if (!strcmp(line, "addr")) {
			have_addr = vb_bdf_canon(eq, rec->addr) == 0;
		} else if (!strcmp(line, "ids")) {
			if (sscanf(eq, "%x:%x:%x:%x", &rec->id.vendor, &rec->id.device,
				   &rec->id.subvendor, &rec->id.subdevice) != 4)
				have_addr = -1;
		} else if (!strcmp(line, "class")) {
			rec->id.class = (unsigned)strtoul(eq, NULL, 16);
		} else if (!strcmp(line, "driver")) {
			vb_strlcpy(rec->driver, eq, sizeof(rec->driver));
		} else if (!strcmp(line, "target")) {
			vb_strlcpy(rec->target, eq, sizeof(rec->target));
		} else if (!strcmp(line, "hda")) {
			vb_strlcpy(rec->hda, eq, sizeof(rec->hda));
		} else if (!strcmp(line, "fbdev")) {
			vb_strlcpy(rec->fbdev, eq, sizeof(rec->fbdev));
		} else if (!strcmp(line, "fbdrv")) {
			vb_strlcpy(rec->fbdrv, eq, sizeof(rec->fbdrv));
		} else if (!strcmp(line, "vtcon")) {
			vb_strlcpy(rec->vtcon, eq, sizeof(rec->vtcon));
		}
	}
	fclose(f);
	if (have_addr != 1)
		return -EINVAL;
	return 0;
}

int vb_record_remove(const struct vb_act *a, const char *addr)
{
	char p[VB_PATH_MAX];
	int r;

	if (a && a->dry_run)
		return 0;
	if ((r = rec_path(p, sizeof(p), addr)) < 0)
		return r;
	if (unlink(p) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int vb_record_list(char ***addrs, size_t *n)
{
	char p[VB_PATH_MAX];
	size_t i, k = 0;
	int r;

	*addrs = NULL;
	*n = 0;
	if ((r = vb_sysfs_path(p, sizeof(p), "/run/vfiobox")) < 0)
		return r;
	r = vb_sysfs_list(p, addrs, n);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	for (i = 0; i < *n; i++) {
		char c[VB_BDF_LEN];
		if (vb_bdf_canon((*addrs)[i], c) == 0 && !strcmp(c, (*addrs)[i]))
			(*addrs)[k++] = (*addrs)[i];
		else
			free((*addrs)[i]);
	}
	*n = k;
	return 0;
}

int vb_record_lock(long timeout_ms)
{
	char p[VB_PATH_MAX];
	long long end = vb_now_ms() + timeout_ms;
	int fd, r;

	if ((r = vb_sysfs_path(p, sizeof(p), "/run/vfiobox.lock")) < 0)
		return r;
	fd = openat(AT_FDCWD, p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT) {	/* no /run yet (early boot) */
		if ((r = mkdir_run()) < 0)
			return r;
		fd = openat(AT_FDCWD, p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		return -errno;
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			r = -errno;
			close(fd);
			return r;
		}
		if (vb_now_ms() >= end) {
			close(fd);
			return -ETIMEDOUT;
		}
		vb_sleep_ms(20);
	}
}

void vb_record_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

int vb_record_claimed(const struct vb_act *a, const char *addr, const struct vb_pciids *id,
		      const char *driver, const char *target, const char *hda)
{
	struct vb_record rec, old;

	memset(&rec, 0, sizeof(rec));
	if (vb_strlcpy(rec.addr, addr, sizeof(rec.addr)) < 0 ||
	    vb_strlcpy(rec.driver, driver, sizeof(rec.driver)) < 0 ||
	    vb_strlcpy(rec.target, target, sizeof(rec.target)) < 0 ||
	    vb_strlcpy(rec.hda, hda, sizeof(rec.hda)) < 0)
		return -EINVAL;
	rec.id = *id;
	if (vb_record_read(rec.addr, &old) == 0 && old.id.vendor == rec.id.vendor &&
	    old.id.device == rec.id.device) {
		if ((!rec.driver[0] || vb_driver_is_vfio(rec.driver)) && old.driver[0] &&
		    !vb_driver_is_vfio(old.driver))
			vb_strlcpy(rec.driver, old.driver, sizeof(rec.driver));
		/* What an earlier claim released is still to be put back. */
		memcpy(rec.fbdev, old.fbdev, sizeof(rec.fbdev));
		memcpy(rec.fbdrv, old.fbdrv, sizeof(rec.fbdrv));
		memcpy(rec.vtcon, old.vtcon, sizeof(rec.vtcon));
	}
	return vb_record_write(a, &rec);
}

int vb_record_set_fb(const struct vb_act *a, const char *addr, const char *fbdev,
		     const char *fbdrv, const char *vtcon)
{
	struct vb_record rec;
	int r;

	if (a && a->dry_run)
		return 0;
	if ((r = vb_record_read(addr, &rec)) < 0)
		return r;
	if (vb_strlcpy(rec.fbdev, fbdev, sizeof(rec.fbdev)) < 0 ||
	    vb_strlcpy(rec.fbdrv, fbdrv, sizeof(rec.fbdrv)) < 0 ||
	    vb_strlcpy(rec.vtcon, vtcon, sizeof(rec.vtcon)) < 0)
		return -EINVAL;
	return vb_record_write(a, &rec);
}
