/* lib/xml/domxml_qopt: QEMU option values as a domain XML carries them. */
#include "unit.h"

#include "xml/domxml_qopt.h"

static void test_kv(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(dx_kv_get("file=/a,,b.dat,x=1", NULL, "file", out, sizeof(out)), 1);
	assert_string_equal(out, "/a,b.dat");
	assert_int_equal(dx_kv_get("file=/a,,b.dat,x=1", NULL, "x", out, sizeof(out)), 1);
	assert_string_equal(out, "1");
	assert_int_equal(dx_kv_get("ivshmem-plain,memdev=lg", "driver", "driver", out, sizeof(out)), 1);
	assert_string_equal(out, "ivshmem-plain");
	/* only the first item is the implied key's */
	assert_int_equal(dx_kv_get("a=1,plain", "driver", "driver", out, sizeof(out)), 0);
	assert_int_equal(dx_kv_get("a=1", NULL, "b", out, sizeof(out)), 0);
	assert_int_equal(dx_kv_get("", NULL, "a", out, sizeof(out)), 0);
	/* cut to fit */
	assert_int_equal(dx_kv_get("k=0123456789", NULL, "k", out, 5), 1);
	assert_string_equal(out, "0123");
}

static void test_json(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(dx_opt_get(" {\"driver\": \"ivshmem-plain\", \"id\":\"shmem0\"}", "driver", "id", out,
				    sizeof(out)), 1);
	assert_string_equal(out, "shmem0");
	assert_int_equal(dx_opt_get("{\"size\":67108864,\"share\":true}", NULL, "size", out, sizeof(out)), 1);
	assert_string_equal(out, "67108864");
	assert_int_equal(dx_opt_get("{\"share\":true}", NULL, "share", out, sizeof(out)), 1);
	assert_string_equal(out, "true");
	/* escapes: \" and \\ decoded, \u kept unequal */
	assert_int_equal(dx_opt_get("{\"p\":\"a\\\"b\\\\c\"}", NULL, "p", out, sizeof(out)), 1);
	assert_string_equal(out, "a\"b\\c");
	assert_int_equal(dx_opt_get("{\"p\":\"\\u0041\"}", NULL, "p", out, sizeof(out)), 1);
	assert_string_equal(out, "?");
	/* a nested value is skipped, and is no answer itself */
	assert_int_equal(dx_opt_get("{\"o\":{\"id\":\"x\"},\"id\":\"y\"}", NULL, "id", out, sizeof(out)), 1);
	assert_string_equal(out, "y");
	assert_int_equal(dx_opt_get("{\"o\":[1,2]}", NULL, "o", out, sizeof(out)), 0);
	/* not JSON after all */
	assert_int_equal(dx_opt_get("{\"id\" \"x\"}", NULL, "id", out, sizeof(out)), 0);
	assert_int_equal(dx_opt_get("{\"id\":\"x\"", NULL, "nope", out, sizeof(out)), 0);
}

static void test_qsize(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(dx_qsize("67108864", &v), 0);
	assert_int_equal(v, 67108864);
	assert_int_equal(dx_qsize("64M", &v), 0);
	assert_int_equal(v, 64ULL << 20);
	assert_int_equal(dx_qsize("64MiB", &v), 0);
	assert_int_equal(v, 64ULL << 20);
	assert_int_equal(dx_qsize("1G", &v), 0);
	assert_int_equal(v, 1ULL << 30);
	assert_int_equal(dx_qsize("2k", &v), 0);
	assert_int_equal(v, 2048);
	assert_int_equal(dx_qsize("64X", &v), -1);
	assert_int_equal(dx_qsize("M", &v), -1);
	assert_int_equal(dx_qsize("-1", &v), -1);
	assert_int_equal(dx_qsize("99999999999T", &v), -1);	/* past 2^64 */
}

static void test_scaled(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(dx_scaled("64", "M", &v), 0);
	assert_int_equal(v, 64ULL << 20);
	assert_int_equal(dx_scaled(" 64\n", "MiB", &v), 0);
	assert_int_equal(v, 64ULL << 20);
	assert_int_equal(dx_scaled("64", "MB", &v), 0);
	assert_int_equal(v, 64000000);
	assert_int_equal(dx_scaled("512", "", &v), 0);
	assert_int_equal(v, 512);
	assert_int_equal(dx_scaled("64", "furlongs", &v), -1);
	assert_int_equal(dx_scaled("6 4", "M", &v), -1);
	assert_int_equal(dx_scaled("x", "M", &v), -1);
	assert_int_equal(dx_scaled("99999999999999", "T", &v), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kv),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_qsize),
		cmocka_unit_test(test_scaled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
