/* rebind: the bounded unbind and the rebind transaction. See rebind.h.
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
 *   every device unless no-IOMMU mode is on and built in. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/act.h"
#include "base/msg.h"
#include "base/sig.h"
#include "base/sysfs.h"
#include "base/util.h"
#include "pci/holders.h"
#include "pci/iommu.h"
#include "pci/kmod.h"
#include "pci/pcidev.h"
#include "pci/rebind.h"
#include "pci/record.h"
#include "pci/vfio.h"

#define VFIO_DRIVER "vfio-pci"

/* One step of a poll of the driver links: 100 us, doubling up to 5 ms. */
static void poll_step(long *us)
{
	struct timespec ts;

	*us = !*us ? 100 : *us < 5000 ? *us * 2 : 5000;
	ts.tv_sec = 0;
	ts.tv_nsec = *us * 1000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int valid_driver(const char *d)
{
	return *d && strlen(d) < VB_DRV_LEN && !strchr(d, '/') && strcmp(d, ".") &&
	       strcmp(d, "..") && !strchr(d, '\n');
}

/* ---- bounded unbind ---------------------------------------------------- */

/* The unbinds run in a forked child, so that a write the kernel blocks in
 * (remove() waiting for the device's users) does not hold the applet: it
 * stops waiting, says which unbind is pending, and can exit while the child
 * stays in the kernel. The child closes every other fd first: it must not
 * keep the applet's lock or its stdout open while it waits. Each write's
 * result (0 or -errno) goes back through a pipe; the first failure ends it,
 * and a write to the pipe after the applet stopped reading fails (SIGPIPE
 * is the default in the child): it never goes on to the next unbind once
 * the applet has given up on this one. */
/* Close every fd but keep: close_range(2) (Linux 5.9), two calls; on an older
 * kernel (ENOSYS) one close() per fd up to 1024. The loop alone was 1023
 * of a claim's 1191 system calls (strace in the e2e guest, docs/bench.md). */
static void close_all_but(int keep)
{
	int fd;

#ifdef SYS_close_range
	if ((keep == 0 || syscall(SYS_close_range, 0u, (unsigned)keep - 1, 0u) == 0) &&
	    syscall(SYS_close_range, (unsigned)keep + 1, ~0u, 0u) == 0)
		return;
#endif
	for (fd = 0; fd < 1024; fd++)
		if (fd != keep)
			close(fd);
}

static void unbind_child(int out, char (*paths)[VB_PATH_MAX], char (*canon)[VB_BDF_LEN], size_t k)
{
	size_t i;

	/* The applet decides what a signal means; this child ends its unbind
	 * and the next ones it was given, unless the applet has stopped
	 * reading (SIGPIPE). */
	vb_sig_block(SIG_BLOCK);
	signal(SIGPIPE, SIG_DFL);
	close_all_but(out);
	for (i = 0; i < k; i++) {
		int res = vb_sysfs_write(paths[i], canon[i]);

		if (write(out, &res, sizeof(res)) != (ssize_t)sizeof(res) || res < 0)
			_exit(1);
	}
	_exit(0);
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
	char (*paths)[VB_PATH_MAX], (*canon)[VB_BDF_LEN];
	struct vb_act show;
	size_t i, got = 0;
	int fds[2], r, bad = 0;
	pid_t pid;

	*pending = 0;
	if (!k)
		return 0;
	paths = vb_xcalloc(k, sizeof(*paths));
	canon = vb_xcalloc(k, sizeof(*canon));
	/* A bad entry (none come from vb_rebind_plan) ends the batch there. */
	for (i = 0; i < k; i++) {
		r = vb_bdf_canon(addrs[i], canon[i]) < 0 || !valid_driver(drivers[i]) ? -EINVAL :
		    vb_sysfs_path(paths[i], sizeof(paths[i]), "/sys/bus/pci/drivers/%s/unbind",
				  drivers[i]);
		if (r < 0) {
			bad = r;
			k = i;
			break;
		}
	}
	if (a && a->dry_run) {
		for (i = 0; i < k; i++) {
			res[got++] = vb_act_write(a, paths[i], canon[i]);
			if (res[i] < 0)
				goto out;
		}
		goto done;
	}
	if (a && a->echo) {
		show = *a;
		show.dry_run = 1;
		for (i = 0; i < k; i++)
			vb_act_write(&show, paths[i], canon[i]);
	}
	if (!k)
		goto done;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		res[got++] = -errno;
		goto out;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		unbind_child(fds[1], paths, canon, k);
	close(fds[1]);
	if (pid < 0) {
		res[got++] = -errno;
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
			/* Time is up: leave the child blocked in the kernel. */
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
	if (res[got - 1] < 0)
		goto out;
done:
	if (bad)
		res[got++] = bad;
out:
	free(paths);
	free(canon);
	return got;
}

int vb_unbind(const struct vb_act *a, const char *addr, const char *driver, long timeout_ms,
	      pid_t *pending)
{
	char *ad = (char *)addr, *dr = (char *)driver;
	int res = 0;

	unbind_batch(a, &ad, &dr, 1, timeout_ms, &res, pending);
	return res;
}

/* ---- the transaction ----------------------------------------------------- */

void vb_rebind_describe(const char *addr, char *buf, size_t n)
{
	char drv[VB_DRV_LEN], ov[VB_DRV_LEN];

	if (!vb_pcidev_exists(addr)) {
		snprintf(buf, n, "gone from the bus");
		return;
	}
	if (vb_pcidev_override(addr, ov, sizeof(ov)) < 0)
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
		/* Off vfio-pci (and, with a wanted host driver, off any other),
		 * and an unbound device is probed (the callers plan only devices
		 * vfio-claim had: a parked one, or one whose unbind from vfio-pci
		 * finished after a release gave up waiting; or one the kernel
		 * created again). */
		if (v->want[0] ? v->old_driver[0] && strcmp(v->old_driver, v->want) :
				 vb_driver_is_vfio(v->old_driver))
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
	if ((r = vb_pcidev_override(v->addr, v->old_override, sizeof(v->old_override))) < 0)
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

int vb_rebind_keep_get(const char *addr, struct vb_rebind_keep *k)
{
	int r;

	memset(k, 0, sizeof(*k));
	if ((r = vb_pcidev_driver(addr, k->driver, sizeof(k->driver))) < 0)
		return r;
	return vb_pcidev_override(addr, k->override, sizeof(k->override));
}

int vb_rebind_plan_keep(struct vb_rebind *v, const char *addr, const struct vb_rebind_keep *k,
			const char *guess)
{
	const char *target = k->override[0] ? k->override : VB_TARGET_BACK;
	int r;

	if ((r = plan_start(v, addr, target)) < 0)
		return r;
	if (!k->override[0] && !k->driver[0])
		return 0;	/* it had nothing: whatever the kernel binds */
	if (!k->override[0] && !valid_driver(k->driver))
		return -EINVAL;
	if (!k->override[0])
		vb_strlcpy(v->want, k->driver, sizeof(v->want));
	if (guess) {
		if (vb_strlcpy(v->old_driver, guess, sizeof(v->old_driver)) < 0)
			return -EINVAL;
	} else if ((r = vb_pcidev_driver(v->addr, v->old_driver, sizeof(v->old_driver))) < 0 ||
		   (r = vb_pcidev_override(v->addr, v->old_override, sizeof(v->old_override))) < 0) {
		return r;
	}
	return plan_decide(v, target);
}

const char *vb_rebind_keep_driver(const struct vb_rebind_keep *k)
{
	if (k->override[0])
		return strcmp(k->override, VB_TARGET_NONE) ? k->override : "";
	return k->driver;
}

void vb_rebind_ctx_init(struct vb_rebind_ctx *c, const struct vb_act *a)
{
	memset(c, 0, sizeof(*c));
	c->act = a;
	c->unbind_timeout_ms = 10000;
	c->probe_wait_ms = 1000;
	c->journal = 1;
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
	char who[VB_TEXT_LEN - 160];

	if (r != -ETIMEDOUT)
		return write_failed(c, v, "unbind", "unbind", r);
	vb_holders_find(v->addr, v->unbind, who, sizeof(who), NULL);
	return fail(c, v, "unbind", r, "%s did not let go within %ld.%03ld s: the driver is in use%s%s%s",
		    v->unbind, c->unbind_timeout_ms / 1000, c->unbind_timeout_ms % 1000,
		    who[0] ? " (" : " (nothing visible in /proc holds it", who[0] ? who : "", ")");
}

/* Where the device is now: 1 there, 0 not yet, -ENODEV gone. When final is
 * set, the last look: VB_TARGET_BACK then accepts "no driver". */
static int check(struct vb_rebind *v, int final)
{
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
	if (!*v->target && v->want[0])
		return !strcmp(v->driver, v->want);
	if (!*v->target)
		return vb_driver_is_vfio(v->driver) ? 0 : (v->driver[0] || final);
	if (!strcmp(v->target, VB_TARGET_NONE))
		return !v->driver[0];
	if (strcmp(v->driver, v->target))
		return 0;
	if (!vb_driver_is_vfio(v->target))
		return 1;
	if (v->group < 0)
		return 0;
	/* The group's node, else (a kernel without the group interface) the
	 * device's cdev: a VM opens one of them (lib/pci/vfio). */
	return vb_vfio_node(v->addr, v->node, sizeof(v->node));
}

static int verify_failed(struct vb_rebind_ctx *c, struct vb_rebind *v)
{
	struct vb_pciids id;
	int bridge = vb_pcidev_ids(v->addr, &id) == 0 && vb_pcidev_is_bridge(v->addr, id.class);

	const char *want = *v->target ? v->target : v->want;
	char p[VB_PATH_MAX];

	if (!*v->target && v->want[0] && v->driver[0] && !vb_driver_is_vfio(v->driver))
		return fail(c, v, "verify", -EBUSY, "%s took it instead of %s", v->driver, v->want);
	if (*want && strcmp(want, VB_TARGET_NONE) && !v->driver[0] &&
	    vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/drivers/%s", want) == 0 &&
	    !vb_sysfs_exists(p))
		return fail(c, v, "verify", -ENXIO, "%s is not loaded (no /sys/bus/pci/drivers/%s): "
			    "nothing bound it", want, want);
	if (!*v->target && v->want[0] && !v->driver[0])
		return fail(c, v, "verify", -ENXIO, "%s did not bind it although drivers_probe "
			    "reported success: its probe failed (see dmesg)", v->want);
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
	if (vb_driver_is_vfio(v->target) && v->group < 0)
		return fail(c, v, "verify", -ENXIO, "%s did not bind it: without an IOMMU group its "
			    "probe fails unless no-IOMMU mode is on and the kernel has "
			    "CONFIG_VFIO_NOIOMMU (drivers_probe reported success; this is not a claim)",
			    v->target);
	return fail(c, v, "verify", -ENXIO, "%s did not bind it although drivers_probe reported "
		    "success: its probe failed (see dmesg)", v->target);
}

/* Poll until every device is where it should be. Real PCI probing is
 * synchronous (drivers_probe returns after the probe), so on a real kernel
 * the first look normally settles it; the bounded poll covers devtmpfs
 * creating /dev/vfio/N a moment later (and the test suite's fake kernel,
 * which applies writes from another process). */
static int verify(struct vb_rebind_ctx *c, struct vb_rebind *v, size_t n)
{
	long long end = vb_now_ms() + c->probe_wait_ms;
	long us = 0;
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
		poll_step(&us);
	}
}

static int wait_driver(const char *addr, const char *want, long ms)
{
	long long end = vb_now_ms() + ms;
	long us = 0;
	char drv[VB_DRV_LEN];

	for (;;) {
		if (vb_pcidev_driver(addr, drv, sizeof(drv)) == 0 && !strcmp(drv, want))
			return 0;
		if (vb_now_ms() >= end)
			return -ETIMEDOUT;
		poll_step(&us);
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
		r = vb_unbind(c->act, v->addr, cur, c->unbind_timeout_ms, &pend);
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
		if (vb_pcidev_override(v->addr, ov, sizeof(ov)) < 0 || strcmp(ov, v->old_override)) {
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
	vb_appendf(v->state, sizeof(v->state), "%s%s, %s%s (before: %s%s, %s%s); an unbind (pid %d) "
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
		vb_pcidev_override(v->addr, ov, sizeof(ov));
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
	vb_appendf(v->state, sizeof(v->state), " (before: %s%s, %s%s)",
		v->old_override[0] ? "driver_override " : "no driver_override", v->old_override,
		v->old_driver[0] ? "bound to " : "no driver", v->old_driver);
	if (why[0])
		vb_appendf(v->state, sizeof(v->state), "; %s", why);
	return -EIO;
}

/* Who holds the devices about to be unbound, before anything is written. */
static int holders_check(struct vb_rebind_ctx *c, const struct vb_rebind *v, size_t n)
{
	char who[VB_TEXT_LEN / 2];
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		if (!v[i].unbind[0])
			continue;
		r = vb_holders_check(c->act, v[i].addr, v[i].unbind, c->force, who, sizeof(who));
		if (r > 0 && c->force && !dry(c) && c->forced)
			c->forced(c, &v[i], who);
		if (r >= 0)
			continue;
		vb_strlcpy(c->fail_addr, v[i].addr, sizeof(c->fail_addr));
		vb_strlcpy(c->fail_step, "holders", sizeof(c->fail_step));
		snprintf(c->fail_detail, sizeof(c->fail_detail), "held by %s: stop them first, or "
			 "--force (the unbind then waits at most %.1f s); nothing changed", who,
			 (double)c->unbind_timeout_ms / 1000.0);
		c->fail_err = -EBUSY;
		return -EBUSY;
	}
	return 0;
}

/* ---- what a VM needs beyond the driver link ------------------------------ */

int vb_rebind_backend(struct vb_rebind_ctx *c, const char *addr)
{
	struct vb_rebind who;
	const char *name;
	char rel[128] = "?", step[48];
	int status, nomod, was, r;

	if (c->backend_ready)
		return 0;
	memset(&who, 0, sizeof(who));
	vb_strlcpy(who.addr, addr, sizeof(who.addr));
	r = vb_vfio_backend_ready(c->act, &name, &status, &nomod, &was);
	snprintf(step, sizeof(step), "modprobe %s", name);
	if (r < 0 && dry(c)) {
		/* No modprobe here, or no module: still show the step of the
		 * plan (a missing module stays an error the caller reports). */
		char *argv[] = { "modprobe", (char *)name, NULL };
		int shown = vb_act_run(c->act, argv);
		if (!nomod)
			r = shown;
	}
	if (r < 0) {
		vb_kmod_release(rel, sizeof(rel));
		if (nomod)
			return fail(c, &who, step, r, "no IOMMU backend for a VM on kernel %s: "
				    "vfio_iommu_type1 is not loaded, not built in, not in "
				    "/lib/modules/%s/modules.dep(.bin), and neither is iommufd", rel, rel);
		if (r == -ENOENT)
			return fail(c, &who, step, r, "%s (the IOMMU backend a VM needs) is not loaded "
				    "and there is no modprobe to load it (looked in /sbin, /usr/sbin, "
				    "/usr/bin, /bin and /proc/sys/kernel/modprobe)", name);
		if (r == -ENOPKG)
			return fail(c, &who, step, r, "modprobe exited with status %d and %s (the "
				    "IOMMU backend a VM needs, kernel %s) is not loaded", status, name,
				    (vb_kmod_release(rel, sizeof(rel)), rel));
		return fail(c, &who, step, r, "%s", strerror(-r));
	}
	if (was)
		vb_act_note(c->act, "%s (the IOMMU backend a VM needs) is loaded already", name);
	c->backend_ready = 1;
	return 0;
}

/* The reason a step of the open failed, in words. */
static void open_reason(const struct vb_vfio_open *o, int g, char *buf, size_t n)
{
	const char *e = strerror(-o->err);

	switch (o->step) {
	case VB_VFIO_STEP_CONTAINER:
		if (o->err == -ENOTTY)
			snprintf(buf, n, "/dev/vfio/vfio is not a character device");
		else
			snprintf(buf, n, "%s: vfio's container device is missing", e);
		return;
	case VB_VFIO_STEP_API:
		snprintf(buf, n, "the kernel's VFIO API version is %ld, QEMU wants %d", o->api, 0);
		return;
	case VB_VFIO_STEP_EXTENSION:
		snprintf(buf, n, "the container offers no type1 IOMMU: no IOMMU backend "
			 "(vfio_iommu_type1 or iommufd) is loaded");
		return;
	case VB_VFIO_STEP_GROUP:
		if (o->err == -ENOTTY)
			snprintf(buf, n, "/dev/vfio/%d is not a character device", g);
		else if (o->err == -ENOENT)
			snprintf(buf, n, "/dev/vfio/%d is gone", g);
		else
			snprintf(buf, n, "%s", e);
		return;
	case VB_VFIO_STEP_SET_IOMMU:
		if (o->err == -ENODEV)
			snprintf(buf, n, "%s: no IOMMU backend (vfio_iommu_type1 or iommufd) takes "
				 "the container", e);
		else if (o->err == -EPERM)
			snprintf(buf, n, "%s: the IOMMU refused the container (without interrupt "
				 "remapping vfio_iommu_type1 refuses it unless "
				 "vfio_iommu_type1.allow_unsafe_interrupts=1)", e);
		else
			snprintf(buf, n, "%s", e);
		return;
	}
	snprintf(buf, n, "%s", e);
}

/* A step of the cdev verification failed, in words. */
static void cdev_reason(const struct vb_vfio_open *o, char *buf, size_t n)
{
	const char *e = strerror(-o->err);

	switch (o->step) {
	case VB_VFIO_STEP_CDEV:
		snprintf(buf, n, "%s has no vfio-dev/vfioN/dev and there is no /dev/vfio/vfio: "
			 "the kernel offers neither the group interface nor the device cdev for it",
			 o->dev);
		return;
	case VB_VFIO_STEP_CDEV_OPEN:
		if (o->err == -ENOENT)
			snprintf(buf, n, "%s is missing (no devtmpfs on /dev?)", o->node);
		else if (o->err == -ENOTTY)
			snprintf(buf, n, "%s is not a character device", o->node);
		else if (o->err == -ENXIO)
			snprintf(buf, n, "%s is not the device's node: vfio-dev says %u:%u (a stale "
				 "node)", o->node, o->want_maj, o->want_min);
		else if (o->err == -ENODEV)
			snprintf(buf, n, "%s: the kernel says the device is not registered with vfio",
				 o->node);
		else
			snprintf(buf, n, "%s: %s", o->node, e);
		return;
	case VB_VFIO_STEP_IOMMUFD:
		if (o->err == -ENOENT)
			snprintf(buf, n, "/dev/iommu is missing: iommufd (which a VM binds the cdev "
				 "to) is not loaded");
		else if (o->err == -ENOTTY)
			snprintf(buf, n, "/dev/iommu is not a character device");
		else
			snprintf(buf, n, "/dev/iommu: %s", e);
		return;
	}
	snprintf(buf, n, "%s", e);
}

/* The group through the device cdevs of its vfio members (vb_rebind_group_open). */
static int cdev_verify(struct vb_rebind_ctx *c, struct vb_rebind *who, int g, int *opened,
		       char *iommu, size_t iommu_n)
{
	struct vb_vfio_open o;
	char why[VB_TEXT_LEN - 200], step[48];
	char **m;
	size_t nm, i;
	int r, checked = 1;

	if ((r = vb_iommu_group_viable(g, why, sizeof(why))) == 0)
		return fail(c, who, vb_vfio_step_name(VB_VFIO_STEP_VIABLE), -EPERM, "IOMMU group %d "
			    "is not viable: %s keeps it (every member must be on a vfio driver or "
			    "no driver; the kernel refuses a VM's bind of the cdev then)", g, why);
	if (r < 0 || (r = vb_pcidev_group_members(g, &m, &nm)) < 0)
		return fail(c, who, "iommu_group", r, "IOMMU group %d: its members are unreadable: "
			    "%s", g, strerror(-r));
	for (i = 0, r = 0; i < nm && r == 0; i++) {
		char drv[VB_DRV_LEN];

		if (vb_pcidev_driver(m[i], drv, sizeof(drv)) < 0 || !vb_driver_is_vfio(drv))
			continue;
		if ((r = vb_vfio_cdev_open(m[i], &o)) < 0) {
			struct vb_rebind at = *who;
			vb_strlcpy(at.addr, o.dev[0] ? o.dev : m[i], sizeof(at.addr));
			snprintf(step, sizeof(step), "%s", vb_vfio_step_name(o.step));
			if (o.step == VB_VFIO_STEP_CDEV_OPEN && o.node[0])
				snprintf(step, sizeof(step), "open %.40s", o.node);
			cdev_reason(&o, why, sizeof(why));
			fail(c, &at, step, r, "IOMMU group %d, verified through the device cdev "
			     "(no group interface): %s", g, why);
		}
		checked &= o.checked;
	}
	vb_sysfs_list_free(m, nm);
	if (r < 0)
		return r;
	*opened = checked ? VB_OPENED_CDEV : VB_OPENED_CDEV_UNCHECKED;
	vb_strlcpy(iommu, "iommufd", iommu_n);
	return 0;
}

int vb_rebind_group_open(struct vb_rebind_ctx *c, int g, const char *addr, int *opened,
			 char *iommu, size_t iommu_n)
{
	struct vb_rebind who;
	struct vb_vfio_open o;
	char why[VB_TEXT_LEN - 200];
	int r;

	*opened = VB_OPENED_NA;
	if (iommu_n)
		iommu[0] = 0;
	memset(&who, 0, sizeof(who));
	vb_strlcpy(who.addr, addr, sizeof(who.addr));
	if (!vb_vfio_has_groups()) {
		char name[32];
		unsigned a, b;
		if (vb_vfio_cdev(addr, name, sizeof(name), &a, &b) == 0)
			return cdev_verify(c, &who, g, opened, iommu, iommu_n);
	}
	r = vb_vfio_group_open(g, &o);
	if (r == -EBUSY && o.step == VB_VFIO_STEP_GROUP) {
		*opened = VB_OPENED_BUSY;
		return 0;
	}
	if (r == 0) {
		*opened = o.checked ? VB_OPENED_OK : VB_OPENED_UNCHECKED;
		if (o.iommu)
			vb_strlcpy(iommu, o.iommu, iommu_n);
		return 0;
	}
	if (o.step == VB_VFIO_STEP_VIABLE) {
		if (vb_iommu_group_viable(g, why, sizeof(why)) == 0)
			return fail(c, &who, vb_vfio_step_name(o.step), r, "IOMMU group %d is not "
				    "viable: %s keeps it (every member must be on a vfio driver or "
				    "no driver)", g, why);
		return fail(c, &who, vb_vfio_step_name(o.step), r, "the kernel says IOMMU group %d "
			    "is not viable (a member is on a driver vfio does not accept: see "
			    "/sys/kernel/iommu_groups/%d/devices)", g, g);
	}
	open_reason(&o, g, why, sizeof(why));
	return fail(c, &who, vb_vfio_step_name(o.step), r, "IOMMU group %d, opened as QEMU "
		    "opens it: %s", g, why);
}

/* After the links are verified: open each group whose devices went to a
 * vfio driver, once per group, unless a member outside v[] keeps it from
 * being viable by the sysfs rule (--no-group, --hda=host, a put-back still
 * to come: the caller says so or opens it later). */
static int open_groups(struct vb_rebind_ctx *c, struct vb_rebind *v, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		v[i].opened = VB_OPENED_NA;
	for (i = 0; i < n; i++) {
		char why[VB_TEXT_LEN];
		int opened, r, g = v[i].group;

		if (!vb_driver_is_vfio(v[i].target) || g < 0 || v[i].opened != VB_OPENED_NA)
			continue;
		for (j = 0; j < i && !(v[j].group == g && vb_driver_is_vfio(v[j].target)); j++)
			;
		if (j < i)
			continue;
		if (!strncmp(v[i].node, "/dev/vfio/noiommu-", 18)) {
			opened = VB_OPENED_NOIOMMU;
		} else if (vb_iommu_group_viable(g, why, sizeof(why)) == 0) {
			/* The devices of v[] are on vfio now: what blocks is outside. */
			opened = VB_OPENED_PARTIAL;
		} else {
			if ((r = vb_rebind_group_open(c, g, v[i].addr, &opened, v[i].iommu,
						      sizeof(v[i].iommu))) < 0)
				return r;
		}
		for (j = i; j < n; j++)
			if (v[j].group == g) {
				v[j].opened = opened;
				vb_strlcpy(v[j].iommu, v[i].iommu, sizeof(v[j].iommu));
			}
	}
	return 0;
}

/* ---- the journal and signals -------------------------------------------- */

/* Write the journal of v[0..n) at phase (nothing when off or in a dry run). */
static int journal_put(struct vb_rebind_ctx *c, const struct vb_rebind *v, size_t n,
		       const char *phase)
{
	struct vb_journal *j;
	size_t i;
	int r;

	if (!c->journal || dry(c))
		return 0;
	if (n > VB_JOURNAL_MAX)
		return -E2BIG;
	j = vb_xcalloc(1, sizeof(*j));
	vb_strlcpy(j->op, c->op ? c->op : vb_msg_applet(), sizeof(j->op));
	j->pid = (long)getpid();
	j->started = (long long)time(NULL);
	vb_strlcpy(j->phase, phase, sizeof(j->phase));
	vb_strlcpy(j->record, c->record ? c->record : "none", sizeof(j->record));
	vb_strlcpy(j->hda, c->hda ? c->hda : "", sizeof(j->hda));
	j->n = n;
	for (i = 0; i < n; i++) {
		struct vb_journal_dev *d = &j->dev[i];
		size_t k = 0;

		vb_strlcpy(d->addr, v[i].addr, sizeof(d->addr));
		d->id = v[i].id;
		vb_strlcpy(d->driver, v[i].old_driver, sizeof(d->driver));
		vb_strlcpy(d->override, v[i].old_override, sizeof(d->override));
		vb_strlcpy(d->target, v[i].target, sizeof(d->target));
		vb_strlcpy(d->want, v[i].want, sizeof(d->want));
		if (v[i].done_override)
			d->done[k++] = 'o';
		if (v[i].done_unbind)
			d->done[k++] = 'u';
		if (v[i].done_probe)
			d->done[k++] = 'p';
	}
	r = vb_journal_write(j);
	free(j);
	return r;
}

/* A step's journal: after the first write the journal written before it
 * still says what to restore (vb_rebind_settle reads the devices' state, not
 * the done flags), so a later write that fails is not a reason to undo. */
static void journal_step(struct vb_rebind_ctx *c, const struct vb_rebind *v, size_t n,
			 const char *phase)
{
	(void)journal_put(c, v, n, phase);
}

/* The records the journal promises, once the transaction is done. */
static void records_done(const char *record, const char *hda, const struct vb_act *a,
			 struct vb_rebind *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		v[i].record_err = 0;
		if (record && !strcmp(record, "claim") && *v[i].target)
			v[i].record_err = vb_record_claimed(a, v[i].addr, &v[i].id, v[i].old_driver,
							    v[i].target, hda ? hda : "");
		else if (record && !strcmp(record, "remove"))
			v[i].record_err = vb_record_remove(a, v[i].addr);
	}
}

/* A signal caught (lib/base/sig): the run stops at the next step. */
static int interrupted(struct vb_rebind_ctx *c, const struct vb_rebind *v)
{
	char name[16];
	int s = vb_sig_caught();

	if (!s)
		return 0;
	c->signal = s;
	return fail(c, v, "signal", -EINTR, "%s (signal %d) arrived: stopped before the next step",
		    vb_sig_name(s, name, sizeof(name)), s);
}

int vb_rebind_touched(const struct vb_rebind *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].done_override || v[i].done_unbind || v[i].done_probe)
			return 1;
	return 0;
}

/* Step 3 for v->target, a vfio driver: registered (loaded or built in), else
 * modprobe it. vfio-pci is looked at once per context (c->module_ready). */
static int load_driver(struct vb_rebind_ctx *c, struct vb_rebind *v)
{
	char p[VB_PATH_MAX], step[40];
	int vfio_pci = !strcmp(v->target, VFIO_DRIVER), status = 0, r;

	if (vfio_pci && c->module_ready)
		return 0;
	if (vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/drivers/%s", v->target) == 0 &&
	    vb_sysfs_exists(p)) {
		c->module_ready |= vfio_pci;	/* registered: loaded or built in */
		return 0;
	}
	snprintf(step, sizeof(step), "modprobe %s", v->target);
	r = vb_kmod_load(c->act, v->target, &status);
	if (r < 0 && dry(c)) {
		/* No modprobe here: still show the step of the plan. */
		char *argv[] = { "modprobe", v->target, NULL };
		r = vb_act_run(c->act, argv);
	}
	if (r == -ENOENT)
		return fail(c, v, step, r, "no modprobe found (looked in /sbin, /usr/sbin, "
			    "/usr/bin, /bin and /proc/sys/kernel/modprobe)");
	if (r == -ETIMEDOUT)
		return fail(c, v, step, r, "modprobe did not finish within %ld.%03ld s (left "
			    "running)", vb_sysfs_wait() / 1000, vb_sysfs_wait() % 1000);
	if (r == -ENOPKG)
		return fail(c, v, step, r, "modprobe exited with status %d and %s is not loaded",
			    status, v->target);
	if (r < 0)
		return fail(c, v, step, r, "%s", strerror(-r));
	c->module_ready |= vfio_pci;
	return 0;
}

int vb_rebind_run(struct vb_rebind_ctx *c, struct vb_rebind *v, size_t n)
{
	char p[VB_PATH_MAX];
	size_t i;
	int r = 0, need_vfio = 0, need_backend = 0;

	c->fail_addr[0] = c->fail_step[0] = c->fail_detail[0] = 0;
	c->fail_err = 0;
	c->stuck = 0;
	c->signal = 0;
	for (i = 0; i < n; i++) {
		if (!v[i].id.vendor && !dry(c))
			vb_pcidev_ids(v[i].addr, &v[i].id);
		v[i].record_err = 0;
		v[i].done_override = v[i].done_unbind = v[i].done_probe = 0;
		v[i].pending = 0;
		v[i].gone = v[i].stuck = 0;
		v[i].state[0] = 0;
		v[i].opened = VB_OPENED_NA;
		if (v[i].probe && vb_driver_is_vfio(v[i].target))
			need_vfio = 1;
		/* No group: no-IOMMU mode, no VM. A device not on the bus yet (a
		 * dry run of recover) gets one when it comes back, if there is
		 * an IOMMU. */
		if (vb_driver_is_vfio(v[i].target) &&
		    (vb_pcidev_group(v[i].addr) >= 0 ||
		     (!vb_pcidev_exists(v[i].addr) && vb_iommu_on())))
			need_backend = 1;
	}
	/* A signal caught before the run (waiting for a modprobe of an earlier
	 * group, say): nothing starts. */
	if (n && !dry(c) && interrupted(c, &v[0]) < 0)
		return c->fail_err;
	if (c->holders && (r = holders_check(c, v, n)) < 0)
		return r;
	/* 0. The IOMMU backend a VM needs: vfio declares vfio_iommu_type1 only
	 * as a soft dependency, which busybox's modprobe does not follow.
	 * Before any write: a failure here changes nothing. */
	if (need_backend && n && vb_rebind_backend(c, v[0].addr) < 0 && !dry(c))
		return c->fail_err;	/* a dry run goes on: the caller warned */
	if (n && !dry(c) && interrupted(c, &v[0]) < 0)
		return c->fail_err;
	/* The journal before the first write: without it, nothing is written. */
	if (n && (r = journal_put(c, v, n, "driver_override")) < 0)
		return fail(c, &v[0], "journal", r, "%s could not be written (%s): nothing changed",
			    VB_JOURNAL_PATH, r == -E2BIG ? "more devices than it holds" :
			    strerror(-r));
	/* 1. Every override first: from here on no other driver can take them. */
	for (i = 0; i < n; i++) {
		if (!v[i].set_override)
			continue;
		if (!dry(c) && interrupted(c, &v[i]) < 0)
			goto undo;
		r = vb_act_dev_write(c->act, v[i].addr, "driver_override",
				     v[i].target[0] ? v[i].target : "\n");
		if (r < 0) {
			write_failed(c, &v[i], "driver_override", "driver_override", r);
			goto undo;
		}
		v[i].done_override = 1;
	}
	/* 2. Unbind, each with a bounded wait, all from one child process
	 * (a signal during the wait waits on: the wait is bounded, and an
	 * unbind given up on would finish behind the undo's back). */
	if (!dry(c) && interrupted(c, &v[0]) < 0)
		goto undo;
	journal_step(c, v, n, "unbind");
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
	/* The point of no return: from here on a signal is honoured once the
	 * transaction is finished (loading vfio-pci binds devices already). */
	if (!dry(c) && interrupted(c, &v[0]) < 0)
		goto undo;
	journal_step(c, v, n, "probe");
	/* 3. The vfio drivers loaded (modprobe by execve; built in counts as
	 * loaded): vfio-pci, or a variant driver (its module has the driver's
	 * name). Loading one binds every unbound device whose override names it. */
	for (i = 0; need_vfio && i < n; i++) {
		size_t j;

		if (!v[i].probe || !vb_driver_is_vfio(v[i].target))
			continue;
		for (j = 0; j < i && !(v[j].probe && !strcmp(v[j].target, v[i].target)); j++)
			;
		if (j < i)
			continue;	/* loaded for an earlier device */
		if ((r = load_driver(c, &v[i])) < 0)
			goto undo;
	}
	/* 4. drivers_probe: the override's driver takes it (or, with the
	 * override cleared, the host driver). */
	for (i = 0; i < n; i++) {
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
	journal_step(c, v, n, "verify");
	/* 5. Verify: drivers_probe says nothing about whether a driver bound. */
	if ((r = verify(c, v, n)) < 0)
		goto undo;
	/* 6. Each group opened as QEMU opens it: a VM can use it. */
	if ((r = open_groups(c, v, n)) < 0)
		goto undo;
	/* Done: the journal says so until the records are written, then goes. */
	if (c->journal && c->record) {
		journal_step(c, v, n, "done");
		records_done(c->record, c->hda, c->act, v, n);
	}
	if (c->journal)
		vb_journal_remove();
	if (vb_sig_caught())
		c->signal = vb_sig_caught();
	return 0;
undo:
	if (dry(c))
		return c->fail_err;
	for (i = n; i-- > 0;)
		undo_one(c, &v[i]);
	/* Undone: nothing to settle. Stuck: the journal stays for the next
	 * applet (and doctor) to see. */
	if (c->journal && c->stuck)
		journal_step(c, v, n, "stuck");
	else if (c->journal)
		vb_journal_remove();
	return c->fail_err;
}

int vb_rebind_settle(struct vb_rebind_ctx *c, const struct vb_journal *j, struct vb_rebind *v,
		     int *finished)
{
	struct vb_rebind *w = vb_xcalloc(j->n ? j->n : 1, sizeof(*w));
	size_t i, k = 0, gone = 0;
	int r = 0, journal = c->journal;

	*finished = !strcmp(j->phase, "done");
	c->fail_addr[0] = c->fail_step[0] = c->fail_detail[0] = 0;
	c->fail_err = 0;
	c->stuck = 0;
	for (i = 0; i < j->n; i++) {
		const struct vb_journal_dev *d = &j->dev[i];
		struct vb_rebind_keep keep;

		memset(&v[i], 0, sizeof(v[i]));
		vb_strlcpy(v[i].addr, d->addr, sizeof(v[i].addr));
		v[i].group = -1;
		if (*finished) {
			/* the state the transaction left: as planned */
			vb_strlcpy(v[i].target, d->target, sizeof(v[i].target));
			vb_strlcpy(v[i].old_driver, d->driver, sizeof(v[i].old_driver));
			vb_strlcpy(v[i].old_override, d->override, sizeof(v[i].old_override));
			v[i].id = d->id;
			if (vb_pcidev_driver(d->addr, v[i].driver, sizeof(v[i].driver)) < 0)
				v[i].gone = 1;
			continue;
		}
		vb_strlcpy(keep.driver, d->driver, sizeof(keep.driver));
		vb_strlcpy(keep.override, d->override, sizeof(keep.override));
		/* back to what it had: its override and driver; a device that
		 * had neither is given back (off vfio-pci, probed) */
		r = !keep.driver[0] && !keep.override[0] ?
		    vb_rebind_plan(&v[i], d->addr, VB_TARGET_BACK) :
		    vb_rebind_plan_keep(&v[i], d->addr, &keep, NULL);
		v[i].id = d->id;
		if (r == -ENODEV) {
			v[i].gone = 1;
			gone++;
			r = 0;
			continue;
		}
		if (r < 0) {
			fail(c, &v[i], "plan", r, "cannot read its state: %s", vb_sysfs_strerror(r, NULL));
			goto out;
		}
		if (r > 0)
			w[k++] = v[i];
		r = 0;
	}
	if (*finished) {
		records_done(j->record, j->hda, c->act, v, j->n);
		r = vb_journal_remove();
		goto out;
	}
	c->journal = 0;
	if (k)
		r = vb_rebind_run(c, w, k);
	c->journal = journal;
	for (i = 0, k = 0; i < j->n; i++)
		if (!v[i].gone && !strcmp(v[i].addr, w[k].addr))
			v[i] = w[k++];
	if (r == 0 && !gone)
		r = vb_journal_remove();
out:
	free(w);
	return r;
}

int vb_rebind_keep_show(struct vb_rebind_ctx *c, const char *addr, const struct vb_rebind_keep *k,
			const char *guess)
{
	const char *want = vb_rebind_keep_driver(k);
	struct vb_rebind v;
	int r = vb_rebind_plan_keep(&v, addr, k, guess);

	if (r < 0)
		return r;
	if (!k->override[0])
		vb_act_note(c->act, "%s binds %s by itself when the kernel creates it%s", k->driver,
			    v.addr, r ? "; if another driver takes it, it is unbound from it and "
			    "probed again" : "");
	else if (*guess && strcmp(guess, want))
		vb_act_note(c->act, "the kernel forgets driver_override when it creates %s again, "
			    "and %s likely takes it", v.addr, guess);
	else
		vb_act_note(c->act, "the kernel forgets driver_override when it creates %s again; "
			    "a host driver that took it is unbound first (echo %s > "
			    "/sys/bus/pci/drivers/DRIVER/unbind)", v.addr, v.addr);
	if (r > 0 && vb_rebind_run(c, &v, 1) < 0)
		vb_act_note(c->act, "%s: %s: %s", c->fail_addr, c->fail_step, c->fail_detail);
	vb_act_note(c->act, "verify: %s is on %s", v.addr, *want ? want : "no driver");
	return 0;
}
