// SPDX-License-Identifier: MIT
/* test_csum.c - the checksum engine against RFC vectors and a reference sum */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/csum.h"

/*
 * Expected values below come from the RFCs' own text or are derived by hand
 * in the comment beside them (16-bit big-endian words, added with the
 * end-around carry); none is copied from the library's output. Random
 * properties compare every path with ref_sum(), the RFC 1071 section 4.1
 * loop written plainly, reading big-endian words.
 */

static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
	rng_state = seed;
}

/* xorshift64*: fixed seeds, so every run tests the same cases. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static size_t rnd_below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static void rnd_fill(uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)rnd();
}

/* Reference: RFC 1071 section 4.1, big-endian words, folded, 0..0xffff. */
static uint16_t ref_sum(const uint8_t *p, size_t len)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Ones' complement addition of two 16-bit sums. */
static uint16_t ref_add(uint16_t a, uint16_t b)
{
	uint32_t s = (uint32_t)a + b;

	return (uint16_t)((s & 0xffff) + (s >> 16));
}

/* A native 16-bit value as its two bytes read on the wire, big-endian. */
static uint16_t wire16(uint16_t v)
{
	uint8_t b[2];

	memcpy(b, &v, 2);
	return (uint16_t)(b[0] << 8 | b[1]);
}

/* The native value whose bytes on the wire read @w, big-endian. */
static uint16_t native16(uint16_t w)
{
	uint8_t b[2] = { (uint8_t)(w >> 8), (uint8_t)w };
	uint16_t v;

	memcpy(&v, b, 2);
	return v;
}

static uint32_t native32(uint32_t w)
{
	uint8_t b[4] = { (uint8_t)(w >> 24), (uint8_t)(w >> 16),
			 (uint8_t)(w >> 8), (uint8_t)w };
	uint32_t v;

	memcpy(&v, b, 4);
	return v;
}

static uint16_t load16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static uint32_t load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* A partial sum folded and read as on the wire. */
static uint16_t folded(uint32_t partial)
{
	return wire16(vnet_csum_fold(partial));
}

/**
 * struct path - one implementation of vnet_csum_partial() under test
 * @name:	for messages
 * @fn:		the function
 * @usable:	whether this CPU runs it
 */
struct path {
	const char *name;
	uint32_t (*fn)(const void *buf, size_t len, uint32_t sum);
	bool (*usable)(void);
};

static bool always(void)
{
	return true;
}

static const struct path paths[] = {
	{ "scalar", vnet_csum_partial_scalar, always },
	{ "avx2", vnet_csum_partial_avx2, vnet_csum_has_avx2 },
	{ "avx512", vnet_csum_partial_avx512, vnet_csum_has_avx512 },
	{ "dispatched", vnet_csum_partial, always },
};

#define N_PATHS (sizeof(paths) / sizeof(paths[0]))

/* 192.0.2.1 and 198.51.100.7 (RFC 5737 documentation addresses) */
static const uint8_t v4_src[4] = { 192, 0, 2, 1 };
static const uint8_t v4_dst[4] = { 198, 51, 100, 7 };

/* RFC 1071 section 3, "Numerical Examples": the words 0001 f203 f4f5 f6f7
 * sum to ddf2, so the checksum field is ~ddf2 = 220d. */
static void test_rfc1071_s3_example(void **state)
{
	static const uint8_t b[8] = { 0x00, 0x01, 0xf2, 0x03,
				      0xf4, 0xf5, 0xf6, 0xf7 };
	uint8_t field[2];
	uint16_t c;
	size_t i;

	(void)state;
	for (i = 0; i < N_PATHS; i++) {
		if (paths[i].usable())
			assert_int_equal(folded(paths[i].fn(b, 8, 0)), 0xddf2);
	}
	c = vnet_csum_finish(vnet_csum_partial(b, 8, 0));
	memcpy(field, &c, 2);
	assert_int_equal(field[0], 0x22);
	assert_int_equal(field[1], 0x0d);
}

/* RFC 1071 section 2 (B) and section 3: summed with the bytes of every word
 * swapped (01 00 03 f2 ...) the sum is f2dd, ddf2 swapped. */
static void test_rfc1071_s2b_byte_order_independence(void **state)
{
	static const uint8_t b[8] = { 0x01, 0x00, 0x03, 0xf2,
				      0xf5, 0xf4, 0xf7, 0xf6 };

	(void)state;
	assert_int_equal(folded(vnet_csum_partial(b, 8, 0)), 0xf2dd);
}

/* RFC 1071 section 3: split after byte 3, the parts sum to f201 (0001 +
 * f200) and f0eb (03f4 + f5f6 + f700); the second starts at an odd position,
 * so it is swapped (ebf0) before adding: f201 + ebf0 = 1ddf1 -> ddf2. */
static void test_rfc1071_s3_odd_split(void **state)
{
	static const uint8_t b[8] = { 0x00, 0x01, 0xf2, 0x03,
				      0xf4, 0xf5, 0xf6, 0xf7 };
	struct iovec iov[2] = {
		{ (void *)b, 3 }, { (void *)(b + 3), 5 },
	};
	uint32_t s1 = vnet_csum_partial(b, 3, 0);
	uint32_t s2 = vnet_csum_partial(b + 3, 5, 0);
	uint32_t sum = 0;

	(void)state;
	assert_int_equal(folded(s1), 0xf201);
	assert_int_equal(folded(s2), 0xf0eb);
	assert_int_equal(folded(vnet_csum_block_add(s1, s2, 3)), 0xddf2);
	/* An even offset pairs the bytes as they are: f201 + f0eb = 1e2ec. */
	assert_int_equal(folded(vnet_csum_block_add(s1, s2, 4)), 0xe2ed);
	assert_int_equal(vnet_csum_iov(iov, 2, 0, 8, &sum), 0);
	assert_int_equal(folded(sum), 0xddf2);
}

/* RFC 1071 section 2 (C): carries out of the high bits are added back in
 * (end-around carry), in 32 bits and when folding to 16. */
static void test_rfc1071_s2c_end_around_carry(void **state)
{
	(void)state;
	assert_int_equal(vnet_csum_add(0xffffffff, 1), 1);
	assert_int_equal(vnet_csum_add(0x80000000, 0x80000000), 1);
	assert_int_equal(vnet_csum_add(0, 0), 0);
	assert_int_equal(vnet_csum_fold(0x0001fffe), 0xffff);
	assert_int_equal(vnet_csum_fold(0xffffffff), 0xffff);
	assert_int_equal(vnet_csum_fold(0x00010000), 0x0001);
	assert_int_equal(vnet_csum_fold(0x12345678), 0x68ac);
	assert_int_equal(vnet_csum_finish(0), 0xffff);
	assert_int_equal(vnet_csum_finish(0xffff), 0x0000);
	/* Even offsets combine as a plain add, odd ones swap bytes. */
	assert_int_equal(vnet_csum_block_add(1, 0x00001234, 2), 0x1235);
	assert_int_equal(vnet_csum_fold(vnet_csum_block_add(0, 0x1234, 1)),
			 0x3412);
}

/* RFC 768: a computed checksum of zero is sent as all ones; anything else
 * is sent as computed. */
static void test_rfc768_udp_zero_sent_as_ones(void **state)
{
	(void)state;
	assert_int_equal(vnet_csum_udp_finish(0xffff), 0xffff);
	assert_int_equal(vnet_csum_udp_finish(0xfffe0001), 0xffff);
	assert_int_equal(vnet_csum_udp_finish(0), 0xffff);
	assert_int_equal(vnet_csum_udp_finish(0x1234), 0xedcb);
	assert_int_equal(vnet_csum_finish(0x1234), 0xedcb);
}

/* RFC 791 section 3.1 header checksum, on two published headers and one
 * with options. Classic: 4500+0073+0000+4000+4011+c0a8+0001+c0a8+00c7 =
 * 2479c -> 479e, ~ = b861. Second: 4500+0030+4422+4000+8006+8c7c+19ac+
 * ae24+1e2b = 2bbcf -> bbd1, ~ = 442e. The field's old value is ignored. */
static void test_rfc791_ipv4_header_known(void **state)
{
	static const struct {
		const char *what;
		uint8_t h[24];
		size_t len;
		uint16_t check;
	} cases[] = {
		{ "classic", { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
			       0x40, 0x11, 0xde, 0xad, 0xc0, 0xa8, 0x00, 0x01,
			       0xc0, 0xa8, 0x00, 0xc7 }, 20, 0xb861 },
		{ "tcp", { 0x45, 0x00, 0x00, 0x30, 0x44, 0x22, 0x40, 0x00,
			   0x80, 0x06, 0x00, 0x00, 0x8c, 0x7c, 0x19, 0xac,
			   0xae, 0x24, 0x1e, 0x2b }, 20, 0x442e },
		/* IHL 6, length 0x77, options 01 01 01 00 (NOP NOP NOP EOL):
		 * 4600+0077+4000+4011+c0a8+0001+c0a8+00c7+0101+0100 =
		 * 24aa1 -> 4aa3, ~ = b55c */
		{ "options", { 0x46, 0x00, 0x00, 0x77, 0x00, 0x00, 0x40, 0x00,
			       0x40, 0x11, 0xff, 0xff, 0xc0, 0xa8, 0x00, 0x01,
			       0xc0, 0xa8, 0x00, 0xc7, 0x01, 0x01, 0x01, 0x00 },
		  24, 0xb55c },
	};
	uint8_t h[24];
	uint16_t c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(h, cases[i].h, sizeof(h));
		c = vnet_csum_ipv4_header(h, cases[i].len);
		assert_int_equal(wire16(c), cases[i].check);
		/* The receiver's check: with the field filled in, the whole
		 * header sums to ffff (RFC 1071 section 1). */
		memcpy(h + 10, &c, 2);
		assert_int_equal(folded(vnet_csum_partial(h, cases[i].len, 0)),
				 0xffff);
		assert_int_equal(vnet_csum_ipv4_header(h, cases[i].len), c);
	}
}

/* RFC 791: only ihl_bytes are read, whatever they are (exact-size heap
 * copies, so ASan sees any over-read); the field (10, 11) never counts. */
static void test_rfc791_ipv4_header_reads_only_ihl(void **state)
{
	size_t len;

	(void)state;
	for (len = 0; len <= 24; len++) {
		uint8_t *h = malloc(len ? len : 1);
		uint16_t expect;

		memset(h, 0x11, len);
		/* words 1111 each, but bytes 10 and 11 are skipped */
		expect = ref_add(ref_sum(h, len < 10 ? len : 10),
				 len > 12 ? ref_sum(h, len - 12) : 0);
		expect = (uint16_t)~expect;
		assert_int_equal(wire16(vnet_csum_ipv4_header(h, len)), expect);
		free(h);
	}
}

/* RFC 793 section 3.1 pseudo-header: 192.0.2.1 -> 198.51.100.7, TCP, 20
 * bytes: c000+0201+c633+6407+0006+0014 = 1ec55 -> ec56. */
static void test_rfc793_pseudo_ipv4_known(void **state)
{

	(void)state;
	assert_int_equal(folded(vnet_csum_pseudo_ipv4(v4_src, v4_dst, 6, 20)),
			 0xec56);
}

/* RFC 768 over IPv4: 192.0.2.1:1234 -> 198.51.100.7:5678, data "hi!".
 * Pseudo: c000+0201+c633+6407+0011+000b = 1ec57 -> ec58. UDP: 04d2+162e+
 * 000b+0000+6869+2100 = a474. ec58 + a474 = 190cc -> 90cd, ~ = 6f32. */
static void test_rfc768_udp_ipv4_known(void **state)
{
	uint8_t udp[11] = { 0x04, 0xd2, 0x16, 0x2e, 0x00, 0x0b, 0x00, 0x00,
			    'h', 'i', '!' };
	uint32_t sum = vnet_csum_pseudo_ipv4(v4_src, v4_dst, 17, sizeof(udp));
	uint16_t c;

	(void)state;
	assert_int_equal(folded(sum), 0xec58);
	c = vnet_csum_udp_finish(vnet_csum_partial(udp, sizeof(udp), sum));
	assert_int_equal(wire16(c), 0x6f32);
	memcpy(udp + 6, &c, 2);
	sum = vnet_csum_pseudo_ipv4(v4_src, v4_dst, 17, sizeof(udp));
	assert_int_equal(folded(vnet_csum_partial(udp, sizeof(udp), sum)),
			 0xffff);
}

/* RFC 768: a UDP datagram whose sum is ffff gets 0xffff, not 0. Pseudo
 * c000+0201+c633+6407+0011+000a -> ec57; header 04d2+162e+000a = 1b0a;
 * ec57 + 1b0a = 10761 -> 0762; data word f89d makes it ffff. */
static void test_rfc768_udp_zero_packet(void **state)
{
	static const uint8_t udp[10] = { 0x04, 0xd2, 0x16, 0x2e, 0x00, 0x0a,
					 0x00, 0x00, 0xf8, 0x9d };
	uint32_t sum = vnet_csum_pseudo_ipv4(v4_src, v4_dst, 17, sizeof(udp));

	(void)state;
	sum = vnet_csum_partial(udp, sizeof(udp), sum);
	assert_int_equal(folded(sum), 0xffff);
	assert_int_equal(vnet_csum_finish(sum), 0x0000);
	assert_int_equal(vnet_csum_udp_finish(sum), 0xffff);
}

/* RFC 8200 section 8.1: TCP SYN 2001:db8::1 port 40000 -> 2001:db8::2 port
 * 80, seq 12345678, 20 bytes. Pseudo: 2001+0db8+0001+2001+0db8+0002+0014+
 * 0006 = 5b8f. TCP: 9c40+0050+1234+5678+5002+ffff = 2553d -> 553f. Sum
 * b0ce, ~ = 4f31. */
static void test_rfc8200_s8_1_tcp_ipv6_known(void **state)
{
	static const uint8_t s[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t d[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	static const uint8_t tcp[20] = {
		0x9c, 0x40, 0x00, 0x50, 0x12, 0x34, 0x56, 0x78,
		0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
	};
	uint32_t sum = vnet_csum_pseudo_ipv6(s, d, 6, sizeof(tcp));

	(void)state;
	assert_int_equal(folded(sum), 0x5b8f);
	sum = vnet_csum_partial(tcp, sizeof(tcp), sum);
	assert_int_equal(wire16(vnet_csum_finish(sum)), 0x4f31);
	/* A jumbo length's upper half counts too: 0x00010014 adds 0001. */
	assert_int_equal(folded(vnet_csum_pseudo_ipv6(s, d, 6, 0x10014)),
			 0x5b90);
}

/* RFC 1624 section 4: m = 5555 -> m' = 3285, the other octets summing to
 * cd7a. HC = ~(cd7a + 5555) = ~22d0 = dd2f; recomputed HC' = ~(cd7a + 3285)
 * = ~ffff = 0000; eqn. 3 gives 0000 where RFC 1141's eqn. 2 gave ffff. */
static void test_rfc1624_s4_example(void **state)
{
	uint8_t h[4] = { 0xcd, 0x7a, 0x55, 0x55 };
	uint16_t hc, hc2;

	(void)state;
	hc = vnet_csum_finish(vnet_csum_partial(h, 4, 0));
	assert_int_equal(wire16(hc), 0xdd2f);
	hc2 = vnet_csum_replace16(native16(0xdd2f), native16(0x5555),
				  native16(0x3285));
	assert_int_equal(wire16(hc2), 0x0000);
	h[2] = 0x32;
	h[3] = 0x85;
	assert_int_equal(vnet_csum_finish(vnet_csum_partial(h, 4, 0)), hc2);
	/* the same change as a 32-bit field: cd7a5555 -> cd7a3285 */
	assert_int_equal(wire16(vnet_csum_replace32(native16(0xdd2f),
						    native32(0xcd7a5555),
						    native32(0xcd7a3285))),
			 0x0000);
}

/* RFC 1624 section 3: eqn. 3 never turns a computed checksum (0..fffe)
 * into -0 (ffff), and an unchanged field (m' = m) leaves it as it was. */
static void test_rfc1624_s3_unchanged_field(void **state)
{
	unsigned int i;

	(void)state;
	rng_seed(1624);
	for (i = 0; i < 100000; i++) {
		uint16_t hc = (uint16_t)rnd_below(0xffff), m = (uint16_t)rnd();
		uint32_t a = (uint32_t)rnd(), b = (uint32_t)rnd();

		assert_int_equal(vnet_csum_replace16(hc, m, m), hc);
		assert_int_equal(vnet_csum_replace32(hc, a, a), hc);
		/* nor yields ffff for any change, from a valid HC */
		assert_int_not_equal(vnet_csum_replace16(hc, m, (uint16_t)a),
				     0xffff);
		assert_int_not_equal(vnet_csum_replace32(hc, a, b), 0xffff);
	}
}

/* A random IPv4 header with a correct checksum. */
static void random_ipv4_header(uint8_t h[20])
{
	uint16_t c;

	rnd_fill(h, 20);
	h[0] = 0x45;
	c = vnet_csum_ipv4_header(h, 20);
	memcpy(h + 10, &c, 2);
}

/* RFC 1624 eqn. 3 for 16-bit fields equals a full recompute (RFC 791),
 * for random headers and random changes to any field but the checksum. */
static void test_rfc1624_replace16_matches_recompute(void **state)
{
	uint8_t h[20];
	unsigned int i;

	(void)state;
	rng_seed(0x16);
	for (i = 0; i < 100000; i++) {
		size_t at = 2 * rnd_below(9);
		uint16_t from, to = (uint16_t)rnd(), c;

		if (at >= 10)
			at += 2;
		random_ipv4_header(h);
		if (i % 8 == 0)
			to = 0; /* zero, all-ones and unchanged values too */
		else if (i % 8 == 1)
			to = 0xffff;
		else if (i % 8 == 2)
			to = load16(h + at);
		from = load16(h + at);
		c = vnet_csum_replace16(load16(h + 10), from, to);
		memcpy(h + at, &to, 2);
		assert_int_equal(c, vnet_csum_ipv4_header(h, 20));
	}
}

/* A TCP checksum over the pseudo-header (RFC 793 section 3.1). */
static uint16_t tcp4_check(const uint8_t ip[20], const uint8_t *tcp,
			   size_t len)
{
	uint32_t sum;

	sum = vnet_csum_pseudo_ipv4(ip + 12, ip + 16, 6, (uint32_t)len);

	return vnet_csum_finish(vnet_csum_partial(tcp, len, sum));
}

/* RFC 1624 eqn. 3 for 32-bit fields (NAT of an address) equals a full
 * recompute, for both the IPv4 header and the TCP pseudo-header sum. */
static void test_rfc1624_replace32_matches_recompute(void **state)
{
	uint8_t h[20], tcp[120];
	unsigned int i;

	(void)state;
	rng_seed(0x32);
	for (i = 0; i < 50000; i++) {
		size_t at = rnd_below(2) ? 12 : 16, len = 20 + rnd_below(100);
		uint32_t from, to = (uint32_t)rnd();
		uint16_t ipc, tc;

		random_ipv4_header(h);
		rnd_fill(tcp, len);
		memset(tcp + 16, 0, 2);
		tc = tcp4_check(h, tcp, len);
		memcpy(tcp + 16, &tc, 2);
		if (i % 4 == 0)
			to = i % 8 ? 0 : 0xffffffff;
		from = load32(h + at);
		ipc = vnet_csum_replace32(load16(h + 10), from, to);
		tc = vnet_csum_replace32(tc, from, to);
		memcpy(h + at, &to, 4);
		assert_int_equal(ipc, vnet_csum_ipv4_header(h, 20));
		memset(tcp + 16, 0, 2);
		assert_int_equal(tc, tcp4_check(h, tcp, len));
	}
}

/* @len bytes at @off past a 64-byte boundary, then @slack bytes: with no
 * slack, ASan sees any read past the end. */
static uint8_t *alloc_at(size_t off, size_t len, size_t slack, void **base)
{
	assert_int_equal(posix_memalign(base, 64, off + len + slack), 0);
	return (uint8_t *)*base + off;
}

/* Checks every usable path on @p against the reference, from @init. */
static void check_paths(const uint8_t *p, size_t len, uint32_t init)
{
	uint16_t want = ref_add(ref_sum(p, len), folded(init));
	size_t i;

	for (i = 0; i < N_PATHS; i++) {
		if (!paths[i].usable())
			continue;
		if (folded(paths[i].fn(p, len, init)) != want)
			fail_msg("%s: len %zu at %p: %04x, want %04x",
				 paths[i].name, len, (const void *)p,
				 folded(paths[i].fn(p, len, init)), want);
	}
}

/* RFC 1071 section 2 (A)-(C) let a path add in any order and width: every
 * path equals the reference for random lengths 0..70000, start alignments
 * 0..63 and initial sums. */
static void test_rfc1071_paths_random(void **state)
{
	unsigned int i;

	(void)state;
	rng_seed(1071);
	for (i = 0; i < N_PATHS; i++)
		print_message("path %s: %s\n", paths[i].name,
			      paths[i].usable() ? "tested" : "not on this CPU");
	for (i = 0; i < 600; i++) {
		size_t len = rnd_below(70001), off = rnd_below(64);
		uint32_t init = i % 4 ? (uint32_t)rnd() : 0;
		void *base;
		uint8_t *p = alloc_at(off, len, 0, &base);

		rnd_fill(p, len);
		check_paths(p, len, init);
		free(base);
	}
}

/* Every length 0..600 at every alignment 0..63: all the vector tails and
 * the scalar remainders, some with words of all ones (every add carries);
 * heap-exact, then followed by a byte of ff that must not count. */
static void test_rfc1071_paths_tails(void **state)
{
	size_t len, off, slack;

	(void)state;
	rng_seed(0x7a11);
	for (slack = 0; slack < 2; slack++) {
		for (off = 0; off < 64; off++) {
			for (len = 0; len <= 600; len++) {
				void *base;
				uint8_t *p = alloc_at(off, len, slack, &base);

				if (len % 3)
					rnd_fill(p, len);
				else
					memset(p, 0xff, len);
				memset(p + len, 0xff, slack);
				check_paths(p, len, len % 2 ? 0xffffffff : 0);
				free(base);
			}
		}
	}
}

/* Long runs of ff (every lane add carries) and of zeros (the sum is zero,
 * RFC 1071 section 1: +0 only from all-zero data). */
static void test_rfc1071_paths_large_extremes(void **state)
{
	size_t len = (3 << 20) + 61, off;
	void *base;
	uint8_t *p;

	(void)state;
	for (off = 0; off < 2; off++) {
		p = alloc_at(off, len, 1, &base);
		memset(p, 0xff, len);
		check_paths(p, len, 0);
		check_paths(p, len - 1, 0xffffffff);
		memset(p, 0, len + 1);
		check_paths(p, len, 0);
		assert_int_equal(vnet_csum_fold(vnet_csum_partial(p, len, 0)),
				 0);
		free(base);
	}
}

/* The dispatcher uses the best path the CPU has, and names it. */
static void test_dispatch_names_best_path(void **state)
{
	const char *want = "scalar";

	(void)state;
	if (vnet_csum_has_avx512())
		want = "avx512";
	else if (vnet_csum_has_avx2())
		want = "avx2";
	assert_string_equal(vnet_csum_impl(), want);
	print_message("dispatched path: %s\n", vnet_csum_impl());
}

#define MAX_SEGS 600

/* Splits @len bytes of @flat into heap-exact segments of random lengths,
 * many of them 0, 1 or odd. Return: the number of segments. */
static unsigned int random_segments(const uint8_t *flat, size_t len,
				    struct iovec *iov)
{
	unsigned int n = 0;
	size_t done = 0, seg;

	while (done < len || (n < 3 && rnd_below(2))) {
		switch (rnd_below(5)) {
		case 0: seg = 0; break;
		case 1: seg = 1; break;
		case 2: seg = 2 * rnd_below(40) + 1; break;
		default: seg = rnd_below(700); break;
		}
		if (seg > len - done || n == MAX_SEGS - 1)
			seg = len - done;
		iov[n].iov_base = malloc(seg ? seg : 1);
		iov[n].iov_len = seg;
		memcpy(iov[n].iov_base, flat + done, seg);
		done += seg;
		n++;
	}
	return n;
}

/* RFC 1071 section 2 (B): a range over random segments (including empty,
 * 1-byte and odd ones) sums as the same bytes laid out flat. */
static void test_rfc1071_iov_random_segments(void **state)
{
	static struct iovec iov[MAX_SEGS];
	static uint8_t flat[20000];
	unsigned int i, n, k;

	(void)state;
	rng_seed(0x10f);
	for (i = 0; i < 3000; i++) {
		size_t total = rnd_below(i % 10 ? 3000 : sizeof(flat));
		size_t off = rnd_below(total + 1);
		size_t len = rnd_below(total - off + 1);
		uint32_t init = (uint32_t)rnd(), sum = init;

		rnd_fill(flat, total);
		n = random_segments(flat, total, iov);
		assert_int_equal(vnet_csum_iov(iov, n, off, len, &sum), 0);
		assert_int_equal(folded(sum), ref_add(ref_sum(flat + off, len),
						      folded(init)));
		for (k = 0; k < n; k++)
			free(iov[k].iov_base);
	}
}

/*
 * vnet_csum_copy(): every start parity and alignment, lengths across the
 * vector path's thresholds, with and without the copy; the sum against
 * ref_sum(), the copy byte for byte, and nothing written outside it.
 */
static void test_csum_copy(void **state)
{
	static uint8_t b[5000], d[6000];
	size_t off, len, k, at;

	(void)state;
	rng_seed(77);
	rnd_fill(b, sizeof(b));
	for (off = 0; off < 70; off++) {
		for (len = 0; len < 3000; len += len < 200 ? 1 : 37) {
			at = 3 + off % 5;
			memset(d, 0xaa, sizeof(d));
			assert_int_equal(folded(vnet_csum_copy(NULL, b + off,
							       len)),
					 ref_sum(b + off, len));
			assert_int_equal(folded(vnet_csum_copy(d + at, b + off,
							       len)),
					 ref_sum(b + off, len));
			assert_memory_equal(d + at, b + off, len);
			for (k = 0; k < at; k++)
				assert_int_equal(d[k], 0xaa);
			for (k = at + len; k < sizeof(d); k++)
				assert_int_equal(d[k], 0xaa);
		}
	}
}

/*
 * vnet_csum_cuts(): random buffers, starts, first ranges and steps (from 1
 * byte, several cuts in one vector, to more than a vector), each range's
 * sum against ref_sum() of that range; the count and the limits.
 */
static void test_csum_cuts(void **state)
{
	static uint8_t b[9000];
	static uint32_t sums[9000];
	unsigned int c;
	int n, k;

	(void)state;
	rng_seed(79);
	rnd_fill(b, sizeof(b));
	for (c = 0; c < 3000; c++) {
		size_t off = rnd_below(130), len = 1 + rnd_below(c % 4 ? 4000 :
								 200);
		size_t first = 1 + rnd_below(c % 3 ? 1600 : 70);
		size_t step = 1 + rnd_below(c % 5 ? 1500 : 90), at, r;

		n = vnet_csum_cuts(b + off, len, first, step, sums, 9000);
		assert_int_equal(n, first >= len ? 1 :
				 1 + (int)((len - first + step - 1) / step));
		for (k = 0, at = 0; k < n; k++, at += r) {
			r = k ? step : first;
			r = r > len - at ? len - at : r;
			assert_int_equal(folded(sums[k]),
					 ref_sum(b + off + at, r));
		}
		assert_int_equal(at, len);
	}
	assert_int_equal(vnet_csum_cuts(b, 100, 10, 10, sums, 9), -ENOSPC);
	assert_int_equal(vnet_csum_cuts(b, 100, 10, 10, sums, 10), 10);
	assert_int_equal(vnet_csum_cuts(b, 0, 10, 10, sums, 10), -EINVAL);
	assert_int_equal(vnet_csum_cuts(b, 10, 0, 10, sums, 10), -EINVAL);
	assert_int_equal(vnet_csum_cuts(b, 10, 1, 0, sums, 10), -EINVAL);
}

/* vnet_csum_copy() pieces joined with vnet_csum_block_add(), odd cuts. */
static void test_csum_copy_blocks(void **state)
{
	static uint8_t b[4000], d[4000];
	unsigned int c;

	(void)state;
	rng_seed(78);
	rnd_fill(b, sizeof(b));
	for (c = 0; c < 2000; c++) {
		size_t len = 1 + rnd_below(sizeof(b) - 1), off = 0, n;
		uint32_t sum = 0;

		while (off < len) {
			n = 1 + rnd_below(len - off < 1600 ? len - off : 1600);
			sum = vnet_csum_block_add(sum, vnet_csum_copy(d + off,
							b + off, n), off);
			off += n;
		}
		assert_int_equal(folded(sum), ref_sum(b, len));
		assert_memory_equal(d, b, len);
	}
}

/* Ranges past the end of the list, or whose end overflows, are refused
 * with -EFAULT and leave the sum alone; empty ranges up to the end are fine. */
static void test_iov_bounds(void **state)
{
	static const uint8_t a[3] = { 1, 2, 3 }, b[4] = { 4, 5, 6, 7 };
	struct iovec iov[3] = {
		{ (void *)a, 3 }, { NULL, 0 }, { (void *)b, 4 },
	};
	uint32_t sum = 0x1234;

	(void)state;
	assert_int_equal(vnet_csum_iov(iov, 3, 0, 8, &sum), -EFAULT);
	assert_int_equal(vnet_csum_iov(iov, 3, 7, 1, &sum), -EFAULT);
	assert_int_equal(vnet_csum_iov(iov, 3, 8, 0, &sum), -EFAULT);
	assert_int_equal(vnet_csum_iov(iov, 2, 0, 4, &sum), -EFAULT);
	assert_int_equal(vnet_csum_iov(iov, 3, SIZE_MAX, 2, &sum), -EFAULT);
	assert_int_equal(vnet_csum_iov(iov, 3, 2, SIZE_MAX - 1, &sum), -EFAULT);
	assert_int_equal(vnet_csum_iov(NULL, 0, 0, 1, &sum), -EFAULT);
	assert_int_equal(sum, 0x1234);

	assert_int_equal(vnet_csum_iov(NULL, 0, 0, 0, &sum), 0);
	assert_int_equal(vnet_csum_iov(iov, 3, 7, 0, &sum), 0);
	assert_int_equal(sum, 0x1234);
	/* bytes 3 4 5 6 7 from position 2 of the list: 0304+0506+0700 */
	assert_int_equal(vnet_csum_iov(iov, 3, 2, 5, &sum), 0);
	assert_int_equal(folded(sum), ref_add(0x0304 + 0x0506 + 0x0700,
					      folded(0x1234)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc1071_s3_example),
		cmocka_unit_test(test_rfc1071_s2b_byte_order_independence),
		cmocka_unit_test(test_rfc1071_s3_odd_split),
		cmocka_unit_test(test_rfc1071_s2c_end_around_carry),
		cmocka_unit_test(test_rfc768_udp_zero_sent_as_ones),
		cmocka_unit_test(test_rfc791_ipv4_header_known),
		cmocka_unit_test(test_rfc791_ipv4_header_reads_only_ihl),
		cmocka_unit_test(test_rfc793_pseudo_ipv4_known),
		cmocka_unit_test(test_rfc768_udp_ipv4_known),
		cmocka_unit_test(test_rfc768_udp_zero_packet),
		cmocka_unit_test(test_rfc8200_s8_1_tcp_ipv6_known),
		cmocka_unit_test(test_rfc1624_s4_example),
		cmocka_unit_test(test_rfc1624_s3_unchanged_field),
		cmocka_unit_test(test_rfc1624_replace16_matches_recompute),
		cmocka_unit_test(test_rfc1624_replace32_matches_recompute),
		cmocka_unit_test(test_rfc1071_paths_random),
		cmocka_unit_test(test_csum_copy),
		cmocka_unit_test(test_csum_copy_blocks),
		cmocka_unit_test(test_csum_cuts),
		cmocka_unit_test(test_rfc1071_paths_tails),
		cmocka_unit_test(test_rfc1071_paths_large_extremes),
		cmocka_unit_test(test_dispatch_names_best_path),
		cmocka_unit_test(test_rfc1071_iov_random_segments),
		cmocka_unit_test(test_iov_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
