/* domxml: make the seed guides' `virsh edit` changes to a libvirt domain XML
 * by a streaming rewrite (lib/xml/domxml.h, lib/xml/xml.h): no XML library, every
 * byte the edits do not own copied as it was, the same edits twice change
 * nothing, a malformed document is refused before anything is written.
 *
 * Reads /sys/bus/pci/devices/ADDR/{modalias,subsystem_vendor,
 * subsystem_device} for --subsys without ids (and --preset=laptop); writes
 * only the output file (lib/base/blob.h): a new file in the same directory,
 * unnamed (open O_TMPFILE, linkat) where the filesystem has it, given the
 * old file's owner (fchown), mode and xattrs (flistxattr/fgetxattr/
 * fsetxattr: POSIX ACLs are system.posix_acl_access), fsync()ed, then
 * rename()d over it. -i holds flock(LOCK_EX) on FILE from before the first
 * read to after the rename, so a second -i reads what the first wrote. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applet.h"
#include "base/blob.h"
#include "xml/domxml.h"
#include "pci/pcidev.h"
#include "xml/shmem.h"
#include "base/util.h"
#include "xml/xml.h"

const char domxml_usage[] =
	"usage: domxml [EDIT...] [-i [--backup=SUF] | -o FILE] [--force] [FILE]\n"
	"       domxml --list-hostdevs [FILE]\n"
	"\n"
	"Make the passthrough edits to a libvirt domain XML (FILE, or standard\n"
	"input) and write it to standard output, back to FILE (-i) or to -o FILE.\n"
	"Only what the edits own changes; every other byte is copied as it was.\n"
	"The same edits on the output change nothing. Use the inactive definition:\n"
	"  virsh dumpxml --inactive VM | vfiobox domxml ... > vm.xml; virsh define vm.xml\n"
	"\n"
	"Edits (each adds what is missing and updates what differs):\n"
	"  --hide-vm              <hyperv mode='custom'> with relaxed, vapic, spinlocks\n"
	"                         (retries 8191), vpindex, runtime, synic, stimer, reset,\n"
	"                         vendor_id, frequencies, tlbflush; <kvm><hidden\n"
	"                         state='on'/></kvm>; <vmport state='off'/>\n"
	"  --vendor-id=STR        hyperv vendor_id value (1 to 12 characters, no comma;\n"
	"                         GenuineIntel when --hide-vm adds a vendor_id)\n"
	"  --hostdev=BDF[@GUEST]  PCI hostdev (managed) of host device BDF, at guest\n"
	"                         address GUEST if given (multifunction='on' on a\n"
	"                         function 0 whose slot has other functions); repeatable\n"
	"  --rom=off|FILE         for the --hostdev before it: <rom bar='off'/> or\n"
	"                         <rom file='FILE'/>\n"
	"  --shmem=MIB|WxH        <shmem name='looking-glass'> ivshmem-plain of MIB MiB,\n"
	"                         or sized for a WxH display (as the shmem applet does)\n"
	"  --kvmfr=MIB|WxH[,path=DEV]\n"
	"                         Looking Glass through the kvmfr module instead: the\n"
	"                         -device ivshmem-plain and -object memory-backend-file\n"
	"                         (mem-path DEV, default /dev/kvmfr0) qemu:commandline\n"
	"                         arguments, and no looking-glass <shmem>\n"
	"  --acpitable=FILE       -acpitable file=FILE in qemu:commandline; repeatable\n"
	"  --no-memballoon        <memballoon model='none'/>\n"
	"  --video=none           <video><model type='none'/></video>, the only video\n"
	"  --subsys=BDF[:SVID:SDID]\n"
	"                         the guest sees subsystem ids SVID:SDID (hex; default:\n"
	"                         the host's, from sysfs) on the hostdev of BDF:\n"
	"                         qemu:override of x-pci-sub-vendor-id and\n"
	"                         x-pci-sub-device-id, with a ua- alias on the hostdev\n"
	"                         (overrides for its and later hostdevN names follow)\n"
	"  --rom-fwcfg=NAME=FILE  <sysinfo type='fwcfg'> entry NAME (opt/...) read from\n"
	"                         FILE; repeatable\n"
	"  --hotplug-off[=BUS]    hotplug='off' on the pcie-root-port holding the\n"
	"                         --hostdev devices (all PCI hostdevs without one), or\n"
	"                         on the port of guest bus BUS\n"
	"  --preset=laptop        the Optimus laptop guide's set: --hide-vm\n"
	"                         --hostdev=0000:01:00.0 --rom=off --subsys=0000:01:00.0\n"
	"                         (when sysfs has ids) --shmem=3840x2160 (unless the\n"
	"                         domain uses kvmfr) --no-memballoon\n"
	"                         --acpitable=/etc/libvirt/qemu/ssdt-battery.dat (unless\n"
	"                         it has one: make it with ssdt battery -o);\n"
	"                         explicit options replace their part of it\n"
	"\n"
	"Output:\n"
	"  -i, --in-place         rewrite FILE: a new file in its directory (unnamed\n"
	"                         until complete where the filesystem has O_TMPFILE)\n"
	"                         with FILE's owner, mode and extended attributes\n"
	"                         (ACLs), fsync, rename; FILE is locked (flock) while\n"
	"                         it is read and replaced, never truncated, and left\n"
	"                         alone when nothing changes or it changed meanwhile\n"
	"      --backup=SUF       with -i: keep the original as FILE followed by SUF\n"
	"  -o, --output=FILE      write FILE the same way\n"
	"      --force            rewrite even when FILE's owner, an extended attribute\n"
	"                         or its other hard links cannot be kept (a warning\n"
	"                         says which); without it that is exit 2\n"
	"      --list-hostdevs    print the source address (DDDD:BB:DD.F) of each\n"
	"                         <hostdev mode='subsystem' type='pci'>, one per line\n"
	"  -h, --help             this text\n"
	"\n"
	"Exit: 0 done; 1 read or write error, or FILE changed or stayed locked\n"
	"(FILE untouched); 2 usage error, malformed XML (FILE:LINE:COL: what is\n"
	"wrong), an edit this document cannot take, or what --force overrides:\n"
	"nothing written; 128+N on signal N (SIGINT, SIGTERM, SIGHUP): the new file\n"
	"removed, FILE as it was.\n";

#define BUF_SIZE (256 * 1024)
/* -i waits this long for another domxml -i of the same file. */
#define LOCK_WAIT_MS 10000
/* Where the README's ssdt section puts the fake battery. */
#define PRESET_SSDT "/etc/libvirt/qemu/ssdt-battery.dat"

/* --list-hostdevs keeps this many addresses from the first pass, and reads
 * the input a second time only for more. */
#define KEEP_MAX 256

struct kept {
	struct vb_bdf b[KEEP_MAX];
	size_t n;
	int over;
};

struct domxml_opts {
	struct vb_dx_edits e;
	struct kept kept;
	int once;			/* the input cannot be read a second time */
	int preset, inplace, list, force;
	struct stat st0;		/* -i: FILE when it was opened and locked */
	const char *backup, *out, *in;
	const char *name;		/* the input as messages call it */
	int explicit_shmem, explicit_hostdev, explicit_acpi, explicit_subsys;
	int subsys_from_sysfs[VB_DX_MAX_SUBSYS];
};

enum {
	O_HIDE = 256, O_VENDOR, O_HOSTDEV, O_ROM, O_SHMEM, O_KVMFR, O_ACPI, O_NOBALLOON,
	O_VIDEO, O_SUBSYS, O_FWCFG, O_HOTPLUG, O_PRESET, O_BACKUP, O_LIST, O_FORCE,
};

static const struct option longopts[] = {
	{ "hide-vm", no_argument, NULL, O_HIDE },
	{ "vendor-id", required_argument, NULL, O_VENDOR },
	{ "hostdev", required_argument, NULL, O_HOSTDEV },
	{ "rom", required_argument, NULL, O_ROM },
	{ "shmem", required_argument, NULL, O_SHMEM },
	{ "kvmfr", required_argument, NULL, O_KVMFR },
	{ "acpitable", required_argument, NULL, O_ACPI },
	{ "no-memballoon", no_argument, NULL, O_NOBALLOON },
	{ "video", required_argument, NULL, O_VIDEO },
	{ "subsys", required_argument, NULL, O_SUBSYS },
	{ "rom-fwcfg", required_argument, NULL, O_FWCFG },
	{ "hotplug-off", optional_argument, NULL, O_HOTPLUG },
	{ "preset", required_argument, NULL, O_PRESET },
	{ "in-place", no_argument, NULL, 'i' },
	{ "backup", required_argument, NULL, O_BACKUP },
	{ "force", no_argument, NULL, O_FORCE },
	{ "output", required_argument, NULL, 'o' },
	{ "list-hostdevs", no_argument, NULL, O_LIST },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* MIB or WxH: MiB. */
static int parse_size(const char *opt, const char *s, uint64_t *mib)
{
	unsigned w, h;
	unsigned long v;

	if (strpbrk(s, "xX")) {
		if (vb_shmem_parse_res(s, &w, &h) < 0)
			return vb_usage_err("%s=%s: expected MIB or WIDTHxHEIGHT", opt, s);
		*mib = vb_shmem_mib(w, h, 0);
		return 0;
	}
	if (vb_parse_ulong(s, 10, 1UL << 20, &v) < 0 || !v)
		return vb_usage_err("%s=%s: expected MIB (1 to 1048576) or WIDTHxHEIGHT", opt, s);
	*mib = v;
	return 0;
}

/* BDF[:SVID:SDID]: the address ends one digit after its '.'. */
static int parse_subsys(struct domxml_opts *o, const char *s)
{
	struct vb_dx_subsys *ss;
	const char *dot = strchr(s, '.');
	char addr[VB_BDF_LEN + 8];
	size_t n;

	if (o->e.nsubsys == VB_DX_MAX_SUBSYS)
		return vb_usage_err("at most %d --subsys", VB_DX_MAX_SUBSYS);
	ss = &o->e.subsys[o->e.nsubsys];
	n = dot && dot[1] ? (size_t)(dot + 2 - s) : strlen(s);
	if (n >= sizeof(addr))
		return vb_usage_err("--subsys=%s: bad address", s);
	memcpy(addr, s, n);
	addr[n] = 0;
	if (vb_bdf_parse(addr, &ss->bdf) < 0)
		return vb_usage_err("--subsys=%s: bad address (DDDD:BB:DD.F or BB:DD.F)", s);
	o->subsys_from_sysfs[o->e.nsubsys] = s[n] == 0;
	if (s[n]) {
		char ids[32], *colon;
		unsigned long v, d;

		if (s[n] != ':' || strlen(s + n + 1) >= sizeof(ids))
			return vb_usage_err("--subsys=%s: expected BDF:SVID:SDID", s);
		strcpy(ids, s + n + 1);
		colon = strchr(ids, ':');
		if (!colon)
			return vb_usage_err("--subsys=%s: expected BDF:SVID:SDID", s);
		*colon = 0;
		if (vb_parse_ulong(ids, 16, 0xffff, &v) < 0 || vb_parse_ulong(colon + 1, 16, 0xffff, &d) < 0)
			return vb_usage_err("--subsys=%s: SVID and SDID are 16-bit hex numbers", s);
		ss->svid = (unsigned)v;
		ss->sdid = (unsigned)d;
	}
	o->e.nsubsys++;
	return 0;
}

static int parse_opt(struct domxml_opts *o, int c, const char *arg)
{
	struct vb_dx_edits *e = &o->e;
	char buf[PATH_MAX];
	unsigned long v;
	char *at;

	switch (c) {
	case O_HIDE:
		e->hide_vm = 1;
		return 0;
	case O_VENDOR:
		e->vendor_id = arg;
		return 0;
	case O_HOSTDEV: {
		struct vb_dx_hostdev *h;

		if (e->nhostdev == VB_DX_MAX_HOSTDEV)
			return vb_usage_err("at most %d --hostdev", VB_DX_MAX_HOSTDEV);
		h = &e->hostdev[e->nhostdev];
		if (vb_strlcpy(buf, arg, sizeof(buf)) < 0)
			return vb_usage_err("--hostdev: too long");
		if ((at = strchr(buf, '@')))
			*at++ = 0;
		if (vb_bdf_parse(buf, &h->src) < 0)
			return vb_usage_err("--hostdev=%s: bad host address (DDDD:BB:DD.F or BB:DD.F)", arg);
		if (at && vb_bdf_parse(at, &h->guest) < 0)
			return vb_usage_err("--hostdev=%s: bad guest address after '@'", arg);
		h->has_guest = at != NULL;
		e->nhostdev++;
		o->explicit_hostdev = 1;
		return 0;
	}
	case O_ROM: {
		struct vb_dx_hostdev *h;

		if (!e->nhostdev)
			return vb_usage_err("--rom applies to the --hostdev before it: give --hostdev first");
		h = &e->hostdev[e->nhostdev - 1];
		if (h->rom != VB_DX_ROM_KEEP)
			return vb_usage_err("two --rom for one --hostdev");
		if (!strcmp(arg, "off")) {
			h->rom = VB_DX_ROM_OFF;
		} else {
			h->rom = VB_DX_ROM_FILE;
			h->rom_file = arg;
		}
		return 0;
	}
	case O_SHMEM:
		o->explicit_shmem = 1;
		return parse_size("--shmem", arg, &e->shmem_mib);
	case O_KVMFR: {
		char *comma;

		o->explicit_shmem = 1;
		if (vb_strlcpy(buf, arg, sizeof(buf)) < 0)
			return vb_usage_err("--kvmfr: too long");
		if ((comma = strchr(buf, ','))) {
			*comma++ = 0;
			if (strncmp(comma, "path=", 5) || !comma[5])
				return vb_usage_err("--kvmfr=%s: the only option is path=DEV", arg);
			e->kvmfr_path = arg + (comma + 5 - buf);
		}
		return parse_size("--kvmfr", buf, &e->kvmfr_mib);
	}
	case O_ACPI:
		if (e->nacpi == VB_DX_MAX_ACPI)
			return vb_usage_err("at most %d --acpitable", VB_DX_MAX_ACPI);
		e->acpitable[e->nacpi++] = arg;
		o->explicit_acpi = 1;
		return 0;
	case O_NOBALLOON:
		e->no_memballoon = 1;
		return 0;
	case O_VIDEO:
		if (strcmp(arg, "none"))
			return vb_usage_err("--video=%s: only --video=none", arg);
		e->video_none = 1;
		return 0;
	case O_SUBSYS:
		o->explicit_subsys = 1;
		return parse_subsys(o, arg);
	case O_FWCFG: {
		const char *eq = strchr(arg, '=');

		if (e->nfwcfg == VB_DX_MAX_FWCFG)
			return vb_usage_err("at most %d --rom-fwcfg", VB_DX_MAX_FWCFG);
		if (!eq || eq == arg || !eq[1])
			return vb_usage_err("--rom-fwcfg=%s: expected NAME=FILE", arg);
		/* NAME is kept in the argument itself: cut it at '='. */
		e->fwcfg[e->nfwcfg].name = arg;
		((char *)eq)[0] = 0;
		e->fwcfg[e->nfwcfg++].file = eq + 1;
		return 0;
	}
	case O_HOTPLUG:
		if (!arg) {
			e->hotplug_off = 1;
			return 0;
		}
		if (e->nhotplug_bus == VB_DX_MAX_BUS)
			return vb_usage_err("at most %d --hotplug-off=BUS", VB_DX_MAX_BUS);
		if (vb_parse_ulong(arg, 0, 255, &v) < 0)
			return vb_usage_err("--hotplug-off=%s: BUS is a number from 0 to 255", arg);
		e->hotplug_bus[e->nhotplug_bus++] = (unsigned)v;
		return 0;
	case O_PRESET:
		if (strcmp(arg, "laptop"))
			return vb_usage_err("--preset=%s: the only preset is laptop", arg);
		o->preset = 1;
		return 0;
	case 'i':
		o->inplace = 1;
		return 0;
	case O_BACKUP:
		if (!*arg || strchr(arg, '/'))
			return vb_usage_err("--backup=%s: a suffix without '/'", arg);
		o->backup = arg;
		return 0;
	case 'o':
		o->out = arg;
		return 0;
	case O_FORCE:
		o->force = 1;
		return 0;
	case O_LIST:
		o->list = 1;
		return 0;
	}
	return vb_usage_err("unknown option");
}

/* Subsystem ids from sysfs (lib/pci/pcidev). */
static int host_subsys(struct vb_dx_subsys *s, int quiet)
{
	struct vb_pciids id;
	char a[VB_BDF_LEN];
	int r;

	vb_bdf_format(&s->bdf, a);
	r = vb_pcidev_ids(a, &id);
	if (r == 0 && (id.subvendor == 0 || id.subvendor == 0xffff))
		r = -ENODATA;
	if (r < 0) {
		if (quiet)
			vb_warn("--preset=laptop: no subsystem ids for %s in sysfs (%s): --subsys left out", a,
				r == -ENODATA ? "they read as zero" : strerror(-r));
		else
			vb_err("--subsys=%s: cannot read the host's subsystem ids (%s): give them as "
			       "--subsys=%s:SVID:SDID", a, r == -ENODATA ? "they read as zero" : strerror(-r), a);
		return VB_EXIT_USAGE;
	}
	s->svid = id.subvendor;
	s->sdid = id.subdevice;
	return 0;
}

/* The preset fills what the options did not say. */
static int apply_preset(struct domxml_opts *o)
{
	struct vb_dx_edits *e = &o->e;
	size_t i;

	if (o->preset) {
		e->hide_vm = 1;
		e->no_memballoon = 1;
		if (!o->explicit_hostdev) {
			vb_bdf_parse("0000:01:00.0", &e->hostdev[0].src);
			e->hostdev[0].rom = VB_DX_ROM_OFF;
			e->nhostdev = 1;
		}
		if (!o->explicit_shmem) {
			e->shmem_mib = vb_shmem_mib(3840, 2160, 0);
			e->shmem_soft = 1;
		}
		if (!o->explicit_acpi) {
			e->acpitable[0] = PRESET_SSDT;
			e->nacpi = 1;
			e->acpi_soft = 1;
		}
		if (!o->explicit_subsys) {
			e->subsys[0].bdf = e->hostdev[0].src;
			if (host_subsys(&e->subsys[0], 1) == 0)
				e->nsubsys = 1;
		}
	}
	for (i = 0; i < e->nsubsys && o->explicit_subsys; i++)
		if (o->subsys_from_sysfs[i] && host_subsys(&e->subsys[i], 0))
			return VB_EXIT_USAGE;
	return 0;
}

/* ---- input ------------------------------------------------------------------ */

struct tee {
	int in, spool;
};

/* Read standard input and keep a copy in the spool file (second pass). */
static ssize_t tee_read(void *ctx, void *buf, size_t n)
{
	struct tee *t = ctx;
	ssize_t r = vb_xml_fd_read(&t->in, buf, n);

	if (r > 0 && vb_blob_write_fd(t->spool, buf, (size_t)r) < 0)
		return -1;
	return r;
}

static int spool_open(void)
{
	const char *d = getenv("TMPDIR");
	char path[PATH_MAX], tmp[PATH_MAX];
	int fd;

	if (!d || !*d)
		d = "/tmp";
	fd = open(d, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || vb_fmt(path, sizeof(path), "%s/vfiobox-domxml", d) < 0)
		return fd;
	fd = vb_blob_tmpfile(path, tmp, sizeof(tmp));
	if (fd < 0)
		return -1;
	unlink(tmp);
	return fd;
}

static void keep_bdf(void *ctx, const struct vb_bdf *b)
{
	struct kept *k = ctx;

	if (k->n < KEEP_MAX)
		k->b[k->n++] = *b;
	else
		k->over = 1;
}

/* The first pass over the input (spooling a pipe); *fd is left at a
 * seekable copy for the second. */
static int first_pass(struct domxml_opts *o, int *fd, char *buf, struct vb_xml *x, int list,
		      struct vb_dx_plan *p)
{
	struct tee t;
	int r;

	/* A pipe, or a file read from the middle: keep a copy to read twice.
	 * --list-hostdevs needs it only past KEEP_MAX devices: it goes on
	 * without one (the libvirt hook may run where /tmp is not writable). */
	if (lseek(*fd, 0, SEEK_CUR) != 0) {
		t.in = *fd;
		t.spool = spool_open();
		if (t.spool < 0 && !list) {
			vb_err("cannot make a temporary file for standard input: %s", strerror(errno));
			return VB_EXIT_FAIL;
		}
		if (t.spool < 0) {
			o->once = 1;
			vb_xml_init(x, buf, BUF_SIZE, vb_xml_fd_read, fd, "domain");
		} else {
			*fd = t.spool;
			vb_xml_init(x, buf, BUF_SIZE, tee_read, &t, "domain");
		}
	} else {
		vb_xml_init(x, buf, BUF_SIZE, vb_xml_fd_read, fd, "domain");
	}
	r = list ? vb_dx_list(x, keep_bdf, &o->kept, p) : vb_dx_plan(&o->e, x, p);
	if (r == VB_DX_EXML && p->err_io) {
		vb_err("%s: read error: %s", o->name, strerror(p->err_io));
		return VB_EXIT_FAIL;
	}
	if (r < 0) {
		if (p->line && p->col)
			vb_err("%s:%lu:%lu: %s", o->name, p->line, p->col, p->msg);
		else if (p->line)
			vb_err("%s:%lu: %s", o->name, p->line, p->msg);
		else
			vb_err("%s: %s", o->name, p->msg);
		return VB_EXIT_USAGE;
	}
	if (!o->once && lseek(*fd, 0, SEEK_SET) < 0) {
		vb_err("%s: cannot read it twice: %s", o->name, strerror(errno));
		return VB_EXIT_FAIL;
	}
	return 0;
}

/* ---- output ------------------------------------------------------------------ */


static int second_pass(struct domxml_opts *o, int in, int out, const struct vb_dx_plan *p, char *buf)
{
	struct stat st;
	int r = vb_dx_apply_fd(p, in, out, buf, BUF_SIZE);

	if (r == -ESTALE && fstat(in, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size != p->size)
		vb_err("%s: changed while being read (%llu bytes, now %llu)", o->name,
		       (unsigned long long)p->size, (unsigned long long)st.st_size);
	else if (r == -ESTALE)
		vb_err("%s: changed while being read", o->name);
	else if (r < 0)
		vb_err("write: %s", strerror(-r));
	return r < 0 ? VB_EXIT_FAIL : 0;
}

/* Where a file goes: its real path if it exists (symlinks followed). */
static int target_path(const char *f, char *out)
{
	char *r = realpath(f, NULL);

	if (r) {
		int n = vb_strlcpy(out, r, PATH_MAX);

		free(r);
		return n;
	}
	if (errno != ENOENT)
		return -errno;
	return vb_strlcpy(out, f, PATH_MAX);
}

/* Keep the original as path+suf (vb_blob_backup: a hard link, else a copy). */
static int make_backup(const char *path, const char *suf)
{
	char bak[PATH_MAX];

	if (vb_fmt(bak, sizeof(bak), "%s%s", path, suf) < 0)
		return -ENAMETOOLONG;
	return vb_blob_backup(path, bak);
}

/* The replacement being written, for the signal handler. */
static struct vb_blob_repl *sig_repl;
static const char *sig_file;
static volatile sig_atomic_t sig_done;

static void sig_put(const char *s)
{
	ssize_t k = write(2, s, strlen(s));

	(void)k;
}

/* SIGINT, SIGTERM, SIGHUP: the new file goes (named or not), the message
 * says what FILE is, exit 128+N. Only async-signal-safe calls. */
static void on_signal(int sig)
{
	char num[4] = { (char)('0' + sig / 10), (char)('0' + sig % 10), 0, 0 };

	if (sig_repl)
		vb_blob_repl_abort(sig_repl);
	sig_put("vfiobox domxml: ");
	if (sig_file) {
		sig_put(sig_file);
		sig_put(": ");
	}
	sig_put("interrupted by signal ");
	sig_put(num[0] == '0' ? num + 1 : num);
	sig_put(!sig_file ? "\n" : sig_done ? ": it was already rewritten\n" : ": left as it was\n");
	_exit(128 + sig);
}

/* A signal ignored at start stays ignored (nohup, a background job of a
 * shell without job control). */
static void sig_setup(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < VB_ARRAY_SIZE(sigs); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (i = 0; i < VB_ARRAY_SIZE(sigs); i++)
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	/* a closed pipe on standard output is a write error (EPIPE), exit 1 */
	signal(SIGPIPE, SIG_IGN);
}

static void sig_block(int how)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(how, &set, NULL);
}

/* What keeps the replaced file what it was: its links, owner, xattrs
 * (ACLs). Refused (exit 2, nothing written) without --force. */
static int keep_links(struct domxml_opts *o, const char *file, const char *path, const struct stat *st)
{
	char bak[PATH_MAX];
	struct stat b;

	if (st->st_nlink < 2)
		return 0;
	/* the only other link is the backup: that one keeps the original */
	if (st->st_nlink == 2 && o->backup && vb_fmt(bak, sizeof(bak), "%s%s", path, o->backup) == 0 &&
	    stat(bak, &b) == 0 && b.st_dev == st->st_dev && b.st_ino == st->st_ino)
		return 0;
	if (!o->force) {
		vb_err("%s: has %lu hard links: rewriting it would leave the others with the old content "
		       "(--force to do it anyway)", file, (unsigned long)st->st_nlink);
		return VB_EXIT_USAGE;
	}
	vb_warn("%s: its %lu other hard links keep the old content", file, (unsigned long)st->st_nlink - 1);
	return 0;
}

static int keep_meta(struct domxml_opts *o, const char *file, int orig, struct vb_blob_repl *rp,
		     const struct stat *st)
{
	char name[256];
	int r;

	if ((r = vb_blob_repl_owner(rp, st)) < 0) {
		if (!o->force) {
			vb_err("%s: cannot keep its owner %lu:%lu (%s): the rewritten file would be yours "
			       "(--force to do it anyway)", file, (unsigned long)st->st_uid, (unsigned long)st->st_gid,
			       strerror(-r));
			return VB_EXIT_USAGE;
		}
		vb_warn("%s: owner %lu:%lu not kept (%s): it is now %lu:%lu", file, (unsigned long)st->st_uid,
			(unsigned long)st->st_gid, strerror(-r), (unsigned long)geteuid(), (unsigned long)getegid());
	}
	if (fchmod(rp->fd, st->st_mode & 07777) < 0) {
		vb_err("%s: chmod of the new file: %s", file, strerror(errno));
		return VB_EXIT_FAIL;
	}
	if (orig >= 0 && (r = vb_blob_copy_xattrs(orig, rp->fd, name, sizeof(name))) < 0) {
		if (!o->force) {
			vb_err("%s: cannot keep its extended attribute %s (%s) (--force to drop what cannot be kept)",
			       file, name[0] ? name : "list", strerror(-r));
			return VB_EXIT_USAGE;
		}
		vb_warn("%s: extended attribute %s not kept: %s", file, name[0] ? name : "list", strerror(-r));
	}
	return 0;
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Write the result to file: a new file in its directory (unnamed where the
 * filesystem can), fsync, rename over it. in is the input; with -i it is
 * file itself, locked, and o->st0 what it was when opened. */
static int write_file(struct domxml_opts *o, const char *file, int in, const struct vb_dx_plan *p, char *buf)
{
	static struct vb_blob_repl rp;
	char path[PATH_MAX];
	struct stat st, now;
	int fd, r, have;

	if ((r = target_path(file, path)) < 0) {
		vb_err("%s: %s", file, strerror(-r));
		return VB_EXIT_FAIL;
	}
	have = stat(path, &st) == 0;
	if (have && !S_ISREG(st.st_mode)) {
		/* A device or pipe (-o /dev/stdout): write it in place. */
		if (o->inplace) {
			vb_err("%s: -i needs a regular file", file);
			return VB_EXIT_FAIL;
		}
		if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0) {
			vb_err("%s: %s", file, strerror(errno));
			return VB_EXIT_FAIL;
		}
		r = second_pass(o, in, fd, p, buf);
		if (close(fd) < 0 && !r) {
			vb_err("%s: %s", file, strerror(errno));
			r = VB_EXIT_FAIL;
		}
		return r;
	}
	if (o->inplace)
		st = o->st0;
	if (have && (r = keep_links(o, file, path, &st)))
		return r;
	if ((r = vb_blob_repl_open(&rp, path)) < 0) {
		vb_err("%s: cannot create a new file next to it: %s", file, strerror(-r));
		return VB_EXIT_FAIL;
	}
	sig_file = file;
	sig_repl = &rp;
	if (have) {
		/* -o over a file that exists: its xattrs too */
		int orig = o->inplace ? in : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

		r = keep_meta(o, file, orig, &rp, &st);
		if (!o->inplace && orig >= 0)
			close(orig);
		if (r)
			goto fail;
	} else {
		mode_t um = umask(0);

		umask(um);
		if (fchmod(rp.fd, 0666 & ~um) < 0) {
			vb_err("%s: chmod of the new file: %s", file, strerror(errno));
			r = VB_EXIT_FAIL;
			goto fail;
		}
	}
	if ((r = second_pass(o, in, rp.fd, p, buf)))
		goto fail;
	/* the data on disk first, so that the check below is the last step
	 * before the rename (the commit's own fsync finds nothing to do) */
	if (fsync(rp.fd) < 0) {
		vb_err("%s: fsync of the new file: %s", file, strerror(errno));
		r = VB_EXIT_FAIL;
		goto fail;
	}
	sig_block(SIG_BLOCK);
	if (o->inplace && (stat(path, &now) < 0 || !same_file(&now, &o->st0))) {
		vb_err("%s: changed while being edited (by a writer that takes no lock): left as it is now, "
		       "nothing written", file);
		r = VB_EXIT_FAIL;
		goto fail;
	}
	if (o->backup && have && (r = make_backup(path, o->backup)) < 0) {
		vb_err("%s%s: cannot make the backup: %s", file, o->backup, strerror(-r));
		r = VB_EXIT_FAIL;
		goto fail;
	}
	if ((r = vb_blob_repl_commit(&rp)) < 0) {
		vb_err("%s: putting the new file in its place: %s", file, strerror(-r));
		r = VB_EXIT_FAIL;
		goto fail;
	}
	sig_done = 1;
	sig_repl = NULL;
	sig_block(SIG_UNBLOCK);
	return 0;
fail:
	sig_repl = NULL;
	vb_blob_repl_abort(&rp);
	sig_block(SIG_UNBLOCK);
	return r;
}

/* -i: open and lock FILE (flock, shared with every other domxml -i), and
 * note what it is. A writer that replaced it while this one waited made a
 * new file: open that one. */
static int open_locked(struct domxml_opts *o, int *fd)
{
	char path[PATH_MAX];
	int r, tries;

	if ((r = target_path(o->in, path)) < 0) {
		vb_err("%s: %s", o->in, strerror(-r));
		return VB_EXIT_FAIL;
	}
	for (tries = 0;; tries++) {
		/* O_NONBLOCK: a FIFO is refused, not waited on */
		if ((*fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
			vb_err("%s: %s", o->in, strerror(errno));
			return VB_EXIT_FAIL;
		}
		if (fstat(*fd, &o->st0) < 0 || !S_ISREG(o->st0.st_mode)) {
			vb_err("%s: -i needs a regular file", o->in);
			close(*fd);
			*fd = -1;
			return VB_EXIT_FAIL;
		}
		r = vb_blob_lock(*fd, path, LOCK_WAIT_MS);
		if (r == 0 && fstat(*fd, &o->st0) == 0)
			return 0;
		if (r == 0)
			r = -errno;
		close(*fd);
		*fd = -1;
		if (r == -ESTALE && tries < 100)
			continue;
		if (r == -EWOULDBLOCK)
			vb_err("%s: another domxml -i holds it for more than %d s: nothing written", o->in,
			       LOCK_WAIT_MS / 1000);
		else
			vb_err("%s: lock: %s", o->in, strerror(-r));
		return VB_EXIT_FAIL;
	}
}

static void print_bdf(void *ctx, const struct vb_bdf *b)
{
	char a[VB_BDF_LEN];

	(void)ctx;
	vb_bdf_format(b, a);
	puts(a);
}

int domxml_main(int argc, char **argv)
{
	struct domxml_opts o;
	struct vb_dx_plan p;
	struct vb_xml *x;
	char *buf;
	const char *m;
	int c, fd = 0, r, ed;
	size_t i;

	memset(&o, 0, sizeof(o));
	while ((c = getopt_long(argc, argv, "hio:", longopts, NULL)) != -1) {
		if (c == 'h') {
			vb_print_usage(domxml_usage);
			return 0;
		}
		if (c == '?' || c == ':')
			return vb_usage_err("bad option");
		if ((r = parse_opt(&o, c, optarg)))
			return r;
	}
	if (optind < argc)
		o.in = argv[optind++];
	if (optind < argc)
		return vb_usage_err("one FILE at most");
	ed = o.preset || o.e.hide_vm || o.e.vendor_id || o.e.nhostdev || o.e.shmem_mib || o.e.kvmfr_mib ||
	     o.e.nacpi || o.e.no_memballoon || o.e.video_none || o.e.nsubsys || o.e.nfwcfg ||
	     o.e.hotplug_off || o.e.nhotplug_bus;
	if (o.list && (ed || o.inplace || o.out || o.backup))
		return vb_usage_err("--list-hostdevs takes no edits and no -i/-o");
	if (!o.list && !ed)
		return vb_usage_err("no edit given");
	if (o.inplace && o.out)
		return vb_usage_err("-i and -o exclude each other");
	if (o.inplace && (!o.in || !strcmp(o.in, "-")))
		return vb_usage_err("-i needs a FILE");
	if (o.backup && !o.inplace)
		return vb_usage_err("--backup goes with -i");
	if (o.force && !o.inplace && !o.out)
		return vb_usage_err("--force goes with -i or -o");
	if (o.in && !strcmp(o.in, "-"))
		o.in = NULL;
	if ((r = apply_preset(&o)))
		return r;
	if ((m = vb_dx_check_edits(&o.e)))
		return vb_usage_err("%s", m);
	for (i = 0; i < o.e.nhostdev; i++)
		if (o.e.hostdev[i].rom == VB_DX_ROM_FILE && access(o.e.hostdev[i].rom_file, F_OK) < 0)
			vb_warn("--rom: %s does not exist (yet)", o.e.hostdev[i].rom_file);
	for (i = 0; i < o.e.nfwcfg; i++)
		if (access(o.e.fwcfg[i].file, F_OK) < 0)
			vb_warn("--rom-fwcfg: %s does not exist (yet)", o.e.fwcfg[i].file);

	o.name = o.in ? o.in : "<stdin>";
	sig_setup();
	if (o.inplace)
		sig_file = o.in;
	if (o.inplace && (r = open_locked(&o, &fd)))
		return r;
	if (o.in && !o.inplace && (fd = open(o.in, O_RDONLY | O_CLOEXEC)) < 0) {
		vb_err("%s: %s", o.in, strerror(errno));
		return VB_EXIT_FAIL;
	}
	buf = vb_xmalloc(BUF_SIZE);
	x = vb_xmalloc(sizeof(*x));
	r = first_pass(&o, &fd, buf, x, o.list, &p);
	if (r == 0 && o.list && !o.kept.over) {
		for (i = 0; i < o.kept.n; i++)
			print_bdf(NULL, &o.kept.b[i]);
	} else if (r == 0 && o.list && o.once) {
		vb_err("%s: more than %d PCI hostdevs and no temporary file to read them again: give the XML as FILE",
		       o.name, KEEP_MAX);
		r = VB_EXIT_FAIL;
	} else if (r == 0 && o.list) {
		vb_xml_init(x, buf, BUF_SIZE, vb_xml_fd_read, &fd, "domain");
		if (vb_dx_list(x, print_bdf, NULL, &p) < 0) {
			vb_err("%s: %s", o.name, p.msg);
			r = VB_EXIT_FAIL;
		}
	} else if (r == 0) {
		for (i = 0; i < o.e.nacpi && !p.acpi_kept; i++)
			if (access(o.e.acpitable[i], F_OK) < 0)
				vb_warn("--acpitable: %s does not exist (yet)%s%s", o.e.acpitable[i],
					o.e.acpi_soft ? ": make it with vfiobox ssdt battery -o " : "",
					o.e.acpi_soft ? o.e.acpitable[i] : "");
		for (i = 0; i < p.nwarn; i++)
			vb_warn("%s", p.warn[i]);
		if (o.inplace && !p.npatches)
			r = 0;		/* nothing to change: leave the file alone */
		else if (o.inplace || o.out)
			r = write_file(&o, o.inplace ? o.in : o.out, fd, &p, buf);
		else
			r = second_pass(&o, fd, 1, &p, buf);
		vb_dx_plan_free(&p);
	}
	if (fd > 0)
		close(fd);
	free(x);
	free(buf);
	return r;
}
