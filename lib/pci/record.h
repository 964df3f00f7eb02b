/* record: what vfio-claim did, kept under /run/vfiobox/ so vfio-release and
 * recover know which driver a device came from and should go back to; and
 * the lock (/run/vfiobox.lock, flock) that serialises the applets that
 * rebind devices.
 *
 * One file per device, /run/vfiobox/DDDD:BB:DD.F, KEY=VALUE lines:
 *   addr=0000:01:00.0
 *   ids=10de:249d:103c:88d1    vendor:device:subvendor:subdevice
 *   class=030000
 *   driver=nvidia              the driver it had before ("" none)
 *   target=vfio-pci            the driver_override written (vfio-pci, none)
 *   hda=vfio                   the --hda mode of the claim
 * and, when the claim released a firmware framebuffer in the device's BARs
 * (lib/pci/fb), what to put back on release:
 *   fbdev=efi-framebuffer.0    the platform device unbound
 *   fbdrv=efi-framebuffer      from this driver
 *   vtcon=1                    the vtconsoles unbound from fbcon ("1,2")
 *
 * The journal, /run/vfiobox/journal: the rebind transaction in progress
 * (lib/pci/rebind), written before its first write and after each step,
 * durably (a new file, fsync, rename, fsync of the directory), removed when
 * the transaction is over. One at a time: every applet that rebinds holds
 * the lock. Text, one field a line, the devices one a line:
 *   vfiobox-journal 1
 *   op=vfio-claim              the applet
 *   pid=1234
 *   started=1765100000         seconds since the epoch
 *   phase=unbind               the step under way: driver_override, unbind,
 *                              probe (from it on a signal finishes the
 *                              transaction, not undoes it), verify, done, stuck
 *   record=claim               once done: claim (write the records), remove
 *                              (remove them) or none
 *   hda=vfio                   record=claim: the --hda mode
 *   dev=0000:01:00.0 ids=10de:249d:103c:88d1 class=030000 driver=nvidia
 *       override= target=vfio-pci want= done=ou    (one line; done: o the
 *       override written, u unbound, p probed)
 *   end=8c3f0a21               FNV-1a (32 bits) of every byte before this line
 * A file that does not parse, or whose sum does not match (torn, edited), is
 * refused (-EBADMSG, the reason in words), never acted on. */
#ifndef VB_RECORD_H
#define VB_RECORD_H

#include "pci/pcidev.h"

struct vb_act;

struct vb_record {
	char addr[VB_BDF_LEN];
	struct vb_pciids id;
	char driver[64];
	char target[64];
	char hda[16];
	char fbdev[48], fbdrv[64], vtcon[40];	/* "" none */
};

/* Write atomically (temporary file + rename), creating /run/vfiobox. In a dry
 * run nothing is written. */
int vb_record_write(const struct vb_act *a, const struct vb_record *r);
/* -ENOENT when there is no record, -EINVAL for a damaged one. */
int vb_record_read(const char *addr, struct vb_record *r);
int vb_record_remove(const struct vb_act *a, const char *addr);
/* Record that addr (ids id) was moved from driver to target (vfio-pci or
 * none) with --hda mode hda: the record vfio-claim and recover write. A
 * device moved from no driver or from vfio (parked by hda=none, left by an
 * earlier claim) keeps the host driver its record already names, when the
 * record is of the same device: that is the driver to go back to. A record
 * of the same device keeps its framebuffer fields. */
int vb_record_claimed(const struct vb_act *a, const char *addr, const struct vb_pciids *id,
		      const char *driver, const char *target, const char *hda);
/* Add to addr's record what the claim released of a firmware framebuffer
 * (all "" clears it). -ENOENT without a record. */
int vb_record_set_fb(const struct vb_act *a, const char *addr, const char *fbdev,
		     const char *fbdrv, const char *vtcon);
/* Addresses that have a record, sorted. */
int vb_record_list(char ***addrs, size_t *n);

/* ---- the journal ---------------------------------------------------------- */

#define VB_JOURNAL_MAX 64	/* devices in one transaction */

struct vb_journal_dev {
	char addr[VB_BDF_LEN];
	struct vb_pciids id;
	char driver[VB_DRV_LEN];	/* before the transaction ("" none) */
	char override[VB_DRV_LEN];	/* before ("" none) */
	char target[VB_DRV_LEN];	/* as struct vb_rebind: "" back, "none", a driver */
	char want[VB_DRV_LEN];
	char done[4];			/* "o", "u", "p": the steps done */
};

struct vb_journal {
	char op[32];
	long pid;
	long long started;
	char phase[24];
	char record[8];		/* "claim", "remove", "none" */
	char hda[16];
	size_t n;
	struct vb_journal_dev dev[VB_JOURNAL_MAX];
};

/* The text of j in buf[n]: its length, -ENAMETOOLONG when it does not fit,
 * -EINVAL for a field that cannot be written (a space, '=' or a newline in
 * it, more than VB_JOURNAL_MAX devices). */
int vb_journal_format(const struct vb_journal *j, char *buf, size_t n);
/* Parse text[0..len): 0, or -EBADMSG with why[] saying what is wrong. */
int vb_journal_parse(const char *text, size_t len, struct vb_journal *j, char *why, size_t whyn);
/* Write durably (new file, fsync, rename, directory fsync). 0 or -errno. */
int vb_journal_write(const struct vb_journal *j);
/* Read it: 0, -ENOENT none, -EBADMSG damaged (why), -errno. */
int vb_journal_read(struct vb_journal *j, char *why, size_t whyn);
int vb_journal_remove(void);
/* Its path (rooted), for messages: "/run/vfiobox/journal". */
#define VB_JOURNAL_PATH "/run/vfiobox/journal"

/* Take the lock, waiting up to timeout_ms. Returns an fd (>= 0) to pass to
 * vb_record_unlock, -ETIMEDOUT, -EINTR when a signal was caught (lib/base/sig)
 * while waiting, or -errno. */
int vb_record_lock(long timeout_ms);
void vb_record_unlock(int fd);

#endif
