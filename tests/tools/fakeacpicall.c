/* fakeacpicall: the acpi_call module's /proc/acpi/call on a fake tree, for
 * tests of rom --acpi. It answers as acpi_call 1.2 (Debian's
 * acpi-call-dkms) does: a write is a call, the next read returns its result
 * once (NUL included), then "not called".
 *
 *   fakeacpicall [-b SIZE] [-e OFF] [-n] [-i] ROOT METHOD ROMFILE
 *
 * ROOT/proc/acpi/call becomes a FIFO (the daemon reads a call from it, then
 * writes the reply into it for the next reader). METHOD ("\_SB_.PCI0...
 * ._ROM") serves ROMFILE as _ROM (offset, length) does: the bytes from
 * offset, at most length and 4096, zeros past the end of the file (as the
 * laptops' _ROM returns its buffer). Replies are formatted like the module:
 * "{0x55, 0xaa, ...}" in a SIZE-byte text (-b, default 256: 42 values, then
 * a trailing comma when cut). Any other method: "Error: AE_NOT_FOUND".
 *   -e OFF   calls at offset OFF or later fail: "Error: AE_AML_BUFFER_LIMIT"
 *   -n       the method returns an integer ("0x0"), not a buffer
 *   -i       leave the call "not called" (as when the module rejects input)
 * Every call is logged to ROOT/proc/acpi/call.log; the daemon's pid is in
 * ROOT/proc/acpi/call.pid. It exits on SIGTERM or after 60 s without a
 * call; the FIFO is removed then. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char fifo[4096];

static void bye(int sig)
{
	(void)sig;
	unlink(fifo);
	_exit(0);
}

int main(int argc, char **argv)
{
	size_t bufsize = 256;
	long fail_at = -1;
	int integer = 0, ignore = 0, c;
	unsigned char *rom;
	long romlen;
	char logp[4200];
	FILE *f, *log;

	while ((c = getopt(argc, argv, "b:e:ni")) != -1) {
		switch (c) {
		case 'b': bufsize = strtoul(optarg, NULL, 0); break;
		case 'e': fail_at = strtol(optarg, NULL, 0); break;
		case 'n': integer = 1; break;
		case 'i': ignore = 1; break;
		default: return 2;
		}
	}
	if (argc - optind != 3 || bufsize < 16 || bufsize > 4000) {
		fprintf(stderr, "usage: fakeacpicall [-b SIZE] [-e OFF] [-n] [-i] ROOT METHOD ROMFILE\n");
		return 2;
	}
	if (!(f = fopen(argv[optind + 2], "rb")) || fseek(f, 0, SEEK_END) || (romlen = ftell(f)) < 0)
		return perror(argv[optind + 2]), 1;
	rom = malloc((size_t)romlen + 1);
	rewind(f);
	if (!rom || fread(rom, 1, (size_t)romlen, f) != (size_t)romlen)
		return perror("read"), 1;
	fclose(f);
	snprintf(fifo, sizeof(fifo), "%s/proc/acpi", argv[optind]);
	mkdir(fifo, 0755);
	snprintf(fifo, sizeof(fifo), "%s/proc/acpi/call", argv[optind]);
	snprintf(logp, sizeof(logp), "%s.log", fifo);
	unlink(fifo);
	if (mkfifo(fifo, 0660) < 0)
		return perror(fifo), 1;
	if (!(log = fopen(logp, "w")))
		return perror(logp), 1;
	setvbuf(log, NULL, _IOLBF, 0);
	signal(SIGTERM, bye);
	signal(SIGALRM, bye);
	signal(SIGPIPE, SIG_IGN);
	if ((c = fork()) > 0) {	/* ready: the FIFO exists */
		snprintf(logp, sizeof(logp), "%s.pid", fifo);
		if (!(f = fopen(logp, "w")))
			return perror(logp), 1;
		fprintf(f, "%d\n", c);
		fclose(f);
		return 0;
	}
	setsid();
	for (;;) {
		char in[1024], *out = malloc(bufsize + 1), meth[600];
		size_t n = 0, len, i;
		unsigned long off, want;
		ssize_t r;
		int fd;

		alarm(60);
		if ((fd = open(fifo, O_RDONLY)) < 0)
			bye(0);
		while (n < sizeof(in) - 1 && (r = read(fd, in + n, sizeof(in) - 1 - n)) > 0)
			n += (size_t)r;
		close(fd);
		in[n] = 0;
		if (n && in[n - 1] == '\n')
			in[--n] = 0;
		fprintf(log, "%s\n", in);
		if (ignore || n > 511) {
			snprintf(out, bufsize, "not called");
		} else if (sscanf(in, "%599s %li %li", meth, (long *)&off, (long *)&want) != 3 ||
			   strcmp(meth, argv[optind + 1])) {
			snprintf(out, bufsize, "Error: AE_NOT_FOUND");
		} else if (fail_at >= 0 && (long)off >= fail_at) {
			snprintf(out, bufsize, "Error: AE_AML_BUFFER_LIMIT");
		} else if (integer) {
			snprintf(out, bufsize, "0x0");
		} else {
			size_t show;

			if (want > 4096)
				want = 4096;
			/* as acpi_result_to_string: at most (size left) / 6 values */
			show = want < bufsize / 6 ? want : bufsize / 6;
			len = (size_t)sprintf(out, "{");
			for (i = 0; i < show; i++) {
				unsigned v = off + i < (unsigned long)romlen ? rom[off + i] : 0;
				len += (size_t)sprintf(out + len, i ? ", 0x%02x" : "0x%02x", v);
			}
			if (want > show) {
				if (len + 1 < bufsize)
					strcpy(out + len, ",");
			} else if (len + 1 < bufsize) {
				strcpy(out + len, "}");
			}
		}
		if ((fd = open(fifo, O_WRONLY)) >= 0) {
			/* the reply and its NUL, in one write as the module's read */
			if (write(fd, out, strlen(out) + 1) < 0)
				fprintf(log, "reply: %s\n", strerror(errno));
			close(fd);
		}
		free(out);
	}
}
