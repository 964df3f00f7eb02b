/* domxml_qopt: reading the values of QEMU options that a domain XML carries
 * in qemu:arg and qemu:property: flat JSON objects ({"driver":"..."}),
 * QEMU option lists ("file=a,,b,size=64M": doubled commas are one comma in
 * a value), QEMU sizes and libvirt scaled integers. Pure string functions:
 * no document, no state. */
#ifndef VB_DOMXML_QOPT_H
#define VB_DOMXML_QOPT_H

#include <stddef.h>
#include <stdint.h>

/* The value of key in a QEMU option list "a,k=v,k2=v,,with comma" (the
 * first item without '=' is implied's value): 1 found (copied to out[n],
 * cut to fit), 0 not. */
int dx_kv_get(const char *s, const char *implied, const char *key, char *out, size_t n);
/* The same for a flat JSON object when s looks like one (strings unquoted,
 * other scalars as written), else dx_kv_get. */
int dx_opt_get(const char *s, const char *implied, const char *key, char *out, size_t n);
/* A QEMU size ("67108864", "64M", "64MiB", "1G"...) in bytes: 0 or -1. */
int dx_qsize(const char *s, uint64_t *out);
/* A libvirt scaled integer (<size unit='M'>64</size>: num, unit) in bytes:
 * 0 or -1 (bad number, unknown unit, overflow). */
int dx_scaled(const char *num, const char *unit, uint64_t *out);

#endif
