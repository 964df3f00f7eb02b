/* domxml_emit: the second pass of domxml, writing the output: the input
 * copied with the plan's patches applied, every byte outside them the
 * input's own. From memory (vb_dx_apply_mem, for tests and the fuzzer) or
 * from a seekable descriptor to another (vb_dx_apply_fd: sendfile where the
 * kernel can, pread and write where it cannot). */
#ifndef VB_DOMXML_EMIT_H
#define VB_DOMXML_EMIT_H

#include <stddef.h>

struct vb_dx_plan;

/* Second pass over memory: out(ctx, bytes, n) receives the output in order;
 * a negative return from out stops with that value; -EINVAL when the plan
 * does not fit in len bytes. */
int vb_dx_apply_mem(const struct vb_dx_plan *p, const char *in, size_t len,
		    int (*out)(void *ctx, const void *buf, size_t n), void *ctx);

/* Second pass from in (seekable, read with offsets: its file position is
 * not used) to out, buf[cap] the copy buffer where sendfile cannot be used.
 * 0; -ESTALE when in is not the p->size bytes the first pass read (a regular
 * file that changed size, or one that ends early); else -errno of a read or
 * write (EPIPE when out is a closed pipe). */
int vb_dx_apply_fd(const struct vb_dx_plan *p, int in, int out, char *buf, size_t cap);

#endif
