// SPDX-License-Identifier: MIT
/* test_rss.c - RSS on frames: every hash type, IPv6 extensions, inner hash, queues */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/dev_rx.h"
#include "vnet/rss.h"
#include "test_util.h"

/*
 * Expected hashes are Microsoft's published values (tests/data), never
 * this code's output: each frame carries a row of the table in exactly the
 * fields the spec names for the hash type under test, so the right field
 * selection gives the published hash and any other gives something else.
 */

static const uint8_t peer[6] = { 0x02, 0xaa, 0, 0, 0, 1 };
static const uint8_t junk6a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x0a };
static const uint8_t junk6b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x0b };

static struct vnet_toeplitz *ms_tz(void)
{
	struct vnet_toeplitz *t = malloc(sizeof(*t));

	assert_non_null(t);
	vnet_toeplitz_init(t, tu_ms_key, 40);
	return t;
}

/* Hash a frame (which must parse) with the Microsoft key. */
static struct vnet_rss_hash hash_of(const struct tu_frame *f, uint32_t types,
				    uint32_t tunnels)
{
	struct vnet_toeplitz *t = ms_tz();
	struct vnet_parse_result res;
	struct vnet_rss_hash h;
	struct vnet_pkt pkt;
	struct iovec iov;
	bool got;

	tu_parse(f, &pkt, &iov, &res);
	got = vnet_rss_hash(t, types, tunnels, &pkt, &res, &h);
	assert_int_equal(got, h.report != VNET_HASH_REPORT_NONE);
	if (!got)
		assert_int_equal(h.value, 0);
	free(t);
	return h;
}

#define assert_hash(h, val, rep) do {				\
	assert_int_equal((h).report, (rep));			\
	assert_int_equal((h).value, (val));			\
} while (0)

static void v4_frame(struct tu_frame *f, const struct tu_ms_v4 *r,
		     unsigned int proto, unsigned int frag)
{
	tu_eth(f, tu_mac, peer, 0x0800);
	tu_ipv4(f, r->src, r->dst, proto, proto == 6 ? 20 : 8, frag);
	if (proto == 6)
		tu_tcp(f, r->sport, r->dport);
	else
		tu_udp(f, r->sport, r->dport, 0);
}

/* "IPv4 packets": TCPv4 over addresses and TCP ports if set and the packet
 * has a TCP header, else UDPv4 likewise, else IPv4 over the addresses, else
 * no hash. Checked on all five rows of Microsoft's IPv4 table. */
static void test_ipv4_types(void **state)
{
	const uint32_t all4 = VNET_HASH_TYPE_IPV4 | VNET_HASH_TYPE_TCPV4 |
			      VNET_HASH_TYPE_UDPV4;
	struct tu_frame f;
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++) {
		const struct tu_ms_v4 *r = &tu_ms4[i];

		v4_frame(&f, r, 6, 0x4000);
		assert_hash(hash_of(&f, all4, 0), r->h4, VNET_HASH_REPORT_TCPV4);
		assert_hash(hash_of(&f, VNET_HASH_TYPE_IPV4 | VNET_HASH_TYPE_UDPV4,
				    0), r->h3, VNET_HASH_REPORT_IPV4);
		assert_hash(hash_of(&f, VNET_HASH_TYPE_UDPV4 |
				    (VNET_HASH_TYPE_ALL & ~all4), 0), 0,
			    VNET_HASH_REPORT_NONE);
		v4_frame(&f, r, 17, 0x4000);
		assert_hash(hash_of(&f, all4, 0), r->h4, VNET_HASH_REPORT_UDPV4);
		assert_hash(hash_of(&f, VNET_HASH_TYPE_IPV4 | VNET_HASH_TYPE_TCPV4,
				    0), r->h3, VNET_HASH_REPORT_IPV4);
		assert_hash(hash_of(&f, VNET_HASH_TYPE_TCPV4, 0), 0,
			    VNET_HASH_REPORT_NONE);
	}
}

static void v6_frame(struct tu_frame *f, const uint8_t src[16],
		     const uint8_t dst[16], unsigned int proto,
		     unsigned int sport, unsigned int dport)
{
	tu_eth(f, tu_mac, peer, 0x86dd);
	tu_ipv6(f, src, dst, proto, proto == 6 ? 20 : 8);
	if (proto == 6)
		tu_tcp(f, sport, dport);
	else
		tu_udp(f, sport, dport, 0);
}

/* "IPv6 packets without extension header": TCPv6, else UDPv6, else IPv6,
 * else none. All three rows of Microsoft's IPv6 table. */
static void test_ipv6_types(void **state)
{
	const uint32_t all6 = VNET_HASH_TYPE_IPV6 | VNET_HASH_TYPE_TCPV6 |
			      VNET_HASH_TYPE_UDPV6;
	struct tu_frame f;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		const struct tu_ms_v6 *r = &tu_ms6[i];

		v6_frame(&f, r->src, r->dst, 6, r->sport, r->dport);
		assert_hash(hash_of(&f, all6, 0), r->h4, VNET_HASH_REPORT_TCPV6);
		assert_hash(hash_of(&f, VNET_HASH_TYPE_IPV6, 0), r->h3,
			    VNET_HASH_REPORT_IPV6);
		assert_hash(hash_of(&f, VNET_HASH_TYPE_ALL & ~all6 &
				    ~VNET_HASH_TYPE_IP_EX &
				    ~VNET_HASH_TYPE_TCP_EX, 0), 0,
			    VNET_HASH_REPORT_NONE);
		v6_frame(&f, r->src, r->dst, 17, r->sport, r->dport);
		assert_hash(hash_of(&f, all6, 0), r->h4, VNET_HASH_REPORT_UDPV6);
		assert_hash(hash_of(&f, VNET_HASH_TYPE_TCPV6 | VNET_HASH_TYPE_IPV6,
				    0), r->h3, VNET_HASH_REPORT_IPV6);
		assert_hash(hash_of(&f, VNET_HASH_TYPE_TCPV4 |
				    VNET_HASH_TYPE_UDPV4 | VNET_HASH_TYPE_IPV4,
				    0), 0, VNET_HASH_REPORT_NONE);
	}
}

/* IPv6 with a type 2 routing header then a destination options header
 * with a home address option, then TCP or UDP. */
static void v6_ext_frame(struct tu_frame *f, const uint8_t hdr_src[16],
			 const uint8_t hdr_dst[16], const uint8_t *home,
			 const uint8_t *rt2, unsigned int proto,
			 unsigned int sport, unsigned int dport)
{
	size_t l4 = proto == 6 ? 20 : 8;
	size_t ext = (home ? 24 : 0) + (rt2 ? 24 : 0);
	unsigned int first = rt2 ? 43 : home ? 60 : proto;

	tu_eth(f, tu_mac, peer, 0x86dd);
	tu_ipv6(f, hdr_src, hdr_dst, first, ext + l4);
	if (rt2)
		tu_rt2(f, home ? 60 : proto, rt2);
	if (home)
		tu_dstopts_hao(f, proto, home);
	if (proto == 6)
		tu_tcp(f, sport, dport);
	else
		tu_udp(f, sport, dport, 0);
}

/* "IPv6 packets with extension header": TCP_EX, UDP_EX and IP_EX hash the
 * home address option's address in place of the source and the type 2
 * routing header's in place of the destination. The header's own
 * addresses here are others, so only that selection gives the table. */
static void test_ipv6_ex_types(void **state)
{
	const uint32_t ex = VNET_HASH_TYPE_IP_EX | VNET_HASH_TYPE_TCP_EX |
			    VNET_HASH_TYPE_UDP_EX;
	struct tu_frame f;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		const struct tu_ms_v6 *r = &tu_ms6[i];

		v6_ext_frame(&f, junk6a, junk6b, r->src, r->dst, 6, r->sport,
			     r->dport);
		assert_hash(hash_of(&f, ex, 0), r->h4,
			    VNET_HASH_REPORT_TCPV6_EX);
		assert_hash(hash_of(&f, VNET_HASH_TYPE_IP_EX |
				    VNET_HASH_TYPE_UDP_EX, 0), r->h3,
			    VNET_HASH_REPORT_IPV6_EX);
		v6_ext_frame(&f, junk6a, junk6b, r->src, r->dst, 17, r->sport,
			     r->dport);
		assert_hash(hash_of(&f, ex, 0), r->h4,
			    VNET_HASH_REPORT_UDPV6_EX);
		assert_hash(hash_of(&f, VNET_HASH_TYPE_IP_EX |
				    VNET_HASH_TYPE_TCP_EX, 0), r->h3,
			    VNET_HASH_REPORT_IPV6_EX);
	}
}

/* "If the extension header is not present, use the Source [Destination]
 * IPv6 address": only one of the two, or neither (a hop-by-hop header
 * alone still makes a packet with extension headers). */
static void test_ipv6_ex_partial(void **state)
{
	const struct tu_ms_v6 *r = &tu_ms6[0];
	struct tu_frame f;

	(void)state;
	v6_ext_frame(&f, junk6a, r->dst, r->src, NULL, 6, r->sport, r->dport);
	assert_hash(hash_of(&f, VNET_HASH_TYPE_TCP_EX, 0), r->h4,
		    VNET_HASH_REPORT_TCPV6_EX);
	v6_ext_frame(&f, r->src, junk6b, NULL, r->dst, 6, r->sport, r->dport);
	assert_hash(hash_of(&f, VNET_HASH_TYPE_TCP_EX, 0), r->h4,
		    VNET_HASH_REPORT_TCPV6_EX);
	tu_eth(&f, tu_mac, peer, 0x86dd);
	tu_ipv6(&f, r->src, r->dst, 0, 8 + 20);
	tu_hbh(&f, 6);
	tu_tcp(&f, r->sport, r->dport);
	assert_hash(hash_of(&f, VNET_HASH_TYPE_TCP_EX, 0), r->h4,
		    VNET_HASH_REPORT_TCPV6_EX);
	assert_hash(hash_of(&f, VNET_HASH_TYPE_IP_EX, 0), r->h3,
		    VNET_HASH_REPORT_IPV6_EX);
}

/* "Else skip IPv6 extension headers and calculate the hash as defined for
 * an IPv6 packet without extension headers": with no _EX type enabled the
 * header's own addresses count, whatever the options say. And the _EX
 * types come first: IP_EX beats TCPv6 for a packet with extensions. */
static void test_ipv6_ex_fallback_and_order(void **state)
{
	const struct tu_ms_v6 *r = &tu_ms6[1];
	struct tu_frame f;

	(void)state;
	v6_ext_frame(&f, r->src, r->dst, junk6a, junk6b, 6, r->sport,
		     r->dport);
	assert_hash(hash_of(&f, VNET_HASH_TYPE_TCPV6 | VNET_HASH_TYPE_IPV6, 0),
		    r->h4, VNET_HASH_REPORT_TCPV6);
	assert_hash(hash_of(&f, VNET_HASH_TYPE_IPV6 | VNET_HASH_TYPE_UDP_EX, 0),
		    r->h3, VNET_HASH_REPORT_IPV6);
	v6_ext_frame(&f, junk6a, junk6b, r->src, r->dst, 6, r->sport,
		     r->dport);
	assert_hash(hash_of(&f, VNET_HASH_TYPE_TCPV6 | VNET_HASH_TYPE_IP_EX, 0),
		    r->h3, VNET_HASH_REPORT_IPV6_EX);
}

/* The _EX types are those of "IPv6 packets with extension header": a
 * packet without any gets none of them (decision: the spec's sections
 * taken literally; QEMU applies _EX to every IPv6 packet). */
static void test_ipv6_ex_needs_extensions(void **state)
{
	const struct tu_ms_v6 *r = &tu_ms6[2];
	struct tu_frame f;

	(void)state;
	v6_frame(&f, r->src, r->dst, 6, r->sport, r->dport);
	assert_hash(hash_of(&f, VNET_HASH_TYPE_TCP_EX | VNET_HASH_TYPE_IP_EX, 0),
		    0, VNET_HASH_REPORT_NONE);
}

/* Fragments: a later fragment has no TCP header; the first one does, but
 * hashing it with ports would split a datagram across queues, so every
 * fragment hashes as IP (decision). A DF packet is no fragment. */
static void test_fragments(void **state)
{
	const struct tu_ms_v4 *r = &tu_ms4[3];
	const uint32_t t = VNET_HASH_TYPE_TCPV4 | VNET_HASH_TYPE_IPV4;
	struct tu_frame f;

	(void)state;
	v4_frame(&f, r, 6, 0x2000);			/* MF, offset 0 */
	assert_hash(hash_of(&f, t, 0), r->h3, VNET_HASH_REPORT_IPV4);
	tu_eth(&f, tu_mac, peer, 0x0800);
	tu_ipv4(&f, r->src, r->dst, 6, 8, 0x0003);	/* offset 24 */
	tu_put(&f, "fragment", 8);
	assert_hash(hash_of(&f, t, 0), r->h3, VNET_HASH_REPORT_IPV4);
	assert_hash(hash_of(&f, VNET_HASH_TYPE_TCPV4, 0), 0,
		    VNET_HASH_REPORT_NONE);
	v4_frame(&f, r, 6, 0x4000);
	assert_hash(hash_of(&f, t, 0), r->h4, VNET_HASH_REPORT_TCPV4);
}

/* No IP, no hash: "If VIRTIO_NET_F_HASH_REPORT was negotiated but due to
 * any reason the hash was not calculated, the device sets hash_report to
 * VIRTIO_NET_HASH_REPORT_NONE". */
static void test_non_ip(void **state)
{
	struct vnet_toeplitz *t = ms_tz();
	struct vnet_rss_hash h;
	struct tu_frame f;
	struct vnet_pkt pkt;
	struct iovec iov;

	(void)state;
	tu_eth(&f, tu_mac, peer, 0x0806);
	while (f.len < 60)
		tu_put8(&f, 0);
	assert_hash(hash_of(&f, VNET_HASH_TYPE_ALL, VNET_HASH_TUNNEL_ALL), 0,
		    VNET_HASH_REPORT_NONE);
	tu_pkt(&pkt, &iov, &f);
	h.value = 1;
	assert_false(vnet_rss_hash(t, VNET_HASH_TYPE_ALL, 0, &pkt, NULL, &h));
	assert_hash(h, 0, VNET_HASH_REPORT_NONE);
	free(t);
}

/* ---- inner header hash ---- */

/* An outer IPv4 header from row @o (addresses only), carrying @proto. */
static void outer_v4(struct tu_frame *f, const struct tu_ms_v4 *o,
		     unsigned int proto, size_t payload)
{
	tu_eth(f, tu_mac, peer, 0x0800);
	tu_ipv4(f, o->src, o->dst, proto, payload, 0x4000);
}

/* Inner Ethernet + IPv4/TCP of row @r: 14 + 20 + 20 bytes. */
static void inner_eth_v4(struct tu_frame *f, const struct tu_ms_v4 *r)
{
	tu_put(f, tu_mac, 6);
	tu_put(f, peer, 6);
	tu_put16(f, 0x0800);
	tu_ipv4(f, r->src, r->dst, 6, 20, 0x4000);
	tu_tcp(f, r->sport, r->dport);
}

#define INNER_LEN	54
#define T4		(VNET_HASH_TYPE_IPV4 | VNET_HASH_TYPE_TCPV4)

/* Outer row 2 (a UDP or GRE frame: IPv4 hash under T4) around inner
 * row 0 (TCP): the inner hash is row 0's h4, the outer row 2's h3. */
static void check_inner_outer(const struct tu_frame *f, uint32_t match,
			      uint32_t miss)
{
	assert_hash(hash_of(f, T4, match), tu_ms4[0].h4, VNET_HASH_REPORT_TCPV4);
	assert_hash(hash_of(f, T4, VNET_HASH_TUNNEL_ALL), tu_ms4[0].h4,
		    VNET_HASH_REPORT_TCPV4);
	assert_hash(hash_of(f, T4, miss), tu_ms4[2].h3, VNET_HASH_REPORT_IPV4);
	assert_hash(hash_of(f, T4, 0), tu_ms4[2].h3, VNET_HASH_REPORT_IPV4);
}

/* "Encapsulated packet": with the outer header matching an enabled
 * encapsulation type the device hashes the inner header; otherwise "the
 * device MUST calculate the hash on the outer header". VXLAN, VXLAN-GPE,
 * Geneve and GRE-in-UDP, each on its IANA port. */
/* conformance: NET-IHH-01 */
static void test_inner_udp_tunnels(void **state)
{
	static const uint8_t vxlan[8] = { 0x08, 0, 0, 0, 0, 0, 0x2a, 0 };
	static const uint8_t gpe[8] = { 0x0c, 0, 0, 0x03, 0, 0, 0x2a, 0 };
	static const uint8_t geneve[8] = { 0, 0, 0x65, 0x58, 0, 0, 0x2a, 0 };
	static const uint8_t gre_ip[4] = { 0, 0, 0x08, 0x00 };
	struct tu_frame f;

	(void)state;
	outer_v4(&f, &tu_ms4[2], 17, 8 + 8 + INNER_LEN);
	tu_udp(&f, 50000, 4789, 8 + INNER_LEN);
	tu_put(&f, vxlan, 8);
	inner_eth_v4(&f, &tu_ms4[0]);
	check_inner_outer(&f, VNET_HASH_TUNNEL_VXLAN,
			  VNET_HASH_TUNNEL_ALL & ~VNET_HASH_TUNNEL_VXLAN);

	outer_v4(&f, &tu_ms4[2], 17, 8 + 8 + INNER_LEN);
	tu_udp(&f, 50000, 4790, 8 + INNER_LEN);
	tu_put(&f, gpe, 8);
	inner_eth_v4(&f, &tu_ms4[0]);
	check_inner_outer(&f, VNET_HASH_TUNNEL_VXLAN_GPE,
			  VNET_HASH_TUNNEL_VXLAN);

	outer_v4(&f, &tu_ms4[2], 17, 8 + 8 + INNER_LEN);
	tu_udp(&f, 50000, 6081, 8 + INNER_LEN);
	tu_put(&f, geneve, 8);
	inner_eth_v4(&f, &tu_ms4[0]);
	check_inner_outer(&f, VNET_HASH_TUNNEL_GENEVE, VNET_HASH_TUNNEL_VXLAN);

	/* GRE-in-UDP carries IP directly */
	outer_v4(&f, &tu_ms4[2], 17, 8 + 4 + 40);
	tu_udp(&f, 50000, 4754, 4 + 40);
	tu_put(&f, gre_ip, 4);
	tu_ipv4(&f, tu_ms4[0].src, tu_ms4[0].dst, 6, 20, 0x4000);
	tu_tcp(&f, tu_ms4[0].sport, tu_ms4[0].dport);
	check_inner_outer(&f, VNET_HASH_TUNNEL_GRE_UDP,
			  VNET_HASH_TUNNEL_GRE_2784);
}

/* GRE over IP: RFC 2784 without key or sequence number, RFC 2890 with
 * them, NVGRE (key, Ethernet payload), RFC 7676 over IPv6; and IP-in-IP. */
static void test_inner_gre_ipip(void **state)
{
	static const uint8_t gre[4] = { 0, 0, 0x08, 0x00 };
	static const uint8_t gre_key[8] = { 0x20, 0, 0x08, 0x00, 0, 0, 0, 7 };
	static const uint8_t nvgre[8] = { 0x20, 0, 0x65, 0x58, 0, 0, 0x10, 0 };
	struct tu_frame f;

	(void)state;
	outer_v4(&f, &tu_ms4[2], 47, 4 + 40);
	tu_put(&f, gre, 4);
	tu_ipv4(&f, tu_ms4[0].src, tu_ms4[0].dst, 6, 20, 0x4000);
	tu_tcp(&f, tu_ms4[0].sport, tu_ms4[0].dport);
	check_inner_outer(&f, VNET_HASH_TUNNEL_GRE_2784,
			  VNET_HASH_TUNNEL_ALL & ~VNET_HASH_TUNNEL_GRE_2784);

	outer_v4(&f, &tu_ms4[2], 47, 8 + 40);
	tu_put(&f, gre_key, 8);
	tu_ipv4(&f, tu_ms4[0].src, tu_ms4[0].dst, 6, 20, 0x4000);
	tu_tcp(&f, tu_ms4[0].sport, tu_ms4[0].dport);
	check_inner_outer(&f, VNET_HASH_TUNNEL_GRE_2890,
			  VNET_HASH_TUNNEL_GRE_2784 | VNET_HASH_TUNNEL_NVGRE);

	outer_v4(&f, &tu_ms4[2], 47, 8 + INNER_LEN);
	tu_put(&f, nvgre, 8);
	inner_eth_v4(&f, &tu_ms4[0]);
	check_inner_outer(&f, VNET_HASH_TUNNEL_NVGRE,
			  VNET_HASH_TUNNEL_GRE_2784 | VNET_HASH_TUNNEL_GRE_7676);

	outer_v4(&f, &tu_ms4[2], 4, 40);
	tu_ipv4(&f, tu_ms4[0].src, tu_ms4[0].dst, 6, 20, 0x4000);
	tu_tcp(&f, tu_ms4[0].sport, tu_ms4[0].dport);
	check_inner_outer(&f, VNET_HASH_TUNNEL_IPIP,
			  VNET_HASH_TUNNEL_ALL & ~VNET_HASH_TUNNEL_IPIP);

	/* GRE over IPv6: outer hashed as IPv6 (row 0 of the IPv6 table) */
	tu_eth(&f, tu_mac, peer, 0x86dd);
	tu_ipv6(&f, tu_ms6[0].src, tu_ms6[0].dst, 47, 4 + 40);
	tu_put(&f, gre, 4);
	tu_ipv4(&f, tu_ms4[0].src, tu_ms4[0].dst, 6, 20, 0x4000);
	tu_tcp(&f, tu_ms4[0].sport, tu_ms4[0].dport);
	assert_hash(hash_of(&f, T4 | VNET_HASH_TYPE_IPV6,
			    VNET_HASH_TUNNEL_GRE_7676), tu_ms4[0].h4,
		    VNET_HASH_REPORT_TCPV4);
	assert_hash(hash_of(&f, T4 | VNET_HASH_TYPE_IPV6,
			    VNET_HASH_TUNNEL_GRE_2890), tu_ms6[0].h3,
		    VNET_HASH_REPORT_IPV6);
}

/* The matching rules themselves, on parse results. */
static void test_tunnel_match(void **state)
{
	struct vnet_parse_result r;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(vnet_rss_tunnel_match(&r), 0);
	r.tunnel.type = VNET_TUNNEL_GRE;
	r.outer.l3 = VNET_L3_IPV4;
	r.tunnel.proto = 0x0800;
	assert_int_equal(vnet_rss_tunnel_match(&r), VNET_HASH_TUNNEL_GRE_2784);
	r.tunnel.gre_has_csum = true;
	assert_int_equal(vnet_rss_tunnel_match(&r), VNET_HASH_TUNNEL_GRE_2784);
	r.tunnel.gre_has_seq = true;
	assert_int_equal(vnet_rss_tunnel_match(&r), VNET_HASH_TUNNEL_GRE_2890);
	r.tunnel.gre_has_csum = r.tunnel.gre_has_seq = false;
	r.tunnel.gre_has_key = true;
	r.tunnel.proto = 0x6558;
	assert_int_equal(vnet_rss_tunnel_match(&r),
			 VNET_HASH_TUNNEL_GRE_2890 | VNET_HASH_TUNNEL_NVGRE);
	r.tunnel.gre_has_csum = true;		/* NVGRE has no checksum */
	assert_int_equal(vnet_rss_tunnel_match(&r), VNET_HASH_TUNNEL_GRE_2890);
	r.outer.l3 = VNET_L3_IPV6;
	assert_int_equal(vnet_rss_tunnel_match(&r),
			 VNET_HASH_TUNNEL_GRE_2890 | VNET_HASH_TUNNEL_GRE_7676);
	r.outer.l3 = VNET_L3_IPV4;
	r.tunnel.gre_has_key = r.tunnel.gre_has_csum = false;
	r.tunnel.proto = 0x86dd;		/* IPv6 payload: RFC 7676 */
	assert_int_equal(vnet_rss_tunnel_match(&r),
			 VNET_HASH_TUNNEL_GRE_2784 | VNET_HASH_TUNNEL_GRE_7676);
}

/* ---- through the device ---- */

#define RSS_DEV "version_1,mac,ctrl_vq,mq,rss,hash_report,hash_tunnel"

/* RSS_CONFIG with the Microsoft key, 128 entries, entry i = i >> 5 (so
 * the queue tells which quarter of the table the masked hash fell in),
 * four queues, unclassified queue 3. */
static struct vnet_dev *rss_dev(const char *features, uint32_t types)
{
	struct vnet_dev *d = tu_dev(features);
	struct tu_cmd c = { .big = 0 };
	unsigned int i;

	tu_rss_cmd(&c, types, 128, 4, 3);
	for (i = 0; i < 128; i++)
		c.b[2 + 8 + 2 * i] = (uint8_t)(i >> 5);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	return d;
}

static struct vnet_rx_verdict rx(struct vnet_dev *d, const struct tu_frame *f,
				 bool parse)
{
	struct vnet_parse_result res;
	struct vnet_rx_verdict v;
	struct vnet_pkt pkt;
	struct iovec iov;

	tu_pkt(&pkt, &iov, f);
	if (parse)
		assert_int_equal(vnet_parse(&pkt, NULL, &res), 0);
	assert_int_equal(vnet_dev_rx(d, &pkt, parse ? &res : NULL, &v), 0);
	assert_true(v.deliver);
	return v;
}

/* "RSS processing": hash, then "Apply indirection_table_mask to the
 * calculated hash and use the result as the index in the indirection
 * table"; "If the device did not calculate the hash for the specific
 * packet, the device directs the packet to the receiveq specified by
 * unclassified_queue". Hash reporting: value and type with HASH_REPORT. */
/* conformance: NET-RSS-01 */
static void test_device_rss_queues(void **state)
{
	struct vnet_dev *d = rss_dev(RSS_DEV, T4);
	struct vnet_rx_verdict v;
	struct tu_frame f;
	size_t i;

	(void)state;
	assert_int_equal(d->mq, VNET_MQ_RSS);
	for (i = 0; i < 5; i++) {
		v4_frame(&f, &tu_ms4[i], 6, 0x4000);
		v = rx(d, &f, true);
		assert_int_equal(v.queue, (tu_ms4[i].h4 & 127) >> 5);
		assert_hash(v.hash, tu_ms4[i].h4, VNET_HASH_REPORT_TCPV4);
		v4_frame(&f, &tu_ms4[i], 17, 0x4000);
		v = rx(d, &f, true);
		assert_int_equal(v.queue, (tu_ms4[i].h3 & 127) >> 5);
		assert_hash(v.hash, tu_ms4[i].h3, VNET_HASH_REPORT_IPV4);
	}
	v6_frame(&f, tu_ms6[0].src, tu_ms6[0].dst, 6, 1, 2);	/* no v6 type */
	v = rx(d, &f, true);
	assert_int_equal(v.queue, 3);
	assert_hash(v.hash, 0, VNET_HASH_REPORT_NONE);
	assert_int_equal(d->stats.rx_unclassified, 1);
	v = rx(d, &f, false);				/* did not parse */
	assert_int_equal(v.queue, 3);
	assert_int_equal(d->stats.rx_parse_err, 1);
	tu_dev_free(d);
}

/* RSS without HASH_REPORT: the queue follows the hash, the header gets
 * none (there is no field for it). */
static void test_device_rss_no_report(void **state)
{
	struct vnet_dev *d = rss_dev("version_1,ctrl_vq,rss", T4);
	struct vnet_rx_verdict v;
	struct tu_frame f;

	(void)state;
	v4_frame(&f, &tu_ms4[1], 6, 0x4000);
	v = rx(d, &f, true);
	assert_int_equal(v.queue, (tu_ms4[1].h4 & 127) >> 5);
	assert_hash(v.hash, 0, VNET_HASH_REPORT_NONE);
	tu_dev_free(d);
}

/* HASH_REPORT without RSS: HASH_CONFIG's types and key ("If the feature
 * VIRTIO_NET_F_RSS was not negotiated: the device uses hash_types of the
 * virtio_net_hash_config structure"); "Initially the device has all hash
 * types disabled and reports only VIRTIO_NET_HASH_REPORT_NONE". */
static void test_device_hash_report_only(void **state)
{
	struct vnet_dev *d = tu_dev("version_1,ctrl_vq,hash_report");
	struct vnet_rx_verdict v;
	struct tu_cmd c = { .big = 0 };
	struct tu_frame f;

	(void)state;
	v6_frame(&f, tu_ms6[2].src, tu_ms6[2].dst, 17, tu_ms6[2].sport,
		 tu_ms6[2].dport);
	v = rx(d, &f, true);
	assert_hash(v.hash, 0, VNET_HASH_REPORT_NONE);
	tu_cmd_start(&c, VNET_CTRL_MQ, VNET_CTRL_MQ_HASH_CONFIG);
	tu_le(&c, VNET_HASH_TYPE_UDPV6, 4);
	tu_le(&c, 0, 8);
	tu_u8(&c, 40);
	tu_bytes(&c, tu_ms_key, 40);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	v = rx(d, &f, true);
	assert_int_equal(v.queue, 0);
	assert_hash(v.hash, tu_ms6[2].h4, VNET_HASH_REPORT_UDPV6);
	tu_dev_free(d);
}

/* HASH_TUNNEL_SET through the device: the RSS queue of a VXLAN frame
 * follows the inner flow once VXLAN is enabled, the outer before. */
static void test_device_inner_hash(void **state)
{
	static const uint8_t vxlan[8] = { 0x08, 0, 0, 0, 0, 0, 0x2a, 0 };
	struct vnet_dev *d = rss_dev(RSS_DEV, T4);
	struct vnet_rx_verdict v;
	struct tu_cmd c = { .big = 0 };
	struct tu_frame f;

	(void)state;
	outer_v4(&f, &tu_ms4[2], 17, 8 + 8 + INNER_LEN);
	tu_udp(&f, 50000, 4789, 8 + INNER_LEN);
	tu_put(&f, vxlan, 8);
	inner_eth_v4(&f, &tu_ms4[0]);
	v = rx(d, &f, true);
	assert_hash(v.hash, tu_ms4[2].h3, VNET_HASH_REPORT_IPV4);
	assert_int_equal(v.queue, (tu_ms4[2].h3 & 127) >> 5);
	tu_cmd_start(&c, VNET_CTRL_HASH_TUNNEL, VNET_CTRL_HASH_TUNNEL_SET);
	tu_le(&c, VNET_HASH_TUNNEL_VXLAN, 4);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	v = rx(d, &f, true);
	assert_hash(v.hash, tu_ms4[0].h4, VNET_HASH_REPORT_TCPV4);
	assert_int_equal(v.queue, (tu_ms4[0].h4 & 127) >> 5);
	tu_dev_free(d);
}

/* A frame the receive filter drops gets no queue and no hash. */
static void test_device_filtered(void **state)
{
	struct vnet_dev *d = rss_dev(RSS_DEV ",ctrl_rx", T4);
	const uint8_t other[6] = { 0x02, 0xbb, 0, 0, 0, 9 };
	struct vnet_parse_result res;
	struct vnet_rx_verdict v;
	struct vnet_pkt pkt;
	struct iovec iov;
	struct tu_frame f;

	(void)state;
	assert_int_equal(tu_ctrl_u8(d, VNET_CTRL_RX, VNET_CTRL_RX_PROMISC, 0),
			 VNET_CTRL_OK);
	v4_frame(&f, &tu_ms4[0], 6, 0x4000);
	memcpy(f.b, other, 6);
	tu_parse(&f, &pkt, &iov, &res);
	assert_int_equal(vnet_dev_rx(d, &pkt, &res, &v), 0);
	assert_false(v.deliver);
	assert_hash(v.hash, 0, VNET_HASH_REPORT_NONE);
	tu_dev_free(d);
}

/* vnet_dev_rx_steer(), the datapath's read-only classification: the
 * queue and hash vnet_dev_rx() gives, what it met in its return value,
 * the device's counters untouched (workers classify concurrently). */
static void test_device_steer_read_only(void **state)
{
	struct vnet_dev *d = rss_dev(RSS_DEV, T4);
	struct vnet_dev_stats before;
	struct vnet_parse_result res;
	struct vnet_rx_verdict v;
	struct vnet_pkt pkt;
	struct iovec iov;
	struct tu_frame f;
	size_t i;

	(void)state;
	before = d->stats;
	for (i = 0; i < 5; i++) {
		v4_frame(&f, &tu_ms4[i], 6, 0x4000);
		tu_parse(&f, &pkt, &iov, &res);
		assert_int_equal(vnet_dev_rx_steer(d, &pkt, &res, &v), 0);
		assert_true(v.deliver);
		assert_int_equal(v.queue, (tu_ms4[i].h4 & 127) >> 5);
		assert_hash(v.hash, tu_ms4[i].h4, VNET_HASH_REPORT_TCPV4);
	}
	v6_frame(&f, tu_ms6[0].src, tu_ms6[0].dst, 6, 1, 2);	/* no v6 type */
	tu_parse(&f, &pkt, &iov, &res);
	assert_int_equal(vnet_dev_rx_steer(d, &pkt, &res, &v),
			 VNET_DEV_RX_UNCLASSIFIED);
	assert_int_equal(v.queue, 3);
	assert_hash(v.hash, 0, VNET_HASH_REPORT_NONE);
	assert_int_equal(vnet_dev_rx_steer(d, &pkt, NULL, &v),
			 VNET_DEV_RX_PARSE_ERR | VNET_DEV_RX_UNCLASSIFIED);
	assert_int_equal(v.queue, 3);
	assert_memory_equal(&before, &d->stats, sizeof(before));
	tu_dev_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_types),
		cmocka_unit_test(test_ipv6_types),
		cmocka_unit_test(test_ipv6_ex_types),
		cmocka_unit_test(test_ipv6_ex_partial),
		cmocka_unit_test(test_ipv6_ex_fallback_and_order),
		cmocka_unit_test(test_ipv6_ex_needs_extensions),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_non_ip),
		cmocka_unit_test(test_inner_udp_tunnels),
		cmocka_unit_test(test_inner_gre_ipip),
		cmocka_unit_test(test_tunnel_match),
		cmocka_unit_test(test_device_rss_queues),
		cmocka_unit_test(test_device_rss_no_report),
		cmocka_unit_test(test_device_hash_report_only),
		cmocka_unit_test(test_device_inner_hash),
		cmocka_unit_test(test_device_filtered),
		cmocka_unit_test(test_device_steer_read_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
