/* test_topo: the forest of root buses from a fake tree: parents, children in
 * address order, depths, a second domain (VMD) as its own root bus, a switch
 * two bridges deep, lookups. */
#include "fakesys.h"
#include "pci/topo.h"

static const char desc[] =
	"dev 0000:00:00.0 id=8086:9a36 class=060000\n"
	"dev 0000:00:01.0 id=8086:9a01 class=060400 bus=01\n"
	"dev 0000:01:00.0 id=1002:1478 class=060400 bus=02 parent=0000:00:01.0 porttype=5\n"
	"dev 0000:02:00.0 id=1002:1479 class=060400 bus=03 parent=0000:01:00.0 porttype=6\n"
	"dev 0000:03:00.1 id=1002:ab30 class=040300 parent=0000:02:00.0\n"
	"dev 0000:03:00.0 id=1002:744c class=030000 parent=0000:02:00.0 mf\n"
	"dev 0000:00:1f.0 id=8086:4389 class=060100\n"
	"dev 10000:00:01.0 id=8086:7ecc class=060400 bus=01\n"
	"dev 10000:01:00.0 id=144d:a80a class=010802 parent=10000:00:01.0\n";

static void test_build(void **state)
{
	struct fake f;
	struct vb_topo t;
	int i, gpu, hda, sw;

	(void)state;
	fake_make(&f, desc);
	assert_int_equal(vb_topo_build(&t), 0);
	assert_int_equal(t.n, 9);
	assert_int_equal(t.nroots, 2);
	assert_string_equal(t.v[t.roots[0]].root, "0000:00");
	assert_string_equal(t.v[t.roots[1]].root, "10000:00");
	assert_string_equal(t.v[t.roots[0]].addr, "0000:00:00.0");
	gpu = vb_topo_find(&t, "0000:03:00.0");
	hda = vb_topo_find(&t, "0000:03:00.1");
	sw = vb_topo_find(&t, "0000:02:00.0");
	assert_true(gpu >= 0 && hda >= 0 && sw >= 0);
	assert_int_equal(vb_topo_find(&t, "0000:04:00.0"), -1);
	assert_int_equal(t.v[gpu].parent, sw);
	assert_int_equal(t.v[gpu].depth, 3);
	assert_string_equal(t.v[gpu].root, "0000:00");
	/* Children in address order, whatever order they were declared in. */
	assert_int_equal(t.v[sw].child, gpu);
	assert_int_equal(t.v[gpu].next, hda);
	assert_int_equal(t.v[hda].next, -1);
	assert_int_equal(t.v[hda].child, -1);
	i = vb_topo_find(&t, "10000:01:00.0");
	assert_string_equal(t.v[i].root, "10000:00");
	assert_int_equal(t.v[i].depth, 1);
	assert_string_equal(t.v[t.v[i].parent].addr, "10000:00:01.0");
	i = vb_topo_find(&t, "0000:00:1f.0");
	assert_int_equal(t.v[i].parent, -1);
	assert_int_equal(t.v[i].depth, 0);
	vb_topo_free(&t);
	assert_int_equal(t.n, 0);
	fake_free(&f);
}

static void test_no_sysfs(void **state)
{
	struct vb_topo t;
	char *r = unit_tmpdir();

	(void)state;
	vb_sysfs_set_root(r);
	assert_int_equal(vb_topo_build(&t), -ENOENT);
	vb_topo_free(&t);
	unit_puts(r, "sys/bus/pci/devices/.keep", "");
	assert_int_equal(vb_topo_build(&t), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(t.nroots, 0);
	vb_topo_free(&t);
	vb_sysfs_set_root("");
	unit_rmtree(r);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_no_sysfs),
	};
	return cmocka_run_group_tests_name("topo", t, NULL, NULL);
}
