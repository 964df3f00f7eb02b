/* fb: firmware framebuffers inside a device's BARs. See fb.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/act.h"
#include "base/sysfs.h"
#include "base/util.h"
#include "pci/fb.h"
#include "pci/pcidev.h"

#define NBARS 6

static const char *const fb_names[] = {
	"efifb", "vesafb", "simpledrm", "simple-framebuffer", "vesa-framebuffer", "BOOTFB",
};

static int is_fb(const char *name)
{
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(fb_names); i++)
		if (!strncmp(name, fb_names[i], strlen(fb_names[i])))
			return 1;
	return 0;
}

const char *vb_fb_param(const char *name)
{
	if (!strncmp(name, "efifb", 5))
		return "video=efifb:off";
	if (!strncmp(name, "vesafb", 6))
		return "video=vesafb:off";
	/* simpledrm, simple-framebuffer and BOOTFB come from sysfb. */
	return "initcall_blacklist=sysfb_init";
}

int vb_fb_vfio_removes(unsigned class)
{
	return (class >> 8) == 0x0300;
}

int vb_fb_find(const char *addr, struct vb_fb *fb, size_t max)
{
	unsigned long long bs[NBARS] = { 0 }, be[NBARS] = { 0 };
	char p[VB_PATH_MAX], *line = NULL;
	size_t cap = 0, n = 0;
	int i, hidden = 0, total = 0;
	FILE *f;

	if (vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/devices/%s/resource", addr) < 0)
		return -ENAMETOOLONG;
	if (!(f = fopen(p, "re")))
		return -errno;
	for (i = 0; i < NBARS && getline(&line, &cap, f) > 0; i++) {
		unsigned long long fl;
		if (sscanf(line, "%llx %llx %llx", &bs[i], &be[i], &fl) != 3 || !be[i])
			bs[i] = be[i] = 0;
	}
	fclose(f);
	if (vb_sysfs_path(p, sizeof(p), "/proc/iomem") < 0) {
		free(line);
		return -ENAMETOOLONG;
	}
	if (!(f = fopen(p, "re"))) {
		i = -errno;
		free(line);
		return i;
	}
	/* The nesting: a BAR is a resource named by its device's address, and
	 * a framebuffer inside it is its child. */
	char anc[8][VB_BDF_LEN + 8];
	int depth_of[8] = { 0 };
	while (getline(&line, &cap, f) > 0) {
		unsigned long long s, e;
		char *name = strstr(line, " : ");
		int off = 0, ind = (int)strspn(line, " "), lvl, mine = 0, other = 0, k;

		if (!name || sscanf(line, " %llx-%llx%n", &s, &e, &off) != 2)
			continue;
		total++;
		lvl = ind / 2 < 8 ? ind / 2 : 7;
		vb_strlcpy(anc[lvl], name + 3, sizeof(anc[lvl]));
		anc[lvl][strcspn(anc[lvl], "\n")] = 0;
		depth_of[lvl] = 1;
		for (k = lvl + 1; k < 8; k++)
			depth_of[k] = 0;
		for (k = 0; k < lvl; k++) {
			char canon[VB_BDF_LEN];
			if (!depth_of[k])
				continue;
			if (!strcmp(anc[k], addr))
				mine = 1;
			else if (vb_bdf_canon(anc[k], canon) == 0 && !strcmp(canon, anc[k]))
				other = 1;	/* inside another device's BAR */
		}
		if (!s && !e) {
			hidden++;	/* zeros: not root */
			continue;
		}
		name += 3;
		name[strcspn(name, "\n")] = 0;
		if (!is_fb(name) || (other && !mine))
			continue;
		for (i = 0; i < NBARS; i++) {
			if (!be[i] || s < bs[i] || e > be[i])
				continue;
			if (n < max) {
				vb_strlcpy(fb[n].name, name, sizeof(fb[n].name));
				fb[n].start = s;
				fb[n].end = e;
				fb[n].bar = i;
			}
			n++;
			break;
		}
	}
	free(line);
	fclose(f);
	if (total && hidden == total)
		return -EACCES;
	return n < max ? (int)n : (int)max;
}

/* ---- the release before a claim, and the put-back ------------------------ */

/* The sysfb platform devices (drivers/firmware/sysfb.c, sysfb_simplefb.c):
 * one at most exists, named after the kind of framebuffer, id 0. */
static const char *const fb_pdevs[] = {
	"simple-framebuffer.0", "efi-framebuffer.0", "vesa-framebuffer.0",
	"platform-framebuffer.0",
};

static int pdev_driver(const char *pdev, char *drv, size_t n)
{
	char p[VB_PATH_MAX];
	int r;

	if ((r = vb_sysfs_path(p, sizeof(p), "/sys/bus/platform/devices/%s/driver", pdev)) < 0)
		return r;
	r = vb_sysfs_link_name(p, drv, n);
	if (r == -ENOENT) {
		*drv = 0;
		return 0;
	}
	return r < 0 ? r : 0;
}

static int pdev_exists(const char *pdev)
{
	char p[VB_PATH_MAX];

	return vb_sysfs_path(p, sizeof(p), "/sys/bus/platform/devices/%s", pdev) == 0 &&
	       vb_sysfs_exists(p);
}

/* The platform device a range belongs to: the one its name says (the
 * driver's request: efifb, vesafb, simplefb, simpledrm's), else the one
 * sysfb made (BOOTFB). */
static void find_pdev(struct vb_fb_rel *r)
{
	const char *want = NULL;
	size_t i;
	int k;

	for (k = 0; k < r->nfb && !want; k++) {
		const char *n = r->fb[k].name;
		if (!strncmp(n, "efifb", 5))
			want = "efi-framebuffer.0";
		else if (!strncmp(n, "vesafb", 6) || !strncmp(n, "vesa-framebuffer", 16))
			want = "vesa-framebuffer.0";
		else if (!strncmp(n, "simple", 6))
			want = "simple-framebuffer.0";
	}
	r->pdev[0] = 0;
	if (want && pdev_exists(want))
		vb_strlcpy(r->pdev, want, sizeof(r->pdev));
	for (i = 0; i < VB_ARRAY_SIZE(fb_pdevs) && !r->pdev[0]; i++)
		if (pdev_exists(fb_pdevs[i]))
			vb_strlcpy(r->pdev, fb_pdevs[i], sizeof(r->pdev));
}

/* The vtconsoles bound to the framebuffer console (fbcon names itself
 * "frame buffer device"; "(M)" or "(S)" before it). */
static int find_vtcons(struct vb_fb_rel *r)
{
	char p[VB_PATH_MAX], v[128], **names;
	size_t i, n;
	int rc;

	r->nvtcon = 0;
	if ((rc = vb_sysfs_path(p, sizeof(p), "/sys/class/vtconsole")) < 0)
		return rc;
	rc = vb_sysfs_list(p, &names, &n);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	for (i = 0; i < n; i++) {
		unsigned long num;
		if (strncmp(names[i], "vtcon", 5) || vb_parse_ulong(names[i] + 5, 10, 1000, &num) < 0)
			continue;
		if (vb_sysfs_path(p, sizeof(p), "/sys/class/vtconsole/%s/name", names[i]) < 0 ||
		    vb_sysfs_read(p, v, sizeof(v)) < 0 || !strstr(v, "frame buffer device"))
			continue;
		if (vb_sysfs_path(p, sizeof(p), "/sys/class/vtconsole/%s/bind", names[i]) < 0 ||
		    vb_sysfs_read(p, v, sizeof(v)) < 0 || strcmp(v, "1"))
			continue;
		if (r->nvtcon < VB_FB_VTCONS)
			r->vtcon[r->nvtcon++] = (int)num;
	}
	vb_sysfs_list_free(names, n);
	return 0;
}

int vb_fb_plan(struct vb_fb_rel *r, const char *addr, unsigned class, int boot_vga)
{
	int k, m, vga;

	memset(r, 0, sizeof(*r));
	vb_strlcpy(r->addr, addr, sizeof(r->addr));
	r->stays = -1;
	if ((class >> 16) != 0x03)
		return 0;
	m = vb_fb_find(addr, r->fb, VB_FB_MAX);
	if (m < 0)
		return m;
	r->nfb = m;
	if (!m)
		return 0;
	/* VGA class: vfio-pci unregisters the sysfb device (BOOTFB with it);
	 * the boot GPU's console is released first all the same, for a
	 * vfio-pci that does not (and so that vfio-release can bind it back
	 * when the device is still there). */
	vga = vb_fb_vfio_removes(class);
	if (vga && boot_vga != 1) {
		r->mode = VB_FB_VFIO;
		return 0;
	}
	for (k = 0; k < m && !vga; k++)
		if (!strcmp(r->fb[k].name, "BOOTFB"))
			r->stays = k;
	find_pdev(r);
	if (r->pdev[0] && (k = pdev_driver(r->pdev, r->driver, sizeof(r->driver))) < 0)
		return k;
	if (r->stays >= 0) {
		r->mode = VB_FB_STAYS;
		return 0;
	}
	if (!r->pdev[0] || !r->driver[0]) {
		r->mode = vga ? VB_FB_VFIO : VB_FB_NODEV;
		return 0;
	}
	if ((k = find_vtcons(r)) < 0)
		return k;
	r->mode = VB_FB_RELEASE;
	return 1;
}

static void set_fail(struct vb_fb_rel *r, const char *path, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void set_fail(struct vb_fb_rel *r, const char *path, int err, const char *fmt, ...)
{
	va_list ap;

	vb_strlcpy(r->fail_step, vb_sysfs_unroot(path), sizeof(r->fail_step));
	r->fail_err = err;
	va_start(ap, fmt);
	vsnprintf(r->fail_detail, sizeof(r->fail_detail), fmt, ap);
	va_end(ap);
}

/* The platform device's driver is want ("" none) within ms: the kernel's
 * bind and unbind are done when the write returns; a fake tree's are not. */
static int wait_pdev(const char *pdev, const char *want, long ms)
{
	long long end = vb_now_ms() + ms;
	char drv[VB_DRV_LEN];

	for (;;) {
		if (pdev_driver(pdev, drv, sizeof(drv)) == 0 && !strcmp(drv, want))
			return 0;
		if (vb_now_ms() >= end)
			return -ETIMEDOUT;
		vb_sleep_ms(5);
	}
}

static int vtcon_write(const struct vb_act *a, struct vb_fb_rel *r, int num, const char *val)
{
	char p[VB_PATH_MAX];
	int e;

	if ((e = vb_sysfs_path(p, sizeof(p), "/sys/class/vtconsole/vtcon%d/bind", num)) < 0)
		return e;
	if ((e = vb_act_write(a, p, val)) < 0)
		set_fail(r, p, e, "vtcon%d: %s", num, vb_sysfs_strerror(e, "bind"));
	return e;
}

int vb_fb_release(const struct vb_act *a, struct vb_fb_rel *r)
{
	char p[VB_PATH_MAX];
	int e;

	if (r->mode != VB_FB_RELEASE)
		return 0;
	for (; r->done_vtcon < r->nvtcon; r->done_vtcon++)
		if ((e = vtcon_write(a, r, r->vtcon[r->done_vtcon], "0")) < 0)
			goto undo;
	if ((e = vb_sysfs_path(p, sizeof(p), "/sys/bus/platform/drivers/%s/unbind", r->driver)) < 0)
		goto undo;
	if ((e = vb_act_write(a, p, r->pdev)) < 0) {
		set_fail(r, p, e, "%s: %s", r->pdev, vb_sysfs_strerror(e, "unbind"));
		goto undo;
	}
	r->done_unbind = 1;
	if (!(a && a->dry_run) && wait_pdev(r->pdev, "", 1000) < 0) {
		char drv[VB_DRV_LEN] = "";
		pdev_driver(r->pdev, drv, sizeof(drv));
		r->done_unbind = strcmp(drv, r->driver) != 0;
		e = -EBUSY;
		set_fail(r, p, e, "%s is still bound to %s after the unbind", r->pdev,
			 drv[0] ? drv : "a driver");
		goto undo;
	}
	return 0;
undo:
	{
		/* Keep the first failure's words; the undo's own are lost only
		 * when it fails too, and then done_* say what is left. */
		char step[sizeof(r->fail_step)], detail[sizeof(r->fail_detail)];
		int err = r->fail_err ? r->fail_err : e;

		memcpy(step, r->fail_step, sizeof(step));
		memcpy(detail, r->fail_detail, sizeof(detail));
		vb_fb_restore(a, r);
		memcpy(r->fail_step, step, sizeof(step));
		memcpy(r->fail_detail, detail, sizeof(detail));
		r->fail_err = err;
		return err;
	}
}

int vb_fb_restore(const struct vb_act *a, struct vb_fb_rel *r)
{
	char p[VB_PATH_MAX], drv[VB_DRV_LEN] = "";
	int e, rc = 0;

	r->gone = 0;
	if (r->done_unbind) {
		if (!pdev_exists(r->pdev)) {
			r->gone = 1;
			r->done_unbind = 0;
			rc = -ENODEV;
		} else if (pdev_driver(r->pdev, drv, sizeof(drv)) == 0 && !strcmp(drv, r->driver)) {
			r->done_unbind = 0;	/* bound again already */
		} else if ((e = vb_sysfs_path(p, sizeof(p), "/sys/bus/platform/drivers/%s/bind",
					      r->driver)) < 0) {
			rc = e;
		} else if ((e = vb_act_write(a, p, r->pdev)) < 0) {
			set_fail(r, p, e, "%s: %s", r->pdev, vb_sysfs_strerror(e, "bind"));
			rc = e;
		} else if (!(a && a->dry_run) && wait_pdev(r->pdev, r->driver, 1000) < 0) {
			set_fail(r, p, -EIO, "%s: %s did not take it", r->pdev, r->driver);
			rc = -EIO;
		} else {
			r->done_unbind = 0;
		}
	}
	while (r->done_vtcon > 0) {
		if ((e = vtcon_write(a, r, r->vtcon[r->done_vtcon - 1], "1")) < 0) {
			if (!rc || rc == -ENODEV)
				rc = e;
			break;
		}
		r->done_vtcon--;
	}
	return rc;
}

int vb_fb_from_record(struct vb_fb_rel *r, const char *addr, const char *pdev,
		      const char *driver, const char *vtcons)
{
	const char *s = vtcons;

	memset(r, 0, sizeof(*r));
	r->stays = -1;
	if (vb_strlcpy(r->addr, addr, sizeof(r->addr)) < 0 ||
	    vb_strlcpy(r->pdev, pdev, sizeof(r->pdev)) < 0 ||
	    vb_strlcpy(r->driver, driver, sizeof(r->driver)) < 0 ||
	    strchr(pdev, '/') || strchr(driver, '/') || !strcmp(pdev, "..") || !strcmp(driver, ".."))
		return -EINVAL;
	while (*s) {
		char *end;
		unsigned long v = strtoul(s, &end, 10);
		if (end == s || v > 1000 || (*end && *end != ',') || r->nvtcon == VB_FB_VTCONS)
			return -EINVAL;
		r->vtcon[r->nvtcon++] = (int)v;
		s = *end ? end + 1 : end;
	}
	r->done_vtcon = r->nvtcon;
	r->done_unbind = pdev[0] && driver[0];
	if (pdev[0] && !driver[0])
		return -EINVAL;
	r->mode = VB_FB_RELEASE;
	return 0;
}

void vb_fb_vtcons_text(const struct vb_fb_rel *r, char *buf, size_t n)
{
	int k;

	if (n)
		*buf = 0;
	for (k = 0; k < r->done_vtcon; k++)
		vb_appendf(buf, n, "%s%d", k ? "," : "", r->vtcon[k]);
}
