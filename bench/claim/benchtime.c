/* bench/claim/benchtime.c: run one command, print how long it took.
 *
 *   benchtime [-q] CMD [ARG...]
 *
 * Forks, execs CMD (PATH search), waits, and prints one line on stdout:
 *   WALL_US USER_US SYS_US
 * wall time by CLOCK_MONOTONIC from just before the fork to just after the
 * wait, and the CPU time of CMD and its waited-for children (wait4's
 * rusage). -q sends CMD's stdout and stderr to /dev/null. Exits with CMD's
 * status (128+N if a signal N ended it, 127 if it could not be run).
 *
 * It exists so that a benchmark run from a shell script (bench/claim/guest.sh,
 * in the e2e guest) times the command alone: the shell's own forks, the
 * resets between rounds and the checks after them stay outside the figure.
 * Static (musl), so it starts the same way vfiobox does. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long tv_us(struct timeval tv)
{
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

int main(int argc, char **argv)
{
	int quiet = 0, i = 1;
	if (i < argc && strcmp(argv[i], "-q") == 0) {
		quiet = 1;
		i++;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc) {
		fputs("usage: benchtime [-q] CMD [ARG...]\n", stderr);
		return 2;
	}
	long long t0 = now_us();
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "benchtime: fork: %s\n", strerror(errno));
		return 127;
	}
	if (pid == 0) {
		if (quiet) {
			int fd = open("/dev/null", O_WRONLY);
			if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
				_exit(127);
		}
		execvp(argv[i], argv + i);
		fprintf(stderr, "benchtime: %s: %s\n", argv[i], strerror(errno));
		_exit(127);
	}
	int st;
	struct rusage ru;
	while (wait4(pid, &st, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "benchtime: wait4: %s\n", strerror(errno));
			return 127;
		}
	}
	long long t1 = now_us();
	printf("%lld %lld %lld\n", t1 - t0, tv_us(ru.ru_utime), tv_us(ru.ru_stime));
	if (fflush(stdout) != 0)
		return 127;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
