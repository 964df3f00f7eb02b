/* fakekernel: the PCI driver core's binding rules, applied to a fake sysfs
 * tree made by mkfakesys, so vfio-claim and vfio-release can be tested end to
 * end without hardware. A fake tree cannot bind anything by itself; this
 * daemon watches it with inotify and does what the kernel would do.
 *
 *   fakekernel start ROOT STATE    start the daemon (returns once it is ready);
 *                                  STATE is a directory for its control FIFOs
 *                                  and its log (STATE/log, one line per action)
 *   fakekernel ctl STATE WORDS...  send one command, wait for its answer
 *   fakekernel stop STATE          restore plain files, exit
 *   fakekernel modprobe STATE [-OPTS] NAME...
 *                                  what ROOT/sbin/modprobe (a script the daemon
 *                                  writes; lib/kmod finds it there) runs
 *
 * Semantics (Documentation/ABI/testing/sysfs-bus-pci, drivers/pci/pci-driver.c,
 * drivers/base/bus.c, drivers/vfio/pci/vfio_pci.c; FACTS.md):
 * - driver_override: cut at the first newline; an empty value clears it.
 *   Writing it binds and unbinds nothing. The kernel shows an unset override
 *   as "(null)"; here the file keeps what was written ("\n" clears), because
 *   rewriting it after a write would race with the next write; at start the
 *   files are put in that form ("(null)\n" -> "\n", "NAME\n" -> "NAME").
 * - drivers/NAME/unbind ADDR: unbinds if ADDR is bound to NAME, else nothing
 *   (the kernel says ENODEV).
 * - drivers/NAME/bind ADDR: binds if ADDR is unbound and NAME may drive it:
 *   the override names NAME, or there is no override and NAME is the device's
 *   native driver (its id table matches); else nothing (ENODEV / EBUSY).
 * - drivers_probe ADDR: an unbound device goes to the override's driver if
 *   that driver is loaded (else it stays unbound), or without an override to
 *   its native driver if loaded. "Success" whether or not anything bound.
 * - vfio-pci: its id table is override-only (never native unless a test says
 *   so, as vfio-pci.ids= would); it refuses bridges (type 1 headers) and
 *   devices without an IOMMU group unless no-IOMMU mode is on
 *   (/sys/module/vfio/parameters/enable_unsafe_noiommu_mode = Y), in which case
 *   it makes a group and /dev/vfio/noiommu-N. Binding makes /dev/vfio/GROUP;
 *   the last vfio-pci device of a group leaving removes it.
 * - The kernel's vfio interfaces, from ROOT/boot/config-RELEASE (mkfakesys
 *   `vfio`; no file: the group interface only): "# CONFIG_VFIO_GROUP is not
 *   set" means no /dev/vfio/vfio and no /dev/vfio/GROUP;
 *   "CONFIG_VFIO_DEVICE_CDEV=y" means binding vfio-pci makes the device cdev
 *   (ADDR/vfio-dev/vfioN with `dev` 511:N, /sys/class/vfio-dev/vfioN,
 *   /dev/vfio/devices/vfioN, N the lowest free) and the unbind removes it;
 *   vfio then needs iommufd, so loading vfio_pci loads it (/dev/iommu, as
 *   loading iommufd does).
 * - modprobe NAME: fails unless NAME is in modules.dep or modules.builtin of
 *   the tree's kernel; makes /sys/module/NAME (initstate live) and the driver
 *   directory, then attaches the driver to every unbound device it may drive
 *   (so loading vfio-pci claims the devices whose override names it, and
 *   loading nvidia does not take a device whose override is vfio-pci).
 *   The driver of module vfio_pci is "vfio-pci"; a variant driver (a module
 *   with vfio_pci: lines in modules.alias) is a vfio driver like it, with
 *   the same hard dependencies; vfio_iommu_type1 and
 *   iommufd are IOMMU backends (no driver); any other module's driver has
 *   the module's name. Loading vfio_pci loads vfio and vfio_pci_core but not
 *   the soft dependency vfio_iommu_type1, as busybox's modprobe does.
 * The native driver of a device is the driver it is bound to when the daemon
 * starts (never vfio-pci), or what `native ADDR DRIVER` says.
 *
 * How writes are seen: driver_override files stay regular files (inotify
 * IN_CLOSE_WRITE); bind, unbind and drivers_probe become FIFOs that the
 * daemon keeps open for reading, so back-to-back writes of several addresses
 * to one file are all seen (a regular file would keep only the last). Each
 * writer's IN_CLOSE_WRITE takes one address out of the FIFO; IN_OPEN is
 * watched too so that two writes never merge into one inotify event (inotify
 * merges an event only with an identical one just before it in the queue).
 * One inotify queue keeps the writes of all files in order. Answers to ctl
 * commands are files STATE/ans.TOKEN. The writer does not
 * wait for the daemon: that is the one way this differs from the kernel,
 * where the write returns after the work is done; vfio-claim polls the
 * driver link briefly after drivers_probe for that reason.
 *
 * Commands (ctl):
 *   native ADDR DRIVER|-     the device's native driver (- none)
 *   refuse DRIVER [ADDR]     DRIVER's probe fails (for ADDR only)
 *   allow DRIVER [ADDR]      undo refuse
 *   hang DRIVER              writes to DRIVER's unbind block (no reader, as
 *                            when remove() waits for users) until... (the
 *                            kernel's blocked unbind also holds the device
 *                            lock, so driver_override reads and writes block
 *                            too; a plain file cannot do that: vfio-claim
 *                            does not touch the override of such a device;
 *                            and the kernel drops the driver link before
 *                            remove() returns, while here it stays until the
 *                            unbind is let through)
 *   release DRIVER           ...this: the blocked unbind then completes
 *   vanish ADDR              ADDR leaves the bus at its next drivers_probe
 *   modfail MODULE           modprobe MODULE fails
 *   noiommu on|off           vfio's no-IOMMU module parameter
 *   load MODULE              what the fake modprobe sends
 *   rmmod MODULE             unload it (fails while a device is bound to it)
 *   sync                     answers once every earlier write is applied
 *   stop                     restore the FIFOs as plain files and exit
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXW 8192
#define IDLE_EXIT_S 900
/* After the queue runs dry the daemon yields, looking again, for SPIN_US
 * before it blocks: a kernel does the work inside the writer's system call,
 * with no wake-up to pay, and a daemon that blocked after each write would
 * pay one for the next write of the same claim (in a VM, an idle vCPU can
 * take hundreds of us to wake). */
#define SPIN_US 500

enum kind { K_NONE, K_PROBE, K_BIND, K_UNBIND, K_OVERRIDE, K_CTL, K_ROOT };

struct watch {
	int wd;
	enum kind kind;
	char name[64];		/* driver or address */
	char path[PATH_MAX];	/* the FIFO or file */
	int fd;			/* FIFO reader, -1 none */
	char buf[256];		/* read from the FIFO, not yet taken */
	size_t off, len;
};

struct knob {
	char a[64], b[64];
};

static char root[PATH_MAX], sysd[PATH_MAX], state[PATH_MAX];
static int ino = -1;
static struct watch w[MAXW];
static int nw;
/* Watch descriptor -> index in w[] (+1; 0 none). inotify hands them out in
 * increasing order; an event is looked up without scanning w[] (4 MB with a
 * thousand devices: the scan was most of the daemon's reaction time). */
#define WDMAP 65536
static int wdmap[WDMAP];
static struct knob refusals[64];
static int nrefuse;
static char hung[32][64];
static int nhung;
static char vanish[64][32];
static int nvanish;
static char modfail[32][64];
static int nmodfail;
static FILE *logfile;
static int vfio_groups = 1, vfio_cdev;	/* the kernel's vfio interfaces */

/* ---- small helpers ---- */

static void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logmsg(const char *fmt, ...)
{
	va_list ap;

	if (!logfile)
		return;
	va_start(ap, fmt);
	vfprintf(logfile, fmt, ap);
	va_end(ap);
	fputc('\n', logfile);	/* flushed when idle and before each answer */
}

static int readfile(const char *p, char *buf, size_t n)
{
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	buf[0] = 0;
	if (fd < 0)
		return -errno;
	r = read(fd, buf, n - 1);
	close(fd);
	if (r < 0)
		return -errno;
	buf[r] = 0;
	return (int)r;
}

static int writefile(const char *p, const char *s)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = write(fd, s, strlen(s));
	close(fd);
	return r == (ssize_t)strlen(s) ? 0 : -EIO;
}

static void mkdirs(const char *path)
{
	char p[PATH_MAX];
	char *s;

	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return;
	snprintf(p, sizeof(p), "%s", path);
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

static int exists(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0;
}

static void chomp(char *s)
{
	size_t l = strlen(s);

	while (l && (s[l - 1] == '\n' || s[l - 1] == ' ' || s[l - 1] == '\t'))
		s[--l] = 0;
}

/* A path under ROOT/sys/: the daemon works in that directory (see start),
 * so the path is fmt itself, and no lookup walks ROOT again. */
static void sp(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void sp(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, n, fmt, ap);
	va_end(ap);
}

/* A relative symlink at sys/FROM pointing to sys/TO, as mkfakesys makes them. */
static int syslink(const char *from, const char *to)
{
	char p[PATH_MAX], target[PATH_MAX] = "";
	const char *s;

	snprintf(p, sizeof(p), "%s", from);
	for (s = strchr(from, '/'); s; s = strchr(s + 1, '/'))
		strcat(target, "../");
	strncat(target, to, sizeof(target) - strlen(target) - 1);
	/* One syscall when there is no link yet (the usual case: a bind). */
	if (symlink(target, p) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	unlink(p);
	return symlink(target, p) < 0 ? -errno : 0;
}

/* What the daemon knows of a device, by address (a hash table: with a
 * thousand devices a list scanned with strcmp was a good part of each
 * reaction): its directory relative to sys/ ("devices/pci0000:00/.../ADDR",
 * realpath costs a syscall per path component, so it is remembered) and its
 * native driver. */
#define NDEV 8192
static struct dev {
	char addr[32];
	char rel[512];		/* "" not known (yet, or since the device left) */
	char native[64];
	int htype;		/* config header type + 1, 0 not read yet */
} devs[NDEV];
static int ndevs;

static struct dev *dev_find(const char *addr, int add)
{
	unsigned h = 2166136261u;
	const char *c;

	for (c = addr; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	for (h &= NDEV - 1;; h = (h + 1) & (NDEV - 1)) {
		if (!strcmp(devs[h].addr, addr))
			return &devs[h];
		if (!devs[h].addr[0]) {
			if (!add || ndevs >= NDEV / 2 || strlen(addr) >= sizeof(devs[h].addr))
				return NULL;
			ndevs++;
			snprintf(devs[h].addr, sizeof(devs[h].addr), "%s", addr);
			return &devs[h];
		}
	}
}

static void devrel_forget(const char *addr)
{
	struct dev *d = dev_find(addr, 0);

	if (d) {
		d->rel[0] = 0;
		d->htype = 0;
	}
}

static int devrel(const char *addr, char *out, size_t n)
{
	static char base[PATH_MAX];
	char p[PATH_MAX], real[PATH_MAX];
	struct dev *d = dev_find(addr, 1);
	size_t bl;

	sp(p, sizeof(p), "bus/pci/devices/%s", addr);
	if (d && d->rel[0]) {
		if (!exists(p))
			return -ENODEV;
		snprintf(out, n, "%s", d->rel);
		return 0;
	}
	if (!realpath(p, real) || (!base[0] && !realpath(sysd, base)))
		return -ENODEV;
	bl = strlen(base);
	if (strncmp(real, base, bl) || real[bl] != '/')
		return -EINVAL;
	snprintf(out, n, "%s", real + bl + 1);
	if (d && strlen(out) < sizeof(d->rel))
		snprintf(d->rel, sizeof(d->rel), "%s", out);
	return 0;
}

/* devrel for a device the caller has just seen on the bus: no lookup. */
static int devrel_seen(const char *addr, char *out, size_t n)
{
	struct dev *d = dev_find(addr, 0);

	if (d && d->rel[0]) {
		snprintf(out, n, "%s", d->rel);
		return 0;
	}
	return devrel(addr, out, n);
}

/* sys/-relative path of the device's attribute attr: through its directory
 * when known (no bus/pci/devices/ADDR symlink to follow), else the link. */
static void devattr(char *out, size_t n, const char *addr, const char *attr)
{
	struct dev *d = dev_find(addr, 0);
	char rel[512];

	if (d && d->rel[0])
		snprintf(out, n, "%s/%s", d->rel, attr);
	else if (devrel(addr, rel, sizeof(rel)) == 0)
		snprintf(out, n, "%s/%s", rel, attr);
	else
		sp(out, n, "bus/pci/devices/%s/%s", addr, attr);
}

static void link_name(const char *p, char *out, size_t n)
{
	char t[PATH_MAX];
	ssize_t r = readlink(p, t, sizeof(t) - 1);
	const char *b;

	out[0] = 0;
	if (r <= 0)
		return;
	t[r] = 0;
	b = strrchr(t, '/');
	snprintf(out, n, "%s", b ? b + 1 : t);
}

static void dev_driver(const char *addr, char *out, size_t n)
{
	char p[PATH_MAX];

	devattr(p, sizeof(p), addr, "driver");
	link_name(p, out, n);
}

static void dev_override(const char *addr, char *out, size_t n)
{
	char p[PATH_MAX];

	devattr(p, sizeof(p), addr, "driver_override");
	readfile(p, out, n);
	out[strcspn(out, "\n")] = 0;
	if (!strcmp(out, "(null)"))
		out[0] = 0;
}

static int dev_group(const char *addr)
{
	char p[PATH_MAX], g[32];

	devattr(p, sizeof(p), addr, "iommu_group");
	link_name(p, g, sizeof(g));
	return g[0] ? atoi(g) : -1;
}

static int driver_loaded(const char *drv)
{
	char p[PATH_MAX];

	sp(p, sizeof(p), "bus/pci/drivers/%s", drv);
	return exists(p);
}

static const char *native_of(const char *addr)
{
	struct dev *d = dev_find(addr, 0);

	return d ? d->native : "";
}

static void set_native(const char *addr, const char *drv)
{
	struct dev *d = dev_find(addr, 1);

	if (d)
		snprintf(d->native, sizeof(d->native), "%s", strcmp(drv, "-") ? drv : "");
}

static int in_list(char (*l)[64], int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(l[i], s))
			return i;
	return -1;
}

/* A vfio-pci variant driver: its module has "alias vfio_pci:..." lines in
 * modules.alias (PCI_DRIVER_OVERRIDE_DEVICE_VFIO); the driver has the
 * module's name. */
static int is_variant(const char *d)
{
	char rel[128], p[PATH_MAX], line[1024];
	FILE *f;
	int found = 0;

	snprintf(p, sizeof(p), "%s/proc/sys/kernel/osrelease", root);
	if (readfile(p, rel, sizeof(rel)) < 0)
		return 0;
	chomp(rel);
	snprintf(p, sizeof(p), "%s/lib/modules/%s/modules.alias", root, rel);
	if (!(f = fopen(p, "r")))
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *m;
		chomp(line);
		if (strncmp(line, "alias vfio_pci:", 15) || !(m = strrchr(line, ' ')))
			continue;
		found = !strcmp(m + 1, d);
	}
	fclose(f);
	return found;
}

static int is_vfio(const char *d)
{
	return !strncmp(d, "vfio", 4) || is_variant(d);
}

/* ---- watches ---- */

static struct watch *add_watch(const char *path, uint32_t mask, enum kind k, const char *name, int fd)
{
	int wd = inotify_add_watch(ino, path, mask);
	struct watch *x;

	if (wd < 0 || nw == MAXW) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	x = &w[nw++];
	x->wd = wd;
	x->kind = k;
	snprintf(x->name, sizeof(x->name), "%s", name);
	snprintf(x->path, sizeof(x->path), "%s", path);
	x->fd = fd;
	x->off = x->len = 0;
	if (wd < WDMAP)
		wdmap[wd] = nw;
	return x;
}

static struct watch *find_watch(int wd)
{
	int i;

	if (wd >= 0 && wd < WDMAP && wdmap[wd] && w[wdmap[wd] - 1].wd == wd)
		return &w[wdmap[wd] - 1];
	for (i = 0; i < nw; i++)
		if (w[i].wd == wd)
			return &w[i];
	return NULL;
}

static struct watch *find_kind(enum kind k, const char *name)
{
	int i;

	for (i = 0; i < nw; i++)
		if (w[i].kind == k && !strcmp(w[i].name, name))
			return &w[i];
	return NULL;
}

/* Replace a file by a FIFO held open for reading, watched for writes. */
static int fifo_watch(const char *path, enum kind k, const char *name)
{
	int fd;

	unlink(path);
	if (mkfifo(path, 0644) < 0)
		return -errno;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* An IN_OPEN between two IN_CLOSE_WRITEs keeps inotify from merging
	 * two writes into one event: one close, one address. */
	return add_watch(path, IN_OPEN | IN_CLOSE_WRITE, k, name, fd) ? 0 : -ENOSPC;
}

static int setup_driver(const char *drv)
{
	char p[PATH_MAX];
	int r;

	sp(p, sizeof(p), "bus/pci/drivers/%s/bind", drv);
	if ((r = fifo_watch(p, K_BIND, drv)) < 0)
		return r;
	sp(p, sizeof(p), "bus/pci/drivers/%s/unbind", drv);
	if ((r = fifo_watch(p, K_UNBIND, drv)) < 0)
		return r;
	if (in_list(hung, nhung, drv) >= 0) {
		struct watch *x = find_kind(K_UNBIND, drv);
		close(x->fd);
		x->fd = -1;
		x->off = x->len = 0;
	}
	return 0;
}

static void watch_device(const char *addr)
{
	char p[PATH_MAX];

	sp(p, sizeof(p), "bus/pci/devices/%s/driver_override", addr);
	if (exists(p))
		add_watch(p, IN_CLOSE_WRITE, K_OVERRIDE, addr, -1);
}

/* ---- the driver core ---- */

static void vfio_node(int g, int noiommu, char *out, size_t n)
{
	snprintf(out, n, "%s/dev/vfio/%s%d", root, noiommu ? "noiommu-" : "", g);
}

/* The kernel's config: CONFIG_VFIO_GROUP and CONFIG_VFIO_DEVICE_CDEV. */
static void read_kconfig(void)
{
	char p[PATH_MAX], rel[128], *buf;
	struct stat st;
	int fd;

	snprintf(p, sizeof(p), "%s/proc/sys/kernel/osrelease", root);
	if (readfile(p, rel, sizeof(rel)) <= 0)
		return;
	chomp(rel);
	snprintf(p, sizeof(p), "%s/boot/config-%s", root, rel);
	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	if (fstat(fd, &st) == 0 && (buf = calloc(1, (size_t)st.st_size + 1))) {
		if (read(fd, buf, (size_t)st.st_size) == st.st_size) {
			vfio_groups = !strstr(buf, "# CONFIG_VFIO_GROUP is not set");
			vfio_cdev = strstr(buf, "CONFIG_VFIO_DEVICE_CDEV=y") != NULL;
		}
		free(buf);
	}
	close(fd);
}

/* /dev/iommu, the node loading iommufd makes. */
static void iommufd_node(void)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/dev/iommu", root);
	if (!exists(p))
		writefile(p, "");
}

/* The device cdev of addr (at rel), as vfio_device_add() makes it. */
static void cdev_add(const char *rel)
{
	char p[PATH_MAX], to[PATH_MAX + 64], v[32];
	int k;

	for (k = 0; k < 4096; k++) {
		sp(p, sizeof(p), "class/vfio-dev/vfio%d", k);
		if (!exists(p))
			break;
	}
	sp(p, sizeof(p), "%s/vfio-dev/vfio%d", rel, k);
	mkdirs(p);
	sp(p, sizeof(p), "%s/vfio-dev/vfio%d/dev", rel, k);
	snprintf(v, sizeof(v), "511:%d\n", k);
	writefile(p, v);
	sp(p, sizeof(p), "class/vfio-dev");
	mkdirs(p);
	sp(p, sizeof(p), "class/vfio-dev/vfio%d", k);
	snprintf(to, sizeof(to), "%s/vfio-dev/vfio%d", rel, k);
	syslink(p, to);
	snprintf(p, sizeof(p), "%s/dev/vfio/devices", root);
	mkdirs(p);
	snprintf(p, sizeof(p), "%s/dev/vfio/devices/vfio%d", root, k);
	writefile(p, "");
}

static void cdev_del(const char *rel)
{
	char p[PATH_MAX];
	DIR *d;
	struct dirent *e;

	sp(p, sizeof(p), "%s/vfio-dev", rel);
	if (!(d = opendir(p)))
		return;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "vfio", 4))
			continue;
		sp(p, sizeof(p), "class/vfio-dev/%s", e->d_name);
		unlink(p);
		snprintf(p, sizeof(p), "%s/dev/vfio/devices/%s", root, e->d_name);
		unlink(p);
		sp(p, sizeof(p), "%s/vfio-dev/%s/dev", rel, e->d_name);
		unlink(p);
		sp(p, sizeof(p), "%s/vfio-dev/%s", rel, e->d_name);
		rmdir(p);
	}
	closedir(d);
	sp(p, sizeof(p), "%s/vfio-dev", rel);
	rmdir(p);
}

static int noiommu_on(void)
{
	char p[PATH_MAX], v[16];

	sp(p, sizeof(p), "module/vfio/parameters/enable_unsafe_noiommu_mode");
	if (readfile(p, v, sizeof(v)) < 0)
		return 0;
	return v[0] == 'Y' || v[0] == '1' || v[0] == 'y';
}

/* A no-IOMMU group for addr, as vfio_noiommu_group_alloc() makes one. */
static int make_noiommu_group(const char *addr)
{
	char p[PATH_MAX], rel[PATH_MAX], from[PATH_MAX + 64], to[64];
	int g = 0;

	for (;; g++) {
		sp(p, sizeof(p), "kernel/iommu_groups/%d", g);
		if (!exists(p))
			break;
	}
	if (devrel(addr, rel, sizeof(rel)) < 0)
		return -1;
	sp(p, sizeof(p), "kernel/iommu_groups/%d/devices", g);
	mkdirs(p);
	sp(p, sizeof(p), "kernel/iommu_groups/%d/type", g);
	writefile(p, "identity\n");
	snprintf(from, sizeof(from), "kernel/iommu_groups/%d/devices/%s", g, addr);
	syslink(from, rel);
	snprintf(from, sizeof(from), "%s/iommu_group", rel);
	snprintf(to, sizeof(to), "kernel/iommu_groups/%d", g);
	syslink(from, to);
	return g;
}

static int refused(const char *drv, const char *addr)
{
	int i;

	for (i = 0; i < nrefuse; i++)
		if (!strcmp(refusals[i].a, drv) && (!refusals[i].b[0] || !strcmp(refusals[i].b, addr)))
			return 1;
	return 0;
}

/* The header type (config byte 0x0e): read once per device, as the kernel
 * reads it once at enumeration. */
static int header_type(const char *addr)
{
	char p[PATH_MAX];
	unsigned char h = 0;
	struct dev *d = dev_find(addr, 1);
	int fd;

	if (d && d->htype)
		return d->htype - 1;
	devattr(p, sizeof(p), addr, "config");
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (pread(fd, &h, 1, 0x0e) != 1)
		h = 0;
	close(fd);
	if (d)
		d->htype = (h & 0x7f) + 1;
	return h & 0x7f;
}

/* Whether group g's type is "identity" (no DMA translation): read once per
 * group; make_noiommu_group writes it for the groups it makes. */
static signed char group_type[8192];	/* 0 not read, 1 identity, 2 other */

static int group_identity(int g)
{
	char p[PATH_MAX], t[16] = "";

	if (g >= 0 && g < (int)sizeof(group_type) && group_type[g])
		return group_type[g] == 1;
	sp(p, sizeof(p), "kernel/iommu_groups/%d/type", g);
	readfile(p, t, sizeof(t));
	if (g >= 0 && g < (int)sizeof(group_type))
		group_type[g] = !strncmp(t, "identity", 8) ? 1 : 2;
	return !strncmp(t, "identity", 8);
}

/* The probe: 0 bound, -errno when the driver's probe fails. */
static int probe_with(const char *addr, const char *drv)
{
	char rel[PATH_MAX], from[PATH_MAX + 64], to[PATH_MAX], node[PATH_MAX];
	int g;

	/* Every caller has just seen the device there. */
	if (devrel_seen(addr, rel, sizeof(rel)) < 0)
		return -ENODEV;
	if (refused(drv, addr)) {
		logmsg("probe %s %s: failed (refused)", addr, drv);
		return -ENODEV;
	}
	if (is_vfio(drv)) {
		int noi = 0;
		if (header_type(addr) != 0) {
			logmsg("probe %s %s: failed, not a normal header (-22)", addr, drv);
			return -EINVAL;
		}
		g = dev_group(addr);
		if (g < 0) {
			if (!noiommu_on()) {
				logmsg("probe %s %s: failed, no IOMMU group (-22)", addr, drv);
				return -EINVAL;
			}
			g = make_noiommu_group(addr);
			noi = 1;
			if (g < 0)
				return -ENOMEM;
		} else if (group_identity(g)) {
			noi = noiommu_on();
		}
		vfio_node(g, noi, node, sizeof(node));
		if ((vfio_groups || noi) && !exists(node)) {
			char d[PATH_MAX];
			snprintf(d, sizeof(d), "%s/dev/vfio", root);
			mkdirs(d);
			snprintf(d, sizeof(d), "%s/dev/vfio/vfio", root);
			if (!exists(d))
				writefile(d, "");
			writefile(node, "");
		}
		if (vfio_cdev && !noi)
			cdev_add(rel);
	}
	snprintf(from, sizeof(from), "bus/pci/drivers/%s/%s", drv, addr);
	syslink(from, rel);
	snprintf(from, sizeof(from), "%s/driver", rel);
	snprintf(to, sizeof(to), "bus/pci/drivers/%s", drv);
	syslink(from, to);
	logmsg("bind %s %s", addr, drv);
	return 0;
}

static void do_unbind(const char *addr, const char *drv)
{
	char cur[64], rel[PATH_MAX], p[PATH_MAX];
	int g;

	dev_driver(addr, cur, sizeof(cur));
	if (strcmp(cur, drv) || devrel(addr, rel, sizeof(rel)) < 0) {
		logmsg("unbind %s %s: not bound to it (ENODEV)", addr, drv);
		return;
	}
	sp(p, sizeof(p), "%s/driver", rel);
	unlink(p);
	sp(p, sizeof(p), "bus/pci/drivers/%s/%s", drv, addr);
	unlink(p);
	logmsg("unbind %s %s", addr, drv);
	if (is_vfio(drv))
		cdev_del(rel);
	g = is_vfio(drv) ? dev_group(addr) : -1;
	if (g >= 0) {
		char gd[PATH_MAX], node[PATH_MAX];
		DIR *d;
		struct dirent *e;
		int still = 0;

		sp(gd, sizeof(gd), "kernel/iommu_groups/%d/devices", g);
		if ((d = opendir(gd))) {
			while ((e = readdir(d))) {
				char o[64];
				if (e->d_name[0] == '.')
					continue;
				dev_driver(e->d_name, o, sizeof(o));
				still |= is_vfio(o);
			}
			closedir(d);
		}
		if (!still) {
			vfio_node(g, 0, node, sizeof(node));
			unlink(node);
			vfio_node(g, 1, node, sizeof(node));
			unlink(node);
		}
	}
}

static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d) {
		unlink(path);
		return;
	}
	while ((e = readdir(d))) {
		char p[PATH_MAX];
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(path);
}

/* Hot removal: the device, its links and its group membership. */
static void do_vanish(const char *addr)
{
	char rel[PATH_MAX], p[PATH_MAX], drv[64];
	int g = dev_group(addr);

	dev_driver(addr, drv, sizeof(drv));
	if (drv[0])
		do_unbind(addr, drv);
	if (devrel(addr, rel, sizeof(rel)) < 0)
		return;
	if (g >= 0) {
		sp(p, sizeof(p), "kernel/iommu_groups/%d/devices/%s", g, addr);
		unlink(p);
	}
	sp(p, sizeof(p), "bus/pci/devices/%s", addr);
	unlink(p);
	sp(p, sizeof(p), "%s", rel);
	remove_tree(p);
	devrel_forget(addr);
	logmsg("removed %s", addr);
}

static int dev_present(const char *addr)
{
	char p[PATH_MAX];

	sp(p, sizeof(p), "bus/pci/devices/%s", addr);
	return exists(p);
}

static void do_probe(const char *addr)
{
	char cur[64], ov[64];
	const char *drv;
	int i;

	if (!dev_present(addr)) {
		logmsg("probe %s: no such device (EINVAL)", addr);
		return;
	}
	for (i = 0; i < nvanish; i++) {
		if (!strcmp(vanish[i], addr)) {
			memmove(vanish[i], vanish[i + 1], (size_t)(nvanish - i - 1) * sizeof(vanish[0]));
			nvanish--;
			do_vanish(addr);
			return;
		}
	}
	dev_driver(addr, cur, sizeof(cur));
	if (cur[0]) {
		logmsg("probe %s: already bound to %s", addr, cur);
		return;
	}
	dev_override(addr, ov, sizeof(ov));
	drv = ov[0] ? ov : native_of(addr);
	if (!drv[0] || !driver_loaded(drv)) {
		logmsg("probe %s: no driver%s%s", addr, drv[0] ? " loaded: " : "", drv);
		return;
	}
	probe_with(addr, drv);
}

static void do_bind(const char *addr, const char *drv)
{
	char cur[64], ov[64];

	if (!dev_present(addr)) {
		logmsg("bind %s %s: no such device (ENODEV)", addr, drv);
		return;
	}
	dev_driver(addr, cur, sizeof(cur));
	if (cur[0]) {
		logmsg("bind %s %s: already bound to %s (EBUSY)", addr, drv, cur);
		return;
	}
	dev_override(addr, ov, sizeof(ov));
	if (ov[0] ? strcmp(ov, drv) != 0 : strcmp(native_of(addr), drv) != 0) {
		logmsg("bind %s %s: driver does not match (ENODEV)", addr, drv);
		return;
	}
	probe_with(addr, drv);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* driver_attach(): every unbound device the driver may take, in order. */
static void attach(const char *drv)
{
	char p[PATH_MAX];
	char *names[4096];
	int n = 0, i;
	DIR *d;
	struct dirent *e;

	sp(p, sizeof(p), "bus/pci/devices");
	if (!(d = opendir(p)))
		return;
	while ((e = readdir(d)) && n < 4096)
		if (e->d_name[0] != '.')
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		char cur[64], ov[64];
		dev_driver(names[i], cur, sizeof(cur));
		dev_override(names[i], ov, sizeof(ov));
		if (!cur[0] && (ov[0] ? !strcmp(ov, drv) : !strcmp(native_of(names[i]), drv)))
			probe_with(names[i], drv);
		free(names[i]);
	}
}

static int module_listed(const char *norm)
{
	char rel[128], p[PATH_MAX], line[1024];
	const char *files[] = { "modules.dep", "modules.builtin" };
	size_t i;

	snprintf(p, sizeof(p), "%s/proc/sys/kernel/osrelease", root);
	if (readfile(p, rel, sizeof(rel)) < 0)
		return 0;
	chomp(rel);
	for (i = 0; i < 2; i++) {
		FILE *f;
		snprintf(p, sizeof(p), "%s/lib/modules/%s/%s", root, rel, files[i]);
		if (!(f = fopen(p, "r")))
			continue;
		while (fgets(line, sizeof(line), f)) {
			char *end = strchr(line, ':'), *base, *dot, *c;
			if (end)
				*end = 0;
			chomp(line);
			base = strrchr(line, '/');
			base = base ? base + 1 : line;
			if (!(dot = strstr(base, ".ko")))
				continue;
			*dot = 0;
			for (c = base; *c; c++)
				if (*c == '-')
					*c = '_';
			if (!strcmp(base, norm)) {
				fclose(f);
				return 1;
			}
		}
		fclose(f);
	}
	return 0;
}

static void mark_loaded(const char *norm)
{
	char p[PATH_MAX];

	sp(p, sizeof(p), "module/%s", norm);
	mkdirs(p);
	sp(p, sizeof(p), "module/%s/refcnt", norm);
	if (!exists(p))
		writefile(p, "0\n");
	sp(p, sizeof(p), "module/%s/initstate", norm);
	writefile(p, "live\n");
}

/* modprobe NAME: 0, or an error text in err. */
static int load_module(const char *name, char *err, size_t n)
{
	char norm[64], drv[64], p[PATH_MAX];
	size_t i;

	snprintf(norm, sizeof(norm), "%s", name);
	for (i = 0; norm[i]; i++)
		if (norm[i] == '-')
			norm[i] = '_';
	sp(p, sizeof(p), "module/%s", norm);
	if (exists(p)) {
		logmsg("modprobe %s: already loaded", name);
		return 0;
	}
	if (in_list(modfail, nmodfail, norm) >= 0) {
		snprintf(err, n, "modprobe: ERROR: could not insert '%s': Operation not permitted", norm);
		logmsg("modprobe %s: failed (modfail)", name);
		return -EPERM;
	}
	if (!module_listed(norm)) {
		snprintf(err, n, "modprobe: FATAL: Module %s not found", name);
		logmsg("modprobe %s: not found", name);
		return -ENOENT;
	}
	if (!strcmp(norm, "vfio_iommu_type1") || !strcmp(norm, "iommufd")) {
		/* An IOMMU backend: no PCI driver. */
		mark_loaded(norm);
		if (!strcmp(norm, "iommufd"))
			iommufd_node();
		logmsg("modprobe %s: loaded (IOMMU backend)", name);
		return 0;
	}
	if (!strcmp(norm, "vfio_pci") || is_variant(norm)) {
		/* Its hard dependencies only: vfio_iommu_type1 is a soft one,
		 * which busybox's modprobe does not follow. */
		mark_loaded("vfio");
		mark_loaded("vfio_pci_core");
		snprintf(drv, sizeof(drv), "%s", strcmp(norm, "vfio_pci") ? norm : "vfio-pci");
		snprintf(p, sizeof(p), "%s/dev/vfio", root);
		mkdirs(p);
		snprintf(p, sizeof(p), "%s/dev/vfio/vfio", root);
		if (vfio_groups && !exists(p))
			writefile(p, "");
		if (vfio_cdev) {
			/* vfio with the cdev links iommufd: a hard dependency. */
			mark_loaded("iommufd");
			iommufd_node();
		}
	} else {
		snprintf(drv, sizeof(drv), "%s", norm);
	}
	mark_loaded(norm);
	logmsg("modprobe %s: loaded, driver %s", name, drv);
	sp(p, sizeof(p), "bus/pci/drivers/%s", drv);
	if (!exists(p)) {
		const char *files[] = { "new_id", "remove_id", "uevent" };
		mkdirs(p);
		for (i = 0; i < 3; i++) {
			sp(p, sizeof(p), "bus/pci/drivers/%s/%s", drv, files[i]);
			writefile(p, "");
		}
	}
	if (!find_kind(K_BIND, drv))
		setup_driver(drv);
	attach(drv);
	return 0;
}

/* rmmod NAME: refused while the driver holds a device. */
static int unload_module(const char *name, char *err, size_t n)
{
	char norm[64], drv[64], p[PATH_MAX];
	DIR *d;
	struct dirent *e;
	struct watch *x;
	size_t i;

	snprintf(norm, sizeof(norm), "%s", name);
	for (i = 0; norm[i]; i++)
		if (norm[i] == '-')
			norm[i] = '_';
	snprintf(drv, sizeof(drv), "%s", strcmp(norm, "vfio_pci") ? norm : "vfio-pci");
	sp(p, sizeof(p), "module/%s", norm);
	if (!exists(p)) {
		snprintf(err, n, "rmmod: ERROR: Module %s is not currently loaded", norm);
		return -ENOENT;
	}
	sp(p, sizeof(p), "bus/pci/drivers/%s", drv);
	if ((d = opendir(p))) {
		while ((e = readdir(d))) {
			if (strchr(e->d_name, ':')) {
				closedir(d);
				snprintf(err, n, "rmmod: ERROR: Module %s is in use", norm);
				return -EBUSY;
			}
		}
		closedir(d);
	}
	while ((x = find_kind(K_BIND, drv)) || (x = find_kind(K_UNBIND, drv))) {
		inotify_rm_watch(ino, x->wd);
		if (x->fd >= 0)
			close(x->fd);
		x->fd = -1;
		x->off = x->len = 0;
		x->kind = K_NONE;
	}
	sp(p, sizeof(p), "bus/pci/drivers/%s", drv);
	remove_tree(p);
	sp(p, sizeof(p), "module/%s", norm);
	remove_tree(p);
	logmsg("rmmod %s", norm);
	return 0;
}

/* ---- reading what was written ---- */

/* One byte of what was written to a FIFO: from what an earlier read() took
 * out of it, else one more read() of all that is there. */
static int fifo_byte(struct watch *x, char *c)
{
	ssize_t r;

	if (x->off == x->len) {
		if (x->fd < 0 || (r = read(x->fd, x->buf, sizeof(x->buf))) <= 0)
			return 0;
		x->off = 0;
		x->len = (size_t)r;
	}
	*c = x->buf[x->off++];
	return 1;
}

/* The next address written to a FIFO: "DOMAIN:BB:DD.F" (the writers send one
 * address per write, with or without a newline). */
static int read_token(struct watch *x, char *out, size_t n)
{
	size_t l = 0;
	int dot = 0;
	char c;

	if (x->fd < 0)
		return 0;
	while (l + 1 < n && fifo_byte(x, &c)) {
		if (c == '\n' || c == ' ' || c == '\t') {
			if (l)
				break;
			continue;
		}
		out[l++] = c;
		if (dot)
			break;		/* the function digit ends it */
		dot = c == '.';
	}
	out[l] = 0;
	return l > 0;
}

static void on_fifo_close(struct watch *x)
{
	char a[64];

	if (!read_token(x, a, sizeof(a)))
		return;
	if (x->kind == K_PROBE)
		do_probe(a);
	else if (x->kind == K_BIND)
		do_bind(a, x->name);
	else
		do_unbind(a, x->name);
}

/* Everything still in a FIFO (at stop). */
static void drain_fifo(struct watch *x)
{
	int k;

	for (k = 0; k < 4096; k++) {
		char a[64];
		if (!read_token(x, a, sizeof(a)))
			break;
		if (x->kind == K_PROBE)
			do_probe(a);
		else if (x->kind == K_BIND)
			do_bind(a, x->name);
		else
			do_unbind(a, x->name);
	}
}

/* driver_override keeps what was written (see the top); this only logs. */
static void on_override(struct watch *x)
{
	char v[128];

	if (readfile(x->path, v, sizeof(v)) < 0)
		return;
	v[strcspn(v, "\n")] = 0;
	logmsg("override %s %s", x->name, v[0] && strcmp(v, "(null)") ? v : "(null)");
}

/* At start: the form writers use ("\n" unset, "NAME" set) instead of the
 * kernel's "(null)\n" and "NAME\n", so that a state put back by writes
 * compares equal byte for byte with the state before. */
static void canon_override(const char *addr)
{
	char p[PATH_MAX], v[128], want[130];

	sp(p, sizeof(p), "bus/pci/devices/%s/driver_override", addr);
	if (readfile(p, v, sizeof(v)) < 0)
		return;
	v[strcspn(v, "\n")] = 0;
	snprintf(want, sizeof(want), "%s", !v[0] || !strcmp(v, "(null)") ? "\n" : v);
	writefile(p, want);
}

/* ---- control ---- */

/* Answers go to STATE/ans.TOKEN (written whole, then renamed into place),
 * which the client waits for. */
static char token[64];

static int reply(const char *s)
{
	char p[PATH_MAX], tmp[PATH_MAX + 8];

	if (!token[0])
		return -1;
	if (logfile)
		fflush(logfile);
	snprintf(p, sizeof(p), "%s/ans.%s", state, token);
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	if (writefile(tmp, s) < 0 || rename(tmp, p) < 0)
		return -1;
	token[0] = 0;
	return 0;
}

static void restore_files(void)
{
	int i;

	for (i = 0; i < nw; i++) {
		if (w[i].kind != K_PROBE && w[i].kind != K_BIND && w[i].kind != K_UNBIND)
			continue;
		if (w[i].fd >= 0)
			close(w[i].fd);
		unlink(w[i].path);
		writefile(w[i].path, "");
		chmod(w[i].path, 0644);
	}
}

static int set_hang(const char *drv, int on)
{
	struct watch *x = find_kind(K_UNBIND, drv);
	int i = in_list(hung, nhung, drv);

	if (on) {
		if (i < 0 && nhung < 32)
			snprintf(hung[nhung++], 64, "%s", drv);
		if (x && x->fd >= 0) {
			close(x->fd);
			x->fd = -1;
			x->off = x->len = 0;
		}
		return 0;
	}
	if (i >= 0) {
		memmove(hung[i], hung[i + 1], (size_t)(nhung - i - 1) * sizeof(hung[0]));
		nhung--;
	}
	if (x && x->fd < 0)
		x->fd = open(x->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	return 0;
}

/* Returns 1 to stop. */
static int command(char *line)
{
	char *argv[8], *save = NULL, *t, err[256] = "";
	int argc = 0, i;

	token[0] = 0;
	for (t = strtok_r(line, " \t", &save); t && argc < 8; t = strtok_r(NULL, " \t", &save)) {
		if (t[0] == '@' && !argc && !token[0]) {
			snprintf(token, sizeof(token), "%s", t + 1);
			continue;
		}
		argv[argc++] = t;
	}
	if (!argc) {
		reply("err empty command\n");
		return 0;
	}
	logmsg("ctl %s%s%s%s%s", argv[0], argc > 1 ? " " : "", argc > 1 ? argv[1] : "",
	       argc > 2 ? " " : "", argc > 2 ? argv[2] : "");
	if (!strcmp(argv[0], "native") && argc == 3) {
		set_native(argv[1], argv[2]);
	} else if ((!strcmp(argv[0], "refuse") || !strcmp(argv[0], "allow")) && argc >= 2) {
		const char *a = argc > 2 ? argv[2] : "";
		for (i = 0; i < nrefuse; i++)
			if (!strcmp(refusals[i].a, argv[1]) && !strcmp(refusals[i].b, a))
				break;
		if (argv[0][0] == 'r' && i == nrefuse && nrefuse < 64) {
			snprintf(refusals[nrefuse].a, 64, "%s", argv[1]);
			snprintf(refusals[nrefuse].b, 64, "%s", a);
			nrefuse++;
		} else if (argv[0][0] == 'a' && i < nrefuse) {
			refusals[i] = refusals[--nrefuse];
		}
	} else if (!strcmp(argv[0], "hang") && argc == 2) {
		set_hang(argv[1], 1);
	} else if (!strcmp(argv[0], "release") && argc == 2) {
		set_hang(argv[1], 0);
	} else if (!strcmp(argv[0], "vanish") && argc == 2 && nvanish < 64) {
		snprintf(vanish[nvanish++], 32, "%s", argv[1]);
	} else if (!strcmp(argv[0], "modfail") && argc == 2 && nmodfail < 32) {
		snprintf(modfail[nmodfail++], 64, "%s", argv[1]);
		for (t = modfail[nmodfail - 1]; *t; t++)
			if (*t == '-')
				*t = '_';
	} else if (!strcmp(argv[0], "noiommu") && argc == 2) {
		char p[PATH_MAX];
		sp(p, sizeof(p), "module/vfio/parameters");
		mkdirs(p);
		sp(p, sizeof(p), "module/vfio/parameters/enable_unsafe_noiommu_mode");
		writefile(p, strcmp(argv[1], "on") ? "N\n" : "Y\n");
	} else if (!strcmp(argv[0], "load") && argc == 2) {
		if (load_module(argv[1], err, sizeof(err)) < 0) {
			char r[300];
			snprintf(r, sizeof(r), "err %s\n", err);
			reply(r);
			return 0;
		}
	} else if (!strcmp(argv[0], "rmmod") && argc == 2) {
		if (unload_module(argv[1], err, sizeof(err)) < 0) {
			char r[300];
			snprintf(r, sizeof(r), "err %s\n", err);
			reply(r);
			return 0;
		}
	} else if (!strcmp(argv[0], "sync") && argc == 1) {
		/* every earlier write is applied by now */
	} else if (!strcmp(argv[0], "stop") && argc == 1) {
		return 1;
	} else {
		reply("err unknown command\n");
		return 0;
	}
	reply("ok\n");
	return 0;
}

static int on_ctl(struct watch *x)
{
	static char acc[8192];
	static size_t al;
	char *nl;
	ssize_t r;

	while ((r = read(x->fd, acc + al, sizeof(acc) - 1 - al)) > 0)
		al += (size_t)r;
	acc[al] = 0;
	while ((nl = strchr(acc, '\n'))) {
		char line[8192];
		size_t l = (size_t)(nl - acc);
		memcpy(line, acc, l);
		line[l] = 0;
		memmove(acc, nl + 1, al - l);
		al -= l + 1;
		if (command(line))
			return 1;
	}
	return 0;
}

/* ---- the daemon ---- */

static int setup(void)
{
	char p[PATH_MAX], drv[64];
	DIR *d;
	struct dirent *e;
	int fd;

	ino = inotify_init1(IN_CLOEXEC);
	if (ino < 0)
		return -errno;
	snprintf(p, sizeof(p), "%s/ctl", state);
	unlink(p);
	if (mkfifo(p, 0600) < 0)
		return -errno;
	fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || !add_watch(p, IN_MODIFY, K_CTL, "ctl", fd))
		return -EIO;
	add_watch(sysd, IN_DELETE_SELF | IN_MOVE_SELF, K_ROOT, "sys", -1);
	sp(p, sizeof(p), "bus/pci/drivers_probe");
	if (fifo_watch(p, K_PROBE, "drivers_probe") < 0)
		return -EIO;
	sp(p, sizeof(p), "bus/pci/drivers");
	mkdirs(p);
	if ((d = opendir(p))) {
		while ((e = readdir(d)))
			if (e->d_name[0] != '.')
				setup_driver(e->d_name);
		closedir(d);
	}
	read_kconfig();
	/* vfio-pci loaded: so are vfio and its container node (iommufd and
	 * its node with the cdev). */
	if (driver_loaded("vfio-pci")) {
		mark_loaded("vfio");
		snprintf(p, sizeof(p), "%s/dev/vfio", root);
		mkdirs(p);
		snprintf(p, sizeof(p), "%s/dev/vfio/vfio", root);
		if (vfio_groups && !exists(p))
			writefile(p, "");
		if (vfio_cdev) {
			mark_loaded("iommufd");
			iommufd_node();
		}
	}
	sp(p, sizeof(p), "bus/pci/devices");
	if ((d = opendir(p))) {
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			canon_override(e->d_name);
			watch_device(e->d_name);
			dev_driver(e->d_name, drv, sizeof(drv));
			if (drv[0] && !is_vfio(drv))
				set_native(e->d_name, drv);
		}
		closedir(d);
	}
	return 0;
}

static int write_modprobe(const char *self)
{
	char p[PATH_MAX], s[3 * PATH_MAX];

	snprintf(p, sizeof(p), "%s/sbin", root);
	mkdirs(p);
	snprintf(p, sizeof(p), "%s/sbin/modprobe", root);
	snprintf(s, sizeof(s), "#!/bin/sh\n# fake modprobe: asks tests/tools/fakekernel to load the module\n"
		 "exec '%s' modprobe '%s' \"$@\"\n", self, state);
	if (writefile(p, s) < 0 || chmod(p, 0755) < 0)
		return -errno;
	return 0;
}

static long long mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void loop(void)
{
	char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
	int stop = 0;

	while (!stop) {
		struct pollfd pf = { ino, POLLIN, 0 };
		ssize_t len;
		char *p;
		int r = poll(&pf, 1, 0);

		if (r == 0) {
			long long t0 = mono_us();

			do {
				sched_yield();
				r = poll(&pf, 1, 0);
			} while (r == 0 && mono_us() - t0 < SPIN_US);
		}
		if (r == 0) {
			if (logfile)
				fflush(logfile);
			r = poll(&pf, 1, IDLE_EXIT_S * 1000);
		}

		if (r == 0) {
			logmsg("idle for %d s: exiting", IDLE_EXIT_S);
			break;
		}
		if (r < 0)
			continue;
		len = read(ino, buf, sizeof(buf));
		if (len <= 0)
			continue;
		for (p = buf; p < buf + len && !stop;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			struct watch *x = find_watch(ev->wd);

			p += sizeof(*ev) + ev->len;
			if (!x)
				continue;
			if (ev->mask & IN_IGNORED) {
				x->kind = K_NONE;
				x->wd = -1;
				if (x->fd >= 0)
					close(x->fd);
				x->fd = -1;
				x->off = x->len = 0;
				continue;
			}
			switch (x->kind) {
			case K_PROBE:
			case K_BIND:
			case K_UNBIND:
				if (ev->mask & IN_CLOSE_WRITE)
					on_fifo_close(x);
				break;
			case K_OVERRIDE:
				on_override(x);
				break;
			case K_CTL:
				stop = on_ctl(x);
				break;
			case K_ROOT:
				logmsg("the tree is gone: exiting");
				stop = 2;
				break;
			case K_NONE:
				break;
			}
		}
	}
	if (stop != 2) {
		/* Let blocked unbinds through, apply them, then plain files. */
		int i;
		for (i = nhung - 1; i >= 0; i--)
			set_hang(hung[i], 0);
		for (i = 0; i < nw; i++)
			if (w[i].kind == K_UNBIND || w[i].kind == K_BIND || w[i].kind == K_PROBE) {
				struct timespec ts = { 0, 1000000 };
				nanosleep(&ts, NULL);
				drain_fifo(&w[i]);
			}
		restore_files();
		logmsg("stopped");
		if (logfile)
			fflush(logfile);
		if (stop == 1)
			reply("ok\n");
	}
}

static int start(const char *rootarg, const char *statearg, const char *self)
{
	int pfd[2];
	char c = 0, p[PATH_MAX];
	pid_t pid;

	if (!realpath(rootarg, root)) {
		fprintf(stderr, "fakekernel: %s: %s\n", rootarg, strerror(errno));
		return 2;
	}
	snprintf(sysd, sizeof(sysd), "%s/sys", root);
	mkdirs(statearg);
	if (!realpath(statearg, state)) {
		fprintf(stderr, "fakekernel: %s: %s\n", statearg, strerror(errno));
		return 2;
	}
	if (pipe(pfd) < 0)
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid > 0) {
		close(pfd[1]);
		if (read(pfd[0], &c, 1) != 1 || c != 'R') {
			fprintf(stderr, "fakekernel: the daemon did not start (see %s/log)\n", state);
			return 1;
		}
		return 0;
	}
	close(pfd[0]);
	setsid();
	{
		/* Hold nothing of the caller's: a test harness waits for EOF on
		 * the pipes it gave the test. */
		long fd, max = sysconf(_SC_OPEN_MAX);
		int nul;

		for (fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
			if (fd != pfd[1])
				close((int)fd);
		nul = open("/dev/null", O_RDWR);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
			dup2(nul, 2);
			if (nul > 2)
				close(nul);
		}
	}
	snprintf(p, sizeof(p), "%s/log", state);
	logfile = fopen(p, "a");
	if (chdir(sysd) < 0) {
		logmsg("%s: %s", sysd, strerror(errno));
		_exit(1);
	}
	if (setup() < 0 || write_modprobe(self) < 0) {
		logmsg("setup failed: %s", strerror(errno));
		_exit(1);
	}
	snprintf(p, sizeof(p), "%s/pid", state);
	{
		char s[32];
		snprintf(s, sizeof(s), "%d\n", (int)getpid());
		writefile(p, s);
	}
	logmsg("started on %s", root);
	if (write(pfd[1], "R", 1) != 1)
		_exit(1);
	close(pfd[1]);
	loop();
	_exit(0);
}

/* ---- clients ---- */

static int send_cmd(const char *st, const char *line, char *ans, size_t n, int timeout_ms)
{
	static int seq;
	char p[PATH_MAX], msg[1200];
	struct timespec t0, t1;
	long us = 50;
	int cfd, r;

	snprintf(p, sizeof(p), "%s/ctl", st);
	cfd = open(p, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (cfd < 0)
		return -ENOTCONN;
	snprintf(msg, sizeof(msg), "@%d-%d %s", (int)getpid(), ++seq, line);
	r = write(cfd, msg, strlen(msg)) == (ssize_t)strlen(msg) ? 0 : -EIO;
	close(cfd);
	if (r < 0)
		return r;
	snprintf(p, sizeof(p), "%s/ans.%d-%d", st, (int)getpid(), seq);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (readfile(p, ans, n) >= 0) {
			unlink(p);
			chomp(ans);
			return 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 > timeout_ms)
			return -ETIMEDOUT;
		{
			struct timespec ts = { 0, us * 1000 };
			nanosleep(&ts, NULL);
		}
		if (us < 20000)
			us *= 2;
	}
}

int main(int argc, char **argv)
{
	char self[PATH_MAX], line[1024], ans[512];
	int i, r;

	signal(SIGPIPE, SIG_IGN);
	if (argc >= 4 && !strcmp(argv[1], "start")) {
		if (!realpath("/proc/self/exe", self))
			return 1;
		return start(argv[2], argv[3], self);
	}
	if (argc >= 4 && !strcmp(argv[1], "ctl")) {
		line[0] = 0;
		for (i = 3; i < argc; i++) {
			strncat(line, argv[i], sizeof(line) - strlen(line) - 3);
			strcat(line, i + 1 < argc ? " " : "\n");
		}
		r = send_cmd(argv[2], line, ans, sizeof(ans), 10000);
		if (r < 0) {
			fprintf(stderr, "fakekernel: %s: %s\n", argv[2],
				r == -ENOTCONN ? "not running" : strerror(-r));
			return 1;
		}
		if (strcmp(ans, "ok")) {
			fprintf(stderr, "fakekernel: %s\n", ans);
			return 1;
		}
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "stop")) {
		/* The answer comes after the files are restored; the exit itself
		 * is not waited for (a zombie may linger until init reaps it). */
		r = send_cmd(argv[2], "stop\n", ans, sizeof(ans), 5000);
		return r < 0 ? 1 : 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "modprobe")) {
		int rc = 0, any = 0;
		for (i = 3; i < argc; i++) {
			if (argv[i][0] == '-')
				continue;
			any = 1;
			snprintf(line, sizeof(line), "load %s\n", argv[i]);
			r = send_cmd(argv[2], line, ans, sizeof(ans), 10000);
			if (r < 0) {
				fprintf(stderr, "modprobe: fakekernel not answering: %s\n", strerror(-r));
				return 1;
			}
			if (strcmp(ans, "ok")) {
				fprintf(stderr, "%s\n", !strncmp(ans, "err ", 4) ? ans + 4 : ans);
				rc = 1;
			}
		}
		if (!any) {
			fprintf(stderr, "modprobe: no module name\n");
			return 1;
		}
		return rc;
	}
	fprintf(stderr, "usage: fakekernel start ROOT STATE | ctl STATE WORDS... | stop STATE |"
		" modprobe STATE [-OPTS] NAME...\n");
	return 2;
}
