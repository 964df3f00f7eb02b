/* Unit tests for lib/pci/vfio: which backend module, and the QEMU-style
 * group open with a fake kernel behind the ops seam that can fail each step. */
#include "unit.h"

#include <fcntl.h>
#include <linux/vfio.h>

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
} fk;

#define FD_CONTAINER 100
#define FD_GROUP 101

static int f_open(const char *path, int flags)
{
	(void)flags;
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
	switch (req) {
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
	assert_true(fd == FD_CONTAINER || fd == FD_GROUP);
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

static const struct vb_vfio_ops fake = { f_open, f_ioctl, f_close, f_is_chr };

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

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_backend),
		cmocka_unit_test(test_backend_ready),
		cmocka_unit_test(test_open_ok),
		cmocka_unit_test(test_open_faults),
		cmocka_unit_test(test_open_fake_tree),
	};
	return cmocka_run_group_tests_name("vfio", t, NULL, NULL);
}
