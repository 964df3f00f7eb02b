/* hda: NVIDIA HDA function on/off through config 0x488 bit 25 plus
 * remove/rescan. See hda.h (and FACTS.md, "NVIDIA HDA function"). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/act.h"
#include "pci/hda.h"
#include "pci/pciconf.h"
#include "pci/pciops.h"
#include "base/sysfs.h"
#include "base/util.h"

static int fn1_of(const char *gpu, char *out)
{
	struct vb_bdf b;

	if (vb_bdf_parse(gpu, &b) < 0)
		return -EINVAL;
	b.fn = 1;
	vb_bdf_format(&b, out);
	return 0;
}

int vb_hda_status(struct vb_pci *p, const char *gpu, struct vb_hda_status *st)
{
	uint8_t hdr;
	int r;

	memset(st, 0, sizeof(*st));
	if (fn1_of(gpu, st->fn1) < 0)
		return -EINVAL;
	if (!vb_pcidev_exists(gpu))
		return -ENODEV;
	st->fn1_present = vb_pcidev_exists(st->fn1);
	if (st->fn1_present) {
		if (vb_pcidev_ids(st->fn1, &st->fn1_id) < 0)
			memset(&st->fn1_id, 0, sizeof(st->fn1_id));
		vb_pcidev_driver(st->fn1, st->fn1_driver, sizeof(st->fn1_driver));
	}
	r = vb_pciconf_present(p, gpu);
	if (r < 0)
		return r;
	st->readable = r;
	if (!st->readable)
		return 0;
	if ((r = vb_pciconf_read8(p, gpu, VB_CFG_HEADER_TYPE, &hdr)) < 0)
		return r;
	st->multifunction = !!(hdr & VB_HDR_MULTIFUNCTION);
	if ((r = vb_pciconf_read32(p, gpu, VB_NV_HDA_REG, &st->reg)) < 0)
		return r;
	st->reg_ok = 1;
	st->bit = !!(st->reg & VB_NV_HDA_BIT);
	return 0;
}

int vb_hda_quirk(const char *release, unsigned device)
{
	unsigned major = 0, minor = 0, patch = 0;

	if (sscanf(release, "%u.%u.%u", &major, &minor, &patch) < 2)
		return 0;
	/* "PCI: Enable NVIDIA HDA controllers", v5.3; stable 4.19.129 */
	return (major > 5 || (major == 5 && minor >= 3) ||
		(major == 4 && minor == 19 && patch >= 129)) && device >= 0x08a0;
}

/* The bit as the device holds it now; -EIO if it does not read back as want. */
static int bit_is(struct vb_pci *p, const char *gpu, int want)
{
	uint32_t v;
	int r;

	if ((r = vb_pciconf_read32(p, gpu, VB_NV_HDA_REG, &v)) < 0)
		return r;
	return !!(v & VB_NV_HDA_BIT) == want ? 0 : -EIO;
}

static int set_bit(const struct vb_act *a, struct vb_pci *p, const char *gpu, int on)
{
	int r = vb_act_cfg32(a, p, gpu, VB_NV_HDA_REG, on ? VB_NV_HDA_BIT : 0, VB_NV_HDA_BIT);

	if (r < 0 || (a && a->dry_run))
		return r;
	return bit_is(p, gpu, on);
}

/* Wait until addr answers with its ids (VB_ANY: any), up to ms. */
static int wait_answers(struct vb_pci *p, const char *addr, unsigned ven, unsigned dev, long ms)
{
	long long end = vb_now_ms() + ms;

	for (;;) {
		if (vb_pciops_answers(p, addr, ven, dev) == 1)
			return 0;
		if (vb_now_ms() >= end)
			return -ETIMEDOUT;
		vb_sleep_ms(20);
	}
}

/* Put the re-enumerated GPU back on what held it (op->binding), through the
 * rebind transaction; a dry run shows it for the state the kernel gives a
 * device it creates (no driver_override, no driver known). */
static int put_back(const struct vb_act *a, struct vb_hda_op *op)
{
	struct vb_rebind_ctx c;
	struct vb_rebind v;
	int r;

	vb_rebind_ctx_init(&c, a);
	c.probe_wait_ms = 2000;
	/* Dry run: a new device with no override is bound by its host driver by
	 * itself; with one, which host driver takes it is not known. */
	r = a && a->dry_run ? vb_rebind_keep_show(&c, op->gpu, &op->binding,
						  op->binding.override[0] ? "" :
						  op->binding.driver) :
	    vb_rebind_plan_keep(&v, op->gpu, &op->binding, NULL);
	if (r < 0) {
		vb_strlcpy(op->bind_step, "plan", sizeof(op->bind_step));
		vb_strlcpy(op->bind_detail, r == -ENODEV ? "gone from the bus" : strerror(-r),
			   sizeof(op->bind_detail));
		return r;
	}
	if (a && a->dry_run)
		return 0;
	vb_strlcpy(op->bound, v.old_driver, sizeof(op->bound));
	if (r > 0)
		r = vb_rebind_run(&c, &v, 1);
	if (r < 0) {
		vb_strlcpy(op->bind_step, c.fail_step, sizeof(op->bind_step));
		vb_strlcpy(op->bind_detail, c.fail_detail, sizeof(op->bind_detail));
		vb_appendf(op->bind_detail, sizeof(op->bind_detail), "; %s%s",
			 c.stuck ? "undo failed, state left: " : "it is on ",
			 c.stuck ? v.state : v.driver[0] ? v.driver : "no driver");
		if (c.stuck) {
			op->undo_failed = 1;
			op->left = op->bind_detail;
		}
		return r;
	}
	vb_strlcpy(op->bound, v.driver, sizeof(op->bound));
	return 0;
}

static int hda_on(const struct vb_act *a, struct vb_pci *p, struct vb_hda_op *op)
{
	int dry = a && a->dry_run, r, set = 0;
	long wait = op->wait_ms > 0 ? op->wait_ms : 5000;
	char rescan[VB_PATH_MAX];
	struct vb_pciids id;
	uint8_t hdr;

	if (op->before.bit && op->before.fn1_present)
		return 0;
	if (!op->before.bit) {
		vb_act_note(a, "set bit 25 of 0x488 on %s", op->gpu);
		if ((r = set_bit(a, p, op->gpu, 1)) < 0) {
			op->step = VB_HDA_BIT;
			/* a write that did not stick changed nothing */
			return r;
		}
		set = 1;
		op->changed = 1;
	}
	if (op->before.fn1_present) {
		/* Listed already (hidden under the kernel's feet): exposing it
		 * is all it takes. */
		if (!dry && wait_answers(p, op->before.fn1, VB_ANY, VB_ANY, 1000) < 0) {
			op->step = VB_HDA_NOFN1;
			r = -EIO;
			goto undo_bit;
		}
		return 0;
	}

	/* Function 1 is not listed: the kernel has to scan the slot again. */
	op->changed = 1;
	if ((r = vb_pcidev_ids(op->gpu, &id)) < 0 ||
	    (r = vb_rebind_keep_get(op->gpu, &op->binding)) < 0 ||
	    (r = vb_pciops_rescan_attr(op->gpu, rescan, sizeof(rescan))) < 0) {
		op->step = VB_HDA_REMOVE;
		goto undo_bit;
	}
	/* A rescan looks at function 1 if the kernel took the GPU for
	 * multifunction when it created it (5.3+ with quirk_nvidia_hda
	 * do): then the GPU need not leave its driver. */
	vb_act_note(a, "a rescan finds %s if the kernel took %s for multifunction when it created "
		    "it (Linux 5.3+ do)", op->before.fn1, op->gpu);
	if ((r = vb_pciops_rescan(a, rescan)) < 0) {
		op->step = VB_HDA_RESCAN;
		goto undo_bit;
	}
	if (!dry && wait_answers(p, op->before.fn1, VB_ANY, VB_ANY, 300) == 0)
		return 0;
	vb_act_note(a, "if not: the kernel reads the multifunction bit only when it creates the "
		    "device: remove %s and rescan", op->gpu);
	if (!strcmp(op->binding.driver, "vfio-pci"))
		vb_act_note(a, "%s is on vfio-pci: the remove waits for a VM using it to let go",
			    op->gpu);
	if ((r = vb_pciops_remove(a, op->gpu, 500)) < 0) {
		op->step = VB_HDA_REMOVE;
		if (r == -EEXIST || !vb_pcidev_exists(op->gpu)) {
			/* the write went through but the device stays listed,
			 * or it went away after all: a rescan puts it right */
			vb_pciops_rescan(a, rescan);
		}
		goto undo_bit;
	}
	op->reenumerated = 1;
	if ((r = vb_pciops_rescan(a, rescan)) < 0) {
		char all[VB_PATH_MAX];
		if (vb_sysfs_path(all, sizeof(all), "/sys/bus/pci/rescan") < 0 ||
		    vb_pciops_rescan(a, all) < 0) {
			op->step = VB_HDA_RESCAN;
			op->undo_failed = 1;
			op->left = "the GPU is removed (rescan failed); bit 25 is set";
			return r;
		}
	}
	if (dry) {
		vb_act_note(a, "wait up to %ld ms for %s (%04x:%04x) and %s to appear; check the "
			    "multifunction bit (header type 0x0e bit 7)", wait, op->gpu, id.vendor,
			    id.device, op->before.fn1);
	} else {
		if (wait_answers(p, op->gpu, id.vendor, id.device, wait) < 0) {
			op->step = VB_HDA_BACK;
			op->undo_failed = 1;
			op->left = "the GPU did not come back after the rescan; bit 25 is set";
			return -ETIMEDOUT;
		}
		vb_pcidev_driver(op->gpu, op->took, sizeof(op->took));
		if (vb_pciconf_read8(p, op->gpu, VB_CFG_HEADER_TYPE, &hdr) == 0)
			op->multifunction_after = !!(hdr & VB_HDR_MULTIFUNCTION);
		if (wait_answers(p, op->before.fn1, VB_ANY, VB_ANY,
				 op->multifunction_after ? wait : 300) < 0) {
			op->step = VB_HDA_NOFN1;
			r = -ENODEV;
		}
	}
	/* The kernel dropped driver_override with the old device, and the host
	 * driver may have bound the new one: put the GPU back where it was. */
	if (!op->binding.driver[0] && !op->binding.override[0]) {
		vb_act_note(a, "%s had no driver: it keeps whatever the kernel binds", op->gpu);
	} else {
		int rb = put_back(a, op);
		if (rb < 0 && !r) {
			op->step = VB_HDA_BIND;
			return rb;
		}
	}
	if (r < 0)
		goto undo_bit;
	return 0;

undo_bit:
	if (set && !dry && vb_pcidev_exists(op->gpu) && set_bit(a, p, op->gpu, 0) < 0) {
		op->undo_failed = 1;
		op->left = "bit 25 stays set";
	}
	return r;
}

static int hda_off(const struct vb_act *a, struct vb_pci *p, struct vb_hda_op *op)
{
	char rescan[VB_PATH_MAX];
	int r;

	if (!op->before.bit && !op->before.fn1_present)
		return 0;
	op->changed = 1;
	vb_act_note(a, "remove the HDA function, then clear bit 25 of 0x488 on %s", op->gpu);
	if (op->before.fn1_present) {
		if ((r = vb_pciops_rescan_attr(op->before.fn1, rescan, sizeof(rescan))) < 0) {
			op->step = VB_HDA_REMOVE;
			return r;
		}
		if ((r = vb_pciops_remove(a, op->before.fn1, 500)) < 0) {
			op->step = VB_HDA_REMOVE;
			if (r == -EEXIST || !vb_pcidev_exists(op->before.fn1))
				vb_pciops_rescan(a, rescan);
			return r;
		}
	}
	if (op->before.bit && (r = set_bit(a, p, op->gpu, 0)) < 0) {
		op->step = VB_HDA_BIT;
		if (op->before.fn1_present && !(a && a->dry_run)) {
			/* bring function 1 back: the bit is still set */
			if (vb_pciops_rescan(a, rescan) < 0 ||
			    wait_answers(p, op->before.fn1, VB_ANY, VB_ANY, 2000) < 0) {
				op->undo_failed = 1;
				op->left = "the HDA function is removed; bit 25 may still be set";
			}
		}
		return r;
	}
	return 0;
}

int vb_hda_set(const struct vb_act *a, struct vb_pci *p, struct vb_hda_op *op)
{
	struct vb_power_save bridge_pw, gpu_pw;
	char parent[VB_BDF_LEN];
	int r;

	op->changed = op->reenumerated = op->undo_failed = op->multifunction_after = 0;
	op->left = NULL;
	op->step = VB_HDA_OK;
	op->took[0] = 0;
	memset(&op->binding, 0, sizeof(op->binding));
	op->bound[0] = op->bind_step[0] = op->bind_detail[0] = 0;
	memset(&bridge_pw, 0, sizeof(bridge_pw));
	memset(&gpu_pw, 0, sizeof(gpu_pw));
	if (!vb_pcidev_exists(op->gpu))
		return -ENODEV;
	if ((r = vb_pcidev_parent(op->gpu, parent)) < 0)
		return r;
	/* Wake the path first: the bridge, then the GPU. */
	op->step = VB_HDA_WAKE;
	if (parent[0] && (r = vb_pciops_power_on(a, parent, &bridge_pw)) < 0)
		return r;
	if ((r = vb_pciops_power_on(a, op->gpu, &gpu_pw)) < 0)
		goto out;
	if ((r = vb_hda_status(p, op->gpu, &op->before)) < 0) {
		if (r == -EIO)
			op->step = VB_HDA_BIT;	/* 0x488 is out of reach */
		goto out;
	}
	if (!op->before.readable) {
		r = -EIO;
		goto out;
	}
	op->step = VB_HDA_OK;
	r = op->on ? hda_on(a, p, op) : hda_off(a, p, op);
	if (!(a && a->dry_run) && vb_pcidev_exists(op->gpu))
		vb_hda_status(p, op->gpu, &op->after);
out:
	vb_pciops_power_restore(a, &gpu_pw);
	vb_pciops_power_restore(a, &bridge_pw);
	return r;
}
