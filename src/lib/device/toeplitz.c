// SPDX-License-Identifier: MIT
/* toeplitz.c - the Toeplitz hash: bitwise definition, byte tables, dispatch */

#include <string.h>

#include "vnet/toeplitz.h"
#include "toeplitz_int.h"

/* Key with zero bytes past its end, as the definition reads it. */
static void key_padded(uint8_t out[VNET_TOEPLITZ_KEY_USED + 8],
		       const uint8_t *key, size_t key_len)
{
	memset(out, 0, VNET_TOEPLITZ_KEY_USED + 8);
	if (key_len > VNET_TOEPLITZ_KEY_USED)
		key_len = VNET_TOEPLITZ_KEY_USED;
	if (key_len)
		memcpy(out, key, key_len);
}

/* The 32 key bits starting at bit @bit of a padded key. */
static uint32_t key_window(const uint8_t *k, unsigned int bit)
{
	unsigned int byte = bit / 8, shift = bit % 8;
	uint64_t v = (uint64_t)k[byte] << 32 | (uint64_t)k[byte + 1] << 24 |
		     (uint64_t)k[byte + 2] << 16 | (uint64_t)k[byte + 3] << 8 |
		     k[byte + 4];

	return (uint32_t)(v >> (8 - shift));
}

static void init_tables(struct vnet_toeplitz *t, const uint8_t *k)
{
	unsigned int pos, bit, v;

	for (pos = 0; pos < VNET_TOEPLITZ_INPUT_MAX; pos++) {
		uint32_t *row = t->tbl[pos];

		row[0] = 0;
		for (bit = 0; bit < 8; bit++)
			row[0x80 >> bit] = key_window(k, pos * 8 + bit);
		/* Every other value: its lowest set bit's entry, XOR the rest. */
		for (v = 1; v < 256; v++)
			row[v] = row[v & (0u - v)] ^ row[v & (v - 1)];
	}
}

static void init_windows(struct vnet_toeplitz *t, const uint8_t *k)
{
	unsigned int c, s;

	for (c = 0; c < VNET_TOEPLITZ_CHUNKS; c++) {
		uint64_t w = 0;

		for (s = 0; s < 63; s++) {
			unsigned int bit = c * 32 + s;

			if (k[bit / 8] & (0x80 >> (bit % 8)))
				w |= 1ULL << s;
		}
		t->win[c] = w;
	}
}

static enum vnet_toeplitz_path best_path(void)
{
	if (toeplitz_clmul_usable())
		return VNET_TOEPLITZ_PATH_CLMUL;
	return VNET_TOEPLITZ_PATH_TABLE;
}

void vnet_toeplitz_init(struct vnet_toeplitz *t, const uint8_t *key,
			size_t key_len)
{
	uint8_t k[VNET_TOEPLITZ_KEY_USED + 8];

	key_padded(k, key, key_len);
	init_tables(t, k);
	init_windows(t, k);
	t->path = best_path();
}

uint32_t vnet_toeplitz_ref(const uint8_t *key, size_t key_len, const void *in,
			   size_t len)
{
	const uint8_t *p = in;
	uint32_t hash = 0, win = 0;
	size_t i, next;
	int b;

	/* win holds key bits i .. i+31; feed the key in bit by bit. */
	for (i = 0; i < 4; i++)
		win = win << 8 | (i < key_len ? key[i] : 0);
	next = 4;
	for (i = 0; i < len; i++) {
		uint8_t kb = next < key_len ? key[next] : 0;

		next++;
		for (b = 7; b >= 0; b--) {
			if (p[i] & (1u << b))
				hash ^= win;
			win = win << 1 | ((kb >> b) & 1);
		}
	}
	return hash;
}

static uint32_t hash_table(const struct vnet_toeplitz *t, const uint8_t *p,
			   size_t len)
{
	uint32_t h0 = 0, h1 = 0;
	size_t i = 0;

	for (; i + 4 <= len; i += 4) {
		h0 ^= t->tbl[i][p[i]] ^ t->tbl[i + 1][p[i + 1]];
		h1 ^= t->tbl[i + 2][p[i + 2]] ^ t->tbl[i + 3][p[i + 3]];
	}
	for (; i < len; i++)
		h0 ^= t->tbl[i][p[i]];
	return h0 ^ h1;
}

uint32_t vnet_toeplitz_hash(const struct vnet_toeplitz *t, const void *in,
			    size_t len)
{
	if (len > VNET_TOEPLITZ_INPUT_MAX)
		len = VNET_TOEPLITZ_INPUT_MAX;
	if (t->path == VNET_TOEPLITZ_PATH_CLMUL)
		return toeplitz_clmul_hash(t, in, len);
	return hash_table(t, in, len);
}

void vnet_toeplitz_hash_bulk(const struct vnet_toeplitz *t,
			     const uint8_t *const in[], size_t len,
			     uint32_t *out, size_t n)
{
	size_t i;

	if (len > VNET_TOEPLITZ_INPUT_MAX)
		len = VNET_TOEPLITZ_INPUT_MAX;
	if (t->path == VNET_TOEPLITZ_PATH_CLMUL) {
		toeplitz_clmul_bulk(t, in, len, out, n);
		return;
	}
	for (i = 0; i < n; i++)
		out[i] = hash_table(t, in[i], len);
}
