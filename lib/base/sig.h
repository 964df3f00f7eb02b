/* sig: SIGINT, SIGTERM and SIGHUP during a rebind transaction. The handler
 * only notes the signal (async-signal-safe: one store); the rebind engine
 * looks between its steps, undoes what it wrote (or finishes when past the
 * point of no return), and main exits 128+N naming the state left.
 * SIGPIPE is ignored by main for every applet: a write to a closed pipe is
 * EPIPE, an error seen when the output is flushed, after the devices are
 * consistent. */
#ifndef VB_SIG_H
#define VB_SIG_H

/* Catch SIGINT, SIGTERM and SIGHUP from now on (SA_RESTART; each blocks the
 * others while its handler runs). A signal ignored at start (nohup, a
 * background job of a shell without job control) stays ignored. */
void vb_sig_catch(void);
/* The first signal caught since vb_sig_catch, 0 none. */
int vb_sig_caught(void);
/* "SIGTERM" for 15, "signal N" for others (buf of 16 bytes at least). */
const char *vb_sig_name(int sig, char *buf, unsigned n);
/* Block (how SIG_BLOCK) or unblock (SIG_UNBLOCK) the three: a child that
 * must finish what it was given blocks them. */
void vb_sig_block(int how);

#endif
