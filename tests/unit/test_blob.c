/* lib/blob: whole-file reads with a cap, atomic writes, target checks. */
#include "unit.h"

#include <fcntl.h>

#include "base/blob.h"

static char *tmpdir(void)
{
	char *d = unit_tmpdir();

	if (!d)
		abort();
	return d;
}

static void test_read(void **state)
{
	char *d = tmpdir(), p[PATH_MAX];
	unsigned char big[200000], *buf;
	size_t len, i;

	(void)state;
	for (i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 7);
	unit_put(d, "big", big, sizeof(big));
	unit_put(d, "empty", "", 0);
	snprintf(p, sizeof(p), "%s/big", d);
	assert_int_equal(vb_blob_read(p, sizeof(big), &buf, &len), 0);
	assert_int_equal(len, sizeof(big));
	assert_memory_equal(buf, big, sizeof(big));
	free(buf);
	/* one byte over the cap */
	assert_int_equal(vb_blob_read(p, sizeof(big) - 1, &buf, &len), -EFBIG);
	assert_null(buf);
	assert_int_equal(vb_blob_read(p, 10, &buf, &len), -EFBIG);
	snprintf(p, sizeof(p), "%s/empty", d);
	assert_int_equal(vb_blob_read(p, 10, &buf, &len), 0);
	assert_null(buf);
	assert_int_equal(len, 0);
	snprintf(p, sizeof(p), "%s/missing", d);
	assert_int_equal(vb_blob_read(p, 10, &buf, &len), -ENOENT);
	assert_int_equal(vb_blob_read(d, 10, &buf, &len), -EISDIR);
	unit_rmtree(d);
}

static void test_write(void **state)
{
	char *d = tmpdir(), p[PATH_MAX], q[PATH_MAX];
	unsigned char *buf;
	size_t len;
	struct stat st;
	mode_t old = umask(022);

	(void)state;
	snprintf(p, sizeof(p), "%s/out.dat", d);
	unit_puts(d, "out.dat", "old contents that are longer");
	assert_int_equal(vb_blob_write_atomic(p, "new", 3, 0644), 0);
	assert_int_equal(vb_blob_read(p, 100, &buf, &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(buf, "new", 3);
	free(buf);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	/* umask applies */
	umask(077);
	assert_int_equal(vb_blob_write_atomic(p, "x", 1, 0644), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	umask(old);
	/* no temporary file is left behind */
	snprintf(q, sizeof(q), "ls -A '%s' | grep -qv '^out.dat$'", d);
	assert_int_not_equal(system(q), 0);
	/* into a missing directory: an error, nothing created */
	snprintf(q, sizeof(q), "%s/no/such.dat", d);
	assert_int_equal(vb_blob_write_atomic(q, "x", 1, 0644), -ENOENT);
	/* over a directory */
	snprintf(q, sizeof(q), "%s/sub", d);
	assert_int_equal(mkdir(q, 0755), 0);
	assert_int_not_equal(vb_blob_write_atomic(q, "x", 1, 0644), 0);
	unit_rmtree(d);
}

static void test_tmpfile(void **state)
{
	char *d = tmpdir(), p[PATH_MAX], t1[PATH_MAX], t2[PATH_MAX], pre[PATH_MAX], small[16];
	struct stat st;
	int a, b;

	(void)state;
	snprintf(p, sizeof(p), "%s/target.xml", d);
	snprintf(pre, sizeof(pre), "%s/.target.xml.", d);
	a = vb_blob_tmpfile(p, t1, sizeof(t1));
	b = vb_blob_tmpfile(p, t2, sizeof(t2));
	assert_true(a >= 0 && b >= 0);
	/* next to the target, hidden, a fresh name each time, private */
	assert_int_equal(strncmp(t1, pre, strlen(pre)), 0);
	assert_int_equal(strlen(t1), strlen(pre) + 6);
	assert_string_not_equal(t1, t2);
	assert_int_equal(fstat(a, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(fcntl(a, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(stat(p, &st), -1);
	close(a);
	close(b);
	unlink(t1);
	unlink(t2);
	/* no room for the name, no directory, no file name */
	assert_int_equal(vb_blob_tmpfile(p, small, sizeof(small)), -ENAMETOOLONG);
	snprintf(p, sizeof(p), "%s/missing/target.xml", d);
	assert_int_equal(vb_blob_tmpfile(p, t1, sizeof(t1)), -ENOENT);
	snprintf(p, sizeof(p), "%s/", d);
	assert_int_equal(vb_blob_tmpfile(p, t1, sizeof(t1)), -EISDIR);
	unit_rmtree(d);
}

static void test_check_target(void **state)
{
	char *d = tmpdir(), p[PATH_MAX];
	char cwd[PATH_MAX];

	(void)state;
	snprintf(p, sizeof(p), "%s/new.dat", d);
	assert_int_equal(vb_blob_check_target(p), 0);
	snprintf(p, sizeof(p), "%s/missing/new.dat", d);
	assert_int_equal(vb_blob_check_target(p), -ENOENT);
	unit_puts(d, "file", "x");
	snprintf(p, sizeof(p), "%s/file/new.dat", d);
	assert_int_equal(vb_blob_check_target(p), -ENOTDIR);
	assert_int_equal(vb_blob_check_target(d), -EISDIR);
	snprintf(p, sizeof(p), "%s/", d);
	assert_int_equal(vb_blob_check_target(p), -EISDIR);
	assert_int_equal(vb_blob_check_target(""), -ENOENT);
	/* a bare name is relative to the current directory */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(d), 0);
	assert_int_equal(vb_blob_check_target("rel.dat"), 0);
	assert_int_equal(vb_blob_write_atomic("rel.dat", "r", 1, 0644), 0);
	assert_int_equal(access("rel.dat", F_OK), 0);
	assert_int_equal(chdir(cwd), 0);
	unit_rmtree(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_tmpfile),
		cmocka_unit_test(test_check_target),
	};

	return cmocka_run_group_tests_name("blob", tests, NULL, NULL);
}
