/* unit.h: shared bits for the cmocka unit tests (one binary per lib file,
 * built with ASan+UBSan). */
#ifndef VB_UNIT_H
#define VB_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh empty directory under $TMPDIR (or /tmp); the caller frees it with
 * unit_rmtree(). */
static inline __attribute__((returns_nonnull)) char *unit_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	char *p = malloc(PATH_MAX);

	snprintf(p, PATH_MAX, "%s/vfiobox-unit.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(p)) {
		fprintf(stderr, "unit: mkdtemp %s: %s\n", p, strerror(errno));
		abort();
	}
	return p;
}

/* mkdir -p of root + rel's directory part, then write data to root/rel. */
static inline void unit_put(const char *root, const char *rel, const void *data, size_t n)
{
	char p[PATH_MAX];
	char *s;
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		mkdir(p, 0755);
		*s = '/';
	}
	f = fopen(p, "w");
	assert_non_null(f);
	if (n)
		assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

static inline void unit_puts(const char *root, const char *rel, const char *s)
{
	unit_put(root, rel, s, strlen(s));
}

/* ln -s target root/rel (making parent directories). */
static inline void unit_link(const char *root, const char *rel, const char *target)
{
	char p[PATH_MAX];
	char *s;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		mkdir(p, 0755);
		*s = '/';
	}
	assert_int_equal(symlink(target, p), 0);
}

static inline void unit_rmtree(char *root)
{
	char cmd[PATH_MAX + 16];

	if (!root)
		return;
	if (strncmp(root, "/tmp/", 5) == 0 || getenv("TMPDIR")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd) != 0)
			fprintf(stderr, "unit: could not remove %s\n", root);
	}
	free(root);
}

#endif
