/* pciconf: config space through libpci (method linux-sysfs), pointed at the
 * same root as everything else (sysfs.path = ROOT/sys/bus/pci).
 *
 * libpci's default error hook prints and exits; ours jumps back into the
 * wrapper, which returns -EIO. Failed or short reads are errors here, never
 * silent all-ones: check vb_pciconf_present() before trusting a device. */
#ifndef VB_PCICONF_H
#define VB_PCICONF_H

#include <stdint.h>

struct vb_pci;

/* Offsets and bits the applets use. */
#define VB_CFG_VENDOR		0x00
#define VB_CFG_COMMAND		0x04
#define VB_CFG_STATUS		0x06
#define VB_CFG_HEADER_TYPE	0x0e
#define VB_CFG_SECONDARY_BUS	0x19
#define VB_CFG_CAP_PTR		0x34
#define VB_CFG_BRIDGE_CONTROL	0x3e
#define VB_BRIDGE_CTL_BUS_RESET	0x40
#define VB_HDR_MULTIFUNCTION	0x80
#define VB_NV_HDA_REG		0x488		/* NVIDIA: dword, bit 25 exposes fn 1 */
#define VB_NV_HDA_BIT		0x02000000u
#define VB_CAP_PM		0x01
#define VB_CAP_EXP		0x10		/* PCI Express */
#define VB_ECAP_ACS		0x000d

/* Open libpci on ROOT/sys/bus/pci. err gets libpci's message on failure. */
int vb_pciconf_open(struct vb_pci **p, int writeable, char *err, size_t errn);
void vb_pciconf_close(struct vb_pci *p);

/* Read/write len bytes at pos of device addr; 0, -EIO (failed or short),
 * -EINVAL (bad address or unaligned). */
int vb_pciconf_read(struct vb_pci *p, const char *addr, int pos, void *buf, int len);
int vb_pciconf_write(struct vb_pci *p, const char *addr, int pos, const void *buf, int len);
int vb_pciconf_read8(struct vb_pci *p, const char *addr, int pos, uint8_t *v);
int vb_pciconf_read16(struct vb_pci *p, const char *addr, int pos, uint16_t *v);
int vb_pciconf_read32(struct vb_pci *p, const char *addr, int pos, uint32_t *v);
int vb_pciconf_write16(struct vb_pci *p, const char *addr, int pos, uint16_t v);
int vb_pciconf_write32(struct vb_pci *p, const char *addr, int pos, uint32_t v);

/* 1 if the vendor id reads as a real id (not 0xffff/0x0000), 0 if the device
 * reads all-ones (powered off, gone), negative on error. */
int vb_pciconf_present(struct vb_pci *p, const char *addr);
/* Offset of standard capability id (extended=0) or extended capability id
 * (extended=1); -ENOENT if absent. Walks are bounded against loops. */
int vb_pciconf_find_cap(struct vb_pci *p, const char *addr, int id, int extended);
/* The ACS extended capability, found by libpci (pci_fill_info with
 * PCI_FILL_EXT_CAPS, pci_find_cap(PCI_EXT_CAP_ID_ACS, PCI_CAP_EXTENDED), as
 * lspci does; libpci looks for extended capabilities only on a PCI Express
 * device). 1 with its capability and control registers, 0 without ACS,
 * -ENODEV when the device reads all-ones (powered off, gone), -errno. */
int vb_pciconf_acs(struct vb_pci *p, const char *addr, uint16_t *cap, uint16_t *ctl);
/* Does ACS with these registers isolate what is below the port, by the
 * kernel's rule (drivers/pci/pci.c pci_acs_flags_enabled with
 * REQ_ACS_FLAGS): Source Validation, P2P Request and Completion Redirect and
 * Upstream Forwarding enabled, a feature the capability lacks counting as
 * hard-wired on. 1 or 0. */
int vb_pciconf_acs_isolates(uint16_t cap, uint16_t ctl);
/* ACS flags that isolation needs and ctl lacks (0 when it isolates). */
unsigned vb_pciconf_acs_missing(uint16_t cap, uint16_t ctl);

/* The ACS controls in miss, as lspci names them with '-' after each:
 * "SrcValid- ReqRedir- CmpltRedir- UpstreamFwd-". */
void vb_pciconf_acs_flags(unsigned miss, char *buf, size_t n);

/* The last libpci warning or error text ("" if none). */
const char *vb_pciconf_last_error(struct vb_pci *p);

#endif
