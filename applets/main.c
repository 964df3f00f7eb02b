/* vfiobox: multicall dispatch, busybox-style.
 *
 * The applet is the basename of argv[0] (a symlink or hard link made by
 * --install), or, when that is "vfiobox", the first argument. Every applet
 * takes --help (usage on stdout, exit 0) and --version. main returns the
 * applet's exit code, or 1 if stdout could not be written. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applet.h"
#include "base/act.h"
#include "base/sig.h"
#include "pci/pcidev.h"
#include "pci/rebind.h"
#include "pci/record.h"
#include "pci/vfio.h"
#include "base/sysfs.h"
#include "base/util.h"

struct applet {
	const char *name;
	const char *summary;
	const char *usage;
	int (*main)(int, char **);
};

static const struct applet applets[] = {
#define APPLET(id, name, summary) { name, summary, id##_usage, id##_main },
#include "applets.def"
#undef APPLET
};

static const char vfiobox_usage[] =
	"usage: vfiobox APPLET [ARGS...]\n"
	"       APPLET [ARGS...]            (through a link named after the applet)\n"
	"       vfiobox --list\n"
	"       vfiobox --install [-s] DIR\n"
	"       vfiobox --help | --version\n"
	"\n"
	"VFIO GPU passthrough chores in one static binary: the initramfs claim,\n"
	"rescue-shell applets, recovery of a GPU that fell off the bus.\n"
	"\n"
	"  --list        print the applet names, one per line\n"
	"  --install DIR make a hard link (-s: symlink) in DIR for every applet\n"
	"\n"
	"Environment: VFIOBOX_SYSROOT=DIR roots every /sys, /proc, /dev, /etc, /run\n"
	"and /lib/modules path at DIR (fake trees for tests and demos).\n"
	"Exit codes: 0 done, 1 failed (state restored), 2 usage error (nothing\n"
	"touched), 3 failed and the undo failed too, 127 no such applet.\n"
	"\n"
	"Applets:\n";

void vb_print_usage(const char *usage)
{
	fputs(usage, stdout);
}

/* The journal of a transaction that did not end (kill -9, power loss, an
 * undo that failed), settled under the lock before anything else: 0, or -1
 * when it could not be (said). A damaged journal is not acted on. */
static int settle(long timeout_ms, const char *nothing)
{
	struct vb_act act = { 0, 0, stdout };
	struct vb_journal *j = vb_xcalloc(1, sizeof(*j));
	struct vb_rebind_ctx c;
	struct vb_rebind *v;
	char why[VB_TEXT_LEN];
	size_t i;
	int r, finished;

	r = vb_journal_read(j, why, sizeof(why));
	if (r == -ENOENT) {
		free(j);
		return 0;
	}
	if (r < 0) {
		vb_warn(VB_JOURNAL_PATH ": %s: not trusted, not acted on (see where the devices "
			"are with vfiobox list, put them back by hand if need be, then remove it)",
			r == -EBADMSG ? why : strerror(-r));
		free(j);
		return 0;
	}
	if (!strcmp(j->phase, "stuck")) {
		/* Its undo failed and it said what it left: not undone again
		 * (that could undo what was done by hand since); said, dropped. */
		vb_info("%s (pid %ld) could not undo a failure and said what it left ("
			VB_JOURNAL_PATH "); now:", j->op, j->pid);
		for (i = 0; i < j->n; i++) {
			char state[VB_TEXT_LEN];
			vb_rebind_describe(j->dev[i].addr, state, sizeof(state));
			vb_info("%s: %s", j->dev[i].addr, state);
		}
		free(j);
		return vb_journal_remove() < 0 ? -1 : 0;
	}
	vb_warn("%s (pid %ld) did not finish (" VB_JOURNAL_PATH ", at %s): %s it first", j->op,
		j->pid, j->phase, !strcmp(j->phase, "done") ? "finishing" : "undoing");
	v = vb_xcalloc(j->n, sizeof(*v));
	vb_rebind_ctx_init(&c, &act);
	c.unbind_timeout_ms = timeout_ms;
	r = vb_rebind_settle(&c, j, v, &finished);
	for (i = 0; i < j->n; i++) {
		char state[VB_TEXT_LEN];

		if (v[i].stuck) {
			vb_err("%s: undo failed, state left: %s", v[i].addr, v[i].state);
			continue;
		}
		if (v[i].gone) {
			vb_warn("%s: gone from the bus: the journal stays for it (recover brings it "
				"back)", v[i].addr);
			continue;
		}
		vb_rebind_describe(v[i].addr, state, sizeof(state));
		if (v[i].record_err)
			vb_warn("%s: %s; its record not %s: %s", v[i].addr, state,
				!strcmp(j->record, "claim") ? "written" : "removed",
				strerror(-v[i].record_err));
		else
			vb_info("%s: %s%s", v[i].addr, finished ? "done: " : "back as it was: ", state);
	}
	if (r < 0)
		vb_err("%s: %s: %s; " VB_JOURNAL_PATH " stays; %s", c.fail_addr, c.fail_step,
		       c.fail_detail, nothing);
	free(v);
	free(j);
	return r < 0 ? -1 : 0;
}

int vb_opened_words(int g, int opened, const char *iommu, char *buf, size_t n)
{
	char nodes[256] = "", name[32];
	char **m;
	size_t nm, i;
	unsigned a, b;

	buf[0] = 0;
	switch (opened) {
	case VB_OPENED_OK:
		snprintf(buf, n, "IOMMU group %d: opened as QEMU opens it: viable, container set, "
			 "IOMMU %s; closed again", g, iommu);
		return 1;
	case VB_OPENED_BUSY:
		snprintf(buf, n, "IOMMU group %d: in use: /dev/vfio/%d is open already (a running "
			 "VM?); not opened again", g, g);
		return 1;
	case VB_OPENED_UNCHECKED:
		snprintf(buf, n, "IOMMU group %d: /dev/vfio/%d is not a character device (a fake "
			 "tree): there, but the vfio ioctls were not tried", g, g);
		return 1;
	case VB_OPENED_CDEV:
	case VB_OPENED_CDEV_UNCHECKED:
		if (vb_pcidev_group_members(g, &m, &nm) == 0) {
			for (i = 0; i < nm; i++)
				if (vb_vfio_cdev(m[i], name, sizeof(name), &a, &b) == 0)
					vb_appendf(nodes, sizeof(nodes), "%s/dev/vfio/devices/%s",
						   nodes[0] ? ", " : "", name);
			vb_sysfs_list_free(m, nm);
		}
		if (opened == VB_OPENED_CDEV)
			snprintf(buf, n, "IOMMU group %d: no group interface (/dev/vfio/vfio): "
				 "verified through the device cdev: viable, %s opened, /dev/iommu "
				 "gave an IO address space; closed again, not bound (a bind opens "
				 "the device; a VM does that)", g, nodes);
		else
			snprintf(buf, n, "IOMMU group %d: no group interface (/dev/vfio/vfio): "
				 "%s and /dev/iommu are not character devices (a fake tree): "
				 "there, but not opened", g, nodes);
		return 1;
	}
	return 0;
}

void vb_rebind_forced_say(const struct vb_rebind_ctx *c, const struct vb_rebind *v,
			  const char *who)
{
	vb_warn("%s: held by %s; unbinding it from %s anyway (--force): the unbind waits up to "
		"%g s for them to let go", v->addr, who, v->unbind,
		(double)c->unbind_timeout_ms / 1000.0);
}

int vb_opt_timeout(const char *arg, long *ms)
{
	if (vb_parse_seconds(arg, ms) < 0)
		return vb_usage_err("--timeout=%s: want seconds, e.g. 10 or 0.5 (at most 86400)", arg);
	return 0;
}

int vb_lock_rebind(long timeout_ms, const char *nothing)
{
	int fd;

	/* From here on SIGINT, SIGTERM and SIGHUP are looked for between the
	 * steps (lib/base/sig); before, they end a run that changed nothing. */
	vb_sig_catch();
	fd = vb_record_lock(timeout_ms);
	if (fd == -ETIMEDOUT)
		vb_err("another vfiobox is rebinding devices (/run/vfiobox.lock held for "
		       "%ld.%03ld s); %s", timeout_ms / 1000, timeout_ms % 1000, nothing);
	else if (fd == -EINTR)
		vb_err("interrupted while waiting for /run/vfiobox.lock; %s", nothing);
	else if (fd < 0)
		vb_err("/run/vfiobox.lock: %s; %s", strerror(-fd), nothing);
	if (fd >= 0 && settle(timeout_ms, nothing) < 0) {
		vb_record_unlock(fd);
		return -EIO;
	}
	return fd;
}

const char *vb_dev_read_words(int r, char *buf, size_t n)
{
	long w = vb_sysfs_wait();

	if (r == -ETIMEDOUT)
		snprintf(buf, n, "driver_override did not answer within %ld.%03ld s: the kernel "
			 "holds the device lock (an unbind or a probe of it is under way, and a "
			 "driver in use can make that last)", w / 1000, w % 1000);
	else
		snprintf(buf, n, "cannot read it: %s", vb_sysfs_strerror(r, NULL));
	return buf;
}

void vb_select_err(int r, const char *bad, const char *nothing)
{
	char words[VB_TEXT_LEN];

	if (r == -ENODEV)
		vb_err("%s: no such device (not on the bus); %s", bad, nothing);
	else if (r == -ETIMEDOUT)
		vb_err("%s: %s; %s", bad[0] ? bad : "a device",
		       vb_dev_read_words(r, words, sizeof(words)), nothing);
	else if (bad[0])
		vb_err("%s: %s; %s", bad, vb_dev_read_words(r, words, sizeof(words)), nothing);
	else
		vb_err("cannot read the PCI devices: %s; %s", vb_sysfs_strerror(r, NULL), nothing);
}

int vb_select_load_act(struct vb_select *s, char *const *operands, int n, const char *verb)
{
	char err[VB_TEXT_LEN];
	int r = vb_select_load(s, operands, n, err, sizeof(err));

	if (r < 0) {
		vb_select_free(s);
		if (n > 0)
			return -vb_usage_err("%s", err);
		vb_err("%s; nothing %s", err, verb);
		return -VB_EXIT_USAGE;
	}
	if (r == 0) {
		vb_info("nothing selected: no ids= or addresses given, none on the kernel command "
			"line (vfiobox.ids=, vfiobox.claim=), none in /etc/vfiobox.conf");
		vb_select_free(s);
		return -VB_EXIT_OK;
	}
	if (strcmp(s->source, "the arguments")) {
		char what[VB_TEXT_LEN];

		vb_select_describe(s, what, sizeof(what));
		vb_info("from %s: %s", s->source, what);
	}
	return 1;
}

static const struct applet *find(const char *name)
{
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(applets); i++)
		if (!strcmp(applets[i].name, name))
			return &applets[i];
	return NULL;
}

static void help(FILE *f)
{
	size_t i;

	fputs(vfiobox_usage, f);
	for (i = 0; i < VB_ARRAY_SIZE(applets); i++)
		fprintf(f, "  %-13s %s\n", applets[i].name, applets[i].summary);
}

static int install(int argc, char **argv)
{
	char self[PATH_MAX], path[PATH_MAX];
	const char *dir;
	int sym = 0, rc = 0;
	ssize_t n;
	size_t i;

	if (argc >= 2 && !strcmp(argv[1], "-s")) {
		sym = 1;
		argc--;
		argv++;
	}
	if (argc != 2)
		return vb_usage_err("--install takes [-s] DIR");
	dir = argv[1];
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0) {
		vb_err("--install: cannot find this binary (/proc/self/exe): %s", strerror(errno));
		return VB_EXIT_FAIL;
	}
	self[n] = 0;
	for (i = 0; i < VB_ARRAY_SIZE(applets); i++) {
		struct stat st;

		if (vb_fmt(path, sizeof(path), "%s/%s", dir, applets[i].name) < 0) {
			vb_err("--install: %s/%s: path too long", dir, applets[i].name);
			rc = VB_EXIT_FAIL;
			continue;
		}
		if (lstat(path, &st) == 0) {
			if (unlink(path) < 0) {
				vb_err("--install: %s: cannot replace: %s", path, strerror(errno));
				rc = VB_EXIT_FAIL;
				continue;
			}
		}
		if ((sym ? symlink(self, path) : link(self, path)) < 0) {
			vb_err("--install: %s: %s", path, strerror(errno));
			rc = VB_EXIT_FAIL;
		}
	}
	return rc;
}

static int run(const struct applet *a, int argc, char **argv)
{
	vb_msg_init(a->name);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		vb_print_usage(a->usage);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "--version")) {
		printf("vfiobox %s (%s)\n", VFIOBOX_VERSION, a->name);
		return 0;
	}
	argv[0] = (char *)a->name;
	return a->main(argc, argv);
}

static int finish(int rc)
{
	int sig = vb_sig_caught();

	/* A signal the rebind engine caught: the state is said above. */
	if (sig) {
		char name[16];
		vb_err("stopped by %s (signal %d)", vb_sig_name(sig, name, sizeof(name)), sig);
		rc = 128 + sig;
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (errno != EPIPE)
			vb_err("write error on standard output: %s", strerror(errno));
		return rc ? rc : VB_EXIT_FAIL;
	}
	return rc;
}

int main(int argc, char **argv)
{
	const char *base = argc > 0 ? strrchr(argv[0], '/') : NULL;
	const struct applet *a;
	int fd;

	/* A write to a closed pipe (vfio-claim | head) is EPIPE, an error seen
	 * when the output is flushed, after the devices are consistent. */
	signal(SIGPIPE, SIG_IGN);
	/* Closed 0-1-2 on /dev/null (as busybox does): no file opened later
	 * may become standard input, output or error. */
	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
	base = base ? base + 1 : (argc > 0 ? argv[0] : "vfiobox");
	if ((a = find(base)))
		return finish(run(a, argc, argv));

	vb_msg_init("vfiobox");
	if (argc < 2) {
		help(stderr);
		return VB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		help(stdout);
		return finish(0);
	}
	if (!strcmp(argv[1], "--version")) {
		printf("vfiobox %s\n", VFIOBOX_VERSION);
		return finish(0);
	}
	if (!strcmp(argv[1], "--list")) {
		size_t i;
		for (i = 0; i < VB_ARRAY_SIZE(applets); i++)
			puts(applets[i].name);
		return finish(0);
	}
	if (!strcmp(argv[1], "--install"))
		return finish(install(argc - 1, argv + 1));
	if ((a = find(argv[1])))
		return finish(run(a, argc - 1, argv + 1));
	vb_err("%s: no such applet (vfiobox --list shows them)", argv[1]);
	return VB_EXIT_NOAPPLET;
}
