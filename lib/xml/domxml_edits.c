/* domxml_edits: checking the edits before any document is read (see
 * domxml_edits.h). */
#include <stdio.h>
#include <string.h>

#include "xml/domxml_edits.h"
#include "xml/domxml_scan.h"

static int valid_text(const char *s)
{
	char buf[4096];

	return strlen(s) < 1024 && vb_xml_escape(s, buf, sizeof(buf)) >= 0 && !strpbrk(s, "\t\n\r");
}

static const char *check_path(const char *what, const char *p, char *msg, size_t n)
{
	if (!p || p[0] != '/') {
		snprintf(msg, n, "%s: '%s' is not an absolute path (QEMU runs in another directory)", what, p ? p : "");
		return msg;
	}
	if (!valid_text(p)) {
		snprintf(msg, n, "%s: the path has control characters or invalid UTF-8", what);
		return msg;
	}
	return NULL;
}

const char *vb_dx_check_edits(const struct vb_dx_edits *e)
{
	static char msg[256];
	char a[VB_BDF_LEN], b[VB_BDF_LEN];
	const char *m;
	size_t i, j;

	if (e->vendor_id) {
		size_t n = strlen(e->vendor_id);

		if (!n || n > 12)
			return "--vendor-id: 1 to 12 characters";
		for (i = 0; i < n; i++)
			if (e->vendor_id[i] < 0x20 || e->vendor_id[i] > 0x7e || e->vendor_id[i] == ',')
				return "--vendor-id: printable ASCII without a comma";
	}
	if (e->nhostdev > VB_DX_MAX_HOSTDEV || e->nacpi > VB_DX_MAX_ACPI || e->nsubsys > VB_DX_MAX_SUBSYS ||
	    e->nfwcfg > VB_DX_MAX_FWCFG || e->nhotplug_bus > VB_DX_MAX_BUS)
		return "too many repeated options";
	for (i = 0; i < e->nhostdev; i++) {
		const struct vb_dx_hostdev *h = &e->hostdev[i];

		vb_bdf_format(&h->src, a);
		if (h->rom == VB_DX_ROM_FILE && (m = check_path("--rom", h->rom_file, msg, sizeof(msg))))
			return m;
		if (h->has_guest && (h->guest.bus > 255 || h->guest.dev > 31 || h->guest.fn > 7)) {
			snprintf(msg, sizeof(msg), "--hostdev=%s@...: bad guest address", a);
			return msg;
		}
		for (j = 0; j < i; j++) {
			if (dx_bdf_eq(&e->hostdev[j].src, &h->src)) {
				snprintf(msg, sizeof(msg), "--hostdev=%s given twice", a);
				return msg;
			}
			if (h->has_guest && e->hostdev[j].has_guest && dx_bdf_eq(&e->hostdev[j].guest, &h->guest)) {
				vb_bdf_format(&h->guest, b);
				snprintf(msg, sizeof(msg), "two --hostdev options want guest address %s", b);
				return msg;
			}
		}
	}
	if (e->shmem_mib && e->kvmfr_mib)
		return "--shmem and --kvmfr exclude each other (kvmfr replaces the <shmem> device)";
	for (i = 0; i < 2; i++) {
		uint64_t v = i ? e->kvmfr_mib : e->shmem_mib;

		if (v && (v & (v - 1) || v > (1u << 20))) {
			snprintf(msg, sizeof(msg), "%s: %llu MiB is not a power of two up to 1 TiB (a PCI BAR is "
				 "a power of two)", i ? "--kvmfr" : "--shmem", (unsigned long long)v);
			return msg;
		}
	}
	if (e->kvmfr_path && (m = check_path("--kvmfr path", e->kvmfr_path, msg, sizeof(msg))))
		return m;
	for (i = 0; i < e->nacpi; i++) {
		if ((m = check_path("--acpitable", e->acpitable[i], msg, sizeof(msg))))
			return m;
		if (strchr(e->acpitable[i], ':'))
			return "--acpitable: QEMU reads ':' in file= as a list separator: rename the file";
	}
	for (i = 0; i < e->nsubsys; i++) {
		vb_bdf_format(&e->subsys[i].bdf, a);
		if (e->subsys[i].svid > 0xffff || e->subsys[i].sdid > 0xffff) {
			snprintf(msg, sizeof(msg), "--subsys=%s: ids are 16-bit", a);
			return msg;
		}
		for (j = 0; j < i; j++)
			if (dx_bdf_eq(&e->subsys[j].bdf, &e->subsys[i].bdf)) {
				snprintf(msg, sizeof(msg), "--subsys=%s given twice", a);
				return msg;
			}
	}
	for (i = 0; i < e->nfwcfg; i++) {
		const char *n = e->fwcfg[i].name;

		if (strncmp(n, "opt/", 4) || strlen(n) > 55 || strlen(n) < 5 ||
		    strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/") != strlen(n))
			return "--rom-fwcfg: NAME must start with opt/, be at most 55 characters, and use "
			       "only letters, digits and . _ - /";
		if ((m = check_path("--rom-fwcfg", e->fwcfg[i].file, msg, sizeof(msg))))
			return m;
		for (j = 0; j < i; j++)
			if (!strcmp(e->fwcfg[j].name, n))
				return "--rom-fwcfg: the same NAME twice";
	}
	for (i = 0; i < e->nhotplug_bus; i++)
		if (e->hotplug_bus[i] > 255)
			return "--hotplug-off: BUS is 0 to 255";
	return NULL;
}
