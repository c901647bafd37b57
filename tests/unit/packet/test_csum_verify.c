// SPDX-License-Identifier: MIT
/* test_csum_verify.c - verdicts on IPv4, TCP, UDP, ICMP and tunnel checksums */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/csum_verify.h"

/* RFC 1071, the plain way: big-endian 16-bit words, end-around carry. */
static uint32_t ref_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* A frame under construction. */
struct frame {
	uint8_t b[512];
	size_t len;
};

static size_t add(struct frame *f, const void *bytes, size_t n)
{
	size_t at = f->len;

	memcpy(f->b + at, bytes, n);
	f->len += n;
	return at;
}

static const uint8_t eth_v4[14] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1,
				    0x08, 0x00 };
static const uint8_t eth_v6[14] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1,
				    0x86, 0xdd };
static const uint8_t src4[4] = { 192, 0, 2, 1 }, dst4[4] = { 192, 0, 2, 2 };
static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t home6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, [15] = 9 };

/* IPv4 header (RFC 791 3.1) with a correct header checksum. */
static size_t ipv4_hdr(struct frame *f, uint8_t proto, size_t l4_len,
		       uint16_t frag)
{
	uint8_t h[20] = { 0x45, 0, 0, 0, 0x12, 0x34, 0, 0, 64, proto };
	size_t at;

	put16(h + 2, (uint16_t)(20 + l4_len));
	put16(h + 6, frag);
	memcpy(h + 12, src4, 4);
	memcpy(h + 16, dst4, 4);
	put16(h + 10, (uint16_t)~ref_sum(h, 20, 0));
	at = add(f, h, 20);
	return at;
}

/* IPv6 header (RFC 8200 3). */
static size_t ipv6_hdr(struct frame *f, uint8_t next, size_t payload_len)
{
	uint8_t h[40] = { 0x60, 0, 0, 0, 0, 0, next, 64 };

	put16(h + 4, (uint16_t)payload_len);
	memcpy(h + 8, src6, 16);
	memcpy(h + 24, dst6, 16);
	return add(f, h, 40);
}

/* Pseudo-header sum (RFC 793 3.1, RFC 768, RFC 8200 8.1). */
static uint32_t ref_pseudo(const uint8_t *s, const uint8_t *d, size_t alen,
			   uint8_t proto, size_t len)
{
	uint8_t tail[4] = { 0, 0, 0, proto };
	uint8_t l[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16),
			 (uint8_t)(len >> 8), (uint8_t)len };

	return ref_sum(l, 4, ref_sum(tail, 4, ref_sum(d, alen,
						       ref_sum(s, alen, 0))));
}

/* A TCP segment with @payload bytes, checksum field zero. */
static size_t tcp_seg(struct frame *f, size_t payload)
{
	uint8_t h[20] = { 0x30, 0x39, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0,
			  0x50, 0x18, 0xff, 0xff };
	size_t at = add(f, h, 20), i;

	for (i = 0; i < payload; i++)
		f->b[f->len++] = (uint8_t)(i * 7 + 3);
	return at;
}

static size_t udp_dgram(struct frame *f, uint16_t dport, size_t payload)
{
	uint8_t h[8] = { 0x30, 0x39 };
	size_t at, i;

	put16(h + 2, dport);
	put16(h + 4, (uint16_t)(8 + payload));
	at = add(f, h, 8);
	for (i = 0; i < payload; i++)
		f->b[f->len++] = (uint8_t)(i * 13 + 1);
	return at;
}

/* Fill the checksum at @field of the L4 message at @l4 of @len bytes. */
static void fill(struct frame *f, size_t l4, size_t len, size_t field,
		 uint32_t pseudo)
{
	uint16_t c;

	put16(f->b + l4 + field, 0);
	c = (uint16_t)~ref_sum(f->b + l4, len, pseudo);
	put16(f->b + l4 + field, c);
}

static struct vnet_csum_report verify(const struct frame *f,
				      unsigned int pieces)
{
	struct iovec iov[64];
	struct vnet_parse_result res;
	struct vnet_csum_report rep;
	struct vnet_pkt pkt;
	size_t off = 0, step = (f->len + pieces - 1) / pieces;
	unsigned int n = 0;

	/* split into @pieces segments: checksums across segment edges */
	while (off < f->len) {
		size_t take = f->len - off < step ? f->len - off : step;

		iov[n].iov_base = (void *)(f->b + off);
		iov[n++].iov_len = take;
		off += take;
	}
	assert_int_equal(vnet_pkt_init(&pkt, iov, n), 0);
	assert_int_equal(vnet_parse(&pkt, NULL, &res), 0);
	assert_int_equal(vnet_csum_verify(&pkt, &res, &rep), 0);
	return rep;
}

static struct frame tcp4_frame(size_t payload)
{
	struct frame f = { .len = 0 };
	size_t l4;

	add(&f, eth_v4, 14);
	ipv4_hdr(&f, 6, 20 + payload, 0x4000);
	l4 = tcp_seg(&f, payload);
	fill(&f, l4, 20 + payload, 16, ref_pseudo(src4, dst4, 4, 6,
						  20 + payload));
	return f;
}

/* RFC 791 3.1 and RFC 9293 3.1: both checksums hold; any split. */
static void test_tcp4_ok(void **state)
{
	struct frame f = tcp4_frame(101);
	unsigned int pieces;

	(void)state;
	for (pieces = 1; pieces <= 40; pieces++) {
		struct vnet_csum_report r = verify(&f, pieces);

		assert_int_equal(r.outer.ip, VNET_CSUM_OK);
		assert_int_equal(r.outer.l4, VNET_CSUM_OK);
		assert_int_equal(r.outer.l4_proto, 6);
		assert_int_equal(r.inner.l4, VNET_CSUM_ABSENT);
	}
}

static void test_tcp4_payload_flip_is_bad(void **state)
{
	struct frame f = tcp4_frame(101);
	struct vnet_csum_report r;

	(void)state;
	f.b[f.len - 1] ^= 0x40;
	r = verify(&f, 1);
	assert_int_equal(r.outer.ip, VNET_CSUM_OK);
	assert_int_equal(r.outer.l4, VNET_CSUM_BAD);
}

static void test_ipv4_header_flip_is_bad(void **state)
{
	struct frame f = tcp4_frame(10);
	struct vnet_csum_report r;

	(void)state;
	f.b[14 + 8] ^= 0x01; /* TTL */
	r = verify(&f, 3);
	assert_int_equal(r.outer.ip, VNET_CSUM_BAD);
}

/* Linux CHECKSUM_PARTIAL: the field holds the folded pseudo-header sum. */
static void test_tcp4_partial(void **state)
{
	struct frame f = tcp4_frame(64);
	uint32_t ps = ref_pseudo(src4, dst4, 4, 6, 20 + 64);
	struct vnet_csum_report r;

	(void)state;
	put16(f.b + 34 + 16, (uint16_t)ps);
	r = verify(&f, 1);
	assert_int_equal(r.outer.l4, VNET_CSUM_PARTIAL);
}

/* RFC 768: zero means no checksum over IPv4; RFC 8200 8.1: not over IPv6. */
static void test_udp_zero_checksum(void **state)
{
	struct frame f = { .len = 0 };
	struct vnet_csum_report r;

	(void)state;
	add(&f, eth_v4, 14);
	ipv4_hdr(&f, 17, 8 + 30, 0);
	udp_dgram(&f, 53, 30);
	r = verify(&f, 1);
	assert_int_equal(r.outer.l4, VNET_CSUM_ABSENT);

	f.len = 0;
	add(&f, eth_v6, 14);
	ipv6_hdr(&f, 17, 8 + 30);
	udp_dgram(&f, 53, 30);
	r = verify(&f, 1);
	assert_int_equal(r.outer.ip, VNET_CSUM_ABSENT);
	assert_int_equal(r.outer.l4, VNET_CSUM_BAD);
}

static void test_udp6_ok_and_bad(void **state)
{
	struct frame f = { .len = 0 };
	struct vnet_csum_report r;
	size_t l4;

	(void)state;
	add(&f, eth_v6, 14);
	ipv6_hdr(&f, 17, 8 + 33);
	l4 = udp_dgram(&f, 53, 33);
	fill(&f, l4, 41, 6, ref_pseudo(src6, dst6, 16, 17, 41));
	r = verify(&f, 5);
	assert_int_equal(r.outer.l4, VNET_CSUM_OK);
	f.b[l4 + 20] ^= 1;
	r = verify(&f, 5);
	assert_int_equal(r.outer.l4, VNET_CSUM_BAD);
}

/* RFC 792 (no pseudo-header) and RFC 4443 2.3 (with one). */
static void test_icmp_and_icmpv6(void **state)
{
	uint8_t echo[16] = { 8, 0, 0, 0, 0x12, 0x34, 0, 1, 'v', 'n', 'e', 't' };
	struct frame f = { .len = 0 };
	struct vnet_csum_report r;
	size_t l4;

	(void)state;
	add(&f, eth_v4, 14);
	ipv4_hdr(&f, 1, 16, 0);
	l4 = add(&f, echo, 16);
	fill(&f, l4, 16, 2, 0);
	r = verify(&f, 2);
	assert_int_equal(r.outer.l4_proto, 1);
	assert_int_equal(r.outer.l4, VNET_CSUM_OK);

	f.len = 0;
	echo[0] = 128;
	add(&f, eth_v6, 14);
	ipv6_hdr(&f, 58, 16);
	l4 = add(&f, echo, 16);
	fill(&f, l4, 16, 2, ref_pseudo(src6, dst6, 16, 58, 16));
	r = verify(&f, 2);
	assert_int_equal(r.outer.l4_proto, 58);
	assert_int_equal(r.outer.l4, VNET_CSUM_OK);
	/* ICMPv6 computed without the pseudo-header is wrong */
	fill(&f, l4, 16, 2, 0);
	assert_int_equal(verify(&f, 1).outer.l4, VNET_CSUM_BAD);
}

/*
 * RFC 8200 8.1: "If the IPv6 packet contains a Routing header, the
 * Destination Address used in the pseudo-header is that of the final
 * destination": for a type 2 routing header (RFC 6275 6.4), its address.
 */
static void test_ipv6_rt2_final_destination(void **state)
{
	uint8_t rt2[24] = { 17, 2, 2, 1 };
	struct frame f = { .len = 0 };
	size_t l4;

	(void)state;
	memcpy(rt2 + 8, home6, 16);
	add(&f, eth_v6, 14);
	ipv6_hdr(&f, 43, 24 + 8 + 20);
	add(&f, rt2, 24);
	l4 = udp_dgram(&f, 53, 20);
	fill(&f, l4, 28, 6, ref_pseudo(src6, home6, 16, 17, 28));
	assert_int_equal(verify(&f, 1).outer.l4, VNET_CSUM_OK);
	/* the same datagram summed over the header's destination is wrong */
	fill(&f, l4, 28, 6, ref_pseudo(src6, dst6, 16, 17, 28));
	assert_int_equal(verify(&f, 1).outer.l4, VNET_CSUM_BAD);
}

/* A later fragment has no L4 header; a first one no whole datagram. */
static void test_fragments_unchecked(void **state)
{
	struct frame f = { .len = 0 };
	struct vnet_csum_report r;

	(void)state;
	add(&f, eth_v4, 14);
	ipv4_hdr(&f, 17, 8 + 40, 0x2000); /* MF, offset 0 */
	udp_dgram(&f, 53, 40);
	r = verify(&f, 1);
	assert_int_equal(r.outer.ip, VNET_CSUM_OK);
	assert_int_equal(r.outer.l4, VNET_CSUM_UNCHECKED);
}

/* VXLAN over IPv4, outer UDP checksum zero, inner TCP checked on its own. */
static void test_vxlan_inner(void **state)
{
	static const uint8_t vxlan[8] = { 0x08, 0, 0, 0, 0, 0, 42, 0 };
	struct frame inner = tcp4_frame(50), f = { .len = 0 };
	size_t outer_l4, inner_len = inner.len;
	struct vnet_csum_report r;

	(void)state;
	add(&f, eth_v4, 14);
	ipv4_hdr(&f, 17, 8 + 8 + inner_len, 0x4000);
	outer_l4 = udp_dgram(&f, 4789, 0);
	put16(f.b + outer_l4 + 4, (uint16_t)(8 + 8 + inner_len));
	add(&f, vxlan, 8);
	add(&f, inner.b, inner_len);
	r = verify(&f, 7);
	assert_int_equal(r.outer.ip, VNET_CSUM_OK);
	assert_int_equal(r.outer.l4, VNET_CSUM_ABSENT);
	assert_int_equal(r.inner.ip, VNET_CSUM_OK);
	assert_int_equal(r.inner.l4, VNET_CSUM_OK);
	f.b[f.len - 2] ^= 0x10;
	r = verify(&f, 7);
	assert_int_equal(r.inner.l4, VNET_CSUM_BAD);
	/* with an outer checksum, it covers the inner frame too */
	fill(&f, outer_l4, 8 + 8 + inner_len, 6,
	     ref_pseudo(src4, dst4, 4, 17, 8 + 8 + inner_len));
	r = verify(&f, 1);
	assert_int_equal(r.outer.l4, VNET_CSUM_OK);
	assert_int_equal(r.inner.l4, VNET_CSUM_BAD);
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(vnet_csum_status_name(VNET_CSUM_OK), "ok");
	assert_string_equal(vnet_csum_status_name(VNET_CSUM_BAD), "bad");
	assert_string_equal(vnet_csum_status_name(VNET_CSUM_PARTIAL), "partial");
	assert_string_equal(vnet_csum_status_name(VNET_CSUM_ABSENT), "none");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp4_ok),
		cmocka_unit_test(test_tcp4_payload_flip_is_bad),
		cmocka_unit_test(test_ipv4_header_flip_is_bad),
		cmocka_unit_test(test_tcp4_partial),
		cmocka_unit_test(test_udp_zero_checksum),
		cmocka_unit_test(test_udp6_ok_and_bad),
		cmocka_unit_test(test_icmp_and_icmpv6),
		cmocka_unit_test(test_ipv6_rt2_final_destination),
		cmocka_unit_test(test_fragments_unchecked),
		cmocka_unit_test(test_vxlan_inner),
		cmocka_unit_test(test_status_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
