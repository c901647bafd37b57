/* SPDX-License-Identifier: MIT */
/* vnet.h - the vnet tool's commands and shared helpers */
#ifndef VNET_TOOL_H
#define VNET_TOOL_H

#include <stddef.h>
#include <stdint.h>

#include "vnet/features.h"

/* Exit codes, as the README lists them. */
#define EXIT_OK		0
#define EXIT_INVALID	1	/* the input was read and is invalid */
#define EXIT_USAGE	2	/* bad arguments, unknown names, unreadable files */

int cmd_csum(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_gro(int argc, char **argv);
int cmd_gso(int argc, char **argv);
int cmd_hdr(int argc, char **argv);
int cmd_rss(int argc, char **argv);
int cmd_stats(int argc, char **argv);

/**
 * hex_to_bytes() - parse hex digits, ignoring spaces, ':' and '-'
 * @text:	input
 * @out:	output bytes
 * @max:	room in @out
 *
 * Return: bytes written, or -1 on a bad digit, an odd count or overflow
 */
long hex_to_bytes(const char *text, uint8_t *out, size_t max);

/**
 * parse_features_arg() - parse a feature SPEC, reporting an unknown name
 * @spec:	the argument
 * @profile:	naming profile
 * @out:	the set
 *
 * Return: 0, or EXIT_USAGE after printing the error to stderr
 */
int parse_features_arg(const char *spec, enum vnet_profile profile,
		       struct vnet_features *out);

/**
 * parse_profile() - the --profile argument
 * @arg:	"standard" or "draft-v3"
 * @out:	the profile
 *
 * Return: 0, or EXIT_USAGE after printing the error
 */
int parse_profile(const char *arg, enum vnet_profile *out);

#endif /* VNET_TOOL_H */
