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
#include "base/sig.h"
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

/* path under /run/vfiobox durably (lib/base/blob), /run/vfiobox made only
 * when the write says it is missing. */
static int run_write(const char *path, const char *buf, size_t len)
{
	int r = vb_blob_write_atomic(path, buf, len, 0644);

	if (r == -ENOENT && (r = mkdirs()) == 0)
		r = vb_blob_write_atomic(path, buf, len, 0644);
	return r;
}

/* The record durably (a new file, fsync, rename, directory fsync; the
 * applets' lock is held): a reader sees the old record or the new one. */
int vb_record_write(const struct vb_act *a, const struct vb_record *rec)
{
	char p[VB_PATH_MAX], buf[768];
	int r, len;

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
	return run_write(p, buf, (size_t)len);
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
		if (vb_now_ms() >= end || vb_sig_caught()) {
			close(fd);
			return vb_sig_caught() ? -EINTR : -ETIMEDOUT;
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

/* ---- the journal ---------------------------------------------------------- */

#define JOURNAL_MAGIC "vfiobox-journal 1\n"

static unsigned fnv1a(const char *s, size_t n)
{
	unsigned h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/* A value that can stand in a line of fields: no space, '=' or newline. */
static int field_ok(const char *v)
{
	return !strpbrk(v, " =\n\r\t");
}

int vb_journal_format(const struct vb_journal *j, char *buf, size_t n)
{
	size_t i, len;
	int w;

	if (j->n > VB_JOURNAL_MAX || !field_ok(j->op) || !field_ok(j->phase) ||
	    !field_ok(j->record) || !field_ok(j->hda))
		return -EINVAL;
	w = snprintf(buf, n, JOURNAL_MAGIC "op=%s\npid=%ld\nstarted=%lld\nphase=%s\nrecord=%s\nhda=%s\n",
		     j->op, j->pid, j->started, j->phase, j->record, j->hda);
	if (w < 0 || (size_t)w >= n)
		return -ENAMETOOLONG;
	len = (size_t)w;
	for (i = 0; i < j->n; i++) {
		const struct vb_journal_dev *d = &j->dev[i];

		if (!field_ok(d->addr) || !field_ok(d->driver) || !field_ok(d->override) ||
		    !field_ok(d->target) || !field_ok(d->want) || !field_ok(d->done))
			return -EINVAL;
		w = snprintf(buf + len, n - len, "dev=%s ids=%04x:%04x:%04x:%04x class=%06x driver=%s "
			     "override=%s target=%s want=%s done=%s\n", d->addr, d->id.vendor,
			     d->id.device, d->id.subvendor, d->id.subdevice, d->id.class, d->driver,
			     d->override, d->target, d->want, d->done);
		if (w < 0 || (size_t)w >= n - len)
			return -ENAMETOOLONG;
		len += (size_t)w;
	}
	w = snprintf(buf + len, n - len, "end=%08x\n", fnv1a(buf, len));
	if (w < 0 || (size_t)w >= n - len)
		return -ENAMETOOLONG;
	return (int)(len + (size_t)w);
}

static int bad(char *why, size_t n, unsigned line, const char *what)
{
	if (line)
		snprintf(why, n, "line %u: %s", line, what);
	else
		snprintf(why, n, "%s", what);
	return -EBADMSG;
}

/* One "KEY=VALUE" of a dev line into out (n bytes); the value may be empty. */
static int dev_field(char **p, const char *key, char *out, size_t n)
{
	size_t k = strlen(key), l;
	char *s = *p, *e;

	if (strncmp(s, key, k) || s[k] != '=')
		return -1;
	s += k + 1;
	e = strchr(s, ' ');
	l = e ? (size_t)(e - s) : strlen(s);
	if (l >= n)
		return -1;
	memcpy(out, s, l);
	out[l] = 0;
	*p = e ? e + 1 : s + l;
	return 0;
}

static int parse_dev(char *s, struct vb_journal_dev *d)
{
	char v[VB_DRV_LEN], ids[40], cls[16], *end;
	unsigned long c;

	memset(d, 0, sizeof(*d));
	if (dev_field(&s, "dev", v, sizeof(v)) < 0 || vb_bdf_canon(v, d->addr) < 0 ||
	    strcmp(v, d->addr))
		return -1;
	if (dev_field(&s, "ids", ids, sizeof(ids)) < 0 ||
	    sscanf(ids, "%4x:%4x:%4x:%4x", &d->id.vendor, &d->id.device, &d->id.subvendor,
		   &d->id.subdevice) != 4 || strlen(ids) != 19)
		return -1;
	if (dev_field(&s, "class", cls, sizeof(cls)) < 0 || strlen(cls) != 6)
		return -1;
	c = strtoul(cls, &end, 16);
	if (*end)
		return -1;
	d->id.class = (unsigned)c;
	if (dev_field(&s, "driver", d->driver, sizeof(d->driver)) < 0 ||
	    dev_field(&s, "override", d->override, sizeof(d->override)) < 0 ||
	    dev_field(&s, "target", d->target, sizeof(d->target)) < 0 ||
	    dev_field(&s, "want", d->want, sizeof(d->want)) < 0 ||
	    dev_field(&s, "done", d->done, sizeof(d->done)) < 0 || *s ||
	    strspn(d->done, "oup") != strlen(d->done))
		return -1;
	return 0;
}

int vb_journal_parse(const char *text, size_t len, struct vb_journal *j, char *why, size_t whyn)
{
	static const char *const keys[] = { "op", "pid", "started", "phase", "record", "hda" };
	char *buf, *line, *next, *endl;
	unsigned ln = 1, sum, k;
	int r = 0, have = 0;

	memset(j, 0, sizeof(*j));
	if (whyn)
		why[0] = 0;
	if (len < sizeof(JOURNAL_MAGIC) - 1 || memcmp(text, JOURNAL_MAGIC, sizeof(JOURNAL_MAGIC) - 1))
		return bad(why, whyn, 0, "not a vfiobox journal (no \"vfiobox-journal 1\" first line)");
	if (memchr(text, 0, len))
		return bad(why, whyn, 0, "a NUL byte in it");
	if (text[len - 1] != '\n')
		return bad(why, whyn, 0, "cut short (no newline at the end): torn");
	/* the last line: end=SUM over everything before it */
	endl = (char *)text + len - 1;
	while (endl > text && endl[-1] != '\n')
		endl--;
	if (strncmp(endl, "end=", 4) || len - (size_t)(endl - text) != 13)
		return bad(why, whyn, 0, "no end= line: cut short (torn) or not written by vfiobox");
	sum = (unsigned)strtoul(endl + 4, NULL, 16);
	if (sum != fnv1a(text, (size_t)(endl - text)))
		return bad(why, whyn, 0, "its end= sum does not match: torn or edited");
	buf = vb_xmalloc((size_t)(endl - text) + 1);
	memcpy(buf, text, (size_t)(endl - text));
	buf[endl - text] = 0;
	line = buf + sizeof(JOURNAL_MAGIC) - 1;
	for (; *line; line = next) {
		char *eq;

		ln++;
		next = strchr(line, '\n');
		*next++ = 0;
		if (!strncmp(line, "dev=", 4)) {
			if (j->n >= VB_JOURNAL_MAX) {
				r = bad(why, whyn, ln, "more devices than a journal holds");
				break;
			}
			if (parse_dev(line, &j->dev[j->n]) < 0) {
				r = bad(why, whyn, ln, "not a device line (dev= ids= class= driver= "
					"override= target= want= done=)");
				break;
			}
			j->n++;
			continue;
		}
		if (!(eq = strchr(line, '='))) {
			r = bad(why, whyn, ln, "not KEY=VALUE");
			break;
		}
		*eq++ = 0;
		for (k = 0; k < VB_ARRAY_SIZE(keys) && strcmp(line, keys[k]); k++)
			;
		if (k == VB_ARRAY_SIZE(keys) || (have & (1 << k))) {
			r = bad(why, whyn, ln, k == VB_ARRAY_SIZE(keys) ? "unknown key" : "key repeated");
			break;
		}
		have |= 1 << k;
		if (k == 1 || k == 2) {
			char *e;
			long long v = strtoll(eq, &e, 10);
			if (!*eq || *e || v < 0) {
				r = bad(why, whyn, ln, "not a number");
				break;
			}
			if (k == 1)
				j->pid = (long)v;
			else
				j->started = v;
			continue;
		}
		if (vb_strlcpy(k == 0 ? j->op : k == 3 ? j->phase : k == 4 ? j->record : j->hda, eq,
			       k == 0 ? sizeof(j->op) : k == 3 ? sizeof(j->phase) :
			       k == 4 ? sizeof(j->record) : sizeof(j->hda)) < 0) {
			r = bad(why, whyn, ln, "value too long");
			break;
		}
	}
	free(buf);
	if (r < 0)
		return r;
	if (have != (1 << VB_ARRAY_SIZE(keys)) - 1)
		return bad(why, whyn, 0, "a field is missing (op, pid, started, phase, record, hda)");
	if (!j->n)
		return bad(why, whyn, 0, "no device in it");
	if (strcmp(j->record, "claim") && strcmp(j->record, "remove") && strcmp(j->record, "none"))
		return bad(why, whyn, 0, "record= is not claim, remove or none");
	return 0;
}

static int journal_path(char *p, size_t n)
{
	return vb_sysfs_path(p, n, VB_JOURNAL_PATH);
}

int vb_journal_write(const struct vb_journal *j)
{
	char p[VB_PATH_MAX], *buf;
	size_t n = 512 + VB_JOURNAL_MAX * 400;
	int len, r;

	if ((r = journal_path(p, sizeof(p))) < 0)
		return r;
	buf = vb_xmalloc(n);
	if ((len = vb_journal_format(j, buf, n)) < 0) {
		free(buf);
		return len;
	}
	r = run_write(p, buf, (size_t)len);
	free(buf);
	return r;
}

int vb_journal_read(struct vb_journal *j, char *why, size_t whyn)
{
	char p[VB_PATH_MAX], *text = NULL;
	mode_t type;
	int r;

	memset(j, 0, sizeof(*j));
	if (whyn)
		why[0] = 0;
	if ((r = journal_path(p, sizeof(p))) < 0)
		return r;
	r = vb_blob_read_regular(p, 512 + VB_JOURNAL_MAX * 400, &text, &type);
	if (r == -VB_ENOTREG) {
		snprintf(why, whyn, "%s, not a regular file", vb_blob_ftype(type));
		return -EBADMSG;
	}
	if (r == -EFBIG || r == -EILSEQ) {
		snprintf(why, whyn, "%s", r == -EFBIG ? "larger than a journal can be" :
			 "a NUL byte in it");
		free(text);
		return -EBADMSG;
	}
	if (r < 0)
		return r;
	r = vb_journal_parse(text, strlen(text), j, why, whyn);
	free(text);
	return r;
}

int vb_journal_remove(void)
{
	char p[VB_PATH_MAX], d[VB_PATH_MAX];
	int r, fd;

	if ((r = journal_path(p, sizeof(p))) < 0 ||
	    (r = vb_sysfs_path(d, sizeof(d), "/run/vfiobox")) < 0)
		return r;
	if (unlink(p) < 0)
		return errno == ENOENT ? 0 : -errno;
	if ((fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	return 0;
}
