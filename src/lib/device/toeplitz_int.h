/* SPDX-License-Identifier: MIT */
/* toeplitz_int.h - the Toeplitz hash's vector path, behind the dispatcher */
#ifndef VNET_TOEPLITZ_INT_H
#define VNET_TOEPLITZ_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet/toeplitz.h"

/**
 * toeplitz_clmul_usable() - does this CPU run the clmul path
 *
 * Return: true with AVX512F/BW/VL/VBMI, VPCLMULQDQ and GFNI (x86 only)
 */
bool toeplitz_clmul_usable(void);

/**
 * toeplitz_clmul_hash() - one hash on the clmul path
 * @t:		expanded key
 * @p:		input
 * @len:	input length, at most VNET_TOEPLITZ_INPUT_MAX
 *
 * Return: the hash
 */
uint32_t toeplitz_clmul_hash(const struct vnet_toeplitz *t, const uint8_t *p,
			     size_t len);

/**
 * toeplitz_clmul_bulk() - hashes of @n inputs of one length, clmul path
 * @t:		expanded key
 * @in:		inputs
 * @len:	their length, at most VNET_TOEPLITZ_INPUT_MAX
 * @out:	@n hashes
 * @n:		inputs
 */
void toeplitz_clmul_bulk(const struct vnet_toeplitz *t,
			 const uint8_t *const in[], size_t len, uint32_t *out,
			 size_t n);

#endif /* VNET_TOEPLITZ_INT_H */
