/* select: which devices. The one reading of the selectors, used by
 * vfio-claim, vfio-release, doctor, recover and (through vfio-claim) every
 * early-boot hook.
 *
 * Selectors: a vfio-pci ids= list and addresses, from the operands; without
 * operands, the kernel command line (vfiobox.ids=, vfiobox.claim=,
 * vfiobox.hda=) if it names any, else /etc/vfiobox.conf (ids=, claim=, hda=;
 * lib/base/conf). Every value is checked the same way whatever its source:
 * an empty item, a bad address, a bad id or hda mode is an error that names
 * the key, the value and the source. On the kernel command line,
 * vfiobox.claim=off is the off switch (vb_select_off), not an address.
 *
 * The selected devices: those the selectors name, and (unless no_group) every
 * other member of their IOMMU groups, each with the reason it is in. */
#ifndef VB_SELECT_H
#define VB_SELECT_H

#include <stddef.h>

#include "base/conf.h"
#include "pci/ids.h"
#include "pci/pcidev.h"

struct vb_select {
	struct vb_idlist ids;		/* ids= entries, all sources joined */
	char *ids_text;			/* the same, as given (NULL none) */
	char **addrs;			/* canonical, no duplicates, in order given */
	size_t naddrs;
	char hda[16];			/* vfiobox.hda= / hda= of the source, "" unset */
	const char *source;		/* "arguments", "kernel command line", "/etc/vfiobox.conf" */
};

/* The one-boot off switch: 1 when an item of vfiobox.claim= on the kernel
 * command line is "off" (the hooks and a selector-less vfio-claim then claim
 * nothing: the way back from a black screen), 0 when not. */
int vb_select_off(void);

/* The reading in words, as every applet shows it: "ids=10de:249d
 * claim=0000:01:00.0,0000:02:00.0 hda=none" (the parts that are set); a
 * list past 160 bytes is cut at an entry and ends ",... (N in all)". Fits
 * in VB_TEXT_LEN. */
void vb_select_describe(const struct vb_select *s, char *buf, size_t n);
/* 1 for the --hda / hda= modes: vfio, none, host. */
int vb_select_hda_ok(const char *mode);

/* Take the operands (ids=LIST or addresses) and, when there are none, the
 * kernel command line or /etc/vfiobox.conf (vb_conf_load). Returns 1 when
 * something is selected, 0 when nothing is, -EINVAL for a bad operand or a bad
 * value in the configuration (err says which and why), other -errno when the
 * configuration cannot be read (err says which file). Free with
 * vb_select_free() whatever the result. */
int vb_select_load(struct vb_select *s, char *const *operands, int n, char *err, size_t errlen);
void vb_select_free(struct vb_select *s);
/* vb_select_load for an applet that acts on the selection (vfio-claim,
 * vfio-release), saying what it found: a bad operand is a usage error, a bad
 * command line or conf ends "; nothing VERB" (e.g. "claimed"), nothing selected
 * says where it looked, and a selection from the command line or conf is named.
 * Returns 1 when something is selected, else the exit code (0 or VB_EXIT_USAGE)
 * negated; s is freed unless 1 is returned. */
int vb_select_load_act(struct vb_select *s, char *const *operands, int n, const char *verb);
/* 1 if the device ids match the selectors' ids= list. */
int vb_select_match_ids(const struct vb_select *s, const struct vb_pciids *id);
/* 1 if addr is one of the selected addresses. */
int vb_select_has_addr(const struct vb_select *s, const char *addr);

enum vb_why {
	VB_WHY_ADDR = 1,	/* named by its address */
	VB_WHY_IDS,		/* matched the ids= list */
	VB_WHY_GROUP,		/* shares an IOMMU group with a selected device */
};

struct vb_seldev {
	struct vb_pcidev d;		/* vb_pcidev_load_basic when selected */
	int why;
	char via[VB_BDF_LEN];		/* VB_WHY_GROUP: the selected device that pulled it in */
	int bridge;			/* vb_pcidev_is_bridge */
	int hda;			/* vb_pcidev_is_hda */
};

struct vb_devset {
	struct vb_seldev *v;
	size_t n;
};

/* The devices the selectors name, sorted by address; unless no_group, also
 * every other member of their IOMMU groups (bridges included and marked, so
 * the caller can say why they stay). Returns 0 (the set may be empty when an
 * ids= list matches nothing), -ENODEV with bad set to an address that is not
 * on the bus, or -errno from sysfs with bad set to the device that could not
 * be read when there is one (-ETIMEDOUT: its driver_override, under the
 * device lock, did not answer). */
int vb_select_devices(const struct vb_select *s, int no_group, struct vb_devset *set,
		      char bad[VB_BDF_LEN]);
void vb_devset_free(struct vb_devset *set);

#endif
