// SPDX-License-Identifier: MIT
/* test_toeplitz.c - the Toeplitz hash against Microsoft's tables, every path */

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/toeplitz.h"

/* The key of Microsoft's verification suite. */
static const uint8_t ms_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/**
 * struct ms_row - one row of a Microsoft table, as hash inputs
 * @l3:		source address, destination address
 * @l4:		the same, then source port, destination port
 * @alen:	address length (4 or 16)
 * @hash_l3:	expected hash over @l3
 * @hash_l4:	expected hash over @l4
 */
struct ms_row {
	uint8_t l3[32];
	uint8_t l4[36];
	size_t alen;
	uint32_t hash_l3;
	uint32_t hash_l4;
};

/* Read tests/data/rss-toeplitz-ipv{4,6}.tsv: dst, dport, src, sport, h3, h4. */
static size_t read_table(const char *name, int af, struct ms_row *rows,
			 size_t max)
{
	char path[512], line[512], dst[64], src[64];
	unsigned int dport, sport;
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", VNET_TEST_DATA, name);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) && n < max) {
		struct ms_row *r = &rows[n];
		size_t a = af == AF_INET ? 4 : 16;

		if (line[0] == '#')
			continue;
		assert_int_equal(sscanf(line, "%63s %u %63s %u %x %x", dst, &dport,
					src, &sport, &r->hash_l3, &r->hash_l4), 6);
		assert_int_equal(inet_pton(af, src, r->l3), 1);
		assert_int_equal(inet_pton(af, dst, r->l3 + a), 1);
		memcpy(r->l4, r->l3, 2 * a);
		r->l4[2 * a] = (uint8_t)(sport >> 8);
		r->l4[2 * a + 1] = (uint8_t)sport;
		r->l4[2 * a + 2] = (uint8_t)(dport >> 8);
		r->l4[2 * a + 3] = (uint8_t)dport;
		r->alen = a;
		n++;
	}
	fclose(f);
	return n;
}

static struct vnet_toeplitz *expand(const uint8_t *key, size_t len,
				    enum vnet_toeplitz_path path)
{
	struct vnet_toeplitz *t = malloc(sizeof(*t));

	assert_non_null(t);
	vnet_toeplitz_init(t, key, len);
	if (path == VNET_TOEPLITZ_PATH_TABLE)
		t->path = path;
	return t;
}

static void check_table(const char *file, int af, size_t want_rows)
{
	static const enum vnet_toeplitz_path paths[] = {
		VNET_TOEPLITZ_PATH_TABLE, VNET_TOEPLITZ_PATH_CLMUL,
	};
	struct ms_row rows[8];
	size_t n = read_table(file, af, rows, 8), i, p;

	assert_int_equal(n, want_rows);
	for (i = 0; i < n; i++) {
		size_t a = rows[i].alen;

		assert_int_equal(vnet_toeplitz_ref(ms_key, 40, rows[i].l3, 2 * a),
				 rows[i].hash_l3);
		assert_int_equal(vnet_toeplitz_ref(ms_key, 40, rows[i].l4,
						   2 * a + 4), rows[i].hash_l4);
	}
	for (p = 0; p < 2; p++) {
		struct vnet_toeplitz *t = expand(ms_key, 40, paths[p]);

		for (i = 0; i < n; i++) {
			size_t a = rows[i].alen;

			assert_int_equal(vnet_toeplitz_hash(t, rows[i].l3, 2 * a),
					 rows[i].hash_l3);
			assert_int_equal(vnet_toeplitz_hash(t, rows[i].l4,
							    2 * a + 4),
					 rows[i].hash_l4);
		}
		free(t);
	}
}

/* Microsoft "Verifying the RSS Hash Calculation", IPv4 table (both columns),
 * on the bitwise definition, the byte tables and the clmul path. */
static void test_ms_ipv4(void **state)
{
	(void)state;
	check_table("rss-toeplitz-ipv4.tsv", AF_INET, 5);
}

/* The same suite's IPv6 table. */
static void test_ms_ipv6(void **state)
{
	(void)state;
	check_table("rss-toeplitz-ipv6.tsv", AF_INET6, 3);
}

/* Linearity: hash(a ^ b) == hash(a) ^ hash(b), and single bits give the
 * key window: input bit i alone hashes to key bits i..i+31. */
static void test_definition_single_bits(void **state)
{
	struct vnet_toeplitz *t = expand(ms_key, 40, VNET_TOEPLITZ_PATH_CLMUL);
	struct vnet_toeplitz *tt = expand(ms_key, 40, VNET_TOEPLITZ_PATH_TABLE);
	unsigned int bit;

	(void)state;
	for (bit = 0; bit < 8 * VNET_TOEPLITZ_INPUT_MAX; bit++) {
		uint8_t in[VNET_TOEPLITZ_INPUT_MAX] = { 0 };
		uint32_t want = 0;
		unsigned int j;

		in[bit / 8] = (uint8_t)(0x80 >> (bit % 8));
		for (j = 0; j < 32; j++) {
			unsigned int kb = bit + j;

			want = want << 1 | ((ms_key[kb / 8] >> (7 - kb % 8)) & 1);
		}
		assert_int_equal(vnet_toeplitz_ref(ms_key, 40, in, sizeof(in)),
				 want);
		assert_int_equal(vnet_toeplitz_hash(t, in, sizeof(in)), want);
		assert_int_equal(vnet_toeplitz_hash(tt, in, sizeof(in)), want);
	}
	free(t);
	free(tt);
}

/* Every length 0..36, random keys of every length 0..64 (short keys read
 * as zero-padded), random inputs: both fast paths agree with the ref. */
static void test_random_all_lengths(void **state)
{
	uint8_t key[64], in[VNET_TOEPLITZ_INPUT_MAX];
	unsigned int seed = 12345, round;
	size_t klen, len, i;

	(void)state;
	for (round = 0; round < 4; round++) {
		for (klen = 0; klen <= sizeof(key); klen++) {
			struct vnet_toeplitz *t, *tt;

			for (i = 0; i < sizeof(key); i++)
				key[i] = (uint8_t)rand_r(&seed);
			t = expand(key, klen, VNET_TOEPLITZ_PATH_CLMUL);
			tt = expand(key, klen, VNET_TOEPLITZ_PATH_TABLE);
			for (len = 0; len <= sizeof(in); len++) {
				uint32_t want;

				for (i = 0; i < sizeof(in); i++)
					in[i] = (uint8_t)rand_r(&seed);
				want = vnet_toeplitz_ref(key, klen, in, len);
				assert_int_equal(vnet_toeplitz_hash(t, in, len),
						 want);
				assert_int_equal(vnet_toeplitz_hash(tt, in, len),
						 want);
			}
			free(t);
			free(tt);
		}
	}
}

/* The bulk form gives, input by input, what the single form gives: every
 * length, counts that are and are not multiples of four, both paths. */
static void test_bulk_matches(void **state)
{
	enum { N = 11 };
	struct vnet_toeplitz *t = expand(ms_key, 40, VNET_TOEPLITZ_PATH_CLMUL);
	struct vnet_toeplitz *tt = expand(ms_key, 40, VNET_TOEPLITZ_PATH_TABLE);
	uint8_t buf[N][VNET_TOEPLITZ_INPUT_MAX];
	const uint8_t *in[N];
	uint32_t out[N + 1], out_t[N];
	unsigned int seed = 777;
	size_t len, n, i, j;

	(void)state;
	for (len = 0; len <= VNET_TOEPLITZ_INPUT_MAX; len++) {
		for (i = 0; i < N; i++) {
			for (j = 0; j < sizeof(buf[i]); j++)
				buf[i][j] = (uint8_t)rand_r(&seed);
			in[i] = buf[i];
		}
		for (n = 0; n <= N; n++) {
			out[n] = 0xdeadbeef;
			vnet_toeplitz_hash_bulk(t, in, len, out, n);
			vnet_toeplitz_hash_bulk(tt, in, len, out_t, n);
			for (i = 0; i < n; i++) {
				uint32_t want = vnet_toeplitz_ref(ms_key, 40,
								  in[i], len);

				assert_int_equal(out[i], want);
				assert_int_equal(out_t[i], want);
			}
			assert_int_equal(out[n], 0xdeadbeef);	/* no overrun */
		}
	}
	free(t);
	free(tt);
}

/* A short key is the same key with zero bytes after it. */
static void test_short_key_zero_padded(void **state)
{
	uint8_t in[36], padded[40] = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 37 + 1);
	memcpy(padded, ms_key, 20);
	assert_int_equal(vnet_toeplitz_ref(ms_key, 20, in, 36),
			 vnet_toeplitz_ref(padded, 40, in, 36));
	assert_int_equal(vnet_toeplitz_ref(NULL, 0, in, 36), 0);
}

/* Inputs past VNET_TOEPLITZ_INPUT_MAX are hashed over the first 36 bytes
 * and never read past them. */
static void test_long_input_clamped(void **state)
{
	struct vnet_toeplitz *t = expand(ms_key, 40, VNET_TOEPLITZ_PATH_CLMUL);
	uint8_t *in = malloc(40);
	size_t i;

	(void)state;
	assert_non_null(in);
	for (i = 0; i < 40; i++)
		in[i] = (uint8_t)(0xa5 ^ i);
	assert_int_equal(vnet_toeplitz_hash(t, in, 40),
			 vnet_toeplitz_ref(ms_key, 40, in, 36));
	free(in);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ms_ipv4),
		cmocka_unit_test(test_ms_ipv6),
		cmocka_unit_test(test_definition_single_bits),
		cmocka_unit_test(test_random_all_lengths),
		cmocka_unit_test(test_bulk_matches),
		cmocka_unit_test(test_short_key_zero_padded),
		cmocka_unit_test(test_long_input_clamped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
