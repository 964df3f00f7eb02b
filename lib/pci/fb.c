/* fb: firmware framebuffers inside a device's BARs. See fb.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sysfs.h"
#include "base/util.h"
#include "pci/fb.h"
#include "pci/pcidev.h"

#define NBARS 6

static const char *const fb_names[] = {
	"efifb", "vesafb", "simpledrm", "simple-framebuffer", "vesa-framebuffer", "BOOTFB",
};

static int is_fb(const char *name)
{
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(fb_names); i++)
		if (!strncmp(name, fb_names[i], strlen(fb_names[i])))
			return 1;
	return 0;
}

const char *vb_fb_param(const char *name)
{
	if (!strncmp(name, "efifb", 5))
		return "video=efifb:off";
	if (!strncmp(name, "vesafb", 6))
		return "video=vesafb:off";
	/* simpledrm, simple-framebuffer and BOOTFB come from sysfb. */
	return "initcall_blacklist=sysfb_init";
}

int vb_fb_vfio_removes(unsigned class)
{
	return (class >> 8) == 0x0300;
}

int vb_fb_find(const char *addr, struct vb_fb *fb, size_t max)
{
	unsigned long long bs[NBARS] = { 0 }, be[NBARS] = { 0 };
	char p[VB_PATH_MAX], *line = NULL;
	size_t cap = 0, n = 0;
	int i, hidden = 0, total = 0;
	FILE *f;

	if (vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/devices/%s/resource", addr) < 0)
		return -ENAMETOOLONG;
	if (!(f = fopen(p, "re")))
		return -errno;
	for (i = 0; i < NBARS && getline(&line, &cap, f) > 0; i++) {
		unsigned long long fl;
		if (sscanf(line, "%llx %llx %llx", &bs[i], &be[i], &fl) != 3 || !be[i])
			bs[i] = be[i] = 0;
	}
	fclose(f);
	if (vb_sysfs_path(p, sizeof(p), "/proc/iomem") < 0) {
		free(line);
		return -ENAMETOOLONG;
	}
	if (!(f = fopen(p, "re"))) {
		i = -errno;
		free(line);
		return i;
	}
	/* The nesting: a BAR is a resource named by its device's address, and
	 * a framebuffer inside it is its child. */
	char anc[8][VB_BDF_LEN + 8];
	int depth_of[8] = { 0 };
	while (getline(&line, &cap, f) > 0) {
		unsigned long long s, e;
		char *name = strstr(line, " : ");
		int off = 0, ind = (int)strspn(line, " "), lvl, mine = 0, other = 0, k;

		if (!name || sscanf(line, " %llx-%llx%n", &s, &e, &off) != 2)
			continue;
		total++;
		lvl = ind / 2 < 8 ? ind / 2 : 7;
		vb_strlcpy(anc[lvl], name + 3, sizeof(anc[lvl]));
		anc[lvl][strcspn(anc[lvl], "\n")] = 0;
		depth_of[lvl] = 1;
		for (k = lvl + 1; k < 8; k++)
			depth_of[k] = 0;
		for (k = 0; k < lvl; k++) {
			char canon[VB_BDF_LEN];
			if (!depth_of[k])
				continue;
			if (!strcmp(anc[k], addr))
				mine = 1;
			else if (vb_bdf_canon(anc[k], canon) == 0 && !strcmp(canon, anc[k]))
				other = 1;	/* inside another device's BAR */
		}
		if (!s && !e) {
			hidden++;	/* zeros: not root */
			continue;
		}
		name += 3;
		name[strcspn(name, "\n")] = 0;
		if (!is_fb(name) || (other && !mine))
			continue;
		for (i = 0; i < NBARS; i++) {
			if (!be[i] || s < bs[i] || e > be[i])
				continue;
			if (n < max) {
				vb_strlcpy(fb[n].name, name, sizeof(fb[n].name));
				fb[n].start = s;
				fb[n].end = e;
				fb[n].bar = i;
			}
			n++;
			break;
		}
	}
	free(line);
	fclose(f);
	if (total && hidden == total)
		return -EACCES;
	return n < max ? (int)n : (int)max;
}
