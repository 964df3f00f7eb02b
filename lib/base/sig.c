/* sig: note SIGINT, SIGTERM, SIGHUP for the rebind engine. See sig.h. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "base/sig.h"
#include "base/util.h"

static volatile sig_atomic_t caught;
static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

static void on_signal(int sig)
{
	if (!caught)
		caught = sig;
}

void vb_sig_catch(void)
{
	struct sigaction sa, old;
	unsigned i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < VB_ARRAY_SIZE(sigs); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (i = 0; i < VB_ARRAY_SIZE(sigs); i++)
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN &&
		    old.sa_handler != on_signal)
			sigaction(sigs[i], &sa, NULL);
}

int vb_sig_caught(void)
{
	return caught;
}

const char *vb_sig_name(int sig, char *buf, unsigned n)
{
	const char *s = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" :
			sig == SIGHUP ? "SIGHUP" : NULL;

	if (s)
		snprintf(buf, n, "%s", s);
	else
		snprintf(buf, n, "signal %d", sig);
	return buf;
}

void vb_sig_block(int how)
{
	sigset_t set;
	unsigned i;

	sigemptyset(&set);
	for (i = 0; i < VB_ARRAY_SIZE(sigs); i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(how, &set, NULL);
}
