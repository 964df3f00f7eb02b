/* rom: dump a PCI device's option ROM (the video BIOS of a GPU) through
 * sysfs, or through the ACPI _ROM method of its node as laptops without a
 * ROM BAR serve it, check it, and save it for libvirt's <rom file='...'/>.
 *
 * Kernel ABI: /sys/bus/pci/devices/ADDR/rom (drivers/pci/pci-sysfs.c), mode
 * 0600, present only when the device has a ROM BAR. Reads fail with EINVAL
 * until "1" is written to it; "0\n" turns reads off again (kernels before
 * the kstrtobool() change only took exactly "0\n"). A read maps the ROM and
 * returns the images the kernel's own walk of the 0x55AA/PCIR chain found
 * (pci_get_rom_size), EIO when there is none. For the boot VGA device the
 * kernel returns the shadow copy at 0xC0000. The image checks are lib/rom.
 *
 * ACPI: /sys/bus/pci/devices/ADDR/firmware_node/path is the device's ACPI
 * path ("\_SB_.PCI0.PEG0.PEGP", drivers/acpi/device_sysfs.c); its _ROM is
 * looked up in the tables (lib/fw/tables, the AML walk) and called through
 * the acpi_call module's /proc/acpi/call (lib/fw/acpicall). AMD laptops and
 * APUs: /sys/firmware/acpi/tables/VFCT holds the images (lib/fw/vfct). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/act.h"
#include "applet.h"
#include "base/blob.h"
#include "pci/pcidev.h"
#include "fw/rom.h"
#include "fw/acpicall.h"
#include "fw/tables.h"
#include "fw/vfct.h"
#include "base/sysfs.h"
#include "base/util.h"

const char rom_usage[] =
	"usage: rom [-n] [--acpi | --vfct] [-o FILE] BDF\n"
	"\n"
	"Read the option ROM of the PCI device BDF through its sysfs rom\n"
	"attribute: write 1 to it, read it, write 0 again (also when anything\n"
	"fails). When the device has no ROM BAR, or the BAR gives no image (all\n"
	"0xFF, nothing, or the kernel finds none), take it from the VFCT table\n"
	"when that has the device's entry (--vfct), else from the ACPI _ROM\n"
	"method of the device's node (--acpi), and say so.\n"
	"Check the image chain: the 0x55AA signature and the PCI data\n"
	"structure (PCIR) of every image, image lengths, the last-image flag, the\n"
	"checksum of a legacy x86 image, the EFI image header, and that every\n"
	"image names the device's vendor:device. Print one line per image\n"
	"(offset, length, type, vendor:device, check).\n"
	"\n"
	"  --acpi    read the ROM from ACPI: the device's path from its\n"
	"            firmware_node, its _ROM found in the DSDT/SSDTs, called through\n"
	"            /proc/acpi/call (the acpi_call module: Debian's acpi-call-dkms)\n"
	"            as _ROM (offset, 4096) until the image chain ends\n"
	"  --vfct    take the image from the VFCT table (AMD laptops and APUs):\n"
	"            the entry whose bus, device, function, vendor and device\n"
	"            are BDF's\n"
	"  -n        dry run: print the writes, read nothing\n"
	"  -o FILE   save the ROM to FILE (atomically) when every check passes,\n"
	"            for libvirt's <rom file='FILE'/> (domxml --rom=FILE)\n"
	"  -h, --help  this text\n"
	"\n"
	"Exit 1 when neither the ROM BAR nor ACPI gives a ROM (acpi_call not\n"
	"loaded, no _ROM for the device), or a check fails; 3 when turning ROM\n"
	"reads off again failed.\n";

#define MAX_ROM (16u << 20)	/* the ROM BAR decodes at most 16 MiB */

/* "x86", "EFI x64 compressed", "type 0xe0" */
static void type_name(const struct vb_rom_image *img, char *out, size_t n)
{
	const char *c = vb_rom_code_name(img->code_type);
	const char *m;

	if (img->code_type == VB_ROM_CODE_EFI && img->status == VB_ROM_OK) {
		m = vb_rom_efi_machine_name(img->efi_machine);
		if (m)
			snprintf(out, n, "EFI %s%s", m, img->efi_compression ? " compressed" : "");
		else
			snprintf(out, n, "EFI machine 0x%04x%s", img->efi_machine,
				 img->efi_compression ? " compressed" : "");
	} else if (img->code_type == VB_ROM_CODE_X86) {
		snprintf(out, n, "legacy x86");
	} else if (c) {
		snprintf(out, n, "%s", c);
	} else {
		snprintf(out, n, "type 0x%02x", img->code_type);
	}
}

/* Print the summary and report every problem; returns the exit code. */
static int report(const char *addr, const struct vb_pciids *id, const unsigned char *buf,
		  size_t n, const struct vb_rom *r)
{
	int rc = VB_EXIT_OK;
	size_t i;

	printf("%s  %04x:%04x  option ROM %zu bytes, %zu image%s\n", addr, id->vendor, id->device,
	       n, r->nimg, r->nimg == 1 ? "" : "s");
	if (r->nimg)
		printf("  %-2s %-8s  %7s  %-20s  %-9s  %s\n", "#", "OFFSET", "LENGTH", "TYPE", "ID",
		       "CHECK");
	for (i = 0; i < r->nimg; i++) {
		const struct vb_rom_image *img = &r->img[i];
		int mine = vb_rom_image_matches(img, id->vendor, id->device);
		char type[48], chk[64];

		type_name(img, type, sizeof(type));
		if (img->status == VB_ROM_BADSUM)
			snprintf(chk, sizeof(chk), "checksum bad (sum 0x%02x)", img->sum);
		else if (img->status)
			snprintf(chk, sizeof(chk), "%s", vb_rom_status_str(img->status));
		else if (img->code_type == VB_ROM_CODE_X86)
			snprintf(chk, sizeof(chk), "checksum ok");
		else
			snprintf(chk, sizeof(chk), "ok");
		printf("  %-2zu 0x%06zx  %7zu  %-20s  %04x:%04x  %s%s\n", i, img->offset, img->length,
		       type, img->vendor, img->device, chk, mine ? "" : ", not this device");
		if (img->status) {
			vb_err("%s: image %zu: %s", addr, i, vb_rom_status_str(img->status));
			rc = VB_EXIT_FAIL;
		}
		/* images of unknown types are the vendor's business */
		if (!mine && (img->code_type == VB_ROM_CODE_X86 || img->code_type == VB_ROM_CODE_EFI)) {
			vb_err("%s: image %zu is for %04x:%04x, not this device (%04x:%04x)", addr, i,
			       img->vendor, img->device, id->vendor, id->device);
			rc = VB_EXIT_FAIL;
		}
	}
	if (r->status && r->bad == r->nimg) {
		if (r->nimg)
			vb_err("%s: after image %zu, at offset 0x%zx: %s", addr, r->nimg - 1, r->end,
			       vb_rom_status_str(r->status));
		else
			vb_err("%s: %s", addr, vb_rom_status_str(r->status));
		rc = VB_EXIT_FAIL;
	}
	if (!r->status && r->end < n)
		vb_info("%s: note: %zu bytes after the last image", addr, n - r->end);
	return rc;
}

/* Hints for a ROM that reads as nothing: the device's power state, and
 * whether anything enabled it (memory decoding off: the BAR answers 0xFF). */
static void power_hint(const char *addr)
{
	char p[VB_PATH_MAX], st[32];

	if (vb_pcidev_path(p, sizeof(p), addr, "power_state") == 0 &&
	    vb_sysfs_read(p, st, sizeof(st)) > 0 && strcmp(st, "D0"))
		vb_info("%s: note: the device is in %s; a powered-down device answers with "
			"nothing (wake it: vfiobox power %s on)", addr, st, addr);
	if (vb_pcidev_path(p, sizeof(p), addr, "enable") == 0 &&
	    vb_sysfs_read(p, st, sizeof(st)) > 0 && !strcmp(st, "0"))
		vb_info("%s: note: the device is not enabled (no driver holds it), so its "
			"memory decoding may be off; read the ROM while a driver is bound", addr);
}

/* Check the ROM, report it, save it to out when it passes. */
static int finish(const char *addr, const struct vb_pciids *id, unsigned char *buf, size_t n,
		  const char *out, struct vb_rom *rom)
{
	int r;

	vb_rom_parse(buf, n, rom);
	r = report(addr, id, buf, n, rom);
	if (r) {
		if (out)
			vb_err("%s: the ROM did not pass the checks; %s not written", addr, out);
		return r;
	}
	if (out) {
		if ((r = vb_blob_write_atomic(out, buf, n, 0644)) < 0) {
			vb_err("%s: %s", out, strerror(-r));
			return VB_EXIT_FAIL;
		}
		printf("wrote %s (%zu bytes)\n", out, n);
	} else {
		printf("ok: %zu image%s passed the checks\n", rom->nimg, rom->nimg == 1 ? "" : "s");
	}
	return VB_EXIT_OK;
}

/* The vBIOS from the device's ACPI _ROM through /proc/acpi/call. */
static int from_acpi(struct vb_act *act, const char *addr, const struct vb_pciids *id,
		     const char *out)
{
	char p[VB_PATH_MAX], node[512], method[600];
	struct vb_fwtables t;
	struct vb_fwdef d;
	struct vb_acpicall_rom cr;
	struct vb_rom rom;
	unsigned char *buf;
	size_t n;
	int r, rc;

	if (vb_pcidev_path(p, sizeof(p), addr, "firmware_node/path") < 0 ||
	    (r = vb_sysfs_read(p, node, sizeof(node))) <= 0 || node[0] != '\\') {
		vb_err("%s: no ACPI node (%s): the firmware describes no ACPI device for it, "
		       "so there is no _ROM to call", addr, vb_sysfs_unroot(p));
		return VB_EXIT_FAIL;
	}
	if (vb_fmt(method, sizeof(method), "%s._ROM", node) < 0 ||
	    vb_fwtables_path_norm(method, p, sizeof(p)) < 0) {
		vb_err("%s: firmware_node/path '%s' is not an ACPI path", addr, node);
		return VB_EXIT_FAIL;
	}
	if ((r = vb_fwtables_scan(&t)) < 0) {
		vb_err("%s: %s: %s; cannot look for %s", addr, VB_FWTABLES_DIR,
		       vb_sysfs_strerror(r, NULL), p);
		return VB_EXIT_FAIL;
	}
	r = vb_fwtables_find_def(&t, method, &d);
	vb_fwtables_free(&t);
	if (r <= 0) {
		if (d.unreadable)
			vb_err("%s: no table defines %s, and %zu could not be read (reading the "
			       "ACPI tables needs root)", addr, p, d.unreadable);
		else
			vb_err("%s: no ACPI table defines %s (the vBIOS is not served by ACPI "
			       "here; ssdt find _ROM lists the _ROM methods there are)", addr, p);
		return VB_EXIT_FAIL;
	}
	printf("%s: ACPI %s (%s %s at 0x%06zx%s%s) through %s\n", addr, p, d.table, d.kind,
	       d.off, d.cond ? ", inside " : "", d.cond ? d.cond : "", VB_ACPICALL_PATH);
	if (strcmp(d.kind, "Method") || d.argc != 2)
		vb_warn("%s: %s is a %s%s, not a Method with 2 arguments; calling it anyway", addr,
			p, d.kind, strcmp(d.kind, "Method") ? "" : " with another argument count");
	r = vb_acpicall_read_rom(act, method, MAX_ROM, &buf, &n, &cr);
	if (r == -ENOENT) {
		vb_err("%s: %s: no such file: the acpi_call module is not loaded; install it "
		       "(Debian, Ubuntu: apt install acpi-call-dkms) and load it: modprobe "
		       "acpi_call; nothing written", addr, VB_ACPICALL_PATH);
		return VB_EXIT_FAIL;
	}
	if (act->dry_run)
		return r < 0 ? VB_EXIT_FAIL : VB_EXIT_OK;
	if (r == -EFBIG) {
		vb_err("%s: %s: more than %u MiB without the end of the image chain, not a ROM",
		       addr, p, MAX_ROM >> 20);
		free(buf);
		return VB_EXIT_FAIL;
	}
	if (r < 0) {
		if (cr.reply[0])
			vb_err("%s: %s (0x%zx, 0x%x): %s: %s", addr, p, cr.at, VB_ACPICALL_CHUNK,
			       cr.why, cr.reply);
		else
			vb_err("%s: %s: %s: %s", addr, VB_ACPICALL_PATH, cr.why ? cr.why : "call",
			       strerror(-r));
		if (n)
			vb_err("%s: %zu bytes came before that; %s", addr, n,
			       out ? "nothing written" : "not a whole ROM");
		free(buf);
		return VB_EXIT_FAIL;
	}
	vb_info("%s: %zu bytes in %zu _ROM call%s%s", addr, n, cr.calls, cr.calls == 1 ? "" : "s",
		cr.cut ? " (acpi_call cut its replies short: it holds 42 bytes a reply)" : "");
	rc = finish(addr, id, buf, n, out, &rom);
	free(buf);
	return rc;
}

/* The vBIOS from the VFCT table entry of the device. Returns an exit code,
 * or -1 when there is no VFCT or no entry for the device and quiet is set
 * (said otherwise). */
static int from_vfct(struct vb_act *act, const char *addr, const struct vb_pciids *id,
		     const char *out, int quiet)
{
	struct vb_vfct_image img;
	struct vb_bdf b;
	struct vb_rom rom;
	unsigned char *t;
	size_t n, count;
	int r, badsum, rc;

	if (vb_bdf_parse(addr, &b) < 0)
		return VB_EXIT_FAIL;
	r = vb_vfct_find(b.bus, b.dev, b.fn, id->vendor, id->device, &t, &n, &img, &count,
			 &badsum);
	if (r <= 0) {
		if (quiet && (r == 0 || r == -ENOENT))
			return -1;
		if (r == -ENOENT)
			vb_err("%s: %s/VFCT: no such table (the firmware has no VFCT: not an AMD "
			       "laptop or APU)", addr, VB_FWTABLES_DIR);
		else if (r == -EBADMSG)
			vb_err("%s: VFCT: no table header, or a length it does not have", addr);
		else if (r == -EINVAL)
			vb_err("%s: VFCT: shorter than its fixed part, or its first image offset "
			       "points into it", addr);
		else if (r == -EOVERFLOW)
			vb_err("%s: VFCT: entry %zu runs past the end of the table", addr, count);
		else if (r == -E2BIG)
			vb_err("%s: VFCT: more than %d entries", addr, VB_VFCT_MAX_IMAGES);
		else if (r == 0)
			vb_err("%s: VFCT: no entry for %02x:%02x.%x %04x:%04x (%zu entr%s)", addr,
			       b.bus, b.dev, b.fn, id->vendor, id->device, count,
			       count == 1 ? "y" : "ies");
		else
			vb_err("%s: VFCT: %s", addr, vb_sysfs_strerror(r, NULL));
		return VB_EXIT_FAIL;
	}
	if (badsum)
		vb_warn("%s: VFCT: bad checksum; reading it anyway", addr);
	printf("%s: VFCT entry (%02x:%02x.%x %04x:%04x, %zu bytes at 0x%zx)\n", addr, img.bus,
	       img.dev, img.fn, img.vendor, img.device, img.len, img.off);
	if (act->dry_run) {
		vb_act_note(act, "check the image%s%s", out ? " and save it to " : "", out ? out : "");
		free(t);
		return VB_EXIT_OK;
	}
	rc = finish(addr, id, t + img.off, img.len, out, &rom);
	free(t);
	return rc;
}

/* The ROM BAR gave no image, worth trying ACPI: the VB_ROM_* status that
 * says so (VB_ROM_EMPTY for the kernel's EIO), else 0. */
static int blank(int rd, const unsigned char *buf, size_t n)
{
	struct vb_rom rom;

	if (rd == -EIO)
		return VB_ROM_EMPTY;
	if (rd < 0)
		return 0;
	vb_rom_parse(buf, n, &rom);
	if (rom.status == VB_ROM_ALLFF || rom.status == VB_ROM_EMPTY ||
	    rom.status == VB_ROM_ALLZERO)
		return rom.status;
	return 0;
}

/* No image from the BAR: the VFCT entry if there is one, else ACPI _ROM. */
static int firmware(struct vb_act *act, const char *addr, const struct vb_pciids *id,
		    const char *out)
{
	int r = from_vfct(act, addr, id, out, 1);

	return r >= 0 ? r : from_acpi(act, addr, id, out);
}

int rom_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "acpi", no_argument, NULL, 'A' },
		{ "vfct", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct vb_act act = { 0, 0, stdout };
	const char *out = NULL;
	char addr[VB_BDF_LEN], path[VB_PATH_MAX], bv[8];
	struct vb_pciids id;
	struct vb_rom rom;
	unsigned char *buf = NULL;
	size_t n = 0;
	int c, r, rc, rd, acpi = 0, vfct = 0;

	while ((c = getopt_long(argc, argv, "hno:", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			act.dry_run = 1;
			break;
		case 'o':
			out = optarg;
			break;
		case 'A':
			acpi = 1;
			break;
		case 'V':
			vfct = 1;
			break;
		case 'h':
			vb_print_usage(rom_usage);
			return VB_EXIT_OK;
		default:
			return vb_usage_err("unknown option");
		}
	}
	if (optind != argc - 1)
		return vb_usage_err(optind == argc ? "missing BDF" : "one BDF only");
	if (acpi && vfct)
		return vb_usage_err("--acpi or --vfct, not both");
	if (vb_bdf_canon(argv[optind], addr) < 0)
		return vb_usage_err("'%s': not a PCI address (DDDD:BB:DD.F or BB:DD.F)", argv[optind]);
	if (out && (r = vb_blob_check_target(out)) < 0)
		return vb_usage_err("-o %s: %s", out, strerror(-r));
	if (!vb_pcidev_exists(addr)) {
		vb_err("%s: no such device", addr);
		return VB_EXIT_FAIL;
	}
	if ((r = vb_pcidev_ids(addr, &id)) < 0) {
		vb_err("%s: ids: %s", addr, vb_sysfs_strerror(r, "vendor"));
		return VB_EXIT_FAIL;
	}
	if (acpi)
		return from_acpi(&act, addr, &id, out);
	if (vfct)
		return from_vfct(&act, addr, &id, out, 0);
	if ((r = vb_pcidev_path(path, sizeof(path), addr, "rom")) < 0 || !vb_sysfs_exists(path)) {
		vb_info("%s: no ROM BAR (the device has no rom attribute); trying VFCT and its "
			"ACPI _ROM", addr);
		return firmware(&act, addr, &id, out);
	}

	/* enable, read, disable: the disable happens whatever came before */
	r = vb_act_dev_write(&act, addr, "rom", "1");
	if (r < 0) {
		vb_err("%s: rom: enabling reads: %s", addr, vb_sysfs_strerror(r, "rom"));
		/* nothing was turned on; the write back is for form's sake */
		vb_act_dev_write(&act, addr, "rom", "0\n");
		return VB_EXIT_FAIL;
	}
	if (act.dry_run) {
		vb_act_note(&act, "read %s and check its images%s%s", vb_sysfs_unroot(path),
			    out ? ", save to " : "", out ? out : "");
		rd = 0;
	} else {
		rd = vb_blob_read(path, MAX_ROM, &buf, &n);
	}
	r = vb_act_dev_write(&act, addr, "rom", "0\n");
	rc = VB_EXIT_OK;
	if (r < 0) {
		vb_err("%s: rom: turning reads off again: %s; ROM reads stay on until "
		       "'echo 0 > %s'", addr, vb_sysfs_strerror(r, "rom"), vb_sysfs_unroot(path));
		rc = VB_EXIT_STUCK;
	}
	if (act.dry_run)
		return rc;
	if (rd == -EFBIG) {
		vb_err("%s: rom: more than %u MiB, not a ROM", addr, MAX_ROM >> 20);
		return vb_worst(rc, VB_EXIT_FAIL);
	}
	if ((r = blank(rd, buf, n))) {
		if (rd == -EIO)
			vb_info("%s: rom: the kernel found no ROM image (no 0x55AA signature at "
				"the start of the ROM BAR, or it could not be mapped); trying VFCT and "
				"the device's ACPI _ROM", addr);
		else
			vb_info("%s: rom: %s; trying VFCT and the device's ACPI _ROM", addr,
				vb_rom_status_str(r));
		power_hint(addr);
		free(buf);
		return vb_worst(rc, firmware(&act, addr, &id, out));
	}
	if (rd < 0) {
		vb_err("%s: rom: %s", addr, vb_sysfs_strerror(rd, "rom"));
		power_hint(addr);
		return vb_worst(rc, VB_EXIT_FAIL);
	}

	vb_rom_parse(buf, n, &rom);
	if (rom.status == VB_ROM_NOLAST)
		vb_info("%s: note: the kernel gives the images its own walk of the chain found "
			"and it stopped there; NVIDIA cards often read short this way: take the ROM "
			"from nvflash --save or the card's vendor instead", addr);
	if (vb_pcidev_path(path, sizeof(path), addr, "boot_vga") == 0 &&
	    vb_sysfs_read(path, bv, sizeof(bv)) > 0 && !strcmp(bv, "1"))
		vb_info("%s: note: this is the boot GPU: the kernel returns the shadow copy at "
			"0xC0000, which the firmware may have changed", addr);
	r = finish(addr, &id, buf, n, out, &rom);
	free(buf);
	return vb_worst(rc, r);
}
