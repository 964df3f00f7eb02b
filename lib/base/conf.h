/* conf: selectors from the kernel command line (vfiobox.ids=, vfiobox.claim=,
 * vfiobox.hda=) and /etc/vfiobox.conf (ids=, claim=, hda=), shared by the
 * applets and the early-boot hooks.
 *
 * /etc/vfiobox.conf: one KEY=VALUE per line, '#' starts a comment, values may
 * be in single or double quotes; a key given twice adds to the list (ids,
 * claim) or replaces (hda). Unknown keys are an error. */
#ifndef VB_CONF_H
#define VB_CONF_H

#include <stddef.h>

#define VB_CONF_VAL 1024

struct vb_conf {
	char ids[VB_CONF_VAL];		/* vfio-pci ids= list, "" none */
	char claim[VB_CONF_VAL];	/* comma-separated addresses, "" none */
	char hda[16];			/* vfio|none|host, "" unset */
	const char *source;		/* where the values came from, for messages */
};

/* Value of key=VALUE in a kernel command line (kernel quoting: double quotes
 * group, and are removed around a value). Repeated keys are joined with ','.
 * Returns 1 if found, 0 if not, -EOVERFLOW if the value does not fit. */
int vb_cmdline_get(const char *cmdline, const char *key, char *val, size_t n);
/* 1 if word appears as a bare parameter or as word=anything. */
int vb_cmdline_has(const char *cmdline, const char *word);
/* Read ROOT/proc/cmdline. */
int vb_cmdline_read(char *buf, size_t n);

/* Fill c from a command line; returns 1 when any vfiobox.* key was set. */
int vb_conf_from_cmdline(const char *cmdline, struct vb_conf *c);
/* Fill c from a conf file. Returns 1 when any key was set, 0 for a file with
 * none, -ENOENT when absent, -EINVAL with *errline for a bad line. */
int vb_conf_from_file(const char *path, struct vb_conf *c, int *errline);
/* The rule the applets use: the kernel command line if it names any vfiobox.*
 * selector, else ROOT/etc/vfiobox.conf (a vfiobox.hda= on the command line
 * still overrides the file's hda=). Returns 1 when something was found,
 * 0 when neither has selectors, or a negative error from the file (with
 * *errline). c->source says which one was used. */
int vb_conf_load(struct vb_conf *c, int *errline);

#endif
