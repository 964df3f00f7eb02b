/* domxml_emit: the second pass (see domxml_emit.h). */
#include <errno.h>
#include <stdint.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/blob.h"
#include "xml/domxml.h"

int vb_dx_apply_mem(const struct vb_dx_plan *p, const char *in, size_t len,
		    int (*out)(void *ctx, const void *buf, size_t n), void *ctx)
{
	uint64_t cur = 0;
	size_t i;
	int r;

	for (i = 0; i < p->npatches; i++) {
		const struct vb_dx_patch *pt = &p->patches[i];

		if (pt->off + pt->del > len || pt->off < cur)
			return -EINVAL;
		if (pt->off > cur && (r = out(ctx, in + cur, (size_t)(pt->off - cur))) < 0)
			return r;
		if (pt->ins_len && (r = out(ctx, pt->ins, pt->ins_len)) < 0)
			return r;
		cur = pt->off + pt->del;
	}
	if (cur < len && (r = out(ctx, in + cur, (size_t)(len - cur))) < 0)
		return r;
	return 0;
}



/* Copy in[off, off+n) to out: in-kernel when it can be. 0, -ESTALE when in
 * ends first, or -errno. */
static int copy_span(int in, uint64_t off, uint64_t n, int out, char *buf, size_t cap)
{
	off_t o = (off_t)off;
	int plain = 0;

	while (n) {
		ssize_t k = -1;

		if (!plain) {
			k = sendfile(out, in, &o, n > (1u << 30) ? (1u << 30) : (size_t)n);
			if (k < 0 && (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)) {
				plain = 1;
				continue;
			}
		} else {
			k = pread(in, buf, n < cap ? (size_t)n : cap, o);
			if (k > 0) {
				int r = vb_blob_write_fd(out, buf, (size_t)k);

				if (r < 0)
					return r;
				o += k;
			}
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			return -ESTALE;	/* the input got shorter */
		n -= (uint64_t)k;
	}
	return 0;
}

int vb_dx_apply_fd(const struct vb_dx_plan *p, int in, int out, char *buf, size_t cap)
{
	uint64_t cur = 0;
	struct stat st;
	size_t i;
	int r;

	if (fstat(in, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size != p->size)
		return -ESTALE;
	for (i = 0; i <= p->npatches; i++) {
		uint64_t end = i < p->npatches ? p->patches[i].off : p->size;

		if (end > cur && (r = copy_span(in, cur, end - cur, out, buf, cap)) < 0)
			return r;
		if (i == p->npatches)
			break;
		if ((r = vb_blob_write_fd(out, p->patches[i].ins, p->patches[i].ins_len)) < 0)
			return r;
		cur = p->patches[i].off + p->patches[i].del;
	}
	return 0;
}
