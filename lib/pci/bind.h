/* bind: put a device on the driver it should have, and check it is there.
 *
 * The minimal binding recover and hda need after a device was re-enumerated
 * (the kernel drops driver_override when it creates the device again, and
 * the host driver binds at once). The order is the one that works
 * (FACTS.md): driver_override first, then unbind whatever holds the device,
 * load vfio-pci if it is the target and not loaded, write the address to
 * /sys/bus/pci/drivers_probe, and read the `driver` link back: drivers_probe
 * says success even when nothing bound.
 *
 * lib/claim (vfio-claim's engine, on its own branch) has the full
 * transaction with undo and bounded unbinds; this is the part recover and
 * hda need until that is on main, and is meant to be folded into it. */
#ifndef VB_BIND_H
#define VB_BIND_H

struct vb_act;

struct vb_bind_result {
	char before[64];	/* the driver bound when we started ("" none) */
	char after[64];		/* the driver bound at the end */
	int unbound;		/* we detached `before` */
	const char *step;	/* the step that failed: "driver_override",
				 * "unbind", "modprobe", "drivers_probe",
				 * "verify" */
	int modprobe_status;	/* modprobe's exit status when it failed; -1:
				 * not run, the kernel has no vfio-pci module */
};

/* override: the driver_override value ("vfio-pci", "none"), or "" to clear
 * it. expect: the driver the `driver` link must name at the end ("" for no
 * driver), or NULL to take whatever the kernel binds. verify_ms: how long
 * to wait for the link. Returns 0, -ENODEV (device gone), -ENOPKG with step
 * "modprobe" (the kernel has no vfio-pci, or modprobe ran and it is still
 * not loaded), -ENOENT with step "modprobe" (no modprobe), -ENXIO (expect
 * is no registered driver), -EPROTO (the link names res->after instead), or
 * -errno of a write (res->step). The checks that need no write (device,
 * driver registered or loadable, a modprobe to load it with) come first. */
int vb_bind_to(const struct vb_act *a, const char *addr, const char *override,
	       const char *expect, long verify_ms, struct vb_bind_result *res);

/* What held a device, remembered before it is removed so it can be put
 * back after the kernel creates it again. */
struct vb_binding {
	char driver[64];	/* "" unbound */
	char override[64];	/* driver_override, "" unset */
};

int vb_bind_get(const char *addr, struct vb_binding *b);
/* Put b back: driver_override as it was, and the same driver bound (for an
 * unbound device without an override: whatever the kernel binds). */
int vb_bind_back(const struct vb_act *a, const char *addr, const struct vb_binding *b,
		 long verify_ms, struct vb_bind_result *res);
/* For a dry run: print what vb_bind_back will do once the kernel has
 * created the device again (no driver_override, maybe a host driver bound:
 * host_guess when known, e.g. from a claim record). */
void vb_bind_plan_fresh(const struct vb_act *a, const char *addr, const struct vb_binding *b,
			const char *host_guess);

#endif
