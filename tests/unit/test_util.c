/* Unit tests for lib/util, lib/json and lib/msg. */
#include "unit.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "base/json.h"
#include "base/msg.h"
#include "base/sysfs.h"
#include "base/util.h"

static void test_strings(void **state)
{
	char b[8];
	unsigned long v;

	(void)state;
	assert_int_equal(vb_strlcpy(b, "abc", sizeof(b)), 0);
	assert_string_equal(b, "abc");
	assert_int_equal(vb_strlcpy(b, "abcdefghij", sizeof(b)), -ENAMETOOLONG);
	assert_string_equal(b, "abcdefg");
	assert_int_equal(vb_fmt(b, sizeof(b), "%d", 1234567), 0);
	assert_int_equal(vb_fmt(b, sizeof(b), "%d", 12345678), -ENAMETOOLONG);
	strcpy(b, "ab \n\t");
	assert_int_equal(vb_chomp(b), 2);
	assert_int_equal(vb_parse_ulong("0x10de", 0, 0xffff, &v), 0);
	assert_int_equal(v, 0x10de);
	assert_int_equal(vb_parse_ulong("10", 10, 9, &v), -ERANGE);
	assert_int_equal(vb_parse_ulong("-1", 10, 100, &v), -EINVAL);
	assert_int_equal(vb_parse_ulong(" 1", 10, 100, &v), -EINVAL);
	assert_int_equal(vb_parse_ulong("1x", 10, 100, &v), -EINVAL);
	assert_int_equal(vb_parse_ulong("", 10, 100, &v), -EINVAL);
	assert_int_equal(vb_parse_ulong("99999999999999999999999", 10, (unsigned long)-1, &v), -ERANGE);
}

static void test_join(void **state)
{
	char *w[] = { "0000:01:00.0", "0000:01:00.1", "0000:01:00.2" };
	char b[30];

	(void)state;
	vb_join_words(w, 0, b, sizeof(b));
	assert_string_equal(b, "");
	vb_join_words(w, 2, b, sizeof(b));
	assert_string_equal(b, "0000:01:00.0 0000:01:00.1");
	vb_join_words(w, 3, b, sizeof(b));	/* the third does not fit: left out whole */
	assert_string_equal(b, "0000:01:00.0 0000:01:00.1");
	vb_join_words(w, 3, b, 10);
	assert_string_equal(b, "");
}

static void test_hex(void **state)
{
	unsigned long v = 7;

	(void)state;
	assert_int_equal(vb_hexval('0'), 0);
	assert_int_equal(vb_hexval('F'), 15);
	assert_int_equal(vb_hexval('a'), 10);
	assert_int_equal(vb_hexval('g'), -1);
	assert_int_equal(vb_hexval('@'), -1);	/* '@' | 0x20 is '`', not a digit */
	assert_int_equal(vb_hexval(0), -1);
	assert_int_equal(vb_hexn("10de249d", 8, &v), 0);
	assert_int_equal(v, 0x10de249dUL);
	assert_int_equal(vb_hexn("0a00\t", 4, &v), 0);	/* what follows is the caller's */
	assert_int_equal(v, 0xa00);
	v = 7;
	assert_int_equal(vb_hexn("10d", 4, &v), -EINVAL);	/* the string ends first */
	assert_int_equal(vb_hexn("-1de", 4, &v), -EINVAL);
	assert_int_equal(vb_hexn("0x1d", 4, &v), -EINVAL);
	assert_int_equal(vb_hexn(" 1de", 4, &v), -EINVAL);
	assert_int_equal(v, 7);	/* untouched on error */
}

static void test_json(void **state)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	vb_json_str(f, "a\"b\\c\n\x01", 0);
	putc(' ', f);
	vb_json_str(f, "", 1);
	putc(' ', f);
	vb_json_str(f, NULL, 0);
	fclose(f);
	assert_string_equal(buf, "\"a\\\"b\\\\c\\n\\u0001\" null null");
	free(buf);
}

/* sysfs values are bytes; JSON text must be UTF-8: valid sequences pass,
 * other bytes become \u00XX, so the output always parses. */
static void test_json_bytes(void **state)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	vb_json_str(f, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 0);
	putc(' ', f);
	vb_json_str(f, "a\xff" "b\xc3", 0);		/* stray byte, truncated sequence */
	putc(' ', f);
	vb_json_str(f, "\xc0\xaf\xed\xa0\x80\x7f", 0);	/* overlong, surrogate; DEL is fine */
	fclose(f);
	assert_string_equal(buf, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\" "
			    "\"a\\u00ffb\\u00c3\" \"\\u00c0\\u00af\\u00ed\\u00a0\\u0080\x7f\"");
	free(buf);
}

static void test_worst(void **state)
{
	(void)state;
	assert_int_equal(vb_worst(0, 1), 1);
	assert_int_equal(vb_worst(1, 3), 3);
	assert_int_equal(vb_worst(3, 1), 3);
	assert_int_equal(vb_worst(2, 1), 1);
	assert_int_equal(vb_worst(0, 0), 0);
}

static void test_kmsg_copy(void **state)
{
	char *r = unit_tmpdir(), p[PATH_MAX], line[256];
	FILE *f;

	(void)state;
	unit_puts(r, "dev/kmsg", "");
	vb_sysfs_set_root(r);
	setenv("VFIOBOX_KMSG", "1", 1);
	vb_msg_init("vfio-claim");
	assert_true(vb_msg_kmsg());
	vb_err("%s: unbind: %s", "0000:01:00.0", "busy");
	vb_warn("x");
	unsetenv("VFIOBOX_KMSG");
	setenv("VFIOBOX_KMSG", "0", 1);
	vb_msg_init("vfio-claim");
	assert_false(vb_msg_kmsg());
	vb_err("not copied");
	unsetenv("VFIOBOX_KMSG");
	snprintf(p, sizeof(p), "%s/dev/kmsg", r);
	f = fopen(p, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "<3>vfiobox vfio-claim: 0000:01:00.0: unbind: busy\n");
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "<4>vfiobox vfio-claim: warning: x\n");
	assert_null(fgets(line, sizeof(line), f));
	fclose(f);
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

static void test_long_msg(void **state)
{
	char *r = unit_tmpdir(), p[PATH_MAX], big[3001], *got;
	size_t len;
	FILE *f;
	int fd, saved;

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	unit_puts(r, "dev/kmsg", "");
	vb_sysfs_set_root(r);
	setenv("VFIOBOX_KMSG", "1", 1);
	vb_msg_init("list");
	snprintf(p, sizeof(p), "%s/stderr", r);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	vb_err("%s", big);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	unsetenv("VFIOBOX_KMSG");
	/* stderr: the whole message */
	f = fopen(p, "r");
	assert_non_null(f);
	got = NULL;
	len = 0;
	assert_true(getline(&got, &len, f) > 0);
	assert_int_equal(strlen(got), strlen("vfiobox list: ") + 3000 + 1);
	assert_int_equal(strncmp(got, "vfiobox list: aaa", 17), 0);
	fclose(f);
	/* /dev/kmsg: one record of at most 1 kB, still a line */
	snprintf(p, sizeof(p), "%s/dev/kmsg", r);
	f = fopen(p, "r");
	assert_non_null(f);
	assert_true(getline(&got, &len, f) > 0);
	assert_int_equal(strlen(got), 1023);
	assert_int_equal(got[1022], '\n');
	free(got);
	fclose(f);
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
	vb_msg_init("vfiobox");
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_bytes),
		cmocka_unit_test(test_worst),
		cmocka_unit_test(test_kmsg_copy),
		cmocka_unit_test(test_long_msg),
	};
	return cmocka_run_group_tests_name("util", t, NULL, NULL);
}
