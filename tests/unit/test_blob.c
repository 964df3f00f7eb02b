/* lib/base/blob: whole-file reads with a cap, atomic writes, target checks,
 * replacing a file that exists (locks, unnamed new files, xattrs, backups). */
#include "unit.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/xattr.h>

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

/* Entries in d other than the ones named (NULL-terminated). */
static int others(const char *d, const char *const *keep)
{
	struct dirent *e;
	DIR *dir = opendir(d);
	int n = 0, i, k;

	assert_non_null(dir);
	while ((e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		for (k = 0, i = 0; keep[i]; i++)
			k |= !strcmp(e->d_name, keep[i]);
		n += !k;
	}
	closedir(dir);
	return n;
}

static void test_tmpfile_long(void **state)
{
	char *d = tmpdir(), p[PATH_MAX], t[PATH_MAX], name[256], pre[PATH_MAX];
	int fd;

	(void)state;
	/* 250 bytes: ".NAME.XXXXXX" would be 258, past NAME_MAX */
	memset(name, 'n', 250);
	name[250] = 0;
	snprintf(p, sizeof(p), "%s/%s", d, name);
	snprintf(pre, sizeof(pre), "%s/.vfiobox.", d);
	fd = vb_blob_tmpfile(p, t, sizeof(t));
	assert_true(fd >= 0);
	assert_int_equal(strncmp(t, pre, strlen(pre)), 0);
	close(fd);
	unlink(t);
	/* 247 bytes still fit: the usual name */
	name[247] = 0;
	snprintf(p, sizeof(p), "%s/%s", d, name);
	snprintf(pre, sizeof(pre), "%s/.%s.", d, name);
	fd = vb_blob_tmpfile(p, t, sizeof(t));
	assert_true(fd >= 0);
	assert_int_equal(strncmp(t, pre, strlen(pre)), 0);
	close(fd);
	unlink(t);
	unit_rmtree(d);
}

static void test_repl(void **state)
{
	static const char *const only_f[] = { "f", NULL };
	char *d = tmpdir(), p[PATH_MAX], buf[16];
	struct vb_blob_repl r;
	struct stat st, st2;
	int fd;

	(void)state;
	unit_puts(d, "f", "old");
	snprintf(p, sizeof(p), "%s/f", d);
	assert_int_equal(stat(p, &st), 0);
	/* commit: the new content in place, a new inode, nothing else */
	assert_int_equal(vb_blob_repl_open(&r, p), 0);
	assert_int_equal(others(d, only_f), 0);	/* unnamed while written */
	assert_int_equal(write(r.fd, "new", 3), 3);
	assert_int_equal(vb_blob_repl_owner(&r, &st), 0);
	assert_int_equal(vb_blob_repl_commit(&r), 0);
	assert_int_equal(r.fd, -1);
	fd = open(p, O_RDONLY);
	assert_int_equal(read(fd, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "new", 3);
	close(fd);
	assert_int_equal(stat(p, &st2), 0);
	assert_int_not_equal(st.st_ino, st2.st_ino);
	assert_int_equal(others(d, only_f), 0);
	/* abort: the target as it was, nothing left */
	assert_int_equal(vb_blob_repl_open(&r, p), 0);
	assert_int_equal(write(r.fd, "xxxx", 4), 4);
	vb_blob_repl_abort(&r);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, 3);
	assert_int_equal(others(d, only_f), 0);
	snprintf(p, sizeof(p), "%s/missing/f", d);
	assert_int_equal(vb_blob_repl_open(&r, p), -ENOENT);
	unit_rmtree(d);
}

static void test_xattrs(void **state)
{
	char *d = tmpdir(), p[PATH_MAX], q[PATH_MAX], v[64], failed[64];
	int a, b;
	ssize_t n;

	(void)state;
	unit_puts(d, "a", "a");
	unit_puts(d, "b", "b");
	snprintf(p, sizeof(p), "%s/a", d);
	snprintf(q, sizeof(q), "%s/b", d);
	a = open(p, O_RDONLY);
	b = open(q, O_RDWR);
	/* none: nothing to do */
	assert_int_equal(vb_blob_copy_xattrs(a, b, failed, sizeof(failed)), 0);
	if (fsetxattr(a, "user.k", "value", 5, 0) < 0) {
		/* a filesystem without user xattrs: still nothing to copy */
		close(a);
		close(b);
		unit_rmtree(d);
		skip();
	}
	assert_int_equal(fsetxattr(a, "user.k2", "", 0, 0), 0);
	assert_int_equal(vb_blob_copy_xattrs(a, b, failed, sizeof(failed)), 0);
	n = fgetxattr(b, "user.k", v, sizeof(v));
	assert_int_equal(n, 5);
	assert_memory_equal(v, "value", 5);
	assert_int_equal(fgetxattr(b, "user.k2", v, sizeof(v)), 0);
	/* a read-only target: the error and the attribute's name */
	close(b);
	b = open(q, O_RDONLY);
	assert_int_equal(fremovexattr(b, "user.k"), 0);
	close(b);
	b = open("/proc/self/status", O_RDONLY);
	assert_true(vb_blob_copy_xattrs(a, b, failed, sizeof(failed)) < 0);
	assert_string_equal(failed, "user.k");
	close(a);
	close(b);
	unit_rmtree(d);
}

static void test_lock(void **state)
{
	char *d = tmpdir(), p[PATH_MAX], q[PATH_MAX];
	int a, b;

	(void)state;
	unit_puts(d, "f", "x");
	snprintf(p, sizeof(p), "%s/f", d);
	a = open(p, O_RDONLY);
	b = open(p, O_RDONLY);
	assert_int_equal(vb_blob_lock(a, p, 0), 0);
	/* another open file description: held, and the wait is bounded */
	assert_int_equal(vb_blob_lock(b, p, 60), -EWOULDBLOCK);
	close(a);
	assert_int_equal(vb_blob_lock(b, p, 0), 0);
	/* the file at p replaced under the lock: the lock is on the old one */
	unit_puts(d, "g", "y");
	snprintf(q, sizeof(q), "%s/g", d);
	assert_int_equal(rename(q, p), 0);
	a = open(q, O_RDONLY | O_CREAT, 0600);
	close(a);
	a = open(p, O_RDONLY);
	assert_int_equal(vb_blob_lock(b, p, 0), -ESTALE);
	assert_int_equal(vb_blob_lock(a, p, 0), 0);
	close(a);
	close(b);
	unit_rmtree(d);
}

static void test_backup(void **state)
{
	static const char *const keep[] = { "f", "f.orig", NULL };
	char *d = tmpdir(), p[PATH_MAX], b[PATH_MAX];
	struct stat s1, s2;

	(void)state;
	unit_puts(d, "f", "orig");
	snprintf(p, sizeof(p), "%s/f", d);
	snprintf(b, sizeof(b), "%s/f.orig", d);
	assert_int_equal(vb_blob_backup(p, b), 0);
	assert_int_equal(stat(p, &s1), 0);
	assert_int_equal(stat(b, &s2), 0);
	assert_int_equal(s1.st_ino, s2.st_ino);
	assert_int_equal(others(d, keep), 0);
	/* again: it is a link of the original already; no temporary left */
	assert_int_equal(vb_blob_backup(p, b), 0);
	assert_int_equal(others(d, keep), 0);
	/* an older backup is replaced */
	unlink(b);
	unit_puts(d, "f.orig", "older");
	assert_int_equal(vb_blob_backup(p, b), 0);
	assert_int_equal(stat(b, &s2), 0);
	assert_int_equal(s1.st_ino, s2.st_ino);
	assert_int_equal(others(d, keep), 0);
	unit_rmtree(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_tmpfile),
		cmocka_unit_test(test_check_target),
		cmocka_unit_test(test_tmpfile_long),
		cmocka_unit_test(test_repl),
		cmocka_unit_test(test_xattrs),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_backup),
	};

	return cmocka_run_group_tests_name("blob", tests, NULL, NULL);
}
