/* applet: what every applet file sees. Each applets/<name>.c defines
 * `const char <id>_usage[]` (a man-page synopsis plus options, printed by
 * --help) and `int <id>_main(int argc, char **argv)` (argv[0] is the applet
 * name), and returns an exit code from msg.h. */
#ifndef VB_APPLET_H
#define VB_APPLET_H

#include <stddef.h>

#include "base/msg.h"
#include "pci/select.h"

#define APPLET(id, name, summary) \
	extern const char id##_usage[]; \
	int id##_main(int argc, char **argv);
#include "applets.def"
#undef APPLET

/* Print an applet's usage to stdout (for --help). */
void vb_print_usage(const char *usage);
/* Take /run/vfiobox.lock for an applet that rebinds devices, waiting up to
 * timeout_ms; on failure say why ("...; nothing claimed", with `nothing` the
 * applet's own words) and return -errno. Returns the lock fd otherwise, for
 * vb_record_unlock. */
int vb_lock_rebind(long timeout_ms, const char *nothing);
/* Say why vb_select_devices failed (r, the device it names in bad), ending
 * with the applet's `nothing` ("nothing claimed"). */
void vb_select_err(int r, const char *bad, const char *nothing);
/* A device that could not be read (vb_pcidev_load's -errno) in words, into
 * buf: -ETIMEDOUT is driver_override held under the device lock past
 * vb_sysfs_wait() (--timeout). Returns buf. */
const char *vb_dev_read_words(int r, char *buf, size_t n);
/* vb_select_load for an applet that acts on the selection (vfio-claim,
 * vfio-release), saying what it found: a bad operand is a usage error, a bad
 * command line or conf ends "; nothing VERB" (e.g. "claimed"), nothing selected
 * says where it looked, and a selection from the command line or conf is named.
 * Returns 1 when something is selected, else the exit code (0 or VB_EXIT_USAGE)
 * negated; s is freed unless 1 is returned. */
int vb_select_load_act(struct vb_select *s, char *const *operands, int n, const char *verb);
struct vb_rebind_ctx;
struct vb_rebind;
/* vb_rebind_ctx.forced of vfio-claim and vfio-release: one warning line for
 * a device --force unbinds although processes hold it: who, and that the
 * unbind waits up to --timeout for them to let go. */
void vb_rebind_forced_say(const struct vb_rebind_ctx *c, const struct vb_rebind *v,
			  const char *who);
/* --timeout=SEC of every applet that waits (vb_parse_seconds): 0 with *ms
 * set, else the usage error said and its exit code. */
int vb_opt_timeout(const char *arg, long *ms);
/* How IOMMU group g opened as a VM opens it (VB_OPENED_* of lib/pci/rebind,
 * iommu its type), in the words vfio-claim and recover print, into buf.
 * Returns 0 when there is nothing to say for that state. */
int vb_opened_words(int g, int opened, const char *iommu, char *buf, size_t n);

#endif
