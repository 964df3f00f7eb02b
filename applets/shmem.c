/* shmem: the Looking Glass shared memory size for a guest resolution, in the
 * forms the setup needs (MiB for libvirt's <shmem>, bytes for a
 * memory-backend-file, the kvmfr module option), and a check of a size
 * already configured.
 *
 * No kernel ABI: arithmetic only (lib/xml/shmem). Official formula (Looking
 * Glass B6/B7): W x H x BPP x 2 bytes in MiB, + 10 MiB, next power of two;
 * BPP 4, or 8 for HDR. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "applet.h"
#include "xml/shmem.h"
#include "base/util.h"

const char shmem_usage[] =
	"usage: shmem [--hdr] [--format=mib|bytes|kvmfr|xml|json] WIDTHxHEIGHT\n"
	"       shmem [--hdr] --check MIB WIDTHxHEIGHT\n"
	"\n"
	"Print the Looking Glass shared memory size for a guest display of\n"
	"WIDTHxHEIGHT pixels by the official formula: WIDTH x HEIGHT x 4 bytes per\n"
	"pixel (8 with --hdr) x 2 frames, in MiB, plus 10 MiB, rounded up to the\n"
	"next power of two. 1920x1080 needs 32 MiB (64 HDR), 2560x1440 and\n"
	"3440x1440 64 (128), 3840x2160 128 (256).\n"
	"\n"
	"  --hdr            8 bytes per pixel (HDR)\n"
	"  --format=FORM    mib    the size in MiB (the default)\n"
	"                   bytes  in bytes, for memory-backend-file size=\n"
	"                   kvmfr  the /etc/modprobe.d line: options kvmfr static_size_mb=N\n"
	"                   xml    the libvirt <shmem name='looking-glass'> element\n"
	"                   json   {\"width\",\"height\",\"hdr\",\"mib\",\"bytes\",\"legacy_mib\"}\n"
	"  --check MIB      exit 0 if MIB is enough for WIDTHxHEIGHT and a power of\n"
	"                   two (QEMU's ivshmem aborts on other sizes), else 1\n"
	"  -h, --help       this text\n"
	"\n"
	"The seed guides use WIDTH x HEIGHT / 131072 rounded up to a power of two,\n"
	"which leaves out the 10 MiB: a note on stderr says so whenever that rule\n"
	"gives less than Looking Glass needs. Exit 2 for a bad resolution or size.\n";

enum { F_MIB, F_BYTES, F_KVMFR, F_XML, F_JSON };

#define MAX_MIB (1ul << 20)	/* a TiB of frame buffer is a typo */

/* "DIGITSxDIGITS": for telling a zero apart from junk. */
static int digits_x_digits(const char *s)
{
	const char *x = strpbrk(s, "xX");
	const char *p;

	if (!x || x == s || !x[1])
		return 0;
	for (p = s; *p; p++)
		if (p != x && !isdigit((unsigned char)*p))
			return 0;
	return 1;
}

static int parse_res(const char *s, unsigned *w, unsigned *h)
{
	int r = vb_shmem_parse_res(s, w, h);

	if (r == -ERANGE || (r == -EINVAL && digits_x_digits(s)))
		return vb_usage_err("'%s': width and height must be 1 to %u pixels", s,
				    VB_SHMEM_MAX_DIM);
	if (!*s)
		return vb_usage_err("empty resolution (want WIDTHxHEIGHT, e.g. 1920x1080)");
	if (r < 0 && !strpbrk(s, "xX"))
		return vb_usage_err("'%s': no 'x' between width and height (want WIDTHxHEIGHT, "
				    "e.g. 1920x1080)", s);
	if (r < 0)
		return vb_usage_err("'%s': not a resolution (want WIDTHxHEIGHT in pixels, "
				    "e.g. 1920x1080)", s);
	return 0;
}

static void legacy_note(unsigned w, unsigned h, int hdr, uint64_t mib)
{
	uint64_t old = vb_shmem_legacy_mib(w, h);

	if (old < mib)
		vb_info("note: the guides' formula (W x H / 131072, rounded up) gives %llu MiB "
			"for %ux%u, too small: Looking Glass needs %llu MiB%s",
			(unsigned long long)old, w, h, (unsigned long long)mib,
			hdr ? " with HDR" : "");
}

static int check(const char *mibarg, unsigned w, unsigned h, int hdr)
{
	uint64_t need = vb_shmem_mib(w, h, hdr);
	unsigned long have;

	if (vb_parse_ulong(mibarg, 10, MAX_MIB, &have) < 0 || !have)
		return vb_usage_err("--check '%s': want a size in MiB, 1 to %lu", mibarg, MAX_MIB);
	if (have < need) {
		vb_err("%lu MiB is too small for %ux%u%s: Looking Glass needs %llu MiB", have, w, h,
		       hdr ? " HDR" : "", (unsigned long long)need);
		if (have == vb_shmem_legacy_mib(w, h))
			vb_info("note: %lu MiB is what the guides' formula (W x H / 131072) gives; "
				"it leaves out Looking Glass's 10 MiB", have);
		return VB_EXIT_FAIL;
	}
	if (have & (have - 1)) {
		/* hw/pci/pci.c: pci_register_bar asserts is_power_of_2(size) */
		vb_err("%lu MiB is not a power of two: QEMU's ivshmem device aborts on it; "
		       "use %llu MiB", have, (unsigned long long)need);
		return VB_EXIT_FAIL;
	}
	printf("ok: %lu MiB is enough for %ux%u%s (needs %llu MiB)\n", have, w, h,
	       hdr ? " HDR" : "", (unsigned long long)need);
	return VB_EXIT_OK;
}

int shmem_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "hdr", no_argument, NULL, 'H' },
		{ "format", required_argument, NULL, 'f' },
		{ "check", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const forms[] = { "mib", "bytes", "kvmfr", "xml", "json" };
	const char *checkarg = NULL;
	int c, i, hdr = 0, form = -1;
	unsigned w, h;
	uint64_t mib;

	/* musl's getopt would take "-1920x1080" for options: say what it is */
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (argv[i][0] == '-' && isdigit((unsigned char)argv[i][1]))
			return vb_usage_err("'%s': sizes and resolutions cannot be negative", argv[i]);
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'H':
			hdr = 1;
			break;
		case 'f':
			for (form = 0; form < (int)VB_ARRAY_SIZE(forms); form++)
				if (!strcmp(optarg, forms[form]))
					break;
			if (form == (int)VB_ARRAY_SIZE(forms))
				return vb_usage_err("--format=%s: want mib, bytes, kvmfr, xml or json",
						    optarg);
			break;
		case 'c':
			checkarg = optarg;
			break;
		case 'h':
			vb_print_usage(shmem_usage);
			return VB_EXIT_OK;
		default:
			return vb_usage_err("unknown option");
		}
	}
	if (optind != argc - 1)
		return vb_usage_err(optind == argc ? "missing WIDTHxHEIGHT" :
				    "one WIDTHxHEIGHT only");
	if (checkarg && form >= 0)
		return vb_usage_err("--check and --format do not go together");
	if ((c = parse_res(argv[optind], &w, &h)))
		return c;
	if (checkarg)
		return check(checkarg, w, h, hdr);

	mib = vb_shmem_mib(w, h, hdr);
	switch (form < 0 ? F_MIB : form) {
	case F_MIB:
		printf("%llu\n", (unsigned long long)mib);
		break;
	case F_BYTES:
		printf("%llu\n", (unsigned long long)(mib << 20));
		break;
	case F_KVMFR:
		printf("options kvmfr static_size_mb=%llu\n", (unsigned long long)mib);
		break;
	case F_XML:
		printf("<shmem name='looking-glass'>\n"
		       "  <model type='ivshmem-plain'/>\n"
		       "  <size unit='M'>%llu</size>\n"
		       "</shmem>\n", (unsigned long long)mib);
		break;
	case F_JSON:
		printf("{\"width\":%u,\"height\":%u,\"hdr\":%s,\"mib\":%llu,\"bytes\":%llu,"
		       "\"legacy_mib\":%llu}\n", w, h, hdr ? "true" : "false",
		       (unsigned long long)mib, (unsigned long long)(mib << 20),
		       (unsigned long long)vb_shmem_legacy_mib(w, h));
		break;
	}
	legacy_note(w, h, hdr, mib);
	return VB_EXIT_OK;
}
