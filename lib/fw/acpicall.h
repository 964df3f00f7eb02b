/* acpicall: calling an ACPI method through the acpi_call module's
 * /proc/acpi/call, and reading a video BIOS from a _ROM method with it.
 *
 * Kernel ABI (acpi_call 1.2, Debian's acpi-call-dkms): write
 * "\PATH.METH ARG..." (integers as 0xN or N, at most 511 bytes) to
 * /proc/acpi/call; the module evaluates the method at once and keeps the
 * result as text, which the next read returns once, NUL included, and then
 * "not called": a buffer as "{0x55, 0xaa, ...}", an integer "0x..", a
 * string in quotes, a package in [], a failure "Error: AE_NOT_FOUND". The
 * text holds 256 bytes: a buffer longer than 42 bytes is cut after 42
 * values and the reply ends with a comma instead of the brace. Reads must
 * take the reply in one read(); a second read returns what follows in
 * "not called".
 *
 * _ROM (ACPI 6.5, 10.5.1 / PCI firmware spec): _ROM (offset, length)
 * returns up to 4096 bytes of the device's ROM image from offset. */
#ifndef VB_ACPICALL_H
#define VB_ACPICALL_H

#include <stddef.h>

#include "base/act.h"

#define VB_ACPICALL_PATH "/proc/acpi/call"
#define VB_ACPICALL_CHUNK 4096

/* Parse a reply that should be a buffer: the bytes into out (at most max),
 * *got of them; *cut is 1 when the module cut the buffer short (a trailing
 * comma). 0; -EREMOTEIO for an "Error: ..." reply; -ENOMSG for "not
 * called"; -EPROTO for anything else (not a buffer, garbled, more than
 * max). */
int vb_acpicall_parse_buffer(const char *reply, unsigned char *out, size_t max, size_t *got,
			     int *cut);

/* What a ROM read did, for the messages. */
struct vb_acpicall_rom {
	size_t calls;		/* _ROM calls made */
	size_t cut;		/* replies the module cut short */
	size_t at;		/* the offset of the call that failed */
	char reply[128];	/* that call's reply (start of it) */
	const char *why;	/* what was wrong with it, or NULL */
};
/* Read the image chain that method (an absolute path, "\_SB_.PCI0.PEGP._ROM")
 * serves: _ROM (offset, 4096) calls, each reply's bytes appended and the
 * next call made at the offset after them (asking for no more than a reply
 * the module cut short held: the method need not make bytes nobody sees),
 * until the chain's own length
 * (vb_rom_chain_len) or max bytes, or a call that gives nothing. With
 * act->dry_run only the first call is shown, and nothing read. Returns 0
 * with *buf (malloc'd) and *n; -ENOENT when /proc/acpi/call does not exist
 * (acpi_call is not loaded); -EREMOTEIO, -ENOMSG, -EPROTO, -ENODATA (an
 * empty buffer) with r->at, r->reply, r->why; -EFBIG past max; another
 * -errno from the write or read. On an error after some bytes, *buf and *n
 * hold what came (the caller frees it). */
int vb_acpicall_read_rom(const struct vb_act *act, const char *method, size_t max,
			 unsigned char **buf, size_t *n, struct vb_acpicall_rom *r);

#endif
