/* claim: selectors, group expansion, and the rebind transaction. See claim.h.
 *
 * Kernel facts this relies on (FACTS.md, E2E-NOTES.md):
 * - driver_override does not unbind and does not load anything; only the
 *   named driver may bind afterwards; "none" (no such driver) keeps the
 *   device unbound; "\n" clears it; vfio-pci's id table is override-only, so
 *   no new_id is ever written (it would take every identical device).
 * - drivers_probe succeeds even when no driver bound: verify the link.
 * - bind fails with ENODEV when driver_override names another driver, so the
 *   undo restores the override before binding the old driver.
 * - unbind runs the driver's remove(), which can block for as long as the
 *   driver is in use (nvidia with Xorg running, vfio-pci with a VM running).
 * - vfio-pci refuses bridges (type 1 headers) and, without an IOMMU group,
 *   every device unless no-IOMMU mode is on and built in.
 * - Group viability (iommu DMA ownership, 5.19+; the older vfio allow-list is
 *   equivalent here): members unbound, on vfio, on pci-stub or pcieport, or
 *   with a bridge header; a bridge-class endpoint (LPC) on its driver is not. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/act.h"
#include "pci/claim.h"
#include "base/conf.h"
#include "pci/ids.h"
#include "pci/kmod.h"
#include "pci/pcidev.h"
#include "base/sysfs.h"
#include "base/util.h"

#define VFIO_DRIVER "vfio-pci"
/* Polling the driver link, a few syscalls a look: a yield between looks for
 * the first POLL_SPIN_US, then every POLL_FAST_US up to POLL_FAST_MS (what is
 * still moving is usually done by then, and a coarser step would be most of
 * a claim's time), then doubling up to POLL_MAX_US. */
#define POLL_SPIN_US 300
#define POLL_FAST_US 25
#define POLL_FAST_MS 5
#define POLL_MAX_US 2000

/* ---- small helpers ---------------------------------------------------- */

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Where a poll is: when it began (us, 0 before the first step) and its
 * current sleep. */
struct poll_state {
	long long t0;
	long us;
};

/* One polling step. The first POLL_SPIN_US only yield the CPU: a sleep lets
 * the CPU go idle, and in a VM an idle vCPU can take many times the 25 us
 * asked for to wake (a nanosleep of 25 us seen returning after 0.9 ms),
 * while what is awaited (a fake kernel's daemon) runs on another CPU. */
static void poll_step(struct poll_state *p)
{
	long long t = vb_now_us();

	if (!p->t0)
		p->t0 = t;
	if (t - p->t0 < POLL_SPIN_US) {
		sched_yield();
		return;
	}
	if (!p->us)
		p->us = POLL_FAST_US;
	else if (t - p->t0 >= POLL_FAST_MS * 1000LL && p->us < POLL_MAX_US)
		p->us *= 2;
	sleep_us(p->us);
}

static int valid_driver(const char *d)
{
	return *d && strlen(d) < VB_DRV_LEN && !strchr(d, '/') && strcmp(d, ".") &&
	       strcmp(d, "..") && !strchr(d, '\n');
}

static int is_vfio_driver(const char *d)
{
	return !strncmp(d, "vfio", 4);
}

/* driver_override as a name, "" when unset ("(null)") or absent. */
static int read_override(const char *addr, char *buf, size_t n)
{
	char p[VB_PATH_MAX];
	int r = vb_pcidev_path(p, sizeof(p), addr, "driver_override");

	buf[0] = 0;
	if (r < 0)
		return r;
	r = vb_sysfs_read(p, buf, n);
	if (r == -ENOENT) {
		buf[0] = 0;
		return vb_pcidev_exists(addr) ? 0 : -ENODEV;
	}
	if (r < 0)
		return r;
	if (!strcmp(buf, "(null)"))
		buf[0] = 0;
	return 0;
}

static void appendf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t n, const char *fmt, ...)
{
	size_t l = strlen(buf);
	va_list ap;

	if (l + 1 >= n)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + l, n - l, fmt, ap);
	va_end(ap);
}

/* ---- selectors -------------------------------------------------------- */

int vb_claim_parse_seconds(const char *s, long *ms)
{
	char ip[16];
	const char *dot = strchr(s, '.');
	size_t il = dot ? (size_t)(dot - s) : strlen(s);
	unsigned long sec, frac = 0;
	size_t fl = 0;

	if (!il || il >= sizeof(ip))
		return -EINVAL;
	memcpy(ip, s, il);
	ip[il] = 0;
	if (vb_parse_ulong(ip, 10, 86400, &sec) < 0)
		return -EINVAL;
	if (dot) {
		fl = strlen(dot + 1);
		if (!fl || fl > 3 || vb_parse_ulong(dot + 1, 10, 999, &frac) < 0)
			return -EINVAL;
		while (fl++ < 3)
			frac *= 10;
	}
	*ms = (long)(sec * 1000 + frac);
	return *ms > 0 ? 0 : -EINVAL;
}


static int add_addr(struct vb_claim_sel *s, const char *a)
{
	char c[VB_BDF_LEN];
	size_t i;

	if (vb_bdf_canon(a, c) < 0)
		return -EINVAL;
	for (i = 0; i < s->naddrs; i++)
		if (!strcmp(s->addrs[i], c))
			return 0;
	s->addrs = vb_xrealloc(s->addrs, (s->naddrs + 1) * sizeof(*s->addrs));
	s->addrs[s->naddrs++] = vb_xstrdup(c);
	return 0;
}

/* Add an ids= list; on a bad entry err names it ("KEY=LIST (SOURCE): ..."). */
static int add_ids(struct vb_claim_sel *s, const char *list, const char *key, const char *src,
		   char *err, size_t errlen)
{
	struct vb_idlist l;
	size_t pos = 0, i;

	if (!*list) {
		snprintf(err, errlen, "%s%s: empty id list", key, src);
		return -EINVAL;
	}
	if (vb_ids_parse(list, &l, &pos) < 0) {
		size_t len = strcspn(list + pos, ",");
		snprintf(err, errlen, "%s%s%s: bad id '%.*s' (want VENDOR:DEVICE[:SUBVENDOR:"
			 "SUBDEVICE[:CLASS[:MASK]]] in hex, comma-separated)", key, list, src,
			 (int)len, list + pos);
		return -EINVAL;
	}
	if (strlen(s->ids_text) + strlen(list) + 2 > sizeof(s->ids_text)) {
		vb_ids_free(&l);
		snprintf(err, errlen, "%s%s: id list too long", key, src);
		return -EINVAL;
	}
	if (s->ids_text[0])
		strcat(s->ids_text, ",");
	strcat(s->ids_text, list);
	s->ids.v = vb_xrealloc(s->ids.v, (s->ids.n + l.n) * sizeof(*s->ids.v));
	for (i = 0; i < l.n; i++)
		s->ids.v[s->ids.n++] = l.v[i];
	vb_ids_free(&l);
	return 0;
}

static int hda_mode_ok(const char *m)
{
	return !strcmp(m, "vfio") || !strcmp(m, "none") || !strcmp(m, "host");
}

int vb_claim_sel_load(struct vb_claim_sel *s, char *const *ops, int n, char *err, size_t errlen)
{
	struct vb_conf c;
	int i, r, line = 0;
	const char *key;
	char src[64];

	memset(s, 0, sizeof(*s));
	err[0] = 0;
	for (i = 0; i < n; i++) {
		if (!strncmp(ops[i], "ids=", 4)) {
			if ((r = add_ids(s, ops[i] + 4, "ids=", "", err, errlen)) < 0)
				return r;
		} else if (add_addr(s, ops[i]) < 0) {
			snprintf(err, errlen, "'%s': not a PCI address (DDDD:BB:DD.F or BB:DD.F) "
				 "nor ids=LIST", ops[i]);
			return -EINVAL;
		}
	}
	if (n > 0) {
		s->source = "arguments";
		return 1;
	}

	r = vb_conf_load(&c, &line);
	if (r == -EINVAL) {
		snprintf(err, errlen, "/etc/vfiobox.conf:%d: bad line (want KEY=VALUE, KEY one of "
			 "ids, claim, hda; '#' comments)", line);
		return r;
	}
	if (r == -EOVERFLOW) {
		snprintf(err, errlen, "vfiobox.* on the kernel command line: value too long");
		return -EINVAL;
	}
	if (r < 0) {
		snprintf(err, errlen, "/etc/vfiobox.conf: cannot read: %s", strerror(-r));
		return r;
	}
	if (r == 0) {
		/* No selectors; a bad hda= alone is still a mistake to report. */
		if (c.hda[0] && !hda_mode_ok(c.hda)) {
			snprintf(err, errlen, "hda=%s (/etc/vfiobox.conf): want vfio, none or host",
				 c.hda);
			return -EINVAL;
		}
		return 0;
	}
	s->source = c.source;
	/* Messages name the key as it is written in its source. */
	key = !strcmp(c.source, "kernel command line") ? "vfiobox." : "";
	snprintf(src, sizeof(src), " (%s)", c.source);
	if (c.ids[0]) {
		char k[32];
		snprintf(k, sizeof(k), "%sids=", key);
		if ((r = add_ids(s, c.ids, k, src, err, errlen)) < 0)
			return r;
	}
	if (c.claim[0]) {
		char *list = vb_xstrdup(c.claim), *save = NULL, *a;
		const char *p;

		/* An empty item ("a,,b" or a trailing comma) is a mistake too. */
		for (p = list; *p; p++)
			if (*p == ',' && (p == list || p[1] == ',' || !p[1]))
				break;
		if (*p) {
			snprintf(err, errlen, "%sclaim=%s%s: empty address in the list", key,
				 c.claim, src);
			free(list);
			return -EINVAL;
		}
		for (a = strtok_r(list, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
			if (add_addr(s, a) < 0) {
				snprintf(err, errlen, "%sclaim=%s%s: '%s' is not a PCI address "
					 "(DDDD:BB:DD.F or BB:DD.F)", key, c.claim, src, a);
				free(list);
				return -EINVAL;
			}
		}
		free(list);
	}
	if (c.hda[0]) {
		if (!hda_mode_ok(c.hda)) {
			snprintf(err, errlen, "%shda=%s%s: want vfio, none or host", key, c.hda,
				 src);
			return -EINVAL;
		}
		vb_strlcpy(s->hda, c.hda, sizeof(s->hda));
	}
	return s->ids.n || s->naddrs ? 1 : 0;
}

void vb_claim_sel_free(struct vb_claim_sel *s)
{
	vb_sysfs_list_free(s->addrs, s->naddrs);
	s->addrs = NULL;
	s->naddrs = 0;
	vb_ids_free(&s->ids);
}

int vb_claim_sel_match(const struct vb_claim_sel *s, const struct vb_pciids *id)
{
	return vb_ids_match(&s->ids, id);
}

/* ---- device classification --------------------------------------------- */

/* The header layout (header type byte at 0x0e without bit 7, the
 * multifunction flag): 0 an endpoint, 1 a bridge, 2 CardBus; -1 unreadable. */
static int header_layout(const char *addr)
{
	char p[VB_PATH_MAX];
	unsigned char hdr = 0;
	size_t got = 0;

	if (vb_pcidev_path(p, sizeof(p), addr, "config") == 0 &&
	    vb_sysfs_pread(p, &hdr, 1, 0x0e, &got) == 0 && got == 1 && hdr != 0xff)
		return hdr & 0x7f;
	return -1;
}

int vb_claim_is_bridge(const char *addr, unsigned class)
{
	return vb_class_is_bridge(class) || header_layout(addr) > 0;
}

/* Drivers that never let the host DMA into a VM's memory: none, vfio, the
 * stub, the port driver of a bridge. */
static int passive_name(const char *driver)
{
	return !*driver || is_vfio_driver(driver) || !strcmp(driver, "pci-stub") ||
	       !strcmp(driver, "pcieport");
}

int vb_claim_dma_ok(const char *addr, unsigned class, const char *driver)
{
	int h;

	if (passive_name(driver))
		return 1;
	/* A bridge header may keep its driver; a bridge-class endpoint (an
	 * ISA/LPC function, header type 0) on a host driver may not. */
	h = header_layout(addr);
	return h >= 0 ? h != 0 : vb_class_is_bridge(class);
}

int vb_claim_is_hda(const char *addr, unsigned class)
{
	char **slot;
	size_t n, i;
	int hda = 0;

	if (!vb_class_is_audio(class) || vb_pcidev_slot(addr, &slot, &n) < 0)
		return 0;
	for (i = 0; i < n && !hda; i++) {
		struct vb_pciids id;
		if (strcmp(slot[i], addr) && vb_pcidev_ids(slot[i], &id) == 0 &&
		    vb_class_is_display(id.class))
			hda = 1;
	}
	vb_sysfs_list_free(slot, n);
	return hda;
}

/* ---- selection ----------------------------------------------------------- */

static struct vb_claim_dev *find_dev(struct vb_claim_set *set, const char *addr)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (!strcmp(set->v[i].d.addr, addr))
			return &set->v[i];
	return NULL;
}

/* What selection needs of a device, and nothing else (vb_pcidev_load reads
 * some twenty attributes; on a machine with many devices in the groups that
 * adds up): address, ids, driver, driver_override, IOMMU group, boot_vga. */
static int load_light(const char *addr, const struct vb_pciids *id, struct vb_pcidev *d)
{
	char p[VB_PATH_MAX], v[16];
	int r;

	memset(d, 0, sizeof(*d));
	d->revision = -1;
	d->d3cold_allowed = -1;
	d->boot_vga = -1;
	if (vb_bdf_canon(addr, d->addr) < 0)
		return -EINVAL;
	if (id)
		d->id = *id;	/* the ids= scan has just read them */
	else if ((r = vb_pcidev_ids(d->addr, &d->id)) < 0)
		return r == -ENOENT ? -ENODEV : r;
	if ((r = vb_pcidev_driver(d->addr, d->driver, sizeof(d->driver))) < 0)
		return r;
	if ((r = read_override(d->addr, d->override, sizeof(d->override))) < 0)
		return r;
	d->group = vb_pcidev_group(d->addr);
	if (d->group < 0)
		d->group = -1;
	if (vb_class_is_display(d->id.class) &&
	    vb_pcidev_path(p, sizeof(p), d->addr, "boot_vga") == 0 &&
	    vb_sysfs_read(p, v, sizeof(v)) > 0)
		d->boot_vga = !strcmp(v, "1");
	return 0;
}

/* An audio function in the slot of a display function the set already has
 * is an HDA function: known without listing the slot (a GPU and its HDA
 * function share a group, and the GPU is usually selected first). */
static int slot_has_display(const struct vb_claim_set *set, const struct vb_pcidev *d)
{
	size_t i, l = strlen(d->addr) - 1;	/* all but the function digit */

	if (!vb_class_is_audio(d->id.class))
		return 0;
	for (i = 0; i < set->n; i++)
		if (!strncmp(set->v[i].d.addr, d->addr, l) && strcmp(set->v[i].d.addr, d->addr) &&
		    vb_class_is_display(set->v[i].d.id.class))
			return 1;
	return 0;
}

/* Load addr into the set; 0, or -errno. */
static int add_dev(struct vb_claim_set *set, const char *addr, const struct vb_pciids *id,
		   int why, const char *via)
{
	struct vb_claim_dev *e;
	int r;

	if (find_dev(set, addr))
		return 0;
	set->v = vb_xrealloc(set->v, (set->n + 1) * sizeof(*set->v));
	e = &set->v[set->n];
	memset(e, 0, sizeof(*e));
	if ((r = load_light(addr, id, &e->d)) < 0)
		return r;
	e->why = why;
	if (via)
		vb_strlcpy(e->via, via, sizeof(e->via));
	e->bridge = vb_claim_is_bridge(e->d.addr, e->d.id.class);
	e->hda = slot_has_display(set, &e->d) || vb_claim_is_hda(e->d.addr, e->d.id.class);
	set->n++;
	return 0;
}

/* Candidates from /proc/bus/pci/devices, which lists every function's
 * vendor and device in one read ("BBDF\tVVVVDDDD\t..."; no domain, so a hit
 * stands for that bus/devfn in every domain): bit bus << 8 | devfn is set
 * when some ids= entry could match it. Returns 1, or 0 when the file cannot
 * be used (then every device is read). */
/* The buffers of an ids= scan: one scan a run, so static (no mmap and
 * munmap for each). */
#define PROC_BUF (64 * 1024)
static char proc_buf[PROC_BUF + 1];

static int proc_candidates(const struct vb_idlist *ids, unsigned char *map)
{
	char p[VB_PATH_MAX], *buf, *line, *nl;
	size_t i, len = 0, cap = PROC_BUF;
	ssize_t n;
	int fd, any = 0;

	for (i = 0; i < ids->n; i++)
		if (ids->v[i].vendor == VB_ANY && ids->v[i].device == VB_ANY)
			return 0;	/* every device is a candidate */
	if (vb_sysfs_path(p, sizeof(p), "/proc/bus/pci/devices") < 0 ||
	    (fd = openat(AT_FDCWD, p, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	/* The whole file in a read or two (fgets' 1 KiB buffer took 17), into
	 * static memory while it fits (musl maps and unmaps a heap block this
	 * large: two syscalls). */
	buf = proc_buf;
	while ((n = read(fd, buf + len, cap - len)) > 0) {
		if ((len += (size_t)n) < cap)
			continue;
		if (buf == proc_buf) {
			buf = vb_xmalloc((cap *= 2) + 1);
			memcpy(buf, proc_buf, len);
		} else {
			buf = vb_xrealloc(buf, (cap *= 2) + 1);
		}
	}
	close(fd);
	if (n < 0)
		goto odd;
	buf[len] = 0;
	memset(map, 0, 8192);
	for (line = buf; *line; line = nl + 1) {
		unsigned long bdf, vd;
		unsigned bus, devfn, v, d;

		/* "%02x%02x\t%04x%04x\t...": fixed fields, by hand (strtoul
		 * was most of the user time of an ids= plan) */
		if (vb_hexn(line, 4, &bdf) < 0 || line[4] != '\t' || vb_hexn(line + 5, 8, &vd) < 0 ||
		    (line[13] != '\t' && line[13] != '\n'))
			goto odd;
		if (!(nl = strchr(line + 13, '\n')))
			goto odd;	/* cut short */
		bus = (unsigned)(bdf >> 8);
		devfn = (unsigned)(bdf & 0xff);
		v = (unsigned)(vd >> 16);
		d = (unsigned)(vd & 0xffff);
		any = 1;
		for (i = 0; i < ids->n; i++) {
			const struct vb_id *e = &ids->v[i];
			if ((e->vendor == VB_ANY || e->vendor == v) &&
			    (e->device == VB_ANY || e->device == d)) {
				unsigned k = bus << 8 | devfn;
				map[k >> 3] |= (unsigned char)(1u << (k & 7));
				break;
			}
		}
	}
	if (buf != proc_buf)
		free(buf);
	return any;
odd:
	if (buf != proc_buf)
		free(buf);
	return 0;	/* not the format this knows: read them all */
}

/* One device of an ids= scan, b: its modalias read with openat from
 * /sys/bus/pci/devices (dfd; a short path walk, one syscall to open: musl's
 * open() adds an fcntl for O_CLOEXEC, openat() does not), added to set when
 * ids matches it. A device that is not there is passed over. */
static void scan_one(int dfd, const struct vb_bdf *b, const struct vb_idlist *ids,
		     struct vb_claim_set *set)
{
	char c[VB_BDF_LEN], rel[VB_BDF_LEN + 16], buf[128];
	struct vb_pciids id;
	ssize_t n;
	int fd;

	vb_bdf_format(b, c);
	n = (ssize_t)strlen(c);
	memcpy(rel, c, (size_t)n);
	memcpy(rel + n, "/modalias", sizeof("/modalias"));
	n = -1;
	fd = openat(dfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && faccessat(dfd, c, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		return;		/* no such device (a bus probe) or it left meanwhile */
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (n > 0)
		buf[n] = 0;
	/* No modalias (or an odd one): the vendor/device/class files. */
	if ((n <= 0 || vb_pcidev_parse_modalias(buf, &id) < 0) && vb_pcidev_ids(c, &id) < 0)
		return;		/* left the bus meanwhile */
	if (vb_ids_match(ids, &id))
		add_dev(set, c, &id, VB_WHY_IDS, NULL);
}

/* getdents64 with room for a thousand entries: musl's readdir asks for
 * 2 KiB at a time, 64 names a call. */
#define DENTS_BUF (32 * 1024)

/* The candidates /proc/bus/pci/devices named (map: bus << 8 | devfn), in
 * every domain that has that bus: /sys/class/pci_bus lists each bus of each
 * domain ("DDDD:BB"), a few dozen names where /sys/bus/pci/devices has
 * every function. Returns 1 when done, 0 when the list cannot be read (then
 * the caller lists every device). */
static int scan_buses(int dfd, const unsigned char *map, const struct vb_idlist *ids,
		      struct vb_claim_set *set, char *ents)
{
	char p[VB_PATH_MAX];
	long got;
	int bfd;

	if (vb_sysfs_path(p, sizeof(p), "/sys/class/pci_bus") < 0 ||
	    (bfd = openat(AT_FDCWD, p, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return 0;
	while ((got = syscall(SYS_getdents64, bfd, ents, DENTS_BUF)) > 0) {
		long off;

		for (off = 0; off < got; off += ((struct dirent *)(ents + off))->d_reclen) {
			const char *nm = ((const struct dirent *)(ents + off))->d_name;
			struct vb_bdf b;
			char *end;
			unsigned devfn;

			if (*nm == '.')
				continue;
			/* "%04x:%02x"; the domain may be longer (VMD: 10000) */
			b.domain = (unsigned)strtoul(nm, &end, 16);
			if (end - nm < 4 || end - nm > 8 || *end != ':' ||
			    !isxdigit((unsigned char)end[1]) || !isxdigit((unsigned char)end[2]) || end[3])
				goto odd;
			b.bus = (unsigned)strtoul(end + 1, NULL, 16);
			for (devfn = 0; devfn < 256; devfn++) {
				unsigned k = b.bus << 8 | devfn;

				if (!(k & 7) && !map[k >> 3]) {
					devfn += 7;	/* none of these eight */
					continue;
				}
				if (!(map[k >> 3] & (1u << (k & 7))))
					continue;
				b.dev = devfn >> 3;
				b.fn = devfn & 7;
				scan_one(dfd, &b, ids, set);
			}
		}
	}
	close(bfd);
	if (got == 0)
		return 1;
	/* A read error after some buses: the full listing adds no duplicates. */
	return 0;
odd:
	close(bfd);
	return 0;	/* a name this does not know: every device */
}

/* Every device the ids= list matches: the candidates /proc/bus/pci/devices
 * names on each bus /sys/class/pci_bus lists, else one listing of
 * /sys/bus/pci/devices (every device, or those /proc/bus/pci/devices says
 * could match); no sorting, the set is sorted afterwards. With a thousand
 * devices this is the whole cost of an ids= selection. */
static int scan_ids(const struct vb_idlist *ids, struct vb_claim_set *set)
{
	static unsigned char map[8192];
	static char ents[DENTS_BUF] __attribute__((aligned(8)));
	char p[VB_PATH_MAX];
	long got = 0;
	int r, dfd, pre = proc_candidates(ids, map);

	if ((r = vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/devices")) < 0 ||
	    (dfd = openat(AT_FDCWD, p, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		r = r < 0 ? r : -errno;
		return r;
	}
	if (!pre || !scan_buses(dfd, map, ids, set, ents)) {
		while ((got = syscall(SYS_getdents64, dfd, ents, DENTS_BUF)) > 0) {
			long off;

			for (off = 0; off < got; off += ((struct dirent *)(ents + off))->d_reclen) {
				const char *nm = ((const struct dirent *)(ents + off))->d_name;
				char c[VB_BDF_LEN];
				struct vb_bdf b;
				unsigned k;

				if (vb_bdf_parse(nm, &b) < 0)
					continue;
				vb_bdf_format(&b, c);
				if (strcmp(c, nm))
					continue;	/* only the kernel's own spelling */
				k = b.bus << 8 | b.dev << 3 | b.fn;
				if (!pre || (map[k >> 3] & (1u << (k & 7))))
					scan_one(dfd, &b, ids, set);
			}
		}
	}
	r = got < 0 ? -errno : 0;
	close(dfd);
	return r;
}

static int cmp_dev(const void *a, const void *b)
{
	return vb_bdf_cmp(((const struct vb_claim_dev *)a)->d.addr,
			  ((const struct vb_claim_dev *)b)->d.addr);
}

int vb_claim_select(const struct vb_claim_sel *s, int no_group, struct vb_claim_set *set,
		    char bad[VB_BDF_LEN])
{
	size_t i, j, nsel;
	int r;

	set->v = NULL;
	set->n = 0;
	bad[0] = 0;
	for (i = 0; i < s->naddrs; i++) {
		r = add_dev(set, s->addrs[i], NULL, VB_WHY_ADDR, NULL);
		if (r < 0) {
			vb_strlcpy(bad, s->addrs[i], VB_BDF_LEN);
			vb_claim_set_free(set);
			return r == -ENOENT ? -ENODEV : r;
		}
	}
	if (s->ids.n && (r = scan_ids(&s->ids, set)) < 0) {
		vb_claim_set_free(set);
		return r;
	}
	if (!no_group) {
		nsel = set->n;
		for (i = 0; i < nsel; i++) {
			char **m, via[VB_BDF_LEN];
			size_t nm;
			int g = set->v[i].d.group;

			if (g < 0 || vb_pcidev_group_members(g, &m, &nm) < 0)
				continue;
			vb_strlcpy(via, set->v[i].d.addr, sizeof(via));
			for (j = 0; j < nm; j++)
				add_dev(set, m[j], NULL, VB_WHY_GROUP, via);
			vb_sysfs_list_free(m, nm);
		}
	}
	if (set->n > 1)
		qsort(set->v, set->n, sizeof(*set->v), cmp_dev);
	return 0;
}

void vb_claim_set_free(struct vb_claim_set *set)
{
	free(set->v);
	set->v = NULL;
	set->n = 0;
}

/* ---- IOMMU ------------------------------------------------------------- */

static int dir_has_entries(const char *abs)
{
	char p[VB_PATH_MAX];
	char **names;
	size_t n;

	if (vb_sysfs_path(p, sizeof(p), "%s", abs) < 0 || vb_sysfs_list(p, &names, &n) < 0)
		return 0;
	vb_sysfs_list_free(names, n);
	return n > 0;
}

int vb_claim_iommu_on(void)
{
	return dir_has_entries("/sys/kernel/iommu_groups") || dir_has_entries("/sys/class/iommu");
}

static int truthy(const char *v)
{
	return !strcmp(v, "1") || !strcmp(v, "Y") || !strcmp(v, "y") || !strcmp(v, "on");
}

int vb_claim_noiommu(void)
{
	char p[VB_PATH_MAX], v[16], cmdline[4096];

	if (vb_sysfs_path(p, sizeof(p), "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode") == 0 &&
	    vb_sysfs_read(p, v, sizeof(v)) >= 0)
		return truthy(v);
	if (vb_cmdline_read(cmdline, sizeof(cmdline)) < 0)
		return 0;
	if (vb_cmdline_get(cmdline, "vfio.enable_unsafe_noiommu_mode", v, sizeof(v)) == 1) {
		/* Repeated keys are joined with ','; the last one counts. */
		const char *last = strrchr(v, ',');
		return truthy(last ? last + 1 : v);
	}
	/* A bare boolean parameter means true. */
	return vb_cmdline_has(cmdline, "vfio.enable_unsafe_noiommu_mode");
}

int vb_claim_group_viable(int g, char *why, size_t n)
{
	char **m;
	size_t nm, i;
	int r, ok = 1;

	why[0] = 0;
	if ((r = vb_pcidev_group_members(g, &m, &nm)) < 0)
		return r;
	for (i = 0; i < nm; i++) {
		char drv[VB_DRV_LEN];
		struct vb_pciids id;

		if (vb_pcidev_driver(m[i], drv, sizeof(drv)) < 0 || passive_name(drv) ||
		    (vb_pcidev_ids(m[i], &id) == 0 && vb_claim_dma_ok(m[i], id.class, drv)))
			continue;
		appendf(why, n, "%s%s on %s", ok ? "" : ", ", m[i], drv);
		ok = 0;
	}
	vb_sysfs_list_free(m, nm);
	return ok;
}

/* ---- who holds a driver -------------------------------------------------- */

struct nodes {
	char prefix[8][64];	/* a /dev path matches if it starts with one */
	int exact[8];		/* ... or equals it, when exact */
	int n;
};

static void node_add(struct nodes *s, const char *path, int exact)
{
	if (s->n < 8) {
		vb_strlcpy(s->prefix[s->n], path, sizeof(s->prefix[0]));
		s->exact[s->n++] = exact;
	}
}

static int node_match(const struct nodes *s, const char *path)
{
	int i;

	for (i = 0; i < s->n; i++) {
		size_t l = strlen(s->prefix[i]);
		if (s->exact[i] ? !strcmp(path, s->prefix[i]) : !strncmp(path, s->prefix[i], l))
			return 1;
	}
	return 0;
}

/* The device nodes through which a process can keep the driver busy. */
static void device_nodes(const char *addr, const char *driver, struct nodes *s)
{
	char p[VB_PATH_MAX], node[64];
	char **names;
	size_t n, i;
	int g;

	memset(s, 0, sizeof(*s));
	if (!strncmp(driver, "nvidia", 6))
		node_add(s, "/dev/nvidia", 0);
	if (vb_pcidev_path(p, sizeof(p), addr, "drm") == 0 && vb_sysfs_list(p, &names, &n) == 0) {
		for (i = 0; i < n; i++) {
			if (!strncmp(names[i], "card", 4) || !strncmp(names[i], "renderD", 7)) {
				snprintf(node, sizeof(node), "/dev/dri/%s", names[i]);
				node_add(s, node, 1);
			}
		}
		vb_sysfs_list_free(names, n);
	}
	if (vb_pcidev_path(p, sizeof(p), addr, "sound") == 0 && vb_sysfs_list(p, &names, &n) == 0) {
		for (i = 0; i < n; i++) {
			unsigned long k;
			if (strncmp(names[i], "card", 4) || vb_parse_ulong(names[i] + 4, 10, 255, &k) < 0)
				continue;
			snprintf(node, sizeof(node), "/dev/snd/controlC%lu", k);
			node_add(s, node, 1);
			snprintf(node, sizeof(node), "/dev/snd/pcmC%luD", k);
			node_add(s, node, 0);
		}
		vb_sysfs_list_free(names, n);
	}
	if (is_vfio_driver(driver) && (g = vb_pcidev_group(addr)) >= 0) {
		snprintf(node, sizeof(node), "/dev/vfio/%d", g);
		node_add(s, node, 1);
		snprintf(node, sizeof(node), "/dev/vfio/noiommu-%d", g);
		node_add(s, node, 1);
		node_add(s, "/dev/vfio/devices/", 0);
	}
}

static int is_pid(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

int vb_claim_holders(const char *addr, const char *driver, char *buf, size_t n)
{
	struct nodes want;
	char p[VB_PATH_MAX], mod[VB_DRV_LEN], cnt[32];
	char **pids;
	size_t np, i, k;
	int found = 0;

	buf[0] = 0;
	device_nodes(addr, driver, &want);
	if (want.n && vb_sysfs_path(p, sizeof(p), "/proc") == 0 && vb_sysfs_list(p, &pids, &np) == 0) {
		for (i = 0; i < np; i++) {
			char fdp[VB_PATH_MAX], comm[64] = "?", seen[256] = "";
			char **fds;
			size_t nf;

			if (!is_pid(pids[i]) ||
			    vb_sysfs_path(fdp, sizeof(fdp), "/proc/%s/fd", pids[i]) < 0 ||
			    vb_sysfs_list(fdp, &fds, &nf) < 0)
				continue;
			for (k = 0; k < nf; k++) {
				char lp[VB_PATH_MAX], t[VB_PATH_MAX];
				ssize_t r;

				if (vb_fmt(lp, sizeof(lp), "%s/%s", fdp, fds[k]) < 0)
					continue;
				r = readlink(lp, t, sizeof(t) - 1);
				if (r <= 0)
					continue;
				t[r] = 0;
				if (node_match(&want, t) && !strstr(seen, t))
					appendf(seen, sizeof(seen), "%s%s", seen[0] ? ", " : "", t);
			}
			vb_sysfs_list_free(fds, nf);
			if (!seen[0])
				continue;
			if (vb_sysfs_path(fdp, sizeof(fdp), "/proc/%s/comm", pids[i]) == 0 &&
			    vb_sysfs_read(fdp, comm, sizeof(comm)) < 0)
				strcpy(comm, "?");
			appendf(buf, n, "%s%s (pid %s: %s)", found ? "; " : "", comm, pids[i], seen);
			found++;
		}
		vb_sysfs_list_free(pids, np);
	}
	/* The module's use count says "busy" even when /proc shows nobody. */
	vb_strlcpy(mod, driver, sizeof(mod));
	for (i = 0; mod[i]; i++)
		if (mod[i] == '-')
			mod[i] = '_';
	if (valid_driver(mod) && vb_sysfs_path(p, sizeof(p), "/sys/module/%s/refcnt", mod) == 0 &&
	    vb_sysfs_read(p, cnt, sizeof(cnt)) >= 0)
		appendf(buf, n, "%smodule %s use count %s", buf[0] ? "; " : "", mod, cnt);
	return found;
}

/* ---- bounded unbind ------------------------------------------------------ */

/* The unbinds run in a child that shares the applet's memory (clone with
 * CLONE_VM, no page tables copied: a fork and the copy-on-write faults after
 * it were a seventh of a claim's time) but not its files, so that a write the
 * kernel blocks in (remove() waiting for the device's users) does not hold the
 * applet: it stops waiting, says which unbind is pending, and can exit while
 * the child stays in the kernel. The child makes raw system calls only: a
 * libc wrapper that fails sets errno, which the child shares with the applet.
 * Elsewhere (or built with -DVB_UNBIND_FORK, as a unit test is) it forks.
 * raw4 returns the result or -errno, never touching errno itself. */
#if (defined(__x86_64__) || defined(__aarch64__)) && !defined(VB_UNBIND_FORK)
#define UNBIND_CLONE 1
#include <sched.h>

static long raw4(long n, long a, long b, long c, long d)
{
#if defined(__x86_64__)
	register long r10 __asm__("r10") = d;
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
#else
	register long x8 __asm__("x8") = n, x0 __asm__("x0") = a, x1 __asm__("x1") = b,
		 x2 __asm__("x2") = c, x3 __asm__("x3") = d;

	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3)
			 : "memory", "cc");
	return x0;
#endif
}
#else
#define UNBIND_CLONE 0

/* A forked child has its own errno: the libc wrapper will do. */
static long raw4(long n, long a, long b, long c, long d)
{
	long r = syscall(n, a, b, c, d);

	return r < 0 ? -errno : r;
}
#endif
#define RAW(n, a, b, c) raw4(SYS_##n, (long)(a), (long)(b), (long)(c), 0)

/* What the child reads: in the mapping its stack lives in, so that it stays
 * valid whatever the applet frees or returns from meanwhile. */
struct unbind_job {
	size_t k;
	int fd;				/* the pipe's write end: one int per write */
	char (*paths)[VB_PATH_MAX];
	char (*canon)[VB_BDF_LEN];
};

/* Close every fd but keep: the child must not hold the applet's lock or its
 * stdout open while it waits in the kernel. */
static void close_all_but(int keep)
{
	int i;

	if (keep > 0 && RAW(close_range, 0u, (unsigned)keep - 1, 0u) == 0 &&
	    RAW(close_range, (unsigned)keep + 1, ~0u, 0u) == 0)
		return;
	for (i = 0; i < 4096; i++)	/* before 5.9: no close_range */
		if (i != keep)
			RAW(close, i, 0, 0);
}

/* The child: each write in order, its result (0 or -errno) to the pipe; the
 * first failure ends it. A write to the pipe after the applet stopped
 * reading fails (or SIGPIPE ends the child): it never goes on to the next
 * unbind once the applet has given up on this one. */
static int unbind_child(void *arg)
{
	const struct unbind_job *j = arg;
	size_t i;

	close_all_but(j->fd);
	for (i = 0; i < j->k; i++) {
		long len = (long)strlen(j->canon[i]), w;
		int fd = (int)raw4(SYS_openat, AT_FDCWD, (long)j->paths[i], O_WRONLY | O_TRUNC, 0);
		int res = fd;

		if (fd >= 0) {
			do
				w = RAW(write, fd, j->canon[i], len);
			while (w == -EINTR);
			res = w < 0 ? (int)w : w == len ? 0 : -EIO;
			RAW(close, fd, 0, 0);
		}
		if (RAW(write, j->fd, &res, sizeof(res)) != (long)sizeof(res) || res < 0)
			return 1;
	}
	return 0;
}

#define UNBIND_STACK (64 * 1024)

#if UNBIND_CLONE
/* The child's stack and job: static while no child is left blocked on it
 * (a mapping made and unmapped for each batch cost a TLB flush); a child
 * that never finished keeps it, and later batches map their own. */
static struct {
	char stack[UNBIND_STACK];
	char job[8192];
} unbind_area __attribute__((aligned(64)));
static int unbind_area_kept;
#endif

/* Start the child on job; its pid, or -errno. *map is what to unmap once it
 * has been reaped (left mapped while it may still run); NULL with
 * *maplen 0 is nothing to unmap, *maplen 0 with *map set the static area. */
static pid_t unbind_start(struct unbind_job *j, void **map, size_t *maplen)
{
	pid_t pid;
#if UNBIND_CLONE
	size_t need = sizeof(*j) + j->k * (sizeof(*j->paths) + sizeof(*j->canon));
	size_t len = UNBIND_STACK + ((need + 4095) & ~(size_t)4095);
	char *m = (char *)&unbind_area;
	struct unbind_job *c;

	if (unbind_area_kept || need > sizeof(unbind_area.job)) {
		m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return -errno;
	} else {
		len = 0;
	}
	c = (struct unbind_job *)(m + UNBIND_STACK);
	c->k = j->k;
	c->fd = j->fd;
	c->paths = (void *)(c + 1);
	c->canon = (void *)(c->paths + j->k);
	memcpy(c->paths, j->paths, j->k * sizeof(*j->paths));
	memcpy(c->canon, j->canon, j->k * sizeof(*j->canon));
	/* The stack grows down from just below the job. */
	pid = clone(unbind_child, m + UNBIND_STACK, CLONE_VM | SIGCHLD, c);
	if (pid < 0) {
		pid = -errno;
		if (len)
			munmap(m, len);
		return pid;
	}
	*map = m;
	*maplen = len;
#else
	fflush(NULL);
	*map = NULL;
	*maplen = 0;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(unbind_child(j));
#endif
	return pid;
}

/* Unbind addrs[i] from drivers[i], i = 0..k-1 in order, from one child
 * process, waiting at most timeout_ms for each write. The child stops after
 * the first write that fails. Returns how many results res[] holds: the
 * writes done, plus the one that failed or did not finish (-ETIMEDOUT, with
 * *pending set to the child, left blocked in the kernel). A dry run prints
 * the writes. */
static size_t unbind_batch(const struct vb_act *a, char *const *addrs, char *const *drivers,
			   size_t k, long timeout_ms, int *res, pid_t *pending)
{
	struct unbind_job job = { 0, -1, NULL, NULL };
	/* A GPU's functions fit on the stack (no heap block mapped and, once
	 * the child that shares the memory has run, unmapped with a TLB flush). */
	char paths[4][VB_PATH_MAX], canon[4][VB_BDF_LEN];
	struct vb_act show;
	size_t i, got = 0, maplen = 0;
	void *map = NULL;
	int fds[2], r, bad = 0;
	pid_t pid;

	*pending = 0;
	if (!k)
		return 0;
	if (k <= 4) {
		memset(canon, 0, sizeof(canon));
		job.paths = paths;
		job.canon = canon;
	} else {
		job.paths = vb_xcalloc(k, sizeof(*job.paths));
		job.canon = vb_xcalloc(k, sizeof(*job.canon));
	}
	/* A bad entry (none come from vb_rebind_plan) ends the batch there. */
	for (i = 0; i < k; i++) {
		r = vb_bdf_canon(addrs[i], job.canon[i]) < 0 || !valid_driver(drivers[i]) ? -EINVAL :
		    vb_sysfs_path(job.paths[i], sizeof(job.paths[i]),
				  "/sys/bus/pci/drivers/%s/unbind", drivers[i]);
		if (r < 0) {
			bad = r;
			k = i;
			break;
		}
	}
	if (a && a->dry_run) {
		for (i = 0; i < k; i++) {
			res[got++] = vb_act_write(a, job.paths[i], job.canon[i]);
			if (res[i] < 0)
				goto out;
		}
		goto done;
	}
	if (a && a->echo) {
		show = *a;
		show.dry_run = 1;
		for (i = 0; i < k; i++)
			vb_act_write(&show, job.paths[i], job.canon[i]);
	}
	if (!k)
		goto done;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		res[got++] = -errno;
		goto out;
	}
	job.k = k;
	job.fd = fds[1];
	pid = unbind_start(&job, &map, &maplen);
	close(fds[1]);
	if (pid < 0) {
		res[got++] = pid;
		close(fds[0]);
		goto out;
	}
	while (got < k) {
		long long end = vb_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
		int pr;

		for (;;) {
			struct pollfd pf = { fds[0], POLLIN, 0 };
			long long left = end - vb_now_ms();
			pr = poll(&pf, 1, left > 0 ? (int)left : 0);
			if (pr < 0 && errno == EINTR)
				continue;
			break;
		}
		if (pr <= 0) {
			/* Time is up: leave the child blocked in the kernel, and
			 * its mapping with it. */
#if UNBIND_CLONE
			if (map && !maplen)
				unbind_area_kept = 1;
#endif
			*pending = pid;
			res[got++] = -ETIMEDOUT;
			close(fds[0]);
			goto out;
		}
		res[got] = read(fds[0], &r, sizeof(r)) == (ssize_t)sizeof(r) ? r : -EIO;
		if (res[got++] < 0)
			break;
	}
	close(fds[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (map && maplen)
		munmap(map, maplen);
	if (res[got - 1] < 0)
		goto out;
done:
	if (bad)
		res[got++] = bad;
out:
	if (job.paths != paths) {
		free(job.paths);
		free(job.canon);
	}
	return got;
}

int vb_claim_unbind(const struct vb_act *a, const char *addr, const char *driver,
		    long timeout_ms, pid_t *pending)
{
	char *ad = (char *)addr, *dr = (char *)driver;
	int res = 0;

	unbind_batch(a, &ad, &dr, 1, timeout_ms, &res, pending);
	return res;
}

/* ---- rebind ---------------------------------------------------------------- */

void vb_rebind_describe(const char *addr, char *buf, size_t n)
{
	char drv[VB_DRV_LEN], ov[VB_DRV_LEN];

	if (!vb_pcidev_exists(addr)) {
		snprintf(buf, n, "gone from the bus");
		return;
	}
	if (read_override(addr, ov, sizeof(ov)) < 0)
		vb_strlcpy(ov, "?", sizeof(ov));
	if (vb_pcidev_driver(addr, drv, sizeof(drv)) < 0)
		vb_strlcpy(drv, "?", sizeof(drv));
	snprintf(buf, n, "%s%s, %s%s", ov[0] ? "driver_override " : "no driver_override",
		 ov, drv[0] ? "bound to " : "no driver", drv);
}

/* The checks and the plan, once v->old_driver and v->old_override are set. */
static int plan_start(struct vb_rebind *v, const char *addr, const char *target)
{
	memset(v, 0, sizeof(*v));
	v->group = -1;
	if (vb_bdf_canon(addr, v->addr) < 0)
		return -EINVAL;
	if (*target && !valid_driver(target))
		return -EINVAL;
	vb_strlcpy(v->target, target, sizeof(v->target));
	return 0;
}

static int plan_decide(struct vb_rebind *v, const char *target)
{
	int back = !*target, none = !strcmp(target, VB_TARGET_NONE);

	vb_strlcpy(v->driver, v->old_driver, sizeof(v->driver));
	v->set_override = strcmp(v->old_override, target) != 0;
	if (back) {
		/* Off vfio-pci, and an unbound device is probed (the caller plans
		 * only devices vfio-claim had: a parked one, or one whose unbind
		 * from vfio-pci finished after a release gave up waiting). */
		if (is_vfio_driver(v->old_driver))
			vb_strlcpy(v->unbind, v->old_driver, sizeof(v->unbind));
		v->probe = v->unbind[0] || !v->old_driver[0];
	} else if (none) {
		vb_strlcpy(v->unbind, v->old_driver, sizeof(v->unbind));
	} else {
		if (v->old_driver[0] && strcmp(v->old_driver, target))
			vb_strlcpy(v->unbind, v->old_driver, sizeof(v->unbind));
		v->probe = strcmp(v->old_driver, target) != 0;
	}
	return v->set_override || v->unbind[0] || v->probe;
}

int vb_rebind_plan(struct vb_rebind *v, const char *addr, const char *target)
{
	int r;

	if ((r = plan_start(v, addr, target)) < 0)
		return r;
	/* No driver link and no driver_override: read_override looks whether
	 * the device is there at all (-ENODEV). */
	if ((r = vb_pcidev_driver(v->addr, v->old_driver, sizeof(v->old_driver))) < 0)
		return r;
	if ((r = read_override(v->addr, v->old_override, sizeof(v->old_override))) < 0)
		return r;
	return plan_decide(v, target);
}

int vb_rebind_plan_known(struct vb_rebind *v, const char *addr, const char *target,
			 const char *driver, const char *override)
{
	int r;

	if ((r = plan_start(v, addr, target)) < 0)
		return r;
	if (vb_strlcpy(v->old_driver, driver, sizeof(v->old_driver)) < 0 ||
	    vb_strlcpy(v->old_override, override, sizeof(v->old_override)) < 0)
		return -EINVAL;
	return plan_decide(v, target);
}

void vb_rebind_ctx_init(struct vb_rebind_ctx *c, const struct vb_act *a)
{
	memset(c, 0, sizeof(*c));
	c->act = a;
	c->unbind_timeout_ms = 10000;
	c->probe_wait_ms = 1000;
}

static int dry(const struct vb_rebind_ctx *c)
{
	return c->act && c->act->dry_run;
}

static int fail(struct vb_rebind_ctx *c, const struct vb_rebind *v, const char *step, int err,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int fail(struct vb_rebind_ctx *c, const struct vb_rebind *v, const char *step, int err,
		const char *fmt, ...)
{
	va_list ap;

	vb_strlcpy(c->fail_addr, v->addr, sizeof(c->fail_addr));
	vb_strlcpy(c->fail_step, step, sizeof(c->fail_step));
	c->fail_err = err < 0 ? err : -err;
	va_start(ap, fmt);
	vsnprintf(c->fail_detail, sizeof(c->fail_detail), fmt, ap);
	va_end(ap);
	return c->fail_err;
}

/* A write failed: say what the kernel meant, or that the device left. */
static int write_failed(struct vb_rebind_ctx *c, struct vb_rebind *v, const char *step,
			const char *attr, int r)
{
	if (!vb_pcidev_exists(v->addr)) {
		v->gone = 1;
		return fail(c, v, step, -ENODEV, "the device left the bus");
	}
	return fail(c, v, step, r, "%s", vb_sysfs_strerror(r, attr));
}

static int unbind_failed(struct vb_rebind_ctx *c, struct vb_rebind *v, int r)
{
	char who[VB_CLAIM_TEXT - 160];

	if (r != -ETIMEDOUT)
		return write_failed(c, v, "unbind", "unbind", r);
	vb_claim_holders(v->addr, v->unbind, who, sizeof(who));
	return fail(c, v, "unbind", r, "%s did not let go within %ld.%03ld s: the driver is in use%s%s%s",
		    v->unbind, c->unbind_timeout_ms / 1000, c->unbind_timeout_ms % 1000,
		    who[0] ? " (" : " (nothing visible in /proc holds it", who[0] ? who : "", ")");
}

/* Where the device is now: 1 there, 0 not yet, -ENODEV gone. When final is
 * set, the last look: VB_TARGET_BACK then accepts "no driver". */
static int check(struct vb_rebind *v, int final)
{
	char p[VB_PATH_MAX];

	/* A driver link says the device is there; without one, look. */
	if (vb_pcidev_driver(v->addr, v->driver, sizeof(v->driver)) < 0)
		v->driver[0] = 0;
	if (!v->driver[0] && !vb_pcidev_exists(v->addr)) {
		v->gone = 1;
		return -ENODEV;
	}
	/* The group of a device that stayed on the bus does not change: read
	 * once (the polls after drivers_probe repeat check). */
	if (v->group < 0 && (v->group = vb_pcidev_group(v->addr)) < 0)
		v->group = -1;
	v->node[0] = 0;
	if (!*v->target)
		return is_vfio_driver(v->driver) ? 0 : (v->driver[0] || final);
	if (!strcmp(v->target, VB_TARGET_NONE))
		return !v->driver[0];
	if (strcmp(v->driver, v->target))
		return 0;
	if (!is_vfio_driver(v->target))
		return 1;
	if (v->group < 0)
		return 0;
	snprintf(v->node, sizeof(v->node), "/dev/vfio/%d", v->group);
	if (vb_sysfs_path(p, sizeof(p), "%s", v->node) == 0 && vb_sysfs_exists(p))
		return 1;
	snprintf(v->node, sizeof(v->node), "/dev/vfio/noiommu-%d", v->group);
	if (vb_sysfs_path(p, sizeof(p), "%s", v->node) == 0 && vb_sysfs_exists(p))
		return 1;
	v->node[0] = 0;
	return 0;
}

static int verify_failed(struct vb_rebind_ctx *c, struct vb_rebind *v)
{
	struct vb_pciids id;
	int bridge = vb_pcidev_ids(v->addr, &id) == 0 && vb_claim_is_bridge(v->addr, id.class);

	if (!*v->target)
		return fail(c, v, "verify", -EBUSY, "%s took it back: its own ids= list matches "
			    "the device (vfio-pci.ids= on the kernel command line or in "
			    "/etc/modprobe.d)", v->driver);
	if (!strcmp(v->target, VB_TARGET_NONE))
		return fail(c, v, "verify", -EBUSY, "still bound to %s after the unbind", v->driver);
	if (!strcmp(v->driver, v->target))
		return fail(c, v, "verify", -ENOENT, "%s holds it but /dev/vfio/%d did not appear "
			    "(is /dev a devtmpfs?)", v->driver, v->group);
	if (v->driver[0] && !strcmp(v->driver, v->unbind))
		return fail(c, v, "verify", -EBUSY, "still bound to %s after the unbind", v->driver);
	if (v->driver[0])
		return fail(c, v, "verify", -EBUSY, "%s took it instead of %s", v->driver, v->target);
	if (bridge)
		return fail(c, v, "verify", -ENXIO, "%s did not bind it: vfio-pci drives no "
			    "bridges (drivers_probe reported success)", v->target);
	if (is_vfio_driver(v->target) && v->group < 0)
		return fail(c, v, "verify", -ENXIO, "%s did not bind it: without an IOMMU group its "
			    "probe fails unless no-IOMMU mode is on and the kernel has "
			    "CONFIG_VFIO_NOIOMMU (drivers_probe reported success; this is not a claim)",
			    v->target);
	return fail(c, v, "verify", -ENXIO, "%s did not bind it although drivers_probe reported "
		    "success: its probe failed (see dmesg)", v->target);
}

/* Poll until every device is where it should be. Real PCI probing is
 * synchronous (drivers_probe returns after the probe), so on a real kernel
 * the first look normally settles it; the bounded poll keeps a fake kernel
 * that applies writes asynchronously (tests/tools/fakekernel) honest, and
 * covers devtmpfs creating /dev/vfio/N a moment later. */
static int verify(struct vb_rebind_ctx *c, struct vb_rebind *v, size_t n)
{
	long long end = vb_now_ms() + c->probe_wait_ms;
	struct poll_state ps = { 0, 0 };
	size_t ok = 0;	/* v[0..ok-1] are where they should be: not looked at again */

	for (;;) {
		int last = vb_now_ms() >= end;

		while (ok < n) {
			int r = check(&v[ok], last);
			if (r < 0)
				return fail(c, &v[ok], "verify", r, "the device left the bus");
			if (!r)
				break;
			ok++;
		}
		if (ok == n)
			return 0;
		if (last)
			return verify_failed(c, &v[ok]);
		poll_step(&ps);
	}
}

static int wait_driver(const char *addr, const char *want, long ms)
{
	long long end = vb_now_ms() + ms;
	struct poll_state ps = { 0, 0 };
	char drv[VB_DRV_LEN];

	for (;;) {
		if (vb_pcidev_driver(addr, drv, sizeof(drv)) == 0 && !strcmp(drv, want))
			return 0;
		if (vb_now_ms() >= end)
			return -ETIMEDOUT;
		poll_step(&ps);
	}
}

/* One pass of putting a device back: unbind from whatever holds it now, the
 * old override, bind the old driver. why gets the first step that failed. */
static void undo_pass(struct vb_rebind_ctx *c, struct vb_rebind *v, char *why, size_t n)
{
	char cur[VB_DRV_LEN];
	pid_t pend = 0;
	int r;

	if (vb_pcidev_driver(v->addr, cur, sizeof(cur)) == 0 && cur[0] &&
	    strcmp(cur, v->old_driver)) {
		r = vb_claim_unbind(c->act, v->addr, cur, c->unbind_timeout_ms, &pend);
		if (r < 0 && !why[0])
			snprintf(why, n, "unbind from %s: %s", cur,
				 r == -ETIMEDOUT ? "timed out" : vb_sysfs_strerror(r, "unbind"));
		if (pend) {
			if (!v->pending)
				v->pending = pend;
			vb_strlcpy(v->unbind, cur, sizeof(v->unbind));
			return;	/* the device is locked until that unbind completes */
		}
	}
	if (v->done_override) {
		char ov[VB_DRV_LEN];
		if (read_override(v->addr, ov, sizeof(ov)) < 0 || strcmp(ov, v->old_override)) {
			r = vb_act_dev_write(c->act, v->addr, "driver_override",
					     v->old_override[0] ? v->old_override : "\n");
			if (r < 0 && !why[0])
				snprintf(why, n, "driver_override: %s",
					 vb_sysfs_strerror(r, "driver_override"));
		}
	}
	if (v->old_driver[0] && vb_pcidev_driver(v->addr, cur, sizeof(cur)) == 0 && !cur[0]) {
		char p[VB_PATH_MAX];
		r = vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/drivers/%s/bind", v->old_driver);
		if (r == 0)
			r = vb_act_write(c->act, p, v->addr);
		if (r == 0)
			r = wait_driver(v->addr, v->old_driver, c->probe_wait_ms);
		if (r < 0 && !why[0])
			snprintf(why, n, "bind to %s: %s", v->old_driver,
				 r == -ETIMEDOUT ? "it did not bind" : vb_sysfs_strerror(r, "bind"));
	}
}

/* A device whose unbind is still blocked in the kernel: that unbind holds
 * the device lock, and driver_override can be neither read nor written (both
 * take it) until it completes. So the device is left as it is, described
 * from what was written; the driver link reads without the lock. */
static int stuck_pending(struct vb_rebind_ctx *c, struct vb_rebind *v)
{
	const char *ov = v->done_override ? v->target : v->old_override;
	char cur[VB_DRV_LEN];

	v->stuck = 1;
	c->stuck++;
	if (vb_pcidev_driver(v->addr, cur, sizeof(cur)) < 0)
		vb_strlcpy(cur, "?", sizeof(cur));
	vb_strlcpy(v->driver, cur, sizeof(v->driver));
	v->state[0] = 0;
	appendf(v->state, sizeof(v->state), "%s%s, %s%s (before: %s%s, %s%s); an unbind (pid %d) "
		 "is still waiting in the kernel and holds the device, so driver_override could "
		 "not be put back: once nothing holds %s the device is left with no driver",
		 ov[0] ? "driver_override " : "no driver_override", ov,
		 cur[0] ? "bound to " : "no driver link (the kernel drops it before the "
		 "driver's remove() returns)", cur,
		 v->old_override[0] ? "driver_override " : "no driver_override", v->old_override,
		 v->old_driver[0] ? "bound to " : "no driver", v->old_driver, (int)v->pending,
		 v->unbind[0] ? v->unbind : cur[0] ? cur : "the driver");
	return -EIO;
}

/* Put one device back as it was; 0, or -errno with v->stuck and v->state.
 * Up to three passes: a probe that was still under way when the failure was
 * seen can bind the device behind the first pass's back. */
static int undo_one(struct vb_rebind_ctx *c, struct vb_rebind *v)
{
	char cur[VB_DRV_LEN], ov[VB_DRV_LEN], why[160] = "";
	int pass;

	if (!v->done_override && !v->done_unbind && !v->done_probe && !v->pending)
		return 0;
	if (v->pending)
		return stuck_pending(c, v);
	for (pass = 0; pass < 3; pass++) {
		if (!vb_pcidev_exists(v->addr)) {
			v->gone = 1;
			goto stuck;
		}
		why[0] = 0;
		undo_pass(c, v, why, sizeof(why));
		if (!vb_pcidev_exists(v->addr)) {
			v->gone = 1;
			goto stuck;
		}
		if (v->pending)
			return stuck_pending(c, v);	/* the undo's own unbind blocked */
		vb_pcidev_driver(v->addr, cur, sizeof(cur));
		read_override(v->addr, ov, sizeof(ov));
		vb_strlcpy(v->driver, cur, sizeof(v->driver));
		if (!strcmp(cur, v->old_driver) && !strcmp(ov, v->old_override))
			return 0;
		/* Another pass only when some driver took it behind our back. */
		if (!cur[0] || !strcmp(cur, v->old_driver))
			break;
	}
stuck:
	v->stuck = 1;
	c->stuck++;
	if (v->gone) {
		snprintf(v->state, sizeof(v->state), "gone from the bus (its driver_override went "
			 "with it; a rescan brings it back with its host driver)");
		return -ENODEV;
	}
	vb_rebind_describe(v->addr, v->state, sizeof(v->state));
	appendf(v->state, sizeof(v->state), " (before: %s%s, %s%s)",
		v->old_override[0] ? "driver_override " : "no driver_override", v->old_override,
		v->old_driver[0] ? "bound to " : "no driver", v->old_driver);
	if (why[0])
		appendf(v->state, sizeof(v->state), "; %s", why);
	return -EIO;
}

int vb_rebind_run(struct vb_rebind_ctx *c, struct vb_rebind *v, size_t n)
{
	size_t i;
	int r = 0, need_vfio = 0;

	c->fail_addr[0] = c->fail_step[0] = c->fail_detail[0] = 0;
	c->fail_err = 0;
	c->stuck = 0;
	for (i = 0; i < n; i++) {
		v[i].done_override = v[i].done_unbind = v[i].done_probe = 0;
		v[i].pending = 0;
		v[i].gone = v[i].stuck = 0;
		v[i].state[0] = 0;
		if (v[i].probe && is_vfio_driver(v[i].target))
			need_vfio = 1;
	}
	/* 1. Every override first: from here on no other driver can take them. */
	for (i = 0; i < n; i++) {
		if (!v[i].set_override)
			continue;
		r = vb_act_dev_write(c->act, v[i].addr, "driver_override",
				     v[i].target[0] ? v[i].target : "\n");
		if (r < 0) {
			write_failed(c, &v[i], "driver_override", "driver_override", r);
			goto undo;
		}
		v[i].done_override = 1;
	}
	/* 2. Unbind, each with a bounded wait, all from one child process. */
	{
		char **ad = vb_xcalloc(n, sizeof(*ad)), **dr = vb_xcalloc(n, sizeof(*dr));
		size_t *idx = vb_xcalloc(n, sizeof(*idx)), k = 0, j = 0, m;
		int *res = vb_xcalloc(n, sizeof(*res));

		for (i = 0; i < n; i++) {
			if (!v[i].unbind[0])
				continue;
			ad[k] = v[i].addr;
			dr[k] = v[i].unbind;
			idx[k++] = i;
		}
		r = 0;
		while (j < k && r == 0) {
			pid_t pend = 0;
			size_t got = unbind_batch(c->act, ad + j, dr + j, k - j, c->unbind_timeout_ms,
						  res, &pend);
			for (m = 0; m < got && r == 0; m++) {
				struct vb_rebind *x = &v[idx[j + m]];
				r = res[m];
				if (r == -ETIMEDOUT)
					x->pending = pend;
				if (r == -ENODEV && vb_pcidev_exists(x->addr)) {
					char now[VB_DRV_LEN];
					/* Not bound to that driver any more: it let go by itself. */
					if (vb_pcidev_driver(x->addr, now, sizeof(now)) == 0 &&
					    strcmp(now, x->unbind))
						r = 0;
				}
				if (r < 0)
					unbind_failed(c, x, r);
				else
					x->done_unbind = 1;
			}
			j += got;
			if (!got)
				break;
		}
		free(ad);
		free(dr);
		free(idx);
		free(res);
		if (r < 0)
			goto undo;
	}
	/* 3. vfio-pci loaded (modprobe by execve; built in counts as loaded).
	 * Loading it binds every unbound device whose override names it. */
	if (need_vfio && !c->module_ready) {
		int status = 0;
		r = vb_kmod_load(c->act, VFIO_DRIVER, &status);
		if (r < 0 && dry(c)) {
			/* No modprobe here: still show the step of the plan. */
			char *argv[] = { "modprobe", VFIO_DRIVER, NULL };
			r = vb_act_run(c->act, argv);
		}
		if (r < 0) {
			if (r == -ENOENT)
				fail(c, &v[0], "modprobe vfio-pci", r, "no modprobe found (looked in "
				     "/sbin, /usr/sbin, /usr/bin, /bin and /proc/sys/kernel/modprobe)");
			else if (r == -ENOPKG)
				fail(c, &v[0], "modprobe vfio-pci", r, "modprobe exited with status %d "
				     "and vfio-pci is not loaded", status);
			else
				fail(c, &v[0], "modprobe vfio-pci", r, "%s", strerror(-r));
			goto undo;
		}
		c->module_ready = 1;
	}
	/* 4. drivers_probe: the override's driver takes it (or, with the
	 * override cleared, the host driver). */
	for (i = 0; i < n; i++) {
		char p[VB_PATH_MAX];
		if (!v[i].probe)
			continue;
		r = vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/drivers_probe");
		if (r == 0)
			r = vb_act_write(c->act, p, v[i].addr);
		if (r < 0) {
			write_failed(c, &v[i], "drivers_probe", "drivers_probe", r);
			goto undo;
		}
		v[i].done_probe = 1;
	}
	if (dry(c))
		return 0;
	/* 5. Verify: drivers_probe says nothing about whether a driver bound. */
	if ((r = verify(c, v, n)) < 0)
		goto undo;
	return 0;
undo:
	if (dry(c))
		return c->fail_err;
	for (i = n; i-- > 0;)
		undo_one(c, &v[i]);
	return c->fail_err;
}
