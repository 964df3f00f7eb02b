/* act: the applets' side effects, with a dry run.
 *
 * Every change an applet makes goes through an act context: sysfs writes,
 * config-space writes (shown as setpci lines), programs run (modprobe), and
 * pauses. With dry_run set, each is printed to `out` as the shell line a user
 * would type, in order, and nothing is done. With echo set, each is printed as
 * it is done. Paths are printed without the VFIOBOX_SYSROOT prefix. */
#ifndef VB_ACT_H
#define VB_ACT_H

#include <stdio.h>
#include <stdint.h>

struct vb_pci;

struct vb_act {
	int dry_run;	/* print, do not do */
	int echo;	/* print what is done */
	FILE *out;	/* where lines go (stdout); NULL = nowhere */
};

/* Write val to the attribute at path (vb_sysfs_write). A value of "\n" is
 * shown as `echo > PATH` (the kernel's way to clear driver_override). */
int vb_act_write(const struct vb_act *a, const char *path, const char *val);
/* Write val to attribute attr of device addr. */
int vb_act_dev_write(const struct vb_act *a, const char *addr, const char *attr, const char *val);
/* Read-modify-write of a config dword/word: bits in mask set to val. Shown as
 * `setpci -s ADDR POS.L=VAL:MASK`. */
int vb_act_cfg32(const struct vb_act *a, struct vb_pci *p, const char *addr, int pos,
		 uint32_t val, uint32_t mask);
int vb_act_cfg16(const struct vb_act *a, struct vb_pci *p, const char *addr, int pos,
		 uint16_t val, uint16_t mask);
/* Run argv[0] (an absolute path) with execve, no shell, empty-ish environment;
 * waits at most vb_sysfs_wait() (the applet's --timeout). Returns the exit
 * status (0..255), -ETIMEDOUT when it has not finished by then (it is left
 * running), or -errno if it could not run.
 * Shown as the command line with argv[0]'s basename. */
int vb_act_run(const struct vb_act *a, char *const argv[]);
/* Sleep ms milliseconds (shown as `sleep SECONDS` in a dry run). */
void vb_act_sleep(const struct vb_act *a, long ms);
/* A comment line in the plan ("# ..."); printed on dry run and echo. */
void vb_act_note(const struct vb_act *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
