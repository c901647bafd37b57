// SPDX-License-Identifier: MIT
/* args.c - argument parsing shared by the vnet commands */

#include <stdio.h>
#include <string.h>

#include "hex.h"
#include "vnet.h"

long hex_to_bytes(const char *text, uint8_t *out, size_t max)
{
	size_t n = 0;
	int hi = -1;

	for (; *text; text++) {
		int d;

		if (*text == ' ' || *text == ':' || *text == '-' ||
		    *text == '\n' || *text == '\t')
			continue;
		d = hex_digit(*text);
		if (d < 0)
			return -1;
		if (hi < 0) {
			hi = d;
			continue;
		}
		if (n == max)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | d);
		hi = -1;
	}
	return hi < 0 ? (long)n : -1;
}

int parse_features_arg(const char *spec, enum vnet_profile profile,
		       struct vnet_features *out)
{
	const char *bad = NULL;
	size_t bad_len = 0;
	int err = vnet_features_parse(spec, profile, out, &bad, &bad_len);

	if (err) {
		if (bad)
			fprintf(stderr, "error: unknown feature '%.*s'\n",
				(int)bad_len, bad);
		else
			fprintf(stderr, "error: malformed feature set '%s'\n",
				spec);
		return EXIT_USAGE;
	}
	return 0;
}

int parse_profile(const char *arg, enum vnet_profile *out)
{
	if (!strcmp(arg, "draft-v3")) {
		*out = VNET_PROFILE_DRAFT_V3;
		return 0;
	}
	if (!strcmp(arg, "standard")) {
		*out = VNET_PROFILE_STANDARD;
		return 0;
	}
	fprintf(stderr, "error: unknown profile '%s' (standard, draft-v3)\n",
		arg);
	return EXIT_USAGE;
}
