/* ssdt: ACPI tables for passthrough guests. The fake-battery SSDT of the seed
 * guides (bytes built in), and the host's own tables: a list with checksum
 * checks, extraction to files named as acpixtract names them, and a search
 * for ACPI names (which table serves the dGPU's _ROM, where PEG0 is).
 *
 * Kernel ABI: /sys/firmware/acpi/tables/SIG[N] and dynamic/SIG[N]
 * (drivers/acpi/sysfs.c), read through lib/fw/tables. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fw/acpi.h"
#include "fw/aml.h"
#include "fw/tables.h"
#include "fw/romssdt.h"
#include "pci/pcidev.h"
#include "applet.h"
#include "base/blob.h"
#include "base/sysfs.h"
#include "base/util.h"

const char ssdt_usage[] =
	"usage: ssdt battery [-o FILE]\n"
	"       ssdt rom [--path ACPI_PATH] [--fwcfg NAME] [-o FILE]\n"
	"       ssdt list\n"
	"       ssdt extract [-d DIR] [SIG|TABLE...]\n"
	"       ssdt find NAME\n"
	"       ssdt names FILE|TABLE\n"
	"\n"
	"battery   write the seed guides' fake-battery SSDT (161 bytes, OEM BOCHS,\n"
	"          table BXPCSSDT: \\_SB.PCI0.BAT0, a PNP0C0A battery) to FILE or to\n"
	"          stdout (never to a terminal), for domxml --acpitable=FILE\n"
	"  -o FILE   write FILE atomically (temporary file, fsync, rename)\n"
	"rom       write the guest's SSDT for a laptop dGPU's video BIOS: _ROM at\n"
	"          ACPI_PATH (default: the dGPU's, from its firmware_node; the NVIDIA\n"
	"          driver looks for it at the host's path) serving the fw_cfg file\n"
	"          NAME (default " VB_ROMSSDT_FWCFG "), to FILE or stdout\n"
	"          (never a terminal); give it to the guest with domxml\n"
	"          --acpitable=FILE --rom-fwcfg=NAME=ROM (ROM from rom -o)\n"
	"  --path ACPI_PATH  an absolute path, \\_SB.PCI0.PEG0.PEGP\n"
	"  --fwcfg NAME      opt/..., at most 55 printable characters\n"
	"list      the host's tables in /sys/firmware/acpi/tables and dynamic/:\n"
	"          name, signature, length, revision, OEM id, OEM table id, OEM\n"
	"          revision, and whether length and checksum are right\n"
	"extract   copy tables (default: every SSDT) to DIR (default .), named as\n"
	"          acpixtract names them: ssdt1.dat, ssdt2.dat, ..., dsdt.dat;\n"
	"          SIG takes every table with that signature, TABLE one table as\n"
	"          list names it (SSDT3, dynamic/SSDT9). Truncated tables and\n"
	"          tables whose length differs from their header are refused\n"
	"  -d DIR    where to write (must exist)\n"
	"find      which DSDT/SSDT tables contain the ACPI name NAME (_ROM, _DSM,\n"
	"          PEG0, GFX0, or a path such as PEG0.PEGP or \\_SB.PCI0.GFX0; short\n"
	"          segments are padded with '_' as ACPI does): table, offset,\n"
	"          what is there (Method, Device, Scope, Name, ..., a reference in\n"
	"          code, a string, or bytes of data), its absolute path (a\n"
	"          reference's as it resolves), the method whose code holds it and\n"
	"          'inside If' (Else, While). A path is found where a name spells it\n"
	"          and at every object or use whose absolute path ends with it.\n"
	"          Exit 1 when no table has it\n"
	"names     every definition in a table file, or in the host's tables a\n"
	"          signature or name selects (DSDT, SSDT, SSDT3): table, offset, kind\n"
	"          and absolute path, and 'inside If' (Else, While) for what a\n"
	"          conditional defines. A term the walk cannot decode is said with\n"
	"          its offset and what was skipped; exit 1 then\n"
	"  -h, --help  this text\n";

#define TABLES VB_FWTABLES_DIR
#define MAX_TABLE VB_FWTABLE_MAX

static int scan(struct vb_fwtables *t)
{
	int r = vb_fwtables_scan(t);

	if (r == -ENOENT)
		vb_err("%s: no such file (not an ACPI system, or sysfs is not mounted)", TABLES);
	else if (r < 0)
		vb_err("%s: %s", TABLES, vb_sysfs_strerror(r, NULL));
	else if (t->dyn_err)
		vb_warn("%s/dynamic: %s", TABLES, vb_sysfs_strerror(t->dyn_err, NULL));
	return r;
}

/* What is wrong with a table, in words (buf), or "ok". */
static const char *describe(int st, const struct vb_acpi_hdr *h, size_t n, char *buf, size_t len)
{
	switch (st) {
	case VB_ACPI_OK:
		return h->has_checksum ? "ok" : "ok (no checksum)";
	case VB_ACPI_NOHDR:
		snprintf(buf, len, "no table header (%zu bytes)", n);
		break;
	case VB_ACPI_BADLEN:
		snprintf(buf, len, "header length %u is smaller than the header", (unsigned)h->length);
		break;
	case VB_ACPI_SHORT:
		snprintf(buf, len, "truncated (%zu of %u bytes)", n, (unsigned)h->length);
		break;
	case VB_ACPI_LONG:
		snprintf(buf, len, "length mismatch (%zu bytes, header says %u)", n,
			 (unsigned)h->length);
		break;
	case VB_ACPI_BADSUM:
		snprintf(buf, len, "bad checksum (0x%02X, should be 0x%02X)", h->checksum,
			 h->want_checksum);
		break;
	default:
		return vb_acpi_status_str(st);
	}
	return buf;
}

static int read_table(const struct vb_fwtable *e, unsigned char **buf, size_t *n)
{
	int r = vb_blob_read(e->path, MAX_TABLE, buf, n);

	if (r == -EFBIG)
		vb_err("%s: larger than %u MiB, not a table", e->name, MAX_TABLE >> 20);
	else if (r < 0)
		vb_err("%s: %s", e->name, vb_sysfs_strerror(r, NULL));
	return r;
}

static int do_list(void)
{
	struct vb_fwtables t;
	size_t i;
	int rc = VB_EXIT_OK;

	if (scan(&t) < 0)
		return VB_EXIT_FAIL;
	printf("%-15s %-4s %8s %3s %-6s %-8s %8s  %s\n", "TABLE", "SIG", "LENGTH", "REV",
	       "OEMID", "OEMTABLE", "OEMREV", "STATUS");
	for (i = 0; i < t.n; i++) {
		const struct vb_fwtable *e = &t.v[i];
		struct vb_acpi_hdr h;
		unsigned char *buf;
		size_t n;
		char why[96], len[16] = "-", rev[8] = "-", oemrev[16] = "-";
		int st, sig;

		if (read_table(e, &buf, &n) < 0) {
			rc = VB_EXIT_FAIL;
			continue;
		}
		st = vb_acpi_check(buf, n, &h);
		sig = n >= 8 && vb_acpi_sig_valid(h.sig);
		if (sig)
			snprintf(len, sizeof(len), "%u", (unsigned)h.length);
		if (st != VB_ACPI_NOHDR) {
			snprintf(rev, sizeof(rev), "%u", h.revision);
			if (h.has_checksum)
				snprintf(oemrev, sizeof(oemrev), "%08X", (unsigned)h.oem_revision);
		}
		printf("%-15s %-4s %8s %3s %-6s %-8s %8s  %s\n", e->name, sig ? h.sig : e->sig,
		       len, rev, h.oem_id[0] ? h.oem_id : "-", h.oem_table_id[0] ? h.oem_table_id : "-",
		       oemrev, describe(st, &h, n, why, sizeof(why)));
		free(buf);
	}
	vb_fwtables_free(&t);
	return rc;
}

/* A selector: "SSDT" (every SSDT), "SSDT3", "dynamic/SSDT9"; upper-cased
 * into out. 0 or -EINVAL. */
static int selector(const char *s, char *out, size_t n)
{
	const char *p;
	size_t i, k = 0;

	if (!strncmp(s, "dynamic/", 8)) {
		if (vb_strlcpy(out, "dynamic/", n) < 0)
			return -EINVAL;
		k = 8;
		s += 8;
	}
	if (strlen(s) < 4 || strlen(s) > 7 || k + strlen(s) >= n)
		return -EINVAL;
	for (i = 0; i < 4; i++)
		out[k + i] = (char)toupper((unsigned char)s[i]);
	out[k + 4] = 0;
	if (!vb_acpi_sig_valid(out + k))
		return -EINVAL;
	for (p = s + 4; *p; p++)
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
	if (k && !s[4])
		return -EINVAL;		/* dynamic/ names one table */
	strcpy(out + k + 4, s + 4);
	return 0;
}

static int sel_match(const char *sel, const struct vb_fwtable *e)
{
	if (strlen(sel) == 4)
		return !strcmp(sel, e->sig);
	return !strcmp(sel, e->name);
}

static int do_extract(const char *dir, char **sels, int nsel)
{
	char (*sv)[32] = NULL, fname[32], out[VB_PATH_MAX + 40];
	unsigned char *pick = NULL;
	struct vb_fwtables t;
	struct stat st;
	size_t i;
	int j, rc = VB_EXIT_OK, any = 0;

	if (nsel) {
		sv = vb_xcalloc((size_t)nsel, sizeof(*sv));
		for (j = 0; j < nsel; j++) {
			if (selector(sels[j], sv[j], sizeof(sv[j])) < 0) {
				free(sv);
				return vb_usage_err("'%s': not a table signature (SSDT) or name "
						    "(SSDT3, dynamic/SSDT9)", sels[j]);
			}
		}
	}
	if (stat(dir, &st) < 0 || (!S_ISDIR(st.st_mode) && (errno = ENOTDIR)) ||
	    access(dir, W_OK | X_OK) < 0) {
		free(sv);
		return vb_usage_err("-d %s: %s", dir, strerror(errno));
	}
	if (scan(&t) < 0) {
		free(sv);
		return VB_EXIT_FAIL;
	}
	pick = vb_xcalloc(t.n ? t.n : 1, 1);
	for (j = 0; j < nsel; j++) {
		int hit = 0;
		for (i = 0; i < t.n; i++)
			if (sel_match(sv[j], &t.v[i]))
				pick[i] = hit = 1;
		if (!hit) {
			vb_err("%s: no such table (ssdt list shows them)", sels[j]);
			rc = VB_EXIT_FAIL;
		}
	}
	if (!nsel) {
		for (i = 0; i < t.n; i++)
			if (!strcmp(t.v[i].sig, "SSDT"))
				pick[i] = any = 1;
		if (!any) {
			vb_err("no SSDT tables in %s", TABLES);
			rc = VB_EXIT_FAIL;
		}
	}
	if (rc)
		goto out;
	for (i = 0; i < t.n; i++) {
		const struct vb_fwtable *e = &t.v[i];
		const char *base = strrchr(e->name, '/');
		struct vb_acpi_hdr h;
		unsigned char *buf;
		size_t n, k;
		char why[96];
		int s, r;

		if (!pick[i])
			continue;
		if (read_table(e, &buf, &n) < 0) {
			rc = VB_EXIT_FAIL;
			continue;
		}
		s = vb_acpi_check(buf, n, &h);
		if (s != VB_ACPI_OK && s != VB_ACPI_BADSUM) {
			vb_err("%s: %s; not extracted", e->name, describe(s, &h, n, why, sizeof(why)));
			rc = VB_EXIT_FAIL;
			free(buf);
			continue;
		}
		if (s == VB_ACPI_BADSUM)
			vb_warn("%s: %s; extracted as it is", e->name,
				describe(s, &h, n, why, sizeof(why)));
		/* acpixtract's names: the signature in lower case, plus the
		 * instance number when there are several */
		base = base ? base + 1 : e->name;
		for (k = 0; base[k] && k < sizeof(fname) - 5; k++)
			fname[k] = (char)tolower((unsigned char)base[k]);
		strcpy(fname + k, ".dat");
		snprintf(out, sizeof(out), "%s/%s", dir, fname);
		if ((r = vb_blob_write_atomic(out, buf, n, 0644)) < 0) {
			vb_err("%s: %s: %s", e->name, out, strerror(-r));
			rc = VB_EXIT_FAIL;
		} else {
			printf("%-15s %8zu bytes  %s\n", e->name, n, out);
		}
		free(buf);
	}
out:
	free(pick);
	free(sv);
	vb_fwtables_free(&t);
	return rc;
}

/* The problems the walk of a table met, as warnings. */
static void walk_problems(const char *name, const struct vb_aml *aml)
{
	size_t i;

	if (aml->truncated)
		vb_warn("%s: truncated: %zu bytes of its packages are missing at the end; walked "
			"as far as the bytes go", name, aml->truncated);
	for (i = 0; i < aml->nbads; i++) {
		const struct vb_aml_bad *b = &aml->bads[i];

		if (b->to == b->off)
			vb_warn("%s: 0x%06zx: %s (at 0x%06zx, in %s); left out: %s", name, b->off,
				b->why, b->at, b->scope, b->skipped);
		else
			vb_warn("%s: 0x%06zx: cannot decode the term: %s (at 0x%06zx, byte 0x%02x, "
				"in %s); skipped %s, %zu bytes to 0x%06zx", name, b->off, b->why,
				b->at, b->at < aml->len ? aml->tbl[b->at] : 0, b->scope, b->skipped,
				b->to - b->off, b->to);
	}
}

/* Read and check a table for a walk: 0; -1 when it cannot be read, 1 when
 * it has no header to walk by (both said). *n is cut to what the header
 * says. */
static int load_aml(const struct vb_fwtable *e, unsigned char **buf, size_t *n)
{
	struct vb_acpi_hdr h;
	char why[96];
	int s;

	if (read_table(e, buf, n) < 0)
		return -1;
	s = vb_acpi_check(*buf, *n, &h);
	if (s == VB_ACPI_NOHDR || s == VB_ACPI_BADLEN) {
		vb_warn("%s: %s; not searched", e->name, describe(s, &h, *n, why, sizeof(why)));
		free(*buf);
		return 1;
	}
	if (s == VB_ACPI_SHORT || s == VB_ACPI_LONG)
		vb_warn("%s: %s; searching its first %zu bytes", e->name,
			describe(s, &h, *n, why, sizeof(why)), *n < h.length ? *n : (size_t)h.length);
	if (*n > h.length)
		*n = h.length;
	return 0;
}

static int do_find(const char *name)
{
	struct vb_acpi_name nm;
	struct vb_fwtables t;
	size_t i, found = 0;
	char nmf[VB_ACPI_MAX_SEGS * 5 + 2];
	int rc = VB_EXIT_OK;

	if (vb_acpi_name_parse(name, &nm) < 0)
		return vb_usage_err("'%s': not an ACPI name (segments of 1-4 characters A-Z, "
				    "0-9, _, not starting with a digit, joined by '.')", name);
	vb_acpi_name_format(&nm, nmf, sizeof(nmf));
	if (scan(&t) < 0)
		return VB_EXIT_FAIL;
	for (i = 0; i < t.n; i++) {
		const struct vb_fwtable *e = &t.v[i];
		struct vb_aml aml;
		struct vb_aml_hit hit;
		unsigned char *buf;
		size_t n, pos = 0;
		int r;

		if (!vb_acpi_is_aml(e->sig))
			continue;
		if ((r = load_aml(e, &buf, &n))) {
			if (r < 0)
				rc = VB_EXIT_FAIL;
			continue;
		}
		vb_aml_walk(&aml, buf, n);
		walk_problems(e->name, &aml);
		while (vb_aml_find(&aml, &nm, nmf, &pos, &hit)) {
			printf("%-15s 0x%06zx  %-15s %s%s%s%s%s\n", e->name, hit.off, hit.kind, hit.path,
			       hit.in ? " in " : "", hit.in ? hit.in : "", hit.cond ? " inside " : "",
			       hit.cond ? hit.cond : "");
			found++;
		}
		vb_aml_free(&aml);
		free(buf);
	}
	vb_fwtables_free(&t);
	if (!found) {
		vb_err("no DSDT or SSDT contains %s", name);
		return vb_worst(rc, VB_EXIT_FAIL);
	}
	return rc;
}

/* ssdt names: every definition of the tables a selector names, or of a
 * table file. */
static int names_of(const struct vb_fwtable *e, int *problems)
{
	const char *name = e->name;
	struct vb_aml aml;
	unsigned char *buf;
	size_t n, i;

	if (load_aml(e, &buf, &n))
		return -1;
	vb_aml_walk(&aml, buf, n);
	walk_problems(name, &aml);
	for (i = 0; i < aml.nitems; i++) {
		const struct vb_aml_item *it = &aml.items[i];

		if (it->type != VB_AML_DEF)
			continue;
		printf("%-15s 0x%06zx  %-15s %s%s%s\n", name, it->first, it->kind, it->path,
		       it->cond ? " inside " : "", it->cond ? it->cond : "");
	}
	if (aml.nbads || aml.truncated)
		*problems = 1;
	vb_aml_free(&aml);
	free(buf);
	return 0;
}

static int do_names(const char *what)
{
	char sel[32];
	struct vb_fwtables t;
	size_t i;
	int rc = VB_EXIT_OK, problems = 0, any = 0;

	if (selector(what, sel, sizeof(sel)) < 0 || access(what, F_OK) == 0) {
		const char *base = strrchr(what, '/');
		struct vb_fwtable f;

		if (access(what, R_OK) < 0)
			return vb_usage_err("'%s': %s (give a table file, or a table as ssdt list "
					    "names it: DSDT, SSDT3, dynamic/SSDT9)", what, strerror(errno));
		memset(&f, 0, sizeof(f));
		vb_strlcpy(f.name, base ? base + 1 : what, sizeof(f.name));
		if (vb_strlcpy(f.path, what, sizeof(f.path)) < 0)
			return vb_usage_err("'%s': path too long", what);
		if (names_of(&f, &problems) < 0)
			return VB_EXIT_FAIL;
		return problems ? VB_EXIT_FAIL : VB_EXIT_OK;
	}
	if (scan(&t) < 0)
		return VB_EXIT_FAIL;
	for (i = 0; i < t.n; i++) {
		if (!sel_match(sel, &t.v[i]))
			continue;
		any = 1;
		if (!vb_acpi_is_aml(t.v[i].sig)) {
			vb_err("%s: not an AML table (DSDT, SSDT, PSDT, OSDT)", t.v[i].name);
			rc = VB_EXIT_FAIL;
		} else if (names_of(&t.v[i], &problems) < 0) {
			rc = VB_EXIT_FAIL;
		}
	}
	vb_fwtables_free(&t);
	if (!any) {
		vb_err("%s: no such table (ssdt list shows them)", what);
		return VB_EXIT_FAIL;
	}
	return problems ? VB_EXIT_FAIL : rc;
}

/* A table to FILE (atomically, then what says what it is) or to stdout. */
static int put_table(const char *out, const unsigned char *t, size_t n, const char *what)
{
	int r;

	if (out) {
		if ((r = vb_blob_write_atomic(out, t, n, 0644)) < 0) {
			vb_err("%s: %s", out, strerror(-r));
			return VB_EXIT_FAIL;
		}
		printf("%s: %zu bytes, %s\n", out, n, what);
		return VB_EXIT_OK;
	}
	if (fwrite(t, 1, n, stdout) != n) {
		vb_err("write error on standard output: %s", strerror(errno));
		return VB_EXIT_FAIL;
	}
	return VB_EXIT_OK;
}

/* -o FILE can be written, or stdout is no terminal: 0, else the usage
 * error's exit code. */
static int out_ok(const char *out)
{
	int r;

	if (out && (r = vb_blob_check_target(out)) < 0)
		return vb_usage_err("-o %s: %s", out, strerror(-r));
	if (!out && isatty(STDOUT_FILENO))
		return vb_usage_err("refusing to write a binary table to a terminal: use -o FILE "
				    "or redirect stdout");
	return 0;
}

static int do_battery(const char *out)
{
	int r = out_ok(out);

	if (r)
		return r;
	return put_table(out, vb_acpi_battery, vb_acpi_battery_len,
			 "SSDT BOCHS BXPCSSDT (fake battery \\_SB.PCI0.BAT0)");
}

/* The dGPU's ACPI path: the display device that is not the boot GPU and
 * has an ACPI node. 0, or the exit code (said). */
static int dgpu_path(char *path, size_t n)
{
	char **addrs, p[VB_PATH_MAX], node[512], found[VB_BDF_LEN] = "";
	size_t na, i, count = 0;
	int r;

	if ((r = vb_pcidev_list(&addrs, &na)) < 0) {
		vb_err("/sys/bus/pci/devices: %s", vb_sysfs_strerror(r, NULL));
		return VB_EXIT_FAIL;
	}
	for (i = 0; i < na; i++) {
		struct vb_pciids id;
		char bv[8];

		if (vb_pcidev_ids(addrs[i], &id) < 0 || !vb_class_is_display(id.class))
			continue;
		if (vb_pcidev_path(p, sizeof(p), addrs[i], "boot_vga") == 0 &&
		    vb_sysfs_read(p, bv, sizeof(bv)) > 0 && !strcmp(bv, "1"))
			continue;
		if (vb_pcidev_path(p, sizeof(p), addrs[i], "firmware_node/path") < 0 ||
		    vb_sysfs_read(p, node, sizeof(node)) <= 0 ||
		    vb_fwtables_path_norm(node, path, n) < 0)
			continue;
		if (count++)
			vb_err("%s and %s are both GPUs with an ACPI node that are not the boot "
			       "GPU: give --path (rom --acpi BDF shows a device's)", found, addrs[i]);
		vb_strlcpy(found, addrs[i], sizeof(found));
	}
	vb_sysfs_list_free(addrs, na);
	if (count == 1) {
		vb_info("the dGPU %s is %s (its firmware_node)", found, path);
		return 0;
	}
	if (!count)
		vb_err("no GPU besides the boot GPU has an ACPI node (firmware_node/path): give "
		       "--path ACPI_PATH");
	return VB_EXIT_FAIL;
}

static int do_rom(const char *path, const char *fwcfg, const char *out)
{
	char p[VB_ACPI_MAX_SEGS * 5 + 2], what[sizeof(p) + 128];
	unsigned char *t;
	size_t n;
	int r;

	if (!fwcfg)
		fwcfg = VB_ROMSSDT_FWCFG;
	if (!vb_romssdt_fwcfg_ok(fwcfg))
		return vb_usage_err("--fwcfg '%s': a fw_cfg file name starts with opt/ and has at "
				    "most %d printable characters", fwcfg, VB_ROMSSDT_FWCFG_MAX);
	if (path && vb_fwtables_path_norm(path, p, sizeof(p)) < 0)
		return vb_usage_err("--path '%s': not an absolute ACPI path (\\_SB.PCI0.PEG0.PEGP)",
				    path);
	if ((r = out_ok(out)))
		return r;
	if (!path && (r = dgpu_path(p, sizeof(p))))
		return r;
	if ((r = vb_romssdt_build(p, fwcfg, &t, &n)) < 0) {
		vb_err("%s: %s", p, strerror(-r));
		return VB_EXIT_FAIL;
	}
	snprintf(what, sizeof(what), "SSDT VFIOBX ROMFWCFG (%s._ROM from fw_cfg %s)", p, fwcfg);
	r = put_table(out, t, n, what);
	if (!r && out)
		printf("next: domxml --acpitable=%s --rom-fwcfg=%s=ROMFILE -i DOMAIN.xml (ROMFILE "
		       "from vfiobox rom -o)\n", out, fwcfg);
	free(t);
	return r;
}

int ssdt_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "path", required_argument, NULL, 'P' },
		{ "fwcfg", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd, *out = NULL, *dir = ".", *path = NULL, *fwcfg = NULL;
	int c;

	if (argc < 2)
		return vb_usage_err("missing command: battery, rom, list, extract, find or names");
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		vb_print_usage(ssdt_usage);
		return VB_EXIT_OK;
	}
	if (strcmp(cmd, "battery") && strcmp(cmd, "rom") && strcmp(cmd, "list") &&
	    strcmp(cmd, "extract") && strcmp(cmd, "find") && strcmp(cmd, "names"))
		return vb_usage_err("'%s': unknown command (battery, rom, list, extract, find, "
				    "names)", cmd);
	argv[1] = argv[0];	/* getopt's messages name the applet */
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "ho:d:", lo, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (strcmp(cmd, "battery") && strcmp(cmd, "rom"))
				return vb_usage_err("-o goes with battery and rom");
			out = optarg;
			break;
		case 'P':
		case 'F':
			if (strcmp(cmd, "rom"))
				return vb_usage_err("--%s goes with rom", c == 'P' ? "path" : "fwcfg");
			*(c == 'P' ? &path : &fwcfg) = optarg;
			break;
		case 'd':
			if (strcmp(cmd, "extract"))
				return vb_usage_err("-d goes with extract");
			dir = optarg;
			break;
		case 'h':
			vb_print_usage(ssdt_usage);
			return VB_EXIT_OK;
		default:
			return vb_usage_err("unknown option");
		}
	}
	if (!strcmp(cmd, "extract"))
		return do_extract(dir, argv + optind, argc - optind);
	if (!strcmp(cmd, "find")) {
		if (optind != argc - 1)
			return vb_usage_err("find takes one NAME");
		return do_find(argv[optind]);
	}
	if (!strcmp(cmd, "names")) {
		if (optind != argc - 1)
			return vb_usage_err("names takes one FILE or TABLE");
		return do_names(argv[optind]);
	}
	if (optind != argc)
		return vb_usage_err("%s takes no operands", cmd);
	if (!strcmp(cmd, "list"))
		return do_list();
	if (!strcmp(cmd, "rom"))
		return do_rom(path, fwcfg, out);
	return do_battery(out);
}
