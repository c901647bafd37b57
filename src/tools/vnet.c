// SPDX-License-Identifier: MIT
/* vnet.c - the vnet command-line tool: dispatch to one command per file */

#include <stdio.h>
#include <string.h>

#include "vnet.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "csum", cmd_csum, "check the checksums of every frame of a pcap" },
	{ "features", cmd_features, "list and validate a feature set" },
	{ "gro", cmd_gro, "coalesce the frames of a pcap as the device receives" },
	{ "gso", cmd_gso, "segment every frame of a pcap as a device would" },
	{ "hdr", cmd_hdr, "decode a virtio-net header, or print its size" },
	{ "rss", cmd_rss, "RSS hash, report and queue of every frame of a pcap" },
	{ "stats", cmd_stats, "print the counters of a running vnetd" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: vnet COMMAND [ARGS...]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\n'vnet COMMAND --help' describes each command.\n"
		     "Exit codes: 0 ok, 1 invalid input, 2 usage error.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "error: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
