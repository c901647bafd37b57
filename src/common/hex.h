/* SPDX-License-Identifier: MIT */
/* hex.h - the value of a hexadecimal digit, for every parser of hex text
 * (feature sets, overlay options, the vnet tool's arguments). Header-only:
 * each library and program that parses hex includes it, none exports it. */
#ifndef VNET_COMMON_HEX_H
#define VNET_COMMON_HEX_H

/**
 * hex_digit() - the value of a hex digit
 * @c:		character
 *
 * Return: 0..15, or -1 when @c is not a hex digit
 */
static inline int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
