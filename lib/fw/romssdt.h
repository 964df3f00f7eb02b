/* romssdt: the guest's SSDT for a laptop dGPU's video BIOS: _ROM at the
 * host's ACPI path of the dGPU (the NVIDIA driver looks for it there, and
 * the guest's device may sit anywhere), serving the image from a QEMU
 * fw_cfg file (libvirt's <sysinfo type='fwcfg'><entry name='opt/...'
 * file='ROM'/>), read through the fw_cfg I/O ports (0x510 selector, 0x511
 * data; the file directory at key 0x19). Its ASL is
 * tests/data/aml/romfwcfg.asl; the table is built here without iasl. */
#ifndef VB_ROMSSDT_H
#define VB_ROMSSDT_H

#include <stddef.h>

#define VB_ROMSSDT_FWCFG "opt/com.lion328/nvidia-rom"	/* the guide's name */
#define VB_ROMSSDT_FWCFG_MAX 55		/* fw_cfg names hold 56 bytes with the NUL */

/* 1 for a fw_cfg file name the table can look up: "opt/" and printable
 * characters, at most 55 of them (libvirt wants the opt/ prefix). */
int vb_romssdt_fwcfg_ok(const char *name);
/* The table (SSDT, OEM VFIOBX, table ROMFWCFG) for the absolute ACPI path
 * ("\_SB.PCI0.PEG0.PEGP") and the fw_cfg file name, malloc'd. 0, or
 * -EINVAL for a path that is not absolute or a name vb_romssdt_fwcfg_ok
 * refuses. */
int vb_romssdt_build(const char *path, const char *fwcfg, unsigned char **out, size_t *len);

#endif
