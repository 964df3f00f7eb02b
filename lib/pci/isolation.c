/* isolation: the ACS state of the bridges above a device. See isolation.h. */
#include <errno.h>
#include <string.h>

#include "base/util.h"
#include "pci/isolation.h"
#include "pci/pciconf.h"
#include "pci/pcidev.h"

int vb_isolation_path(struct vb_pci *p, const char *addr, struct vb_acs_hop *hops, size_t max)
{
	char cur[VB_BDF_LEN], up[VB_BDF_LEN];
	size_t n = 0;
	int r;

	if (vb_bdf_canon(addr, cur) < 0)
		return -EINVAL;
	if (!vb_pcidev_exists(cur))
		return -ENODEV;
	while (n < max && n < VB_ISOLATION_MAX) {
		struct vb_acs_hop *h = &hops[n];

		if ((r = vb_pcidev_parent(cur, up)) < 0)
			return r;
		if (!up[0])
			break;
		memset(h, 0, sizeof(*h));
		vb_strlcpy(h->addr, up, sizeof(h->addr));
		r = p ? vb_pciconf_acs(p, up, &h->cap, &h->ctl) : -EIO;
		if (r < 0) {
			h->state = VB_ACS_UNKNOWN;
		} else if (r == 0) {
			h->state = VB_ACS_ABSENT;
		} else {
			h->missing = vb_pciconf_acs_missing(h->cap, h->ctl);
			h->state = h->missing ? VB_ACS_PARTIAL : VB_ACS_ISOLATES;
		}
		n++;
		vb_strlcpy(cur, up, sizeof(cur));
	}
	return (int)n;
}

int vb_isolation_below(const char *bridge, const char *addr)
{
	char cur[VB_BDF_LEN], up[VB_BDF_LEN];
	int guard;

	if (vb_bdf_canon(addr, cur) < 0)
		return 0;
	for (guard = 0; guard < VB_ISOLATION_MAX; guard++) {
		if (vb_pcidev_parent(cur, up) < 0 || !up[0])
			return 0;
		if (!strcmp(up, bridge))
			return 1;
		vb_strlcpy(cur, up, sizeof(cur));
	}
	return 0;
}
