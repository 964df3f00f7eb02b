/* iommu: is there an IOMMU, is vfio's no-IOMMU mode on, and can an IOMMU
 * group go to a VM as it stands (vfio's viability rule through
 * vb_pcidev_dma_ok).
 *
 * Kernel ABI: /sys/kernel/iommu_groups/N/devices, /sys/class/iommu,
 * /sys/module/vfio/parameters/enable_unsafe_noiommu_mode, /proc/cmdline. */
#ifndef VB_IOMMU_H
#define VB_IOMMU_H

#include <stddef.h>

/* 1 when an IOMMU is active (/sys/kernel/iommu_groups or /sys/class/iommu has
 * an entry), 0 when not. */
int vb_iommu_on(void);
/* 1 when vfio's no-IOMMU mode is on (the vfio module parameter reads Y, or the
 * kernel command line asks for vfio.enable_unsafe_noiommu_mode=1). */
int vb_iommu_noiommu(void);
/* Can IOMMU group g go to a VM: every member leaves it viable
 * (vb_pcidev_dma_ok)? Returns 1 viable, 0 not (why gets "ADDR on DRIVER,
 * ..."), or -errno. */
int vb_iommu_group_viable(int g, char *why, size_t n);

#endif
