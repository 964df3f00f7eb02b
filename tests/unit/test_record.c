/* Unit tests for lib/record: claim records and the lock. */
#include "unit.h"

#include <sys/wait.h>

#include "base/act.h"
#include "pci/record.h"
#include "base/sysfs.h"
#include "base/util.h"

static void test_roundtrip(void **state)
{
	char *r = unit_tmpdir(), **v;
	size_t n;
	struct vb_act dry = { 1, 0, NULL };
	struct vb_record w = { "0000:01:00.0", { 0x10de, 0x249d, 0x103c, 0x88d1, 0x030000 },
			       "nvidia", "vfio-pci", "vfio", "", "", "" }, rd;

	(void)state;
	vb_sysfs_set_root(r);
	assert_int_equal(vb_record_read("01:00.0", &rd), -ENOENT);
	assert_int_equal(vb_record_list(&v, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(vb_record_write(&dry, &w), 0);
	assert_int_equal(vb_record_read("01:00.0", &rd), -ENOENT);
	assert_int_equal(vb_record_write(NULL, &w), 0);
	assert_int_equal(vb_record_read("01:00.0", &rd), 0);
	assert_string_equal(rd.addr, "0000:01:00.0");
	assert_int_equal(rd.id.vendor, 0x10de);
	assert_int_equal(rd.id.subdevice, 0x88d1);
	assert_int_equal(rd.id.class, 0x030000);
	assert_string_equal(rd.driver, "nvidia");
	assert_string_equal(rd.target, "vfio-pci");
	assert_string_equal(rd.hda, "vfio");
	strcpy(w.addr, "0000:01:00.1");
	w.driver[0] = 0;
	assert_int_equal(vb_record_write(NULL, &w), 0);
	unit_puts(r, "run/vfiobox/not-an-address", "");
	assert_int_equal(vb_record_list(&v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[1], "0000:01:00.1");
	vb_sysfs_list_free(v, n);
	assert_int_equal(vb_record_read("0000:01:00.1", &rd), 0);
	assert_string_equal(rd.driver, "");
	unit_puts(r, "run/vfiobox/0000:02:00.0", "ids=zz\n");
	assert_int_equal(vb_record_read("0000:02:00.0", &rd), -EINVAL);
	assert_int_equal(vb_record_remove(&dry, "0000:01:00.1"), 0);
	assert_int_equal(vb_record_read("0000:01:00.1", &rd), 0);
	assert_int_equal(vb_record_remove(NULL, "0000:01:00.1"), 0);
	assert_int_equal(vb_record_read("0000:01:00.1", &rd), -ENOENT);
	assert_int_equal(vb_record_remove(NULL, "0000:01:00.1"), 0);
	assert_int_equal(vb_record_read("x/../..", &rd), -EINVAL);
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

/* The record of a claim: a device claimed again from no driver or from vfio
 * keeps the host driver its record names, if it is the same device. */
static void test_claimed(void **state)
{
	char *r = unit_tmpdir();
	struct vb_pciids gpu = { 0x10de, 0x249d, 0x103c, 0x88d1, 0x030000 },
			 other = { 0x1002, 0x73df, 0, 0, 0x030000 };
	struct vb_record rd;

	(void)state;
	vb_sysfs_set_root(r);
	assert_int_equal(vb_record_claimed(NULL, "0000:01:00.0", &gpu, "nvidia", "vfio-pci", "vfio"), 0);
	assert_int_equal(vb_record_read("0000:01:00.0", &rd), 0);
	assert_string_equal(rd.driver, "nvidia");
	assert_string_equal(rd.target, "vfio-pci");
	/* again, from vfio-pci (an earlier claim) and from no driver: kept */
	assert_int_equal(vb_record_claimed(NULL, "0000:01:00.0", &gpu, "vfio-pci", "vfio-pci", "vfio"), 0);
	assert_int_equal(vb_record_read("0000:01:00.0", &rd), 0);
	assert_string_equal(rd.driver, "nvidia");
	assert_int_equal(vb_record_claimed(NULL, "0000:01:00.0", &gpu, "", "none", "none"), 0);
	assert_int_equal(vb_record_read("0000:01:00.0", &rd), 0);
	assert_string_equal(rd.driver, "nvidia");
	assert_string_equal(rd.target, "none");
	assert_string_equal(rd.hda, "none");
	/* another host driver replaces it */
	assert_int_equal(vb_record_claimed(NULL, "0000:01:00.0", &gpu, "nouveau", "vfio-pci", "vfio"), 0);
	assert_int_equal(vb_record_read("0000:01:00.0", &rd), 0);
	assert_string_equal(rd.driver, "nouveau");
	/* another device in the slot: the old record's driver is not its own */
	assert_int_equal(vb_record_claimed(NULL, "0000:01:00.0", &other, "", "vfio-pci", "vfio"), 0);
	assert_int_equal(vb_record_read("0000:01:00.0", &rd), 0);
	assert_string_equal(rd.driver, "");
	assert_int_equal(rd.id.vendor, 0x1002);
	assert_int_equal(vb_record_claimed(NULL, "0000:01:00.0", &gpu, "nvidia", "vfio-pci", "a-mode-far-too-long"), -EINVAL);
	/* The released framebuffer: recorded, kept by a new claim of the same
	 * device, dropped for another device, cleared with "". */
	assert_int_equal(vb_record_set_fb(NULL, "0000:02:00.0", "efi-framebuffer.0", "efi-framebuffer", "1"), -ENOENT);
	assert_int_equal(vb_record_claimed(NULL, "0000:01:00.0", &gpu, "nvidia", "vfio-pci", "vfio"), 0);
	assert_int_equal(vb_record_set_fb(NULL, "0000:01:00.0", "efi-framebuffer.0", "efi-framebuffer", "1,2"), 0);
	assert_int_equal(vb_record_read("0000:01:00.0", &rd), 0);
	assert_string_equal(rd.fbdev, "efi-framebuffer.0");
	assert_string_equal(rd.fbdrv, "efi-framebuffer");
	assert_string_equal(rd.vtcon, "1,2");
	assert_string_equal(rd.driver, "nvidia");
	assert_int_equal(vb_record_claimed(NULL, "0000:01:00.0", &gpu, "vfio-pci", "vfio-pci", "vfio"), 0);
	assert_int_equal(vb_record_read("0000:01:00.0", &rd), 0);
	assert_string_equal(rd.fbdev, "efi-framebuffer.0");
	assert_string_equal(rd.vtcon, "1,2");
	assert_int_equal(vb_record_set_fb(NULL, "0000:01:00.0", "", "", ""), 0);
	assert_int_equal(vb_record_read("0000:01:00.0", &rd), 0);
	assert_string_equal(rd.fbdev, "");
	assert_int_equal(vb_record_set_fb(NULL, "0000:01:00.0", "efi-framebuffer.0", "efi-framebuffer", "1"), 0);
	assert_int_equal(vb_record_claimed(NULL, "0000:01:00.0", &other, "", "vfio-pci", "vfio"), 0);
	assert_int_equal(vb_record_read("0000:01:00.0", &rd), 0);
	assert_string_equal(rd.fbdev, "");
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

static void test_lock(void **state)
{
	char *r = unit_tmpdir();
	int fd, st;
	pid_t pid;

	(void)state;
	vb_sysfs_set_root(r);
	fd = vb_record_lock(100);
	assert_true(fd >= 0);
	pid = fork();
	if (!pid)
		_exit(vb_record_lock(150) == -ETIMEDOUT ? 0 : 1);
	waitpid(pid, &st, 0);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	vb_record_unlock(fd);
	pid = fork();
	if (!pid)
		_exit(vb_record_lock(150) >= 0 ? 0 : 1);
	waitpid(pid, &st, 0);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

/* The journal: what it writes reads back the same; a torn, edited or
 * garbage file is refused with the reason, never half-read. */
static void fill_journal(struct vb_journal *j)
{
	memset(j, 0, sizeof(*j));
	strcpy(j->op, "vfio-claim");
	j->pid = 4242;
	j->started = 1765100000;
	strcpy(j->phase, "unbind");
	strcpy(j->record, "claim");
	strcpy(j->hda, "vfio");
	j->n = 2;
	strcpy(j->dev[0].addr, "0000:01:00.0");
	j->dev[0].id = (struct vb_pciids){ 0x10de, 0x249d, 0x103c, 0x88d1, 0x030000 };
	strcpy(j->dev[0].driver, "nvidia");
	strcpy(j->dev[0].target, "vfio-pci");
	strcpy(j->dev[0].done, "o");
	strcpy(j->dev[1].addr, "0000:01:00.1");
	j->dev[1].id = (struct vb_pciids){ 0x10de, 0x228b, 0x103c, 0x88d1, 0x040300 };
	strcpy(j->dev[1].override, "none");
	strcpy(j->dev[1].target, "");
	strcpy(j->dev[1].want, "snd_hda_intel");
}

static void test_journal_format(void **state)
{
	struct vb_journal w, rd;
	char buf[4096], why[256], bad[4096];
	int len;
	size_t i;

	(void)state;
	fill_journal(&w);
	len = vb_journal_format(&w, buf, sizeof(buf));
	assert_true(len > 0);
	assert_memory_equal(buf, "vfiobox-journal 1\nop=vfio-claim\npid=4242\n", 40);
	assert_int_equal(vb_journal_parse(buf, (size_t)len, &rd, why, sizeof(why)), 0);
	assert_string_equal(rd.op, "vfio-claim");
	assert_int_equal(rd.pid, 4242);
	assert_true(rd.started == 1765100000);
	assert_string_equal(rd.phase, "unbind");
	assert_string_equal(rd.record, "claim");
	assert_string_equal(rd.hda, "vfio");
	assert_int_equal(rd.n, 2);
	for (i = 0; i < 2; i++) {
		assert_string_equal(rd.dev[i].addr, w.dev[i].addr);
		assert_memory_equal(&rd.dev[i].id, &w.dev[i].id, sizeof(w.dev[i].id));
		assert_string_equal(rd.dev[i].driver, w.dev[i].driver);
		assert_string_equal(rd.dev[i].override, w.dev[i].override);
		assert_string_equal(rd.dev[i].target, w.dev[i].target);
		assert_string_equal(rd.dev[i].want, w.dev[i].want);
		assert_string_equal(rd.dev[i].done, w.dev[i].done);
	}
	/* too small a buffer, a value that would break a line */
	assert_int_equal(vb_journal_format(&w, bad, 64), -ENAMETOOLONG);
	strcpy(w.dev[0].driver, "a b");
	assert_int_equal(vb_journal_format(&w, bad, sizeof(bad)), -EINVAL);
	strcpy(w.dev[0].driver, "x=y");
	assert_int_equal(vb_journal_format(&w, bad, sizeof(bad)), -EINVAL);

	/* torn: every shorter prefix is refused */
	for (i = 0; i < (size_t)len; i++)
		assert_int_equal(vb_journal_parse(buf, i, &rd, why, sizeof(why)), -EBADMSG);
	assert_int_equal(vb_journal_parse(buf, (size_t)len - 5, &rd, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "torn"));
	/* one byte changed anywhere before end=: the sum says so */
	memcpy(bad, buf, (size_t)len);
	bad[30] ^= 1;
	assert_int_equal(vb_journal_parse(bad, (size_t)len, &rd, why, sizeof(why)), -EBADMSG);
	assert_string_equal(why, "its end= sum does not match: torn or edited");
	assert_string_equal(rd.op, "");	/* nothing kept from a refused file */
	assert_int_equal(rd.n, 0);
	/* garbage */
	assert_int_equal(vb_journal_parse("hello\n", 6, &rd, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "not a vfiobox journal"));
	assert_int_equal(vb_journal_parse("", 0, &rd, why, sizeof(why)), -EBADMSG);
}

/* A journal with a good sum but a bad line (a bug or a hand-made file): the
 * line is named. */
static void test_journal_lines(void **state)
{
	static const char *const bodies[] = {
		"op=x\npid=1\nstarted=2\nphase=unbind\nrecord=none\nhda=\nbogus=1\ndev=0000:01:00.0 ids=10de:249d:0000:0000 class=030000 driver=nvidia override= target=vfio-pci want= done=\n",
		"op=x\npid=1\nstarted=2\nphase=unbind\nrecord=none\nhda=\ndev=01:00.0 ids=10de:249d:0000:0000 class=030000 driver=nvidia override= target=vfio-pci want= done=\n",
		"op=x\npid=1\nstarted=2\nphase=unbind\nrecord=none\nhda=\ndev=0000:01:00.0 ids=10de:249d class=030000 driver=nvidia override= target=vfio-pci want= done=\n",
		"op=x\npid=1\nstarted=2\nphase=unbind\nrecord=none\nhda=\ndev=0000:01:00.0 ids=10de:249d:0000:0000 class=030000 driver=nvidia override= target=vfio-pci want= done=x\n",
		"op=x\npid=1\nstarted=2\nphase=unbind\nrecord=none\nhda=\n",
		"op=x\npid=-1\nstarted=2\nphase=unbind\nrecord=none\nhda=\ndev=0000:01:00.0 ids=10de:249d:0000:0000 class=030000 driver=nvidia override= target=vfio-pci want= done=\n",
		"op=x\npid=1\nstarted=2\nphase=unbind\nrecord=maybe\nhda=\ndev=0000:01:00.0 ids=10de:249d:0000:0000 class=030000 driver=nvidia override= target=vfio-pci want= done=\n",
		"op=x\nop=y\npid=1\nstarted=2\nphase=unbind\nrecord=none\nhda=\ndev=0000:01:00.0 ids=10de:249d:0000:0000 class=030000 driver=nvidia override= target=vfio-pci want= done=\n",
		"op=x\nstarted=2\nphase=unbind\nrecord=none\nhda=\ndev=0000:01:00.0 ids=10de:249d:0000:0000 class=030000 driver=nvidia override= target=vfio-pci want= done=\n",
	};
	static const char *const want[] = {
		"line 8: unknown key", "line 8: not a device line", "line 8: not a device line",
		"line 8: not a device line", "no device in it", "line 3: not a number",
		"record= is not claim, remove or none", "line 3: key repeated", "a field is missing",
	};
	struct vb_journal rd;
	char buf[2048], why[256];
	size_t i;

	(void)state;
	for (i = 0; i < VB_ARRAY_SIZE(bodies); i++) {
		/* the sum of the text, as vb_journal_format makes it */
		unsigned h = 2166136261u;
		size_t k, len;

		len = (size_t)snprintf(buf, sizeof(buf), "vfiobox-journal 1\n%s", bodies[i]);
		for (k = 0; k < len; k++) {
			h ^= (unsigned char)buf[k];
			h *= 16777619u;
		}
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "end=%08x\n", h);
		assert_int_equal(vb_journal_parse(buf, len, &rd, why, sizeof(why)), -EBADMSG);
		assert_non_null(strstr(why, want[i]));
	}
}

/* On disk: written whole, read back, a damaged file refused, removed. */
static void test_journal_file(void **state)
{
	char *r = unit_tmpdir(), why[256];
	struct vb_journal w, rd;

	(void)state;
	vb_sysfs_set_root(r);
	assert_int_equal(vb_journal_read(&rd, why, sizeof(why)), -ENOENT);
	fill_journal(&w);
	assert_int_equal(vb_journal_write(&w), 0);	/* makes /run/vfiobox */
	assert_int_equal(vb_journal_read(&rd, why, sizeof(why)), 0);
	assert_string_equal(rd.dev[1].want, "snd_hda_intel");
	strcpy(w.phase, "done");
	assert_int_equal(vb_journal_write(&w), 0);
	assert_int_equal(vb_journal_read(&rd, why, sizeof(why)), 0);
	assert_string_equal(rd.phase, "done");
	unit_puts(r, "run/vfiobox/journal", "vfiobox-journal 1\nop=vfio-claim\npid=1\n");
	assert_int_equal(vb_journal_read(&rd, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "no end= line"));
	assert_int_equal(vb_journal_remove(), 0);
	assert_int_equal(vb_journal_read(&rd, why, sizeof(why)), -ENOENT);
	assert_int_equal(vb_journal_remove(), 0);
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_claimed),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_journal_format),
		cmocka_unit_test(test_journal_lines),
		cmocka_unit_test(test_journal_file),
	};
	return cmocka_run_group_tests_name("record", t, NULL, NULL);
}
