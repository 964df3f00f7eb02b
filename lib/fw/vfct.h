/* vfct: AMD's VFCT ACPI table, where the firmware of AMD laptops and APUs
 * leaves the video BIOS images of its GPUs (the image the GOP driver ran).
 *
 * Layout (drivers/gpu/drm/amd/include/atombios.h UEFI_ACPI_VFCT,
 * amdgpu_acpi_vfct_bios): the 36-byte table header, a 16-byte UUID, the
 * offset of the first image header from the table start (u32), Lib1 image
 * offset (u32), 4 reserved u32s (76 bytes in all). At that offset, image
 * headers follow each other, each followed by its image: PCIBus,
 * PCIDevice, PCIFunction (u32 each), VendorID, DeviceID, SSVID, SSID (u16
 * each), Revision (u32), ImageLength (u32): 28 bytes. Little-endian. The
 * driver takes the first entry whose bus, device, function, vendor and
 * device match and whose length is not 0. */
#ifndef VB_VFCT_H
#define VB_VFCT_H

#include <stddef.h>
#include <stdint.h>

#define VB_VFCT_HDR_LEN 76
#define VB_VFCT_IMG_HDR_LEN 28
#define VB_VFCT_MAX_IMAGES 16

struct vb_vfct_image {
	size_t off;		/* the image's first byte in the table */
	size_t len;
	unsigned bus, dev, fn;
	unsigned vendor, device, ssvid, ssid;
	uint32_t revision;
};

/* The image entries of the VFCT table t (n bytes, the header's length
 * already checked by the caller). Returns 0; -EINVAL when shorter than its
 * fixed part or the first offset points before it; -EOVERFLOW when an
 * entry runs past the table (the entries before it are kept); -E2BIG past
 * VB_VFCT_MAX_IMAGES. *count is set in every case. */
int vb_vfct_parse(const unsigned char *t, size_t n, struct vb_vfct_image *img, size_t *count);

#endif
