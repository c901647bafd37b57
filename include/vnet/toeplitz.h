/* SPDX-License-Identifier: MIT */
/* toeplitz.h - the Toeplitz hash of RSS: key schedule and hashing */
#ifndef VNET_TOEPLITZ_H
#define VNET_TOEPLITZ_H

#include <stddef.h>
#include <stdint.h>

#include "vnet/export.h"

VNET_API_BEGIN

/*
 * The hash of Microsoft's "RSS hashing functions": for every set bit i of
 * the input (most significant bit of the first byte is bit 0), XOR in the
 * 32 key bits that start at key bit i. Bytes past the end of the key count
 * as zero.
 *
 * The longest input RSS hashes is an IPv6 4-tuple: 16 + 16 + 2 + 2 bytes,
 * which reads key bytes 0..39, hence the 40-byte minimum key of the spec.
 */
#define VNET_TOEPLITZ_INPUT_MAX	36
#define VNET_TOEPLITZ_KEY_USED	(VNET_TOEPLITZ_INPUT_MAX + 4)

#define VNET_TOEPLITZ_CHUNKS	(VNET_TOEPLITZ_INPUT_MAX / 4)

/**
 * enum vnet_toeplitz_path - how vnet_toeplitz_hash() computes
 * @VNET_TOEPLITZ_PATH_TABLE:	one table lookup per input byte; portable
 * @VNET_TOEPLITZ_PATH_CLMUL:	carry-less multiplies, one per 32-bit input
 *				word, several per VPCLMULQDQ (x86-64 with
 *				AVX512F/BW/VL/VBMI, VPCLMULQDQ and GFNI)
 */
enum vnet_toeplitz_path {
	VNET_TOEPLITZ_PATH_TABLE = 0,
	VNET_TOEPLITZ_PATH_CLMUL = 1,
};

/**
 * struct vnet_toeplitz - a key, expanded for hashing
 * @tbl:	@tbl[i][v] is the hash of byte value v at input position i
 *		alone; the hash of an input is the XOR of one entry per byte
 * @win:	@win[c] holds key bits 32c .. 32c+62 bit-reversed (key bit
 *		32c in bit 0): the multiplier of input word c on the clmul path
 * @path:	the fastest path the CPU has, chosen by vnet_toeplitz_init();
 *		a caller may set VNET_TOEPLITZ_PATH_TABLE to force the table
 */
struct vnet_toeplitz {
	uint32_t tbl[VNET_TOEPLITZ_INPUT_MAX][256];
	uint64_t win[VNET_TOEPLITZ_CHUNKS];
	enum vnet_toeplitz_path path;
};

/**
 * vnet_toeplitz_init() - expand a key
 * @t:		the expanded key
 * @key:	key bytes (may be NULL if @key_len is 0)
 * @key_len:	key length; bytes past VNET_TOEPLITZ_KEY_USED are never read
 *		by any input this library hashes and are ignored
 */
void vnet_toeplitz_init(struct vnet_toeplitz *t, const uint8_t *key,
			size_t key_len);

/**
 * vnet_toeplitz_hash() - hash an input with an expanded key
 * @t:		expanded key
 * @in:		input bytes, in network order, any alignment
 * @len:	input length, at most VNET_TOEPLITZ_INPUT_MAX; longer inputs
 *		are hashed over their first VNET_TOEPLITZ_INPUT_MAX bytes
 *
 * Return: the 32-bit hash
 */
uint32_t vnet_toeplitz_hash(const struct vnet_toeplitz *t, const void *in,
			    size_t len);

/**
 * vnet_toeplitz_hash_bulk() - hash @n inputs of one length
 * @t:		expanded key
 * @in:		the inputs, network order, any alignment
 * @len:	length of each, at most VNET_TOEPLITZ_INPUT_MAX (as for
 *		vnet_toeplitz_hash())
 * @out:	@n hashes
 * @n:		number of inputs
 *
 * The same hashes as @n calls of vnet_toeplitz_hash(), four at a time on
 * the clmul path: for a burst of frames of one hash type.
 */
void vnet_toeplitz_hash_bulk(const struct vnet_toeplitz *t,
			     const uint8_t *const in[], size_t len,
			     uint32_t *out, size_t n);

/**
 * vnet_toeplitz_ref() - the hash computed bit by bit, for any length
 * @key:	key bytes
 * @key_len:	key length
 * @in:		input bytes
 * @len:	input length
 *
 * The definition, one bit at a time: slow, for tests and for inputs longer
 * than VNET_TOEPLITZ_INPUT_MAX.
 *
 * Return: the 32-bit hash
 */
uint32_t vnet_toeplitz_ref(const uint8_t *key, size_t key_len, const void *in,
			   size_t len);

VNET_API_END

#endif /* VNET_TOEPLITZ_H */
