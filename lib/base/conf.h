/* conf: selectors from the kernel command line (vfiobox.ids=, vfiobox.claim=,
 * vfiobox.hda=) and /etc/vfiobox.conf (ids=, claim=, hda=), shared by the
 * applets and the early-boot hooks.
 *
 * Both are read whole, through vb_blob_read_regular: a FIFO, a directory or
 * another file that is not a regular file is an error that names it, so is
 * a read error (never a shorter list), and so is a file over VB_CONF_MAX
 * bytes. No line or value has a length limit of its own.
 *
 * /etc/vfiobox.conf: one KEY=VALUE per line, '#' starts a comment line,
 * values may be in single or double quotes. The same rule for repeated keys
 * in both sources: ids= and claim= add to the list, the last hda= counts.
 * Unknown keys are an error. */
#ifndef VB_CONF_H
#define VB_CONF_H

#include <stddef.h>

/* The largest /etc/vfiobox.conf or /proc/cmdline read (1 MiB). */
#define VB_CONF_MAX (1024 * 1024)

struct vb_conf {
	char *ids;		/* vfio-pci ids= list, NULL none */
	char *claim;		/* comma-separated addresses, NULL none */
	char *hda;		/* vfio|none|host as given (unchecked), NULL unset */
	const char *source;	/* where ids/claim came from, for messages */
	const char *hda_source;	/* where hda came from */
	/* A file that could not be read (vb_conf_load's errors other than
	 * -EINVAL): "/proc/cmdline" or "/etc/vfiobox.conf", and its type for
	 * -VB_ENOTREG. */
	const char *bad_file;
	unsigned bad_type;
};

void vb_conf_free(struct vb_conf *c);

/* Value of key=VALUE in a kernel command line (kernel quoting: double quotes
 * group, and are removed around a value). Repeated keys are joined with ','.
 * Returns 1 if found, 0 if not, -EOVERFLOW if the value does not fit. */
int vb_cmdline_get(const char *cmdline, const char *key, char *val, size_t n);
/* The same value, whatever its length, in a new string (free it), NULL when
 * key is not there. */
char *vb_cmdline_dup(const char *cmdline, const char *key);
/* 1 if word appears as a bare parameter or as word=anything. */
int vb_cmdline_has(const char *cmdline, const char *word);
/* Read ROOT/proc/cmdline whole into *text (freed by the caller; trailing
 * newline removed): 0, -ENOENT when there is none (no /proc), or as
 * vb_blob_read_regular. *type gets the file type for -VB_ENOTREG. */
int vb_cmdline_read(char **text, unsigned *type);

/* Fill c from a command line; returns 1 when any vfiobox.* selector was set
 * (hda alone selects nothing). */
int vb_conf_from_cmdline(const char *cmdline, struct vb_conf *c);
/* Fill c from a conf file. Returns 1 when any ids=/claim= was set, 0 for a
 * file with none, -ENOENT when absent, -EINVAL with *errline for a bad line
 * (no '=', an unknown key, an unclosed quote, a NUL byte), or as
 * vb_blob_read_regular. */
int vb_conf_from_file(const char *path, struct vb_conf *c, int *errline);
/* The rule the applets use: the kernel command line if it names any vfiobox.*
 * selector, else ROOT/etc/vfiobox.conf (a vfiobox.hda= on the command line
 * still overrides the file's hda=). Returns 1 when something was found,
 * 0 when neither has selectors, -EINVAL with *errline for a bad line of the
 * file, or another negative error with c->bad_file naming the file that
 * could not be read. c->source says which one was used. Free c with
 * vb_conf_free whatever the result. */
int vb_conf_load(struct vb_conf *c, int *errline);

#endif
