// SPDX-License-Identifier: MIT
/* cmd_features.c - `vnet features SPEC`: list the bits, check requirements */

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "vnet.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vnet features [--profile draft-v3] SPEC\n"
		"\n"
		"SPEC is a comma-separated list of feature names (csum,host_tso4,...)\n"
		"or a hex number of up to 128 bits (0x...). Prints one line per bit,\n"
		"number then name, and checks the spec's feature bit requirements.\n"
		"\n"
		"Exit: 0 valid; 1 a requirement is broken (one 'error: X requires Y'\n"
		"line per violation on stderr); 2 unknown name or bad arguments.\n");
}

static void print_violations(const struct vnet_features *f,
			     enum vnet_profile profile, size_t n)
{
	const struct vnet_feature_rule *rules[VNET_FEATURE_BITS];
	char line[512];
	size_t i;

	vnet_features_check(f, profile, rules, VNET_FEATURE_BITS);
	for (i = 0; i < n && i < VNET_FEATURE_BITS; i++) {
		vnet_feature_rule_format(rules[i], profile, line, sizeof(line));
		fprintf(stderr, "error: %s\n", line);
	}
}

int cmd_features(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "profile", required_argument, NULL, 'p' },
		{ 0 },
	};
	enum vnet_profile profile = VNET_PROFILE_STANDARD;
	struct vnet_features f;
	unsigned int bit;
	size_t n;
	int c, err;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return EXIT_OK;
		}
		if (c != 'p' || parse_profile(optarg, &profile)) {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	err = parse_features_arg(argv[optind], profile, &f);
	if (err)
		return err;
	for (bit = 0; bit < VNET_FEATURE_BITS; bit++)
		if (vnet_features_has(&f, bit))
			printf("%u %s\n", bit, vnet_feature_name(bit, profile));
	n = vnet_features_check(&f, profile, NULL, 0);
	if (!n)
		return EXIT_OK;
	print_violations(&f, profile, n);
	return EXIT_INVALID;
}
