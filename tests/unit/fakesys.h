/* fakesys.h: a fake sysfs tree from a mkfakesys description, for the unit
 * tests of lib/pciops, lib/hda and lib/bind (mk/pciops.mk exports
 * VB_MKFAKESYS, the builder the applet tests use too). */
#ifndef VB_FAKESYS_H
#define VB_FAKESYS_H

/* Paths here are a temporary directory plus a short sysfs path: gcc cannot
 * know that, and would warn on every snprintf into PATH_MAX. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include "unit.h"
#include "base/sysfs.h"

struct fake {
	char *dir;		/* the temporary directory (unit_rmtree) */
	char root[PATH_MAX];	/* dir/t: the tree, VFIOBOX_SYSROOT */
};

static inline void fake_make(struct fake *f, const char *desc)
{
	const char *mk = getenv("VB_MKFAKESYS");
	char path[PATH_MAX], cmd[3 * PATH_MAX];

	f->dir = unit_tmpdir();
	assert_non_null(f->dir);
	unit_puts(f->dir, "desc", desc);
	snprintf(f->root, sizeof(f->root), "%s/t", f->dir);
	snprintf(path, sizeof(path), "%s/desc", f->dir);
	snprintf(cmd, sizeof(cmd), "'%s' '%s' '%s'", mk && *mk ? mk : "build/mkfakesys", path,
		 f->root);
	assert_int_equal(system(cmd), 0);
	vb_sysfs_set_root(f->root);
}

static inline void fake_free(struct fake *f)
{
	vb_sysfs_set_root("");
	unit_rmtree(f->dir);
	f->dir = NULL;
}

/* Contents of ROOT/rel (trailing newline stripped) into buf. */
static inline const char *fake_read(const struct fake *f, const char *rel, char *buf, size_t n)
{
	char p[PATH_MAX];
	FILE *fp;
	size_t got;

	snprintf(p, sizeof(p), "%s/%s", f->root, rel);
	fp = fopen(p, "r");
	if (!fp)
		return NULL;
	got = fread(buf, 1, n - 1, fp);
	fclose(fp);
	buf[got] = 0;
	if (got && buf[got - 1] == '\n')
		buf[got - 1] = 0;
	return buf;
}

/* Config-space bytes of a device in the fake tree. */
static inline void fake_cfg(const struct fake *f, const char *addr, long off, void *buf, size_t n,
			    int write)
{
	char p[PATH_MAX];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/%s/config", f->root, addr);
	fp = fopen(p, write ? "r+" : "r");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, off, SEEK_SET), 0);
	if (write)
		assert_int_equal(fwrite(buf, 1, n, fp), n);
	else
		assert_int_equal(fread(buf, 1, n, fp), n);
	fclose(fp);
}

static inline uint32_t fake_cfg32(const struct fake *f, const char *addr, long off)
{
	uint8_t b[4];

	fake_cfg(f, addr, off, b, 4, 0);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline void fake_set_cfg32(const struct fake *f, const char *addr, long off, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	fake_cfg(f, addr, off, b, 4, 1);
}

#endif
