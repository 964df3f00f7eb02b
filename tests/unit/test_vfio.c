/* Unit tests for lib/pci/vfio: which backend module, and the QEMU-style
 * group open with a fake kernel behind the ops seam that can fail each step. */
#include "unit.h"

#include <fcntl.h>
#include <linux/types.h>
#include <linux/vfio.h>
#include <sys/ioctl.h>
#if defined(__has_include) && __has_include(<linux/iommufd.h>)
#include <linux/iommufd.h>
#else
/* As lib/pci/vfio.c has them for headers before 6.2. */
struct iommu_destroy {
	__u32 size;
	__u32 id;
};
#define IOMMU_DESTROY _IO(';', 0x80)
struct iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};
#define IOMMU_IOAS_ALLOC _IO(';', 0x81)
#endif

#include "base/act.h"
#include "base/sysfs.h"
#include "pci/vfio.h"

/* ---- the backend --------------------------------------------------------- */

static char *kernel(const char *dep, const char *builtin)
{
	char *r = unit_tmpdir();

	unit_puts(r, "proc/sys/kernel/osrelease", "6.12.0-test\n");
	unit_puts(r, "lib/modules/6.12.0-test/modules.dep", dep);
	unit_puts(r, "lib/modules/6.12.0-test/modules.builtin", builtin);
	vb_sysfs_set_root(r);
	return r;
}

static void test_backend(void **state)
{
	const char *name;
	char *r;

	(void)state;
	r = kernel("kernel/drivers/vfio/vfio_iommu_type1.ko.xz: kernel/drivers/vfio/vfio.ko.xz\n"
		   "kernel/drivers/iommu/iommufd/iommufd.ko.xz:\n", "");
	assert_int_equal(vb_vfio_backend(&name), 0);
	assert_string_equal(name, "vfio_iommu_type1");
	unit_rmtree(r);

	/* Built in counts. */
	r = kernel("kernel/drivers/iommu/iommufd/iommufd.ko.xz:\n",
		   "kernel/drivers/vfio/vfio_iommu_type1.ko\n");
	assert_int_equal(vb_vfio_backend(&name), 0);
	assert_string_equal(name, "vfio_iommu_type1");
	unit_rmtree(r);

	/* No type1, but iommufd. */
	r = kernel("kernel/drivers/iommu/iommufd/iommufd.ko.zst:\n", "");
	assert_int_equal(vb_vfio_backend(&name), 0);
	assert_string_equal(name, "iommufd");
	unit_rmtree(r);

	/* Neither: the one to install is named. */
	r = kernel("kernel/drivers/vfio/pci/vfio-pci.ko:\n", "");
	assert_int_equal(vb_vfio_backend(&name), -ENOENT);
	assert_string_equal(name, "vfio_iommu_type1");
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

static void test_backend_ready(void **state)
{
	const char *name;
	int st, nomod, was;
	struct vb_act dry = { 1, 0, NULL };
	char *r = kernel("kernel/drivers/vfio/vfio_iommu_type1.ko:\n", "");

	(void)state;
	/* Available, not loaded, no modprobe: said as such. */
	assert_int_equal(vb_vfio_backend_ready(&dry, &name, &st, &nomod, &was), -ENOENT);
	assert_int_equal(nomod, 0);
	assert_int_equal(was, 0);
	/* Loaded already: nothing to run. */
	unit_puts(r, "sys/module/vfio_iommu_type1/initstate", "live\n");
	assert_int_equal(vb_vfio_backend_ready(&dry, &name, &st, &nomod, &was), 0);
	assert_int_equal(was, 1);
	unit_rmtree(r);
	/* Missing. */
	r = kernel("", "");
	assert_int_equal(vb_vfio_backend_ready(&dry, &name, &st, &nomod, &was), -ENOENT);
	assert_int_equal(nomod, 1);
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

/* ---- the open, against a fake kernel ------------------------------------- */

static struct {
	int fail_at;		/* a step number to fail, 0 none */
	int err;		/* errno it fails with */
	int type1v2;		/* CHECK_EXTENSION(TYPE1v2) answer */
	int type1;
	int viable;
	int chr;		/* is_chr answer */
	int open_fds, calls_device_fd, set_iommu_type, set_container_fd;
	unsigned maj, min;	/* the cdev node's number (rdev answer) */
	int cdev_ioctls, ioas, destroyed;
} fk;

#define FD_CONTAINER 100
#define FD_GROUP 101
#define FD_CDEV 102
#define FD_IOMMU 103

static int f_open(const char *path, int flags)
{
	(void)flags;
	if (strstr(path, "/dev/vfio/devices/")) {
		if (fk.fail_at == VB_VFIO_STEP_CDEV_OPEN) {
			errno = fk.err;
			return -1;
		}
		fk.open_fds++;
		return FD_CDEV;
	}
	if (strstr(path, "/dev/iommu")) {
		if (fk.fail_at == VB_VFIO_STEP_IOMMUFD) {
			errno = fk.err;
			return -1;
		}
		fk.open_fds++;
		return FD_IOMMU;
	}
	if (strstr(path, "/dev/vfio/vfio")) {
		if (fk.fail_at == VB_VFIO_STEP_CONTAINER) {
			errno = fk.err;
			return -1;
		}
		fk.open_fds++;
		return FD_CONTAINER;
	}
	if (fk.fail_at == VB_VFIO_STEP_GROUP) {
		errno = fk.err;
		return -1;
	}
	assert_non_null(strstr(path, "/dev/vfio/12"));
	fk.open_fds++;
	return FD_GROUP;
}

static int f_ioctl(int fd, unsigned long req, unsigned long arg)
{
	if (fd == FD_CDEV) {
		/* Any ioctl on the cdev: BIND_IOMMUFD would open the device. */
		fk.cdev_ioctls++;
		return -1;
	}
	switch (req) {
	case IOMMU_IOAS_ALLOC: {
		struct iommu_ioas_alloc *a = (void *)(uintptr_t)arg;
		assert_int_equal(fd, FD_IOMMU);
		assert_int_equal(a->size, sizeof(*a));
		if (fk.fail_at == VB_VFIO_STEP_IOAS) {
			errno = fk.err;
			return -1;
		}
		a->out_ioas_id = 7;
		fk.ioas = 1;
		return 0;
	}
	case IOMMU_DESTROY: {
		struct iommu_destroy *d = (void *)(uintptr_t)arg;
		assert_int_equal(fd, FD_IOMMU);
		assert_int_equal(d->size, sizeof(*d));
		assert_int_equal(d->id, 7);
		fk.destroyed = 1;
		return 0;
	}
	case VFIO_GET_API_VERSION:
		assert_int_equal(fd, FD_CONTAINER);
		return fk.fail_at == VB_VFIO_STEP_API ? 1 : VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		assert_int_equal(fd, FD_CONTAINER);
		return arg == VFIO_TYPE1v2_IOMMU ? fk.type1v2 : arg == VFIO_TYPE1_IOMMU ? fk.type1 : 0;
	case VFIO_GROUP_GET_STATUS: {
		struct vfio_group_status *s = (void *)(uintptr_t)arg;
		assert_int_equal(fd, FD_GROUP);
		assert_int_equal(s->argsz, sizeof(*s));
		if (fk.fail_at == VB_VFIO_STEP_STATUS) {
			errno = fk.err;
			return -1;
		}
		s->flags = fk.viable ? VFIO_GROUP_FLAGS_VIABLE : 0;
		return 0;
	}
	case VFIO_GROUP_SET_CONTAINER:
		assert_int_equal(fd, FD_GROUP);
		fk.set_container_fd = *(int *)(uintptr_t)arg;
		if (fk.fail_at == VB_VFIO_STEP_SET_CONTAINER) {
			errno = fk.err;
			return -1;
		}
		return 0;
	case VFIO_SET_IOMMU:
		assert_int_equal(fd, FD_CONTAINER);
		assert_int_equal(fk.set_container_fd, FD_CONTAINER);	/* after SET_CONTAINER */
		fk.set_iommu_type = (int)arg;
		if (fk.fail_at == VB_VFIO_STEP_SET_IOMMU) {
			errno = fk.err;
			return -1;
		}
		return 0;
	case VFIO_GROUP_GET_DEVICE_FD:
		fk.calls_device_fd++;
		return -1;
	}
	fail_msg("unexpected ioctl %#lx", req);
	return -1;
}

static int f_close(int fd)
{
	assert_true(fd == FD_CONTAINER || fd == FD_GROUP || fd == FD_CDEV || fd == FD_IOMMU);
	fk.open_fds--;
	return 0;
}

static int f_is_chr(const char *path)
{
	if (!fk.chr)
		return 0;	/* a plain file, wherever the root is */
	if (access(path, F_OK) < 0)
		return -errno;
	return 1;
}

static int f_rdev(const char *path, unsigned *maj, unsigned *min)
{
	if (access(path, F_OK) < 0)
		return -errno;
	*maj = fk.maj;
	*min = fk.min;
	return 0;
}

static const struct vb_vfio_ops fake = { f_open, f_ioctl, f_close, f_is_chr, f_rdev };

static char *nodes(void)
{
	char *r = unit_tmpdir();

	unit_puts(r, "dev/vfio/vfio", "");
	unit_puts(r, "dev/vfio/12", "");
	vb_sysfs_set_root(r);
	memset(&fk, 0, sizeof(fk));
	fk.type1v2 = fk.type1 = fk.viable = fk.chr = 1;
	vb_vfio_set_ops(&fake);
	return r;
}

static void done(char *r)
{
	assert_int_equal(fk.open_fds, 0);	/* everything closed on every path */
	assert_int_equal(fk.calls_device_fd, 0);	/* never a device fd */
	unit_rmtree(r);
	vb_vfio_set_ops(NULL);
	vb_sysfs_set_root(NULL);
}

static void test_open_ok(void **state)
{
	struct vb_vfio_open o;
	char *r = nodes();

	(void)state;
	assert_int_equal(vb_vfio_group_open(12, &o), 0);
	assert_int_equal(o.step, VB_VFIO_STEP_NONE);
	assert_int_equal(o.checked, 1);
	assert_string_equal(o.iommu, "type1v2");
	assert_int_equal(fk.set_iommu_type, VFIO_TYPE1v2_IOMMU);
	/* Only type1 (an old kernel): QEMU falls back to it. */
	fk.type1v2 = 0;
	assert_int_equal(vb_vfio_group_open(12, &o), 0);
	assert_string_equal(o.iommu, "type1");
	assert_int_equal(fk.set_iommu_type, VFIO_TYPE1_IOMMU);
	done(r);
}

static void test_open_faults(void **state)
{
	static const struct { int step, err, want; } c[] = {
		{ VB_VFIO_STEP_CONTAINER, ENOENT, -ENOENT },
		{ VB_VFIO_STEP_API, 0, -EPROTO },
		{ VB_VFIO_STEP_GROUP, EBUSY, -EBUSY },		/* open by a VM */
		{ VB_VFIO_STEP_GROUP, EPERM, -EPERM },
		{ VB_VFIO_STEP_STATUS, EINVAL, -EINVAL },
		{ VB_VFIO_STEP_SET_CONTAINER, EBUSY, -EBUSY },
		{ VB_VFIO_STEP_SET_IOMMU, ENODEV, -ENODEV },	/* no backend module */
		{ VB_VFIO_STEP_SET_IOMMU, EPERM, -EPERM },	/* no interrupt remapping */
	};
	struct vb_vfio_open o;
	size_t i;
	char *r;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		r = nodes();
		fk.fail_at = c[i].step;
		fk.err = c[i].err;
		assert_int_equal(vb_vfio_group_open(12, &o), c[i].want);
		assert_int_equal(o.step, c[i].step);
		assert_int_equal(o.err, c[i].want);
		assert_non_null(vb_vfio_step_name(o.step));
		done(r);
	}
	/* No type1 extension at all (the backend is not loaded). */
	r = nodes();
	fk.type1v2 = fk.type1 = 0;
	assert_int_equal(vb_vfio_group_open(12, &o), -ENODEV);
	assert_int_equal(o.step, VB_VFIO_STEP_EXTENSION);
	assert_int_equal(fk.set_iommu_type, 0);
	done(r);
	/* Not viable: nothing set. */
	r = nodes();
	fk.viable = 0;
	assert_int_equal(vb_vfio_group_open(12, &o), -EPERM);
	assert_int_equal(o.step, VB_VFIO_STEP_VIABLE);
	assert_int_equal(fk.set_container_fd, 0);
	done(r);
	/* The group's node missing. */
	r = nodes();
	assert_int_equal(vb_vfio_group_open(13, &o), -ENOENT);
	assert_int_equal(o.step, VB_VFIO_STEP_GROUP);
	done(r);
}

static void test_open_fake_tree(void **state)
{
	struct vb_vfio_open o;
	char *r = nodes();

	(void)state;
	/* Plain files under VFIOBOX_SYSROOT: present, not opened. */
	vb_vfio_set_ops(NULL);
	assert_int_equal(vb_vfio_group_open(12, &o), 0);
	assert_int_equal(o.checked, 0);
	assert_int_equal(vb_vfio_group_open(13, &o), -ENOENT);
	/* On the real root, a node that is not a character device fails. */
	vb_vfio_set_ops(&fake);
	fk.chr = 0;
	vb_sysfs_set_root("");
	assert_int_equal(vb_vfio_group_open(12, &o), -ENOTTY);
	assert_int_equal(o.step, VB_VFIO_STEP_CONTAINER);
	done(r);
}

/* ---- the device cdev ----------------------------------------------------- */

#define DEVDIR "sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0"

/* A device 01:00.0 on vfio-pci with the cdev vfio3 (511:3), its node and
 * /dev/iommu, on a kernel without the group interface. */
static char *cdev_tree(void)
{
	char *r = unit_tmpdir();

	unit_puts(r, DEVDIR "/vendor", "0x10de\n");
	unit_puts(r, DEVDIR "/vfio-dev/vfio3/dev", "511:3\n");
	unit_link(r, "sys/bus/pci/devices/0000:01:00.0", "../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0");
	unit_puts(r, "dev/vfio/devices/vfio3", "");
	unit_puts(r, "dev/iommu", "");
	unit_puts(r, "proc/sys/kernel/osrelease", "6.12.0-test\n");
	vb_sysfs_set_root(r);
	memset(&fk, 0, sizeof(fk));
	fk.chr = 1;
	fk.maj = 511;
	fk.min = 3;
	vb_vfio_set_ops(&fake);
	return r;
}

static void cdev_done(char *r)
{
	assert_int_equal(fk.open_fds, 0);
	assert_int_equal(fk.cdev_ioctls, 0);	/* never BIND_IOMMUFD or any other */
	unit_rmtree(r);
	vb_vfio_set_ops(NULL);
	vb_sysfs_set_root(NULL);
}

static void test_cdev(void **state)
{
	char name[32], g[64], c[64];
	unsigned a, b;
	char *r = cdev_tree();

	(void)state;
	assert_int_equal(vb_vfio_cdev("0000:01:00.0", name, sizeof(name), &a, &b), 0);
	assert_string_equal(name, "vfio3");
	assert_int_equal(a, 511);
	assert_int_equal(b, 3);
	assert_int_equal(vb_vfio_nodes("0000:01:00.0", g, sizeof(g), c, sizeof(c)), 1);
	assert_string_equal(g, "");
	assert_string_equal(c, "/dev/vfio/devices/vfio3");
	/* vfio-dev/vfioN without `dev` (every kernel since 6.1): no cdev. */
	unit_rmtree(r);
	r = cdev_tree();
	{
		char p[600];
		snprintf(p, sizeof(p), "%s/" DEVDIR "/vfio-dev/vfio3/dev", r);
		assert_int_equal(unlink(p), 0);
	}
	assert_int_equal(vb_vfio_cdev("0000:01:00.0", name, sizeof(name), &a, &b), -ENOENT);
	/* Junk in dev: none either. */
	unit_puts(r, DEVDIR "/vfio-dev/vfio3/dev", "511\n");
	assert_int_equal(vb_vfio_cdev("0000:01:00.0", name, sizeof(name), &a, &b), -ENOENT);
	/* No vfio-dev at all. */
	assert_int_equal(vb_vfio_cdev("0000:02:00.0", name, sizeof(name), &a, &b), -ENOENT);
	cdev_done(r);
}

static void test_cdev_open(void **state)
{
	static const struct { int step, err, want; } c[] = {
		{ VB_VFIO_STEP_CDEV_OPEN, ENODEV, -ENODEV },	/* not registered */
		{ VB_VFIO_STEP_IOMMUFD, ENOENT, -ENOENT },
		{ VB_VFIO_STEP_IOAS, ENOMEM, -ENOMEM },
	};
	struct vb_vfio_open o;
	size_t i;
	char *r = cdev_tree();

	(void)state;
	assert_int_equal(vb_vfio_cdev_open("0000:01:00.0", &o), 0);
	assert_int_equal(o.checked, 1);
	assert_string_equal(o.node, "/dev/vfio/devices/vfio3");
	assert_string_equal(o.dev, "");
	assert_int_equal(fk.ioas, 1);
	assert_int_equal(fk.destroyed, 1);
	cdev_done(r);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		r = cdev_tree();
		fk.fail_at = c[i].step;
		fk.err = c[i].err;
		assert_int_equal(vb_vfio_cdev_open("0000:01:00.0", &o), c[i].want);
		assert_int_equal(o.step, c[i].step);
		assert_string_equal(o.dev, "0000:01:00.0");
		assert_non_null(vb_vfio_step_name(o.step));
		cdev_done(r);
	}
	/* The node is another device's (a stale node): -ENXIO, not opened. */
	r = cdev_tree();
	fk.min = 4;
	assert_int_equal(vb_vfio_cdev_open("0000:01:00.0", &o), -ENXIO);
	assert_int_equal(o.step, VB_VFIO_STEP_CDEV_OPEN);
	assert_int_equal(o.want_maj, 511);
	assert_int_equal(o.want_min, 3);
	cdev_done(r);
	/* No cdev for the device. */
	r = cdev_tree();
	assert_int_equal(vb_vfio_cdev_open("0000:02:00.0", &o), -ENOENT);
	assert_int_equal(o.step, VB_VFIO_STEP_CDEV);
	cdev_done(r);
	/* The node missing; /dev/iommu missing. */
	r = cdev_tree();
	{
		char p[600];
		snprintf(p, sizeof(p), "%s/dev/iommu", r);
		assert_int_equal(unlink(p), 0);
		assert_int_equal(vb_vfio_cdev_open("0000:01:00.0", &o), -ENOENT);
		assert_int_equal(o.step, VB_VFIO_STEP_IOMMUFD);
		snprintf(p, sizeof(p), "%s/dev/vfio/devices/vfio3", r);
		assert_int_equal(unlink(p), 0);
		assert_int_equal(vb_vfio_cdev_open("0000:01:00.0", &o), -ENOENT);
		assert_int_equal(o.step, VB_VFIO_STEP_CDEV_OPEN);
	}
	cdev_done(r);
	/* A fake tree's plain files: there, not opened. */
	r = cdev_tree();
	vb_vfio_set_ops(NULL);
	assert_int_equal(vb_vfio_cdev_open("0000:01:00.0", &o), 0);
	assert_int_equal(o.checked, 0);
	vb_vfio_set_ops(&fake);
	cdev_done(r);
}

static void test_interfaces(void **state)
{
	char *r;

	(void)state;
	/* Nothing loaded, no config: nothing to tell. */
	r = cdev_tree();
	{
		char p[600];
		snprintf(p, sizeof(p), "%s/" DEVDIR "/vfio-dev/vfio3/dev", r);
		unlink(p);
		snprintf(p, sizeof(p), "%s/dev/iommu", r);
		unlink(p);
	}
	assert_int_equal(vb_vfio_interfaces(), 0);
	/* The config tells (Debian 13's place for it). */
	unit_puts(r, "lib/modules/6.12.0-test/config", "CONFIG_VFIO=m\nCONFIG_VFIO_GROUP=y\n"
		  "CONFIG_VFIO_DEVICE_CDEV=y\nCONFIG_IOMMUFD=m\n");
	assert_int_equal(vb_vfio_interfaces(), VB_VFIO_IF_FROM_CONFIG | VB_VFIO_IF_GROUP |
			 VB_VFIO_IF_CDEV | VB_VFIO_IF_IOMMUFD);
	/* /boot's first; "is not set" is off; the first line counts too. */
	unit_puts(r, "boot/config-6.12.0-test", "CONFIG_VFIO_DEVICE_CDEV=y\n"
		  "# CONFIG_VFIO_GROUP is not set\n# CONFIG_IOMMUFD is not set\n");
	assert_int_equal(vb_vfio_interfaces(), VB_VFIO_IF_FROM_CONFIG | VB_VFIO_IF_CDEV);
	/* vfio loaded: /dev/vfio/vfio is the group interface whatever the
	 * config; no cdev on any device yet: the config's word for it. */
	unit_puts(r, "sys/module/vfio/initstate", "live\n");
	unit_puts(r, "dev/vfio/vfio", "");
	assert_int_equal(vb_vfio_interfaces(), VB_VFIO_IF_GROUP | VB_VFIO_IF_CDEV |
			 VB_VFIO_IF_FROM_CONFIG);
	unit_puts(r, "boot/config-6.12.0-test", "# CONFIG_VFIO_DEVICE_CDEV is not set\n");
	assert_int_equal(vb_vfio_interfaces(), VB_VFIO_IF_GROUP);
	/* A device with a cdev: seen, from the nodes. */
	unit_puts(r, DEVDIR "/vfio-dev/vfio3/dev", "511:3\n");
	unit_puts(r, "dev/iommu", "");
	assert_int_equal(vb_vfio_interfaces(), VB_VFIO_IF_GROUP | VB_VFIO_IF_CDEV | VB_VFIO_IF_IOMMUFD);
	{
		char p[600];
		snprintf(p, sizeof(p), "%s/dev/vfio/vfio", r);
		unlink(p);
	}
	assert_int_equal(vb_vfio_has_groups(), 0);
	assert_int_equal(vb_vfio_interfaces(), VB_VFIO_IF_CDEV | VB_VFIO_IF_IOMMUFD);
	cdev_done(r);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_backend),
		cmocka_unit_test(test_backend_ready),
		cmocka_unit_test(test_open_ok),
		cmocka_unit_test(test_open_faults),
		cmocka_unit_test(test_open_fake_tree),
		cmocka_unit_test(test_cdev),
		cmocka_unit_test(test_cdev_open),
		cmocka_unit_test(test_interfaces),
	};
	return cmocka_run_group_tests_name("vfio", t, NULL, NULL);
}
