/* shmem: Looking Glass shared memory sizing, shared by the shmem applet and
 * domxml --shmem/--kvmfr.
 *
 * Official formula (Looking Glass B6/B7 docs): W x H x BPP x 2 bytes, in MiB,
 * plus 10 MiB, rounded up to the next power of two; BPP 4 (SDR) or 8 (HDR).
 * The seed guides' older rule W x H / 131072 rounded up to a power of two
 * leaves out the 10 MiB and undersizes 1080p, 1440p and 4K. */
#ifndef VB_SHMEM_H
#define VB_SHMEM_H

#include <stdint.h>

#define VB_SHMEM_MAX_DIM 65536u

/* Parse "WIDTHxHEIGHT" (decimal, 1..VB_SHMEM_MAX_DIM each, 'x' or 'X').
 * -EINVAL for anything else, -ERANGE for a dimension out of range. */
int vb_shmem_parse_res(const char *s, unsigned *w, unsigned *h);
/* Size in MiB by the official formula. */
uint64_t vb_shmem_mib(unsigned w, unsigned h, int hdr);
/* Size in MiB by the guides' older formula. */
uint64_t vb_shmem_legacy_mib(unsigned w, unsigned h);
/* Smallest power of two >= v (v >= 1). */
uint64_t vb_shmem_pow2(uint64_t v);

#endif
