/* msg: messages to stderr, prefixed "vfiobox APPLET: ", and in early boot (no
 * terminal, root on a ramfs/tmpfs) also to /dev/kmsg so they reach dmesg and
 * the journal. VFIOBOX_KMSG=1 forces the kmsg copy, =0 turns it off. */
#ifndef VB_MSG_H
#define VB_MSG_H

/* Exit codes, documented in README and vfiobox(1). */
enum {
	VB_EXIT_OK = 0,		/* done */
	VB_EXIT_FAIL = 1,	/* failed, state restored */
	VB_EXIT_USAGE = 2,	/* usage error, nothing touched */
	VB_EXIT_STUCK = 3,	/* failed and the undo failed too */
	VB_EXIT_NOAPPLET = 127,	/* no such applet */
};

/* Worst of two exit codes (3 > 1 > 0; 2 only comes before any action). */
int vb_worst(int a, int b);

void vb_msg_init(const char *applet);
const char *vb_msg_applet(void);
/* 1 when messages are copied to /dev/kmsg. */
int vb_msg_kmsg(void);

void vb_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vb_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vb_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Report a usage error and point at --help; returns VB_EXIT_USAGE. */
int vb_usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
