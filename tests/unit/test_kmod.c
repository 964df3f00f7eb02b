/* Unit tests for lib/kmod: module states from a fake tree, loading through a
 * fake modprobe. */
#include "unit.h"

#include "base/act.h"
#include "pci/kmod.h"
#include "base/sysfs.h"

static char *tree(void)
{
	char *r = unit_tmpdir();

	unit_puts(r, "proc/sys/kernel/osrelease", "6.1.0-13-amd64\n");
	unit_puts(r, "lib/modules/6.1.0-13-amd64/modules.dep",
		  "kernel/drivers/vfio/vfio.ko: kernel/virt/lib/irqbypass.ko\n"
		  "kernel/drivers/vfio/pci/vfio-pci.ko.xz: kernel/drivers/vfio/pci/vfio-pci-core.ko.xz\n"
		  "kernel/drivers/vfio/pci/vfio-pci-core.ko.xz:\n"
		  "kernel/drivers/gpu/drm/nouveau/nouveau.ko.zst: kernel/drivers/gpu/drm/drm.ko.zst\n");
	unit_puts(r, "lib/modules/6.1.0-13-amd64/modules.builtin", "kernel/drivers/vfio/vfio_iommu_type1.ko\n");
	unit_puts(r, "sys/module/nouveau/initstate", "live\n");
	unit_puts(r, "sys/module/vfio/parameters/enable_unsafe_noiommu_mode", "N\n");
	unit_puts(r, "sys/module/snd_hda_intel/initstate", "coming\n");
	vb_sysfs_set_root(r);
	return r;
}

static void test_state(void **state)
{
	char *r = tree(), rel[64];

	(void)state;
	assert_int_equal(vb_kmod_release(rel, sizeof(rel)), 0);
	assert_string_equal(rel, "6.1.0-13-amd64");
	assert_int_equal(vb_kmod_state("nouveau"), VB_KMOD_LOADED);
	assert_int_equal(vb_kmod_state("vfio-pci"), VB_KMOD_AVAILABLE);
	assert_int_equal(vb_kmod_state("vfio_pci"), VB_KMOD_AVAILABLE);
	assert_int_equal(vb_kmod_state("vfio_pci_core"), VB_KMOD_AVAILABLE);
	assert_int_equal(vb_kmod_state("vfio_iommu_type1"), VB_KMOD_BUILTIN);
	assert_int_equal(vb_kmod_state("vfio"), VB_KMOD_BUILTIN);	/* dir, no initstate */
	assert_int_equal(vb_kmod_state("snd_hda_intel"), VB_KMOD_MISSING);	/* coming, not in dep */
	assert_int_equal(vb_kmod_state("vfio_virqfd"), VB_KMOD_MISSING);
	assert_int_equal(vb_kmod_state("../etc"), -EINVAL);
	assert_string_equal(vb_kmod_state_name(VB_KMOD_BUILTIN), "built in");
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

static void test_load(void **state)
{
	char *r = tree(), mp[VB_PATH_MAX], **dummy = NULL;
	struct vb_act real = { 0, 0, NULL };
	int st;

	(void)state;
	(void)dummy;
	assert_int_equal(vb_kmod_modprobe(mp, sizeof(mp)), -ENOENT);
	assert_int_equal(vb_kmod_load(&real, "vfio-pci", &st), -ENOENT);
	/* None in the usual places: the one the kernel runs (a store path). */
	unit_puts(r, "proc/sys/kernel/modprobe", "/nix/store/x-kmod/bin/modprobe\n");
	assert_int_equal(vb_kmod_modprobe(mp, sizeof(mp)), -ENOENT);	/* not there */
	unit_puts(r, "nix/store/x-kmod/bin/modprobe", "#!/bin/sh\n");
	vb_sysfs_path(mp, sizeof(mp), "/nix/store/x-kmod/bin/modprobe");
	chmod(mp, 0755);
	assert_int_equal(vb_kmod_modprobe(mp, sizeof(mp)), 0);
	assert_true(strstr(mp, "/nix/store/x-kmod/bin/modprobe") != NULL);
	unit_puts(r, "proc/sys/kernel/modprobe", "../../nix/store/x-kmod/bin/modprobe\n");
	assert_int_equal(vb_kmod_modprobe(mp, sizeof(mp)), -ENOENT);	/* not absolute */
	unit_puts(r, "proc/sys/kernel/modprobe", "\n");
	assert_int_equal(vb_kmod_modprobe(mp, sizeof(mp)), -ENOENT);	/* turned off */
	assert_int_equal(vb_kmod_load(&real, "nouveau", &st), 0);	/* loaded: no modprobe needed */
	/* A modprobe that "loads" what it is asked for. */
	unit_puts(r, "sbin/modprobe", "#!/bin/sh\n[ \"$1\" = broken ] && exit 1\n"
		  "n=$(echo \"$1\" | tr - _)\nmkdir -p \"$VFIOBOX_SYSROOT/sys/module/$n\"\n"
		  "[ \"$1\" = lazy ] || echo live > \"$VFIOBOX_SYSROOT/sys/module/$n/initstate\"\n");
	vb_sysfs_path(mp, sizeof(mp), "/sbin/modprobe");
	chmod(mp, 0755);
	assert_int_equal(vb_kmod_load(&real, "vfio-pci", &st), 0);
	assert_int_equal(vb_kmod_state("vfio_pci"), VB_KMOD_LOADED);
	assert_int_equal(vb_kmod_load(&real, "broken", &st), -ENOPKG);
	assert_int_equal(st, 1);
	setenv("VFIOBOX_MODPROBE", "/nonexistent/modprobe", 1);
	assert_int_equal(vb_kmod_modprobe(mp, sizeof(mp)), 0);
	assert_string_equal(mp, "/nonexistent/modprobe");
	assert_int_equal(vb_kmod_load(&real, "vfio_pci_core", &st), -ENOEXEC);
	unsetenv("VFIOBOX_MODPROBE");
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

/* A mkinitcpio image keeps only the binary indexes: modules.dep.bin, whose
 * values are the dep lines (here as depmod wrote them for Debian's 6.1: a
 * trie node's bytes, then the NUL-terminated line). */
static void test_state_bin(void **state)
{
	char *r = unit_tmpdir(), p[VB_PATH_MAX];
	static const char bin[] =
		"\xb0\x07\xf5\x57\x00\x02\x00\x01\x00\x00\x00\x00vfio_pci\x00\x00\x00\x00\x00"
		"Wkernel/drivers/vfio/pci/vfio-pci.ko: kernel/drivers/vfio/pci/vfio-pci-core.ko "
		"kernel/drivers/vfio/vfio.ko kernel/virt/lib/irqbypass.ko\x00\x00\x00\x00\x01"
		"kernel/virt/lib/irqbypass.ko:\x00";
	FILE *f;

	(void)state;
	unit_puts(r, "proc/sys/kernel/osrelease", "6.1.0-13-amd64\n");
	unit_puts(r, "lib/modules/6.1.0-13-amd64/modules.dep.bin", "");
	vb_sysfs_set_root(r);
	vb_sysfs_path(p, sizeof(p), "/lib/modules/6.1.0-13-amd64/modules.dep.bin");
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(bin, 1, sizeof(bin) - 1, f), sizeof(bin) - 1);
	fclose(f);
	assert_int_equal(vb_kmod_state("vfio_pci"), VB_KMOD_AVAILABLE);
	assert_int_equal(vb_kmod_state("irqbypass"), VB_KMOD_AVAILABLE);
	assert_int_equal(vb_kmod_state("vfio_pci_core"), VB_KMOD_MISSING);	/* only a dependency here */
	assert_int_equal(vb_kmod_state("nouveau"), VB_KMOD_MISSING);
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

/* Variant drivers from modules.alias: the fewest '*' wins, vfio_pci's
 * catch-all never does, only= limits to one module, '-' and '_' alike; a new
 * file at the same path is read again. */
static void test_variant(void **state)
{
	char *r = tree(), mod[64], pat[160];
	const char *gpu = "pci:v000010DEd00002342sv000010DEsd000016EBbc03sc02i00\n";
	const char *hda = "pci:v000010DEd0000228Bsv0000103Csd000088D1bc04sc03i00";
	const char *intel = "pci:v00008086d00009A60sv0000103Csd000088D1bc03sc00i00";

	(void)state;
	assert_int_equal(vb_kmod_vfio_variant(gpu, NULL, mod, sizeof(mod), pat, sizeof(pat)), 0);
	assert_int_equal(vb_kmod_is_vfio_variant("mlx5_vfio_pci"), 0);
	unit_puts(r, "lib/modules/6.1.0-13-amd64/modules.alias",
		  "alias pci:v000010DEd*sv*sd*bc03sc*i* nouveau\n"
		  "alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci\n"
		  "alias vfio_pci:v000010DEd*sv*sd*bc*sc*i* nv-any-vfio-pci\n"
		  "alias vfio_pci:v000010DEd00002342sv*sd*bc*sc*i* nvgrace_gpu_vfio_pci\n"
		  "alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_vfio_pci\n");
	assert_int_equal(vb_kmod_vfio_variant(gpu, NULL, mod, sizeof(mod), pat, sizeof(pat)), 1);
	assert_string_equal(mod, "nvgrace_gpu_vfio_pci");
	assert_string_equal(pat, "vfio_pci:v000010DEd00002342sv*sd*bc*sc*i*");
	assert_int_equal(vb_kmod_vfio_variant(hda, NULL, mod, sizeof(mod), pat, sizeof(pat)), 1);
	assert_string_equal(mod, "nv_any_vfio_pci");
	assert_int_equal(vb_kmod_vfio_variant(gpu, "nv-any-vfio-pci", mod, sizeof(mod), pat, sizeof(pat)), 1);
	assert_string_equal(mod, "nv_any_vfio_pci");
	assert_int_equal(vb_kmod_vfio_variant(hda, "mlx5_vfio_pci", mod, sizeof(mod), pat, sizeof(pat)), 0);
	/* vfio_pci's own line matches everything and is never a variant. */
	assert_int_equal(vb_kmod_vfio_variant(intel, NULL, mod, sizeof(mod), pat, sizeof(pat)), 0);
	assert_int_equal(vb_kmod_vfio_variant("usb:v1D6Bp0002", NULL, mod, sizeof(mod), pat, sizeof(pat)), -EINVAL);
	assert_int_equal(vb_kmod_is_vfio_variant("mlx5-vfio-pci"), 1);
	assert_int_equal(vb_kmod_is_vfio_variant("nouveau"), 0);	/* a pci: alias only */
	assert_int_equal(vb_kmod_is_vfio_variant(""), 0);
	unit_puts(r, "lib/modules/6.1.0-13-amd64/modules.alias", "alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci\n");
	assert_int_equal(vb_kmod_vfio_variant(gpu, NULL, mod, sizeof(mod), pat, sizeof(pat)), 0);
	assert_int_equal(vb_kmod_is_vfio_variant("mlx5_vfio_pci"), 0);
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_state),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_state_bin),
		cmocka_unit_test(test_variant),
	};
	return cmocka_run_group_tests_name("kmod", t, NULL, NULL);
}
