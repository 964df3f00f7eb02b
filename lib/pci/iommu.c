/* iommu: IOMMU presence, no-IOMMU mode, group viability. See iommu.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/conf.h"
#include "base/sysfs.h"
#include "base/util.h"
#include "pci/iommu.h"
#include "pci/pcidev.h"

static int dir_has_entries(const char *abs)
{
	char p[VB_PATH_MAX];
	char **names;
	size_t n;

	if (vb_sysfs_path(p, sizeof(p), "%s", abs) < 0 || vb_sysfs_list(p, &names, &n) < 0)
		return 0;
	vb_sysfs_list_free(names, n);
	return n > 0;
}

int vb_iommu_on(void)
{
	return dir_has_entries("/sys/kernel/iommu_groups") || dir_has_entries("/sys/class/iommu");
}

static int truthy(const char *v)
{
	return !strcmp(v, "1") || !strcmp(v, "Y") || !strcmp(v, "y") || !strcmp(v, "on");
}

int vb_iommu_noiommu(void)
{
	char p[VB_PATH_MAX], v[16], *cmdline;
	int r;

	if (vb_sysfs_path(p, sizeof(p), "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode") == 0 &&
	    vb_sysfs_read(p, v, sizeof(v)) >= 0)
		return truthy(v);
	if (vb_cmdline_read(&cmdline, NULL) < 0)
		return 0;
	if (vb_cmdline_get(cmdline, "vfio.enable_unsafe_noiommu_mode", v, sizeof(v)) == 1) {
		/* Repeated keys are joined with ','; the last one counts. */
		const char *last = strrchr(v, ',');
		r = truthy(last ? last + 1 : v);
	} else {
		/* A bare boolean parameter means true. */
		r = vb_cmdline_has(cmdline, "vfio.enable_unsafe_noiommu_mode");
	}
	free(cmdline);
	return r;
}

int vb_iommu_group_viable(int g, char *why, size_t n)
{
	char **m;
	size_t nm, i;
	int r, ok = 1;

	why[0] = 0;
	if ((r = vb_pcidev_group_members(g, &m, &nm)) < 0)
		return r;
	for (i = 0; i < nm; i++) {
		char drv[VB_DRV_LEN];
		struct vb_pciids id;

		if (vb_pcidev_driver(m[i], drv, sizeof(drv)) < 0 ||
		    vb_driver_passive(drv, VB_PASSIVE_GROUP) ||
		    (vb_pcidev_ids(m[i], &id) == 0 && vb_pcidev_dma_ok(m[i], id.class, drv)))
			continue;
		vb_appendf(why, n, "%s%s on %s", ok ? "" : ", ", m[i], drv);
		ok = 0;
	}
	vb_sysfs_list_free(m, nm);
	return ok;
}

