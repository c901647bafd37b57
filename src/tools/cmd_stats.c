// SPDX-License-Identifier: MIT
/* cmd_stats.c - `vnet stats SOCKET`: vnetd's counters, for people */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vnet.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vnet stats [--json | --prometheus] SOCKET\n"
		"\n"
		"Reads vnetd's statistics from its --stats socket. By default prints\n"
		"one line per counter and queue (NAME QUEUE VALUE; drops as\n"
		"drops/REASON; QUEUE is - for the daemon's own counters), skipping\n"
		"zeros (\"all N counters zero\" when every one is); --json and\n"
		"--prometheus print what the socket serves,\n"
		"unchanged.\n"
		"\n"
		"Exit: 0 read; 1 the answer holds no counter; 2 bad arguments or\n"
		"the socket cannot be read.\n");
}

/* The whole answer to @request, NUL-terminated, or NULL. */
static char *fetch(const char *path, const char *request)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap + 1);
	ssize_t n;
	int fd;

	if (!buf || strlen(path) >= sizeof(sa.sun_path))
		goto fail;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    write(fd, request, strlen(request)) < 0) {
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	while (len < cap && (n = read(fd, buf + len, cap - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return buf;
fail:
	fprintf(stderr, "error: %s: %s\n", path, strerror(errno ? errno : EINVAL));
	free(buf);
	return NULL;
}

/*
 * "vnetd_rx_frames_total{queue="0"} 12" -> "rx_frames 0 12", zeros skipped.
 * Returns the number of counters read; @shown gets the number printed.
 */
static unsigned int print_readable(char *text, unsigned int *shown)
{
	unsigned int read = 0;
	char *line, *save = NULL;

	*shown = 0;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[64], queue[16], reason[64] = "";
		unsigned long long v;

		if (line[0] == '#')
			continue;
		/* %llu of vnetd's own 64-bit counters: nothing to overflow */
		/* NOLINTNEXTLINE(cert-err34-c) */
		if (sscanf(line, "vnetd_drops_total{queue=\"%15[^\"]\",reason=\"%63[^\"]\"} %llu",
			   queue, reason, &v) == 3) {
			read++;
			if (v) {
				printf("drops/%s %s %llu\n", reason, queue, v);
				++*shown;
			}
			continue;
		}
		/* the daemon's own counters: no queue, shown as "-" */
		strcpy(queue, "-");
		/* NOLINTNEXTLINE(cert-err34-c): as above */
		if (sscanf(line, "vnetd_%63[a-z_] %llu", name, &v) == 2 ||
		    /* NOLINTNEXTLINE(cert-err34-c): as above */
		    sscanf(line, "vnetd_%63[a-z_]{queue=\"%15[^\"]\"} %llu",
			   name, queue, &v) == 3) {
			size_t n = strlen(name);

			read++;
			if (!v)
				continue;
			if (n > 6 && !strcmp(name + n - 6, "_total"))
				name[n - 6] = '\0';
			printf("%s %s %llu\n", name, queue, v);
			++*shown;
		}
	}
	return read;
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "prometheus", no_argument, NULL, 'p' },
		{ 0 },
	};
	const char *request = "prometheus\n";
	unsigned int read, shown;
	int c, raw = 0, rc = EXIT_OK;
	char *text;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return EXIT_OK;
		}
		if (c != 'j' && c != 'p') {
			usage(stderr);
			return EXIT_USAGE;
		}
		request = c == 'j' ? "json\n" : "prometheus\n";
		raw = 1;
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	text = fetch(argv[optind], request);
	if (!text)
		return EXIT_USAGE;
	if (raw) {
		fputs(text, stdout);
	} else {
		/* An idle device answers with zeros only: say so, not nothing */
		read = print_readable(text, &shown);
		if (!read) {
			fprintf(stderr, "error: %s: no counter in the answer\n", argv[optind]);
			rc = EXIT_INVALID;
		} else if (!shown) {
			printf("all %u counters zero\n", read);
		}
	}
	free(text);
	return rc;
}
