/* bind: driver_override + unbind + drivers_probe + verify. See bind.h.
 *
 * Kernel ABI: /sys/bus/pci/devices/ADDR/driver_override ("(null)" when
 * unset, "\n" clears it), /sys/bus/pci/drivers/NAME/unbind,
 * /sys/bus/pci/drivers_probe, the /sys/bus/pci/devices/ADDR/driver link. */
#include <errno.h>
#include <string.h>

#include "base/act.h"
#include "pci/kmod.h"
#include "pci/pcidev.h"
#include "pci/bind.h"
#include "base/sysfs.h"
#include "base/util.h"

static int driver_registered(const char *name)
{
	char p[VB_PATH_MAX];

	if (strchr(name, '/') || strstr(name, ".."))
		return 0;
	return vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/drivers/%s", name) == 0 &&
	       vb_sysfs_exists(p);
}

int vb_bind_to(const struct vb_act *a, const char *addr, const char *override,
	       const char *expect, long verify_ms, struct vb_bind_result *res)
{
	char canon[VB_BDF_LEN], p[VB_PATH_MAX], cur_ovr[64];
	int dry = a && a->dry_run, r;
	long long end;

	memset(res, 0, sizeof(*res));
	if (vb_bdf_canon(addr, canon) < 0)
		return -EINVAL;
	if (!vb_pcidev_exists(canon))
		return -ENODEV;
	if ((r = vb_pcidev_driver(canon, res->before, sizeof(res->before))) < 0)
		return r;
	vb_strlcpy(res->after, res->before, sizeof(res->after));
	/* A host driver that is not registered cannot bind: say so before
	 * changing anything. vfio-pci is loaded below when it is missing. */
	if (expect && expect[0] && strcmp(expect, "vfio-pci") && !driver_registered(expect)) {
		res->step = "drivers_probe";
		return -ENXIO;
	}
	if (expect && !strcmp(expect, "vfio-pci") && !driver_registered("vfio-pci")) {
		int st = vb_kmod_state("vfio-pci");
		res->step = "modprobe";
		if (st == VB_KMOD_MISSING) {
			res->modprobe_status = -1;	/* not run: nothing to load */
			return -ENOPKG;
		}
		if (st == VB_KMOD_AVAILABLE && vb_kmod_modprobe(p, sizeof(p)) < 0)
			return -ENOENT;
	}

	res->step = "driver_override";
	if ((r = vb_pcidev_path(p, sizeof(p), canon, "driver_override")) < 0)
		return r;
	if (vb_sysfs_read(p, cur_ovr, sizeof(cur_ovr)) < 0 || !strcmp(cur_ovr, "(null)"))
		cur_ovr[0] = 0;
	if (strcmp(cur_ovr, override) && (r = vb_act_write(a, p, override[0] ? override : "\n")) < 0)
		return r;

	if (res->before[0] && expect && strcmp(res->before, expect)) {
		res->step = "unbind";
		if ((r = vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/drivers/%s/unbind",
				       res->before)) < 0)
			return r;
		if ((r = vb_act_write(a, p, canon)) < 0)
			return r;
		res->unbound = 1;
		res->after[0] = 0;
	}
	if (expect && !strcmp(expect, "vfio-pci") && !driver_registered("vfio-pci")) {
		res->step = "modprobe";
		r = vb_kmod_load(a, "vfio-pci", &res->modprobe_status);
		if (r < 0)
			return r;
	}
	/* Probe when the device is not yet where it should be; with no
	 * expectation, only when nothing holds it. */
	if (expect ? (expect[0] && strcmp(res->after, expect)) : !res->after[0]) {
		res->step = "drivers_probe";
		if ((r = vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/drivers_probe")) < 0)
			return r;
		if ((r = vb_act_write(a, p, canon)) < 0)
			return r;
	}

	res->step = "verify";
	if (dry) {
		vb_strlcpy(res->after, expect ? expect : res->before, sizeof(res->after));
		res->step = NULL;
		return 0;
	}
	end = vb_now_ms() + verify_ms;
	for (;;) {
		if (!vb_pcidev_exists(canon))
			return -ENODEV;
		if ((r = vb_pcidev_driver(canon, res->after, sizeof(res->after))) < 0)
			return r;
		if (!expect || !strcmp(res->after, expect))
			break;
		if (vb_now_ms() >= end)
			return -EPROTO;
		vb_sleep_ms(10);
	}
	res->step = NULL;
	return 0;
}

int vb_bind_get(const char *addr, struct vb_binding *b)
{
	char p[VB_PATH_MAX];
	int r;

	memset(b, 0, sizeof(*b));
	if ((r = vb_pcidev_driver(addr, b->driver, sizeof(b->driver))) < 0)
		return r;
	if ((r = vb_pcidev_path(p, sizeof(p), addr, "driver_override")) < 0)
		return r;
	if (vb_sysfs_read(p, b->override, sizeof(b->override)) < 0 ||
	    !strcmp(b->override, "(null)"))
		b->override[0] = 0;
	return 0;
}

int vb_bind_back(const struct vb_act *a, const char *addr, const struct vb_binding *b,
		 long verify_ms, struct vb_bind_result *res)
{
	const char *expect = b->driver[0] || b->override[0] ? b->driver : NULL;

	return vb_bind_to(a, addr, b->override, expect, verify_ms, res);
}

void vb_bind_plan_fresh(const struct vb_act *a, const char *addr, const struct vb_binding *b,
			const char *host_guess)
{
	char p[VB_PATH_MAX];
	int st;

	if (!b->driver[0] && !b->override[0]) {
		vb_act_note(a, "%s had no driver: it keeps whatever the kernel binds", addr);
		return;
	}
	if (!b->override[0]) {
		vb_act_note(a, "%s binds %s by itself when the kernel creates it; verify", b->driver,
			    addr);
		return;
	}
	vb_act_note(a, "the kernel forgets driver_override when it creates %s again", addr);
	if (vb_pcidev_path(p, sizeof(p), addr, "driver_override") == 0)
		vb_act_write(a, p, b->override);
	if (host_guess && host_guess[0] && strcmp(host_guess, b->driver)) {
		vb_act_note(a, "if %s took %s when it came back:", host_guess, addr);
		if (vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/drivers/%s/unbind", host_guess) == 0)
			vb_act_write(a, p, addr);
	} else {
		vb_act_note(a, "if a host driver took %s when it came back: "
			    "echo %s > /sys/bus/pci/drivers/DRIVER/unbind", addr, addr);
	}
	if (b->driver[0]) {
		if (!strcmp(b->driver, "vfio-pci") && !driver_registered("vfio-pci") &&
		    vb_kmod_load(a, "vfio-pci", &st) == -ENOENT)
			vb_act_note(a, "modprobe vfio-pci: no modprobe found (/sbin, /usr/sbin, "
				    "/usr/bin, /bin)");
		if (vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/drivers_probe") == 0)
			vb_act_write(a, p, addr);
	}
	vb_act_note(a, "verify: %s is on %s", addr, b->driver[0] ? b->driver : "no driver");
}
