// SPDX-License-Identifier: MIT
/* test_parse.c - the parser: frame table, truncations, segments, errors */

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/parse.h"
#include "vnet/pkt.h"

/* ---- frame builder: bytes written by hand, never by the parser ---- */

#define FB_MAX 1024

struct fb {
	uint8_t b[FB_MAX];
	size_t len;
};

static void put8(struct fb *f, unsigned int v)
{
	assert_true(f->len < FB_MAX);
	f->b[f->len++] = (uint8_t)v;
}

static void put16(struct fb *f, unsigned int v)
{
	put8(f, v >> 8);
	put8(f, v & 0xff);
}

static void put32(struct fb *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v & 0xffff);
}

static void putn(struct fb *f, const uint8_t *p, size_t n)
{
	while (n--)
		put8(f, *p++);
}

static void fill(struct fb *f, unsigned int v, size_t n)
{
	while (n--)
		put8(f, v);
}

static void set8(struct fb *f, size_t at, unsigned int v)
{
	f->b[at] = (uint8_t)v;
}

static void set16(struct fb *f, size_t at, size_t v)
{
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

static void data(struct fb *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		put8(f, 0xa0 + i);
}

#define T_IP	0x0800
#define T_IP6	0x86dd
#define T_ARP	0x0806
#define T_TEB	0x6558
#define T_8021Q	0x8100
#define T_8021AD 0x88a8

/* Ethernet II (IEEE 802.3): destination, source, type. */
static void eth(struct fb *f, unsigned int type)
{
	static const uint8_t macs[12] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
					  0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

	putn(f, macs, sizeof(macs));
	put16(f, type);
}

/* The rest of a VLAN tag after its TPID: TCI, then the next type. */
static void tag(struct fb *f, unsigned int tci, unsigned int type)
{
	put16(f, tci);
	put16(f, type);
}

/* IPv4 (RFC 791) with @ihl words, options as NOPs; ip4_end sets length. */
static size_t ip4(struct fb *f, unsigned int ihl, unsigned int frag,
		  unsigned int proto)
{
	size_t at = f->len;

	put8(f, 0x40 | ihl);
	put8(f, 0x02);		/* ECT(0) */
	put16(f, 0);		/* total length, patched */
	put16(f, 0x1234);	/* id */
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);		/* checksum: not the parser's business */
	put32(f, 0xc0000201);
	put32(f, 0xc0000202);
	if (ihl > 5)
		fill(f, 0x01, (ihl - 5) * 4);
	return at;
}

static void ip4_end(struct fb *f, size_t at)
{
	set16(f, at + 2, f->len - at);
}

static const uint8_t SRC6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t DST6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x02 };
static const uint8_t HOME6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xbe, 0xef,
				   [15] = 0x42 };
static const uint8_t CARE6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xca, 0xfe,
				   [15] = 0x07 };

/* IPv6 (RFC 8200 section 3); ip6_end sets the payload length. */
static size_t ip6(struct fb *f, unsigned int next)
{
	size_t at = f->len;

	put32(f, 0x60012345);
	put16(f, 0);		/* payload length, patched */
	put8(f, next);
	put8(f, 64);
	putn(f, SRC6, 16);
	putn(f, DST6, 16);
	return at;
}

static void ip6_end(struct fb *f, size_t at)
{
	set16(f, at + 4, f->len - at - 40);
}

/* Hop-by-hop or destination options of (len8 + 1) * 8 bytes of Pad1. */
static void ext(struct fb *f, unsigned int next, unsigned int len8)
{
	put8(f, next);
	put8(f, len8);
	fill(f, 0, (len8 + 1) * 8 - 2);
}

/* A routing header of any type, segments left 0, body zero. */
static void routing(struct fb *f, unsigned int next, unsigned int type,
		    unsigned int len8)
{
	put8(f, next);
	put8(f, len8);
	put8(f, type);
	put8(f, 0);
	fill(f, 0, (len8 + 1) * 8 - 4);
}

/* Type 2 routing header (RFC 6275 6.4): 24 bytes, one address. */
static void rt2(struct fb *f, unsigned int next, const uint8_t *addr)
{
	put8(f, next);
	put8(f, 2);
	put8(f, 2);
	put8(f, 1);
	put32(f, 0);
	putn(f, addr, 16);
}

/* Destination options with PadN then a home address option (6275 6.3). */
static void hao(struct fb *f, unsigned int next, const uint8_t *addr)
{
	put8(f, next);
	put8(f, 2);		/* 24 bytes */
	put8(f, 1);		/* PadN */
	put8(f, 2);
	put16(f, 0);
	put8(f, 0xc9);		/* at 8n + 6, as 6.3 asks */
	put8(f, 16);
	putn(f, addr, 16);
}

/* Fragment header (RFC 8200 4.5). */
static void frag6(struct fb *f, unsigned int next, unsigned int off,
		  unsigned int more, uint32_t id)
{
	put8(f, next);
	put8(f, 0);
	put16(f, off | more);
	put32(f, id);
}

/* Authentication header (RFC 4302 2.2): (len + 2) * 4 bytes. */
static void ah(struct fb *f, unsigned int next, unsigned int len)
{
	put8(f, next);
	put8(f, len);
	put16(f, 0);
	put32(f, 0x1000);	/* SPI */
	put32(f, 1);		/* sequence */
	fill(f, 0xee, (len + 2) * 4 - 12);
}

/* TCP (RFC 9293 3.1) with @doff words, options as NOPs. */
static size_t tcp(struct fb *f, unsigned int doff, unsigned int flags)
{
	size_t at = f->len;

	put16(f, 40000);
	put16(f, 80);
	put32(f, 1000);
	put32(f, 2000);
	put8(f, doff << 4);
	put8(f, flags);
	put16(f, 65535);
	put16(f, 0);
	put16(f, 0);
	if (doff > 5)
		fill(f, 0x01, (doff - 5) * 4);
	return at;
}

/* UDP (RFC 768); udp_end sets the length. */
static size_t udp(struct fb *f, unsigned int dport)
{
	size_t at = f->len;

	put16(f, 50000);
	put16(f, dport);
	put16(f, 0);
	put16(f, 0);
	return at;
}

static void udp_end(struct fb *f, size_t at)
{
	set16(f, at + 4, f->len - at);
}

/* VXLAN (RFC 7348 section 5). */
static void vxlan(struct fb *f, uint32_t vni)
{
	put8(f, 0x08);
	fill(f, 0, 3);
	put32(f, vni << 8);
}

/* VXLAN-GPE: I and P set, version 0. */
static void gpe(struct fb *f, unsigned int next, uint32_t vni)
{
	put8(f, 0x0c);
	put16(f, 0);
	put8(f, next);
	put32(f, vni << 8);
}

/* Geneve (RFC 8926 3.4), one option filling @optw words if any. */
static void geneve(struct fb *f, unsigned int proto, uint32_t vni,
		   unsigned int optw)
{
	put8(f, optw);
	put8(f, 0);
	put16(f, proto);
	put32(f, vni << 8);
	if (!optw)
		return;
	put16(f, 0x0102);	/* option class */
	put8(f, 0x80);		/* type */
	put8(f, optw - 1);
	fill(f, 0xcc, (optw - 1) * 4);
}

/* GRE (RFC 2784, 2890) with the fields its flags announce. */
static void gre(struct fb *f, unsigned int flags, unsigned int proto,
		uint32_t key, uint32_t seq)
{
	put16(f, flags);
	put16(f, proto);
	if (flags & 0x8000)
		put32(f, 0);
	if (flags & 0x2000)
		put32(f, key);
	if (flags & 0x1000)
		put32(f, seq);
}

/* ---- the frame table ---- */

/**
 * struct exp - expected facts of one layer, written out by hand
 */
struct exp {
	int l3, l4, frag;
	bool eth;
	unsigned int vlans;
	unsigned int type;
	unsigned int proto;
	unsigned int ext;
	size_t l2, l3o, l4o, pay, plen, trailer;
};

struct pcase {
	const char *name;
	void (*build)(struct fb *f);
	struct exp o;
	int tun;
	size_t toff, tlen;
	struct exp i;
	void (*more)(const struct vnet_parse_result *r);
};

#define TCP_ACK 0x10
#define TCP_PSH 0x08
#define TCP_SYN 0x02

static void b_ip4_tcp(struct fb *f)
{
	size_t a;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 6);
	tcp(f, 5, TCP_ACK | TCP_PSH);
	data(f, 4);
	ip4_end(f, a);
}

static void m_ip4_tcp(const struct vnet_parse_result *r)
{
	assert_int_equal(r->outer.l3_hdr_len, 20);
	assert_int_equal(r->outer.l3_len, 44);
	assert_false(r->outer.ipv4.options);
	assert_int_equal(r->outer.ipv4.total_len, 44);
	assert_int_equal(r->outer.ipv4.id, 0x1234);
	assert_int_equal(r->outer.ipv4.ttl, 64);
	assert_int_equal(r->outer.ipv4.tos, 2);
	assert_false(r->outer.ipv4.df);
	assert_int_equal(r->outer.tcp_flags, TCP_ACK | TCP_PSH);
	assert_false(r->outer.tcp_options);
	assert_int_equal(r->outer.l4_hdr_len, 20);
	assert_int_equal(r->outer.sport, 40000);
	assert_int_equal(r->outer.dport, 80);
}

static void b_ip4_tcp_opts(struct fb *f)
{
	size_t a;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 6);
	tcp(f, 8, TCP_SYN);
	data(f, 4);
	ip4_end(f, a);
}

static void m_tcp_opts(const struct vnet_parse_result *r)
{
	assert_true(r->outer.tcp_options);
	assert_int_equal(r->outer.l4_hdr_len, 32);
	assert_int_equal(r->outer.tcp_flags, TCP_SYN);
}

static void b_ip4_udp(struct fb *f)
{
	size_t a, u;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 17);
	u = udp(f, 5000);
	data(f, 4);
	udp_end(f, u);
	ip4_end(f, a);
}

static void m_udp(const struct vnet_parse_result *r)
{
	assert_int_equal(r->outer.udp_len, 12);
	assert_int_equal(r->outer.l4_hdr_len, 8);
	assert_int_equal(r->outer.sport, 50000);
	assert_int_equal(r->outer.dport, 5000);
	assert_int_equal(r->tunnel.type, VNET_TUNNEL_NONE);
}

static void b_vlan_ip4_tcp(struct fb *f)
{
	size_t a;

	eth(f, T_8021Q);
	tag(f, 0x2064, T_IP);
	a = ip4(f, 5, 0, 6);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip4_end(f, a);
}

static void m_vlan(const struct vnet_parse_result *r)
{
	assert_int_equal(r->outer.vlan_tpid[0], T_8021Q);
	assert_int_equal(r->outer.vlan_tci[0], 0x2064);
}

static void b_qinq_ip4_udp(struct fb *f)
{
	size_t a, u;

	eth(f, T_8021AD);
	tag(f, 10, T_8021Q);
	tag(f, 20, T_IP);
	a = ip4(f, 5, 0, 17);
	u = udp(f, 5000);
	data(f, 4);
	udp_end(f, u);
	ip4_end(f, a);
}

static void m_qinq(const struct vnet_parse_result *r)
{
	assert_int_equal(r->outer.vlan_tpid[0], T_8021AD);
	assert_int_equal(r->outer.vlan_tci[0], 10);
	assert_int_equal(r->outer.vlan_tpid[1], T_8021Q);
	assert_int_equal(r->outer.vlan_tci[1], 20);
}

/* A third tag is not parsed: the layer stops at it, l3 OTHER. */
static void b_three_tags(struct fb *f)
{
	eth(f, T_8021AD);
	tag(f, 1, T_8021Q);
	tag(f, 2, T_8021Q);
	tag(f, 3, T_IP);
	fill(f, 0x45, 20);
}

static void b_ip4_opts_udp(struct fb *f)
{
	size_t a, u;

	eth(f, T_IP);
	a = ip4(f, 6, 0, 17);
	u = udp(f, 5000);
	data(f, 4);
	udp_end(f, u);
	ip4_end(f, a);
}

static void m_ip4_opts(const struct vnet_parse_result *r)
{
	assert_true(r->outer.ipv4.options);
	assert_int_equal(r->outer.l3_hdr_len, 24);
}

static void b_ip4_ihl15_tcp(struct fb *f)
{
	size_t a;

	eth(f, T_IP);
	a = ip4(f, 15, 0, 6);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip4_end(f, a);
}

/* First fragment: the UDP length counts the whole datagram. */
static void b_ip4_frag_first(struct fb *f)
{
	size_t a, u;

	eth(f, T_IP);
	a = ip4(f, 5, 0x2000, 17);
	u = udp(f, 5000);
	data(f, 16);
	set16(f, u + 4, 1008);
	ip4_end(f, a);
}

static void m_ip4_first(const struct vnet_parse_result *r)
{
	assert_true(r->outer.ipv4.mf);
	assert_int_equal(r->outer.ipv4.frag_off, 0);
	assert_int_equal(r->outer.udp_len, 1008);
}

static void b_ip4_frag_later(struct fb *f)
{
	size_t a;

	eth(f, T_IP);
	a = ip4(f, 5, 0x2000 | 185, 17);
	data(f, 16);
	ip4_end(f, a);
}

static void m_ip4_later(const struct vnet_parse_result *r)
{
	assert_true(r->outer.ipv4.mf);
	assert_int_equal(r->outer.ipv4.frag_off, 1480);
}

static void b_ip4_atomic(struct fb *f)
{
	size_t a;

	eth(f, T_IP);
	a = ip4(f, 5, 0x4000, 6);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip4_end(f, a);
}

static void m_ip4_atomic(const struct vnet_parse_result *r)
{
	assert_true(r->outer.ipv4.df);
	assert_false(r->outer.ipv4.mf);
}

/* Ethernet padding to 60 bytes after a bare ACK. */
static void b_ip4_padded(struct fb *f)
{
	size_t a;

	eth(f, T_IP);
	a = ip4(f, 5, 0x4000, 6);
	tcp(f, 5, TCP_ACK);
	ip4_end(f, a);
	fill(f, 0, 6);
}

static void b_ip4_icmp(struct fb *f)
{
	size_t a;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 1);
	put32(f, 0x08000000);
	put32(f, 0x00010001);
	ip4_end(f, a);
}

static void b_arp(struct fb *f)
{
	eth(f, T_ARP);
	fill(f, 0x11, 28);
}

static void b_ip6_tcp(struct fb *f)
{
	size_t a;

	eth(f, T_IP6);
	a = ip6(f, 6);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip6_end(f, a);
}

static void m_ip6_plain(const struct vnet_parse_result *r)
{
	assert_int_equal(r->outer.ipv6.payload_len, 24);
	assert_int_equal(r->outer.ipv6.ext_count, 0);
	assert_int_equal(r->outer.ipv6.ext_end, 54);
	assert_int_equal(r->outer.l3_hdr_len, 40);
	assert_int_equal(r->outer.l3_len, 64);
	assert_false(r->outer.ipv6.has_rt2);
	assert_false(r->outer.ipv6.has_hao);
}

static void b_ip6_udp(struct fb *f)
{
	size_t a, u;

	eth(f, T_IP6);
	a = ip6(f, 17);
	u = udp(f, 5000);
	data(f, 4);
	udp_end(f, u);
	ip6_end(f, a);
}

static void b_ip6_hbh_tcp(struct fb *f)
{
	size_t a;

	eth(f, T_IP6);
	a = ip6(f, 0);
	ext(f, 6, 0);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip6_end(f, a);
}

static void b_ip6_hao_tcp(struct fb *f)
{
	size_t a;

	eth(f, T_IP6);
	a = ip6(f, 60);
	hao(f, 6, HOME6);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip6_end(f, a);
}

static void m_hao(const struct vnet_parse_result *r)
{
	assert_true(r->outer.ipv6.has_hao);
	assert_memory_equal(r->outer.ipv6.home_addr, HOME6, 16);
	assert_false(r->outer.ipv6.has_rt2);
}

static void b_ip6_rt2_udp(struct fb *f)
{
	size_t a, u;

	eth(f, T_IP6);
	a = ip6(f, 43);
	rt2(f, 17, CARE6);
	u = udp(f, 5000);
	data(f, 4);
	udp_end(f, u);
	ip6_end(f, a);
}

static void m_rt2(const struct vnet_parse_result *r)
{
	assert_true(r->outer.ipv6.has_rt2);
	assert_memory_equal(r->outer.ipv6.rt2_addr, CARE6, 16);
	assert_false(r->outer.ipv6.has_hao);
}

static void b_ip6_hbh_rt2_hao_tcp(struct fb *f)
{
	size_t a;

	eth(f, T_IP6);
	a = ip6(f, 0);
	ext(f, 43, 0);
	rt2(f, 60, CARE6);
	hao(f, 6, HOME6);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip6_end(f, a);
}

static void m_rt2_hao(const struct vnet_parse_result *r)
{
	assert_true(r->outer.ipv6.has_rt2);
	assert_memory_equal(r->outer.ipv6.rt2_addr, CARE6, 16);
	assert_true(r->outer.ipv6.has_hao);
	assert_memory_equal(r->outer.ipv6.home_addr, HOME6, 16);
	assert_int_equal(r->outer.ipv6.ext_count, 3);
	assert_int_equal(r->outer.ipv6.ext_end, 110);
	assert_int_equal(r->outer.l3_hdr_len, 96);
}

static void b_ip6_frag_first(struct fb *f)
{
	size_t a, u;

	eth(f, T_IP6);
	a = ip6(f, 44);
	frag6(f, 17, 0, 1, 0xdeadbeef);
	u = udp(f, 5000);
	data(f, 16);
	set16(f, u + 4, 1008);
	ip6_end(f, a);
}

static void m_ip6_first(const struct vnet_parse_result *r)
{
	assert_int_equal(r->outer.ipv6.frag_hdr_off, 54);
	assert_int_equal(r->outer.ipv6.frag_id, 0xdeadbeef);
	assert_int_equal(r->outer.ipv6.frag_off, 0);
	assert_true(r->outer.ipv6.frag_more);
	assert_int_equal(r->outer.udp_len, 1008);
}

static void b_ip6_frag_later(struct fb *f)
{
	size_t a;

	eth(f, T_IP6);
	a = ip6(f, 44);
	frag6(f, 17, 1448, 1, 0xdeadbeef);
	data(f, 16);
	ip6_end(f, a);
}

static void m_ip6_later(const struct vnet_parse_result *r)
{
	assert_int_equal(r->outer.ipv6.frag_off, 1448);
	assert_true(r->outer.ipv6.frag_more);
	assert_int_equal(r->outer.ipv6.ext_count, 1);
}

static void b_ip6_frag_atomic(struct fb *f)
{
	size_t a;

	eth(f, T_IP6);
	a = ip6(f, 44);
	frag6(f, 6, 0, 0, 7);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip6_end(f, a);
}

static void b_ip6_ah_tcp(struct fb *f)
{
	size_t a;

	eth(f, T_IP6);
	a = ip6(f, 51);
	ah(f, 6, 4);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip6_end(f, a);
}

static void b_ip6_esp(struct fb *f)
{
	size_t a;

	eth(f, T_IP6);
	a = ip6(f, 50);
	fill(f, 0x55, 16);
	ip6_end(f, a);
}

/* RFC 8200 4.1 order: HBH, dest, routing, fragment, AH, dest, upper. */
static void b_ip6_chain_udp(struct fb *f)
{
	size_t a, u;

	eth(f, T_IP6);
	a = ip6(f, 0);
	ext(f, 60, 0);
	ext(f, 43, 0);
	routing(f, 44, 0, 0);
	frag6(f, 51, 0, 0, 9);
	ah(f, 60, 2);
	ext(f, 17, 0);
	u = udp(f, 5000);
	data(f, 4);
	udp_end(f, u);
	ip6_end(f, a);
}

static void m_chain(const struct vnet_parse_result *r)
{
	assert_int_equal(r->outer.ipv6.ext_count, 6);
	assert_int_equal(r->outer.ipv6.frag_hdr_off, 78);
	assert_false(r->outer.ipv6.has_rt2);
}

static void b_ip6_icmp6(struct fb *f)
{
	size_t a;

	eth(f, T_IP6);
	a = ip6(f, 58);
	put32(f, 0x80000000);
	put32(f, 0x00010001);
	ip6_end(f, a);
}

/* Segment routing (type 4): stepped over, no address kept. */
static void b_ip6_srh_tcp(struct fb *f)
{
	size_t a;

	eth(f, T_IP6);
	a = ip6(f, 43);
	routing(f, 6, 4, 2);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip6_end(f, a);
}

static void m_no_rt2(const struct vnet_parse_result *r)
{
	assert_false(r->outer.ipv6.has_rt2);
}

static void b_ip6_udp_trailer(struct fb *f)
{
	size_t a, u;

	eth(f, T_IP6);
	a = ip6(f, 17);
	u = udp(f, 5000);
	data(f, 4);
	udp_end(f, u);
	ip6_end(f, a);
	fill(f, 0xff, 3);
}

static void b_ip6_nonext(struct fb *f)
{
	eth(f, T_IP6);
	ip6(f, 59);
}

/* UDP shorter than the IP payload: accepted, the rest ignored. */
static void b_ip4_udp_short(struct fb *f)
{
	size_t a, u;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 17);
	u = udp(f, 5000);
	data(f, 4);
	udp_end(f, u);
	fill(f, 0x99, 4);
	ip4_end(f, a);
}

/* ---- tunnels ---- */

static void b_vxlan4_ip4_tcp(struct fb *f)
{
	size_t a, u, b;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 17);
	u = udp(f, 4789);
	vxlan(f, 0x123456);
	eth(f, T_IP);
	b = ip4(f, 5, 0x4000, 6);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip4_end(f, b);
	udp_end(f, u);
	ip4_end(f, a);
}

static void m_vxlan(const struct vnet_parse_result *r)
{
	assert_int_equal(r->tunnel.vni, 0x123456);
	assert_int_equal(r->tunnel.flags, 0x08);
	assert_int_equal(r->tunnel.proto, T_TEB);
	assert_int_equal(r->inner.tcp_flags, TCP_ACK);
	assert_int_equal(r->inner.ipv4.total_len, 44);
}

static void b_vxlan6_ip6_udp(struct fb *f)
{
	size_t a, u, b, v;

	eth(f, T_IP6);
	a = ip6(f, 17);
	u = udp(f, 4789);
	vxlan(f, 1);
	eth(f, T_IP6);
	b = ip6(f, 17);
	v = udp(f, 53);
	data(f, 4);
	udp_end(f, v);
	ip6_end(f, b);
	udp_end(f, u);
	ip6_end(f, a);
}

static void b_vxlan4_vlan_ip6_tcp(struct fb *f)
{
	size_t a, u, b;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 17);
	u = udp(f, 4789);
	vxlan(f, 2);
	eth(f, T_8021Q);
	tag(f, 5, T_IP6);
	b = ip6(f, 6);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip6_end(f, b);
	udp_end(f, u);
	ip4_end(f, a);
}

static void b_gpe4_ip4_udp(struct fb *f)
{
	size_t a, u, b, v;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 17);
	u = udp(f, 4790);
	gpe(f, 1, 7);
	b = ip4(f, 5, 0, 17);
	v = udp(f, 9999);
	data(f, 4);
	udp_end(f, v);
	ip4_end(f, b);
	udp_end(f, u);
	ip4_end(f, a);
}

static void m_gpe(const struct vnet_parse_result *r)
{
	assert_int_equal(r->tunnel.vni, 7);
	assert_int_equal(r->tunnel.gpe_next, 1);
	assert_int_equal(r->tunnel.proto, T_IP);
}

static void b_gpe6_ip6_tcp(struct fb *f)
{
	size_t a, u, b;

	eth(f, T_IP6);
	a = ip6(f, 17);
	u = udp(f, 4790);
	gpe(f, 2, 8);
	b = ip6(f, 6);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip6_end(f, b);
	udp_end(f, u);
	ip6_end(f, a);
}

static void b_gpe4_eth_ip4_tcp(struct fb *f)
{
	size_t a, u, b;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 17);
	u = udp(f, 4790);
	gpe(f, 3, 9);
	eth(f, T_IP);
	b = ip4(f, 5, 0, 6);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip4_end(f, b);
	udp_end(f, u);
	ip4_end(f, a);
}

static void b_gpe4_nsh(struct fb *f)
{
	size_t a, u;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 17);
	u = udp(f, 4790);
	gpe(f, 4, 10);
	fill(f, 0x77, 8);
	udp_end(f, u);
	ip4_end(f, a);
}

static void b_geneve4_opts_ip6_tcp(struct fb *f)
{
	size_t a, u, b;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 17);
	u = udp(f, 6081);
	geneve(f, T_TEB, 0xabcdef, 2);
	eth(f, T_IP6);
	b = ip6(f, 6);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip6_end(f, b);
	udp_end(f, u);
	ip4_end(f, a);
}

static void m_geneve_opts(const struct vnet_parse_result *r)
{
	assert_int_equal(r->tunnel.vni, 0xabcdef);
	assert_int_equal(r->tunnel.geneve_opt_len, 8);
	assert_int_equal(r->tunnel.proto, T_TEB);
}

static void b_geneve6_ip4_udp(struct fb *f)
{
	size_t a, u, b, v;

	eth(f, T_IP6);
	a = ip6(f, 17);
	u = udp(f, 6081);
	geneve(f, T_TEB, 2, 0);
	eth(f, T_IP);
	b = ip4(f, 5, 0, 17);
	v = udp(f, 53);
	data(f, 4);
	udp_end(f, v);
	ip4_end(f, b);
	udp_end(f, u);
	ip6_end(f, a);
}

static void b_geneve4_ip4_tcp(struct fb *f)
{
	size_t a, u, b;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 17);
	u = udp(f, 6081);
	geneve(f, T_IP, 3, 0);
	b = ip4(f, 5, 0, 6);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip4_end(f, b);
	udp_end(f, u);
	ip4_end(f, a);
}

static void b_gre4_ip4_tcp(struct fb *f)
{
	size_t a, b;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 47);
	gre(f, 0, T_IP, 0, 0);
	b = ip4(f, 5, 0, 6);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip4_end(f, b);
	ip4_end(f, a);
}

static void m_gre_plain(const struct vnet_parse_result *r)
{
	assert_int_equal(r->tunnel.gre_flags, 0);
	assert_false(r->tunnel.gre_has_csum);
	assert_false(r->tunnel.gre_has_key);
	assert_false(r->tunnel.gre_has_seq);
	assert_int_equal(r->tunnel.proto, T_IP);
}

static void b_gre6_cks_ip4_udp(struct fb *f)
{
	size_t a, b, v;

	eth(f, T_IP6);
	a = ip6(f, 47);
	gre(f, 0xb000, T_TEB, 0x01020304, 42);
	eth(f, T_IP);
	b = ip4(f, 5, 0, 17);
	v = udp(f, 7);
	data(f, 4);
	udp_end(f, v);
	ip4_end(f, b);
	ip6_end(f, a);
}

static void m_gre_cks(const struct vnet_parse_result *r)
{
	assert_int_equal(r->tunnel.gre_flags, 0xb000);
	assert_true(r->tunnel.gre_has_csum);
	assert_true(r->tunnel.gre_has_key);
	assert_int_equal(r->tunnel.gre_key, 0x01020304);
	assert_true(r->tunnel.gre_has_seq);
	assert_int_equal(r->tunnel.gre_seq, 42);
	assert_int_equal(r->tunnel.proto, T_TEB);
}

/* NVGRE (RFC 7637): key = VSID << 8 | FlowID, Ethernet inside. */
static void b_nvgre4_ip6_udp(struct fb *f)
{
	size_t a, b, v;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 47);
	gre(f, 0x2000, T_TEB, 0xabcdef12, 0);
	eth(f, T_IP6);
	b = ip6(f, 17);
	v = udp(f, 7);
	data(f, 4);
	udp_end(f, v);
	ip6_end(f, b);
	ip4_end(f, a);
}

static void m_nvgre(const struct vnet_parse_result *r)
{
	assert_true(r->tunnel.gre_has_key);
	assert_int_equal(r->tunnel.gre_key, 0xabcdef12);
	assert_false(r->tunnel.gre_has_seq);
}

static void b_greudp4_ip6_udp(struct fb *f)
{
	size_t a, u, b, v;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 17);
	u = udp(f, 4754);
	gre(f, 0, T_IP6, 0, 0);
	b = ip6(f, 17);
	v = udp(f, 7);
	data(f, 4);
	udp_end(f, v);
	ip6_end(f, b);
	udp_end(f, u);
	ip4_end(f, a);
}

static void b_ipip4_tcp(struct fb *f)
{
	size_t a, b;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 4);
	b = ip4(f, 5, 0, 6);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip4_end(f, b);
	ip4_end(f, a);
}

static void b_ip6ip6_udp(struct fb *f)
{
	size_t a, b, v;

	eth(f, T_IP6);
	a = ip6(f, 41);
	b = ip6(f, 17);
	v = udp(f, 7);
	data(f, 4);
	udp_end(f, v);
	ip6_end(f, b);
	ip6_end(f, a);
}

/* VXLAN in VXLAN: one level only, the inner one is plain UDP. */
static void b_vxlan_in_vxlan(struct fb *f)
{
	size_t a, u, b, v;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 17);
	u = udp(f, 4789);
	vxlan(f, 1);
	eth(f, T_IP);
	b = ip4(f, 5, 0, 17);
	v = udp(f, 4789);
	vxlan(f, 2);
	data(f, 4);
	udp_end(f, v);
	ip4_end(f, b);
	udp_end(f, u);
	ip4_end(f, a);
}

static void m_vxlan_once(const struct vnet_parse_result *r)
{
	assert_int_equal(r->tunnel.vni, 1);
	assert_int_equal(r->inner.dport, 4789);
}

/* A first fragment to the VXLAN port: no tunnel looked at. */
static void b_frag_vxlan(struct fb *f)
{
	size_t a, u;

	eth(f, T_IP);
	a = ip4(f, 5, 0x2000, 17);
	u = udp(f, 4789);
	vxlan(f, 1);
	data(f, 8);
	set16(f, u + 4, 1000);
	ip4_end(f, a);
}

/* GRE version 1 (PPTP): not a tunnel. */
static void b_grev1(struct fb *f)
{
	size_t a;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 47);
	put16(f, 0x2001);
	put16(f, 0x880b);
	put32(f, 0x00040001);
	fill(f, 0xab, 4);
	ip4_end(f, a);
}

static void b_ip6hbh_vxlan_ip4_tcp(struct fb *f)
{
	size_t a, u, b;

	eth(f, T_IP6);
	a = ip6(f, 0);
	ext(f, 17, 0);
	u = udp(f, 4789);
	vxlan(f, 5);
	eth(f, T_IP);
	b = ip4(f, 5, 0, 6);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip4_end(f, b);
	udp_end(f, u);
	ip6_end(f, a);
}

#define NOTUN VNET_TUNNEL_NONE, 0, 0, { 0 }
#define V4 VNET_L3_IPV4
#define V6 VNET_L3_IPV6
#define L3X VNET_L3_OTHER
#define TCP VNET_L4_TCP
#define UDP VNET_L4_UDP
#define L4X VNET_L4_OTHER
#define L4N VNET_L4_NONE
#define F_AT VNET_FRAG_ATOMIC
#define F_1ST VNET_FRAG_FIRST
#define F_LAT VNET_FRAG_LATER
#define X_HBH VNET_IPV6_EXT_HBH
#define X_RT VNET_IPV6_EXT_ROUTING
#define X_FR VNET_IPV6_EXT_FRAG
#define X_DST VNET_IPV6_EXT_DSTOPTS
#define X_AH VNET_IPV6_EXT_AH

/* Ethernet at 0; offsets counted by hand: Eth 14, tag 4, IPv4 20,
 * IPv6 40, TCP 20, UDP 8, VXLAN 8, data 4 unless noted. */
static const struct pcase cases[] = {
	{ "eth-ipv4-tcp", b_ip4_tcp,
	  { V4, TCP, 0, true, 0, T_IP, 6, 0, 0, 14, 34, 54, 4, 0 },
	  NOTUN, m_ip4_tcp },
	{ "eth-ipv4-tcp-options", b_ip4_tcp_opts,
	  { V4, TCP, 0, true, 0, T_IP, 6, 0, 0, 14, 34, 66, 4, 0 },
	  NOTUN, m_tcp_opts },
	{ "eth-ipv4-udp", b_ip4_udp,
	  { V4, UDP, 0, true, 0, T_IP, 17, 0, 0, 14, 34, 42, 4, 0 },
	  NOTUN, m_udp },
	{ "vlan-ipv4-tcp", b_vlan_ip4_tcp,
	  { V4, TCP, 0, true, 1, T_IP, 6, 0, 0, 18, 38, 58, 4, 0 },
	  NOTUN, m_vlan },
	{ "qinq-ipv4-udp", b_qinq_ip4_udp,
	  { V4, UDP, 0, true, 2, T_IP, 17, 0, 0, 22, 42, 50, 4, 0 },
	  NOTUN, m_qinq },
	{ "three-tags-other", b_three_tags,
	  { L3X, L4N, 0, true, 2, T_8021Q, 0, 0, 0, 22, 0, 22, 24, 0 },
	  NOTUN, NULL },
	{ "ipv4-options-udp", b_ip4_opts_udp,
	  { V4, UDP, 0, true, 0, T_IP, 17, 0, 0, 14, 38, 46, 4, 0 },
	  NOTUN, m_ip4_opts },
	{ "ipv4-ihl15-tcp", b_ip4_ihl15_tcp,
	  { V4, TCP, 0, true, 0, T_IP, 6, 0, 0, 14, 74, 94, 4, 0 },
	  NOTUN, NULL },
	{ "ipv4-frag-first-udp", b_ip4_frag_first,
	  { V4, UDP, F_1ST, true, 0, T_IP, 17, 0, 0, 14, 34, 42, 16, 0 },
	  NOTUN, m_ip4_first },
	{ "ipv4-frag-later", b_ip4_frag_later,
	  { V4, L4N, F_LAT, true, 0, T_IP, 17, 0, 0, 14, 34, 34, 16, 0 },
	  NOTUN, m_ip4_later },
	{ "ipv4-atomic-tcp", b_ip4_atomic,
	  { V4, TCP, F_AT, true, 0, T_IP, 6, 0, 0, 14, 34, 54, 4, 0 },
	  NOTUN, m_ip4_atomic },
	{ "ipv4-tcp-padded", b_ip4_padded,
	  { V4, TCP, F_AT, true, 0, T_IP, 6, 0, 0, 14, 34, 54, 0, 6 },
	  NOTUN, NULL },
	{ "ipv4-icmp", b_ip4_icmp,
	  { V4, L4X, 0, true, 0, T_IP, 1, 0, 0, 14, 34, 34, 8, 0 },
	  NOTUN, NULL },
	{ "ipv4-udp-shorter-than-ip", b_ip4_udp_short,
	  { V4, UDP, 0, true, 0, T_IP, 17, 0, 0, 14, 34, 42, 4, 0 },
	  NOTUN, NULL },
	{ "arp", b_arp,
	  { L3X, L4N, 0, true, 0, T_ARP, 0, 0, 0, 14, 0, 14, 28, 0 },
	  NOTUN, NULL },
	{ "ipv6-tcp", b_ip6_tcp,
	  { V6, TCP, 0, true, 0, T_IP6, 6, 0, 0, 14, 54, 74, 4, 0 },
	  NOTUN, m_ip6_plain },
	{ "ipv6-udp", b_ip6_udp,
	  { V6, UDP, 0, true, 0, T_IP6, 17, 0, 0, 14, 54, 62, 4, 0 },
	  NOTUN, NULL },
	{ "ipv6-hbh-tcp", b_ip6_hbh_tcp,
	  { V6, TCP, 0, true, 0, T_IP6, 6, X_HBH, 0, 14, 62, 82, 4, 0 },
	  NOTUN, NULL },
	{ "ipv6-dstopts-hao-tcp", b_ip6_hao_tcp,
	  { V6, TCP, 0, true, 0, T_IP6, 6, X_DST, 0, 14, 78, 98, 4, 0 },
	  NOTUN, m_hao },
	{ "ipv6-rt2-udp", b_ip6_rt2_udp,
	  { V6, UDP, 0, true, 0, T_IP6, 17, X_RT, 0, 14, 78, 86, 4, 0 },
	  NOTUN, m_rt2 },
	{ "ipv6-hbh-rt2-hao-tcp", b_ip6_hbh_rt2_hao_tcp,
	  { V6, TCP, 0, true, 0, T_IP6, 6, X_HBH | X_RT | X_DST, 0, 14, 110,
	    130, 4, 0 },
	  NOTUN, m_rt2_hao },
	{ "ipv6-frag-first-udp", b_ip6_frag_first,
	  { V6, UDP, F_1ST, true, 0, T_IP6, 17, X_FR, 0, 14, 62, 70, 16, 0 },
	  NOTUN, m_ip6_first },
	{ "ipv6-frag-later", b_ip6_frag_later,
	  { V6, L4N, F_LAT, true, 0, T_IP6, 17, X_FR, 0, 14, 62, 62, 16, 0 },
	  NOTUN, m_ip6_later },
	{ "ipv6-frag-atomic-tcp", b_ip6_frag_atomic,
	  { V6, TCP, F_AT, true, 0, T_IP6, 6, X_FR, 0, 14, 62, 82, 4, 0 },
	  NOTUN, NULL },
	{ "ipv6-ah-tcp", b_ip6_ah_tcp,
	  { V6, TCP, 0, true, 0, T_IP6, 6, X_AH, 0, 14, 78, 98, 4, 0 },
	  NOTUN, NULL },
	{ "ipv6-esp", b_ip6_esp,
	  { V6, L4X, 0, true, 0, T_IP6, 50, 0, 0, 14, 54, 54, 16, 0 },
	  NOTUN, NULL },
	{ "ipv6-full-chain-udp", b_ip6_chain_udp,
	  { V6, UDP, F_AT, true, 0, T_IP6, 17,
	    X_HBH | X_DST | X_RT | X_FR | X_AH, 0, 14, 110, 118, 4, 0 },
	  NOTUN, m_chain },
	{ "ipv6-icmpv6", b_ip6_icmp6,
	  { V6, L4X, 0, true, 0, T_IP6, 58, 0, 0, 14, 54, 54, 8, 0 },
	  NOTUN, NULL },
	{ "ipv6-srh-tcp", b_ip6_srh_tcp,
	  { V6, TCP, 0, true, 0, T_IP6, 6, X_RT, 0, 14, 78, 98, 4, 0 },
	  NOTUN, m_no_rt2 },
	{ "ipv6-udp-trailer", b_ip6_udp_trailer,
	  { V6, UDP, 0, true, 0, T_IP6, 17, 0, 0, 14, 54, 62, 4, 3 },
	  NOTUN, NULL },
	{ "ipv6-no-next-header", b_ip6_nonext,
	  { V6, L4X, 0, true, 0, T_IP6, 59, 0, 0, 14, 54, 54, 0, 0 },
	  NOTUN, NULL },

	{ "vxlan4-eth-ipv4-tcp", b_vxlan4_ip4_tcp,
	  { V4, UDP, 0, true, 0, T_IP, 17, 0, 0, 14, 34, 42, 66, 0 },
	  VNET_TUNNEL_VXLAN, 42, 8,
	  { V4, TCP, F_AT, true, 0, T_IP, 6, 0, 50, 64, 84, 104, 4, 0 },
	  m_vxlan },
	{ "vxlan6-eth-ipv6-udp", b_vxlan6_ip6_udp,
	  { V6, UDP, 0, true, 0, T_IP6, 17, 0, 0, 14, 54, 62, 74, 0 },
	  VNET_TUNNEL_VXLAN, 62, 8,
	  { V6, UDP, 0, true, 0, T_IP6, 17, 0, 70, 84, 124, 132, 4, 0 },
	  NULL },
	{ "vxlan4-vlan-ipv6-tcp", b_vxlan4_vlan_ip6_tcp,
	  { V4, UDP, 0, true, 0, T_IP, 17, 0, 0, 14, 34, 42, 90, 0 },
	  VNET_TUNNEL_VXLAN, 42, 8,
	  { V6, TCP, 0, true, 1, T_IP6, 6, 0, 50, 68, 108, 128, 4, 0 },
	  NULL },
	{ "gpe4-ipv4-udp", b_gpe4_ip4_udp,
	  { V4, UDP, 0, true, 0, T_IP, 17, 0, 0, 14, 34, 42, 40, 0 },
	  VNET_TUNNEL_VXLAN_GPE, 42, 8,
	  { V4, UDP, 0, false, 0, T_IP, 17, 0, 50, 50, 70, 78, 4, 0 },
	  m_gpe },
	{ "gpe6-ipv6-tcp", b_gpe6_ip6_tcp,
	  { V6, UDP, 0, true, 0, T_IP6, 17, 0, 0, 14, 54, 62, 72, 0 },
	  VNET_TUNNEL_VXLAN_GPE, 62, 8,
	  { V6, TCP, 0, false, 0, T_IP6, 6, 0, 70, 70, 110, 130, 4, 0 },
	  NULL },
	{ "gpe4-eth-ipv4-tcp", b_gpe4_eth_ip4_tcp,
	  { V4, UDP, 0, true, 0, T_IP, 17, 0, 0, 14, 34, 42, 66, 0 },
	  VNET_TUNNEL_VXLAN_GPE, 42, 8,
	  { V4, TCP, 0, true, 0, T_IP, 6, 0, 50, 64, 84, 104, 4, 0 },
	  NULL },
	{ "gpe4-nsh", b_gpe4_nsh,
	  { V4, UDP, 0, true, 0, T_IP, 17, 0, 0, 14, 34, 42, 16, 0 },
	  VNET_TUNNEL_VXLAN_GPE, 42, 8,
	  { L3X, L4N, 0, false, 0, 0x894f, 0, 0, 50, 50, 0, 50, 8, 0 },
	  NULL },
	{ "geneve4-opts-eth-ipv6-tcp", b_geneve4_opts_ip6_tcp,
	  { V4, UDP, 0, true, 0, T_IP, 17, 0, 0, 14, 34, 42, 94, 0 },
	  VNET_TUNNEL_GENEVE, 42, 16,
	  { V6, TCP, 0, true, 0, T_IP6, 6, 0, 58, 72, 112, 132, 4, 0 },
	  m_geneve_opts },
	{ "geneve6-eth-ipv4-udp", b_geneve6_ip4_udp,
	  { V6, UDP, 0, true, 0, T_IP6, 17, 0, 0, 14, 54, 62, 54, 0 },
	  VNET_TUNNEL_GENEVE, 62, 8,
	  { V4, UDP, 0, true, 0, T_IP, 17, 0, 70, 84, 104, 112, 4, 0 },
	  NULL },
	{ "geneve4-ipv4-tcp", b_geneve4_ip4_tcp,
	  { V4, UDP, 0, true, 0, T_IP, 17, 0, 0, 14, 34, 42, 52, 0 },
	  VNET_TUNNEL_GENEVE, 42, 8,
	  { V4, TCP, 0, false, 0, T_IP, 6, 0, 50, 50, 70, 90, 4, 0 },
	  NULL },
	{ "gre4-ipv4-tcp", b_gre4_ip4_tcp,
	  { V4, L4X, 0, true, 0, T_IP, 47, 0, 0, 14, 34, 34, 48, 0 },
	  VNET_TUNNEL_GRE, 34, 4,
	  { V4, TCP, 0, false, 0, T_IP, 6, 0, 38, 38, 58, 78, 4, 0 },
	  m_gre_plain },
	{ "gre6-csum-key-seq-eth-ipv4-udp", b_gre6_cks_ip4_udp,
	  { V6, L4X, 0, true, 0, T_IP6, 47, 0, 0, 14, 54, 54, 62, 0 },
	  VNET_TUNNEL_GRE, 54, 16,
	  { V4, UDP, 0, true, 0, T_IP, 17, 0, 70, 84, 104, 112, 4, 0 },
	  m_gre_cks },
	{ "nvgre4-eth-ipv6-udp", b_nvgre4_ip6_udp,
	  { V4, L4X, 0, true, 0, T_IP, 47, 0, 0, 14, 34, 34, 74, 0 },
	  VNET_TUNNEL_GRE, 34, 8,
	  { V6, UDP, 0, true, 0, T_IP6, 17, 0, 42, 56, 96, 104, 4, 0 },
	  m_nvgre },
	{ "gre-udp4-ipv6-udp", b_greudp4_ip6_udp,
	  { V4, UDP, 0, true, 0, T_IP, 17, 0, 0, 14, 34, 42, 56, 0 },
	  VNET_TUNNEL_GRE_UDP, 42, 4,
	  { V6, UDP, 0, false, 0, T_IP6, 17, 0, 46, 46, 86, 94, 4, 0 },
	  NULL },
	{ "ipip4-tcp", b_ipip4_tcp,
	  { V4, L4X, 0, true, 0, T_IP, 4, 0, 0, 14, 34, 34, 44, 0 },
	  VNET_TUNNEL_IPIP, 34, 0,
	  { V4, TCP, 0, false, 0, T_IP, 6, 0, 34, 34, 54, 74, 4, 0 },
	  NULL },
	{ "ip6ip6-udp", b_ip6ip6_udp,
	  { V6, L4X, 0, true, 0, T_IP6, 41, 0, 0, 14, 54, 54, 52, 0 },
	  VNET_TUNNEL_IPIP, 54, 0,
	  { V6, UDP, 0, false, 0, T_IP6, 17, 0, 54, 54, 94, 102, 4, 0 },
	  NULL },
	{ "vxlan-in-vxlan", b_vxlan_in_vxlan,
	  { V4, UDP, 0, true, 0, T_IP, 17, 0, 0, 14, 34, 42, 62, 0 },
	  VNET_TUNNEL_VXLAN, 42, 8,
	  { V4, UDP, 0, true, 0, T_IP, 17, 0, 50, 64, 84, 92, 12, 0 },
	  m_vxlan_once },
	{ "ipv4-frag-first-vxlan-port", b_frag_vxlan,
	  { V4, UDP, F_1ST, true, 0, T_IP, 17, 0, 0, 14, 34, 42, 16, 0 },
	  NOTUN, NULL },
	{ "gre-version-1", b_grev1,
	  { V4, L4X, 0, true, 0, T_IP, 47, 0, 0, 14, 34, 34, 12, 0 },
	  NOTUN, NULL },
	{ "ipv6-hbh-vxlan-ipv4-tcp", b_ip6hbh_vxlan_ip4_tcp,
	  { V6, UDP, 0, true, 0, T_IP6, 17, X_HBH, 0, 14, 62, 70, 66, 0 },
	  VNET_TUNNEL_VXLAN, 70, 8,
	  { V4, TCP, 0, true, 0, T_IP, 6, 0, 78, 92, 112, 132, 4, 0 },
	  NULL },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* ---- parsing a frame held in segments ---- */

enum split { SPLIT_ONE, SPLIT_BYTES, SPLIT_RANDOM };

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned int rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

static size_t seg_size(enum split how, size_t left, unsigned int nseg,
		       size_t len)
{
	unsigned int r;

	if (how == SPLIT_ONE)
		return left;
	if (how == SPLIT_BYTES)
		return 1;
	r = rnd(10);
	if (r == 0 && nseg < len)
		return 0;		/* an empty segment, now and then */
	if (r == 0)
		r = 1;
	return r < left ? r : left;
}

/*
 * Parse @len bytes of @frame held in segments, each in a heap buffer of
 * exactly its size, so that ASan sees a read one byte past any of them.
 */
static int parse_split(const uint8_t *frame, size_t len, enum split how,
		       const struct vnet_parse_config *cfg,
		       struct vnet_parse_result *res)
{
	struct iovec *iov = calloc(2 * len + 2, sizeof(*iov));
	struct vnet_pkt pkt;
	unsigned int n = 0, i;
	size_t off = 0, sz;
	int ret;

	assert_non_null(iov);
	while (off < len) {
		sz = seg_size(how, len - off, n, len);
		iov[n].iov_len = sz;
		iov[n].iov_base = sz ? malloc(sz) : NULL;
		if (sz)
			memcpy(iov[n].iov_base, frame + off, sz);
		off += sz;
		n++;
	}
	assert_int_equal(vnet_pkt_init(&pkt, iov, n), 0);
	memset(res, 0xa5, sizeof(*res));
	ret = vnet_parse(&pkt, cfg, res);
	for (i = 0; i < n; i++)
		free(iov[i].iov_base);
	free(iov);
	return ret;
}

#define EQ(name, what, got, want)					\
	do {								\
		if ((size_t)(got) != (size_t)(want))			\
			fail_msg("%s: %s: got %zu, want %zu", name,	\
				 what, (size_t)(got), (size_t)(want));	\
	} while (0)

static void check_layer(const char *name, const char *which,
			const struct exp *e, const struct vnet_parse_layer *l)
{
	char what[64];

#define CHK(f, v)							\
	do {								\
		snprintf(what, sizeof(what), "%s.%s", which, #f);	\
		EQ(name, what, l->f, v);				\
	} while (0)
	CHK(present, 1);
	CHK(l3, e->l3);
	CHK(has_eth, e->eth);
	CHK(l2_off, e->l2);
	CHK(vlan_count, e->vlans);
	CHK(ethertype, e->type);
	CHK(l3_off, e->l3o);
	CHK(frag, e->frag);
	CHK(ipv6.ext, e->ext);
	CHK(l4, e->l4);
	CHK(l4_proto, e->proto);
	CHK(l4_off, e->l4o);
	CHK(payload_off, e->pay);
	CHK(payload_len, e->plen);
	CHK(trailer_len, e->trailer);
#undef CHK
}

/*
 * The end of what a parse of the whole frame depends on: a cut at or after
 * it may succeed (it removes trailer only), a cut before it must fail.
 */
static size_t needed_len(const struct vnet_parse_result *r)
{
	const struct vnet_parse_layer *o = &r->outer;

	if (o->l3 == VNET_L3_IPV4 || o->l3 == VNET_L3_IPV6)
		return o->l3_off + o->l3_len;
	return o->payload_off;
}

/* A parse of a cut frame, adjusted for the bytes the cut took away. */
static void normalise_cut(struct vnet_parse_result *cut,
			  const struct vnet_parse_result *full)
{
	cut->outer.trailer_len = full->outer.trailer_len;
	if (cut->outer.l3 == VNET_L3_OTHER)
		cut->outer.payload_len = full->outer.payload_len;
}

/* Every length 0 .. len - 1: an error, or a parse that lost trailer only. */
static void check_truncations(const char *name, const uint8_t *frame,
			      size_t len, const struct vnet_parse_config *cfg,
			      const struct vnet_parse_result *full)
{
	struct vnet_parse_result cut, split;
	size_t n, need = needed_len(full);
	int ret, ret2;

	for (n = 0; n < len; n++) {
		ret = parse_split(frame, n, SPLIT_ONE, cfg, &cut);
		ret2 = parse_split(frame, n, SPLIT_RANDOM, cfg, &split);
		EQ(name, "same verdict over segments", ret2, ret);
		if (memcmp(&cut, &split, sizeof(cut)))
			fail_msg("%s: cut at %zu: segments change result",
				 name, n);
		if (n < need) {
			if (ret == 0)
				fail_msg("%s: cut at %zu parsed", name, n);
			assert_string_not_equal(vnet_parse_err_name(ret),
						"unknown");
			continue;
		}
		EQ(name, "cut in the trailer", ret, 0);
		normalise_cut(&cut, full);
		if (memcmp(&cut, full, sizeof(cut)))
			fail_msg("%s: cut at %zu: result differs", name, n);
	}
}

/* Whole frame over 1-byte segments and random segmentations. */
static void check_splits(const char *name, const uint8_t *frame, size_t len,
			 const struct vnet_parse_config *cfg,
			 const struct vnet_parse_result *full)
{
	struct vnet_parse_result r;
	int i;

	EQ(name, "1-byte segments", parse_split(frame, len, SPLIT_BYTES, cfg,
						&r), 0);
	if (memcmp(&r, full, sizeof(r)))
		fail_msg("%s: 1-byte segments change result", name);
	for (i = 0; i < 32; i++) {
		EQ(name, "random segments", parse_split(frame, len,
							SPLIT_RANDOM, cfg, &r),
		   0);
		if (memcmp(&r, full, sizeof(r)))
			fail_msg("%s: segmentation %d changes result", name,
				 i);
	}
}

static void check_case(const struct pcase *c, const struct fb *f,
		       const struct vnet_parse_result *r)
{
	check_layer(c->name, "outer", &c->o, &r->outer);
	EQ(c->name, "tunnel.type", r->tunnel.type, c->tun);
	if (c->tun == VNET_TUNNEL_NONE) {
		EQ(c->name, "inner.present", r->inner.present, 0);
	} else {
		EQ(c->name, "tunnel.off", r->tunnel.off, c->toff);
		EQ(c->name, "tunnel.hdr_len", r->tunnel.hdr_len, c->tlen);
		check_layer(c->name, "inner", &c->i, &r->inner);
	}
	if (c->more)
		c->more(r);
}

static void test_table(void **state)
{
	struct vnet_parse_result r;
	struct fb f;
	size_t i;

	for (i = 0; i < NCASES; i++) {
		memset(&f, 0, sizeof(f));
		cases[i].build(&f);
		EQ(cases[i].name, "parse",
		   parse_split(f.b, f.len, SPLIT_ONE, NULL, &r), 0);
		check_case(&cases[i], &f, &r);
	}
}

static void test_table_truncated(void **state)
{
	struct vnet_parse_result r;
	struct fb f;
	size_t i;

	for (i = 0; i < NCASES; i++) {
		memset(&f, 0, sizeof(f));
		cases[i].build(&f);
		assert_int_equal(parse_split(f.b, f.len, SPLIT_ONE, NULL, &r),
				 0);
		check_truncations(cases[i].name, f.b, f.len, NULL, &r);
	}
}

static void test_table_segmented(void **state)
{
	struct vnet_parse_result r;
	struct fb f;
	size_t i;

	for (i = 0; i < NCASES; i++) {
		memset(&f, 0, sizeof(f));
		cases[i].build(&f);
		assert_int_equal(parse_split(f.b, f.len, SPLIT_ONE, NULL, &r),
				 0);
		check_splits(cases[i].name, f.b, f.len, NULL, &r);
	}
}

/* ---- UDP tunnels x outer IPv4/IPv6 x inner IPv4/IPv6 x TCP/UDP ---- */

enum mtun { M_VXLAN, M_GPE_IP, M_GPE_ETH, M_GENEVE, M_GENEVE_OPTS, M_N };

static void build_matrix(struct fb *f, enum mtun t, bool out6, bool in6,
			 bool intcp)
{
	static const unsigned int ports[] = { 4789, 4790, 4790, 6081, 6081 };
	size_t a, u, b, v = 0;

	eth(f, out6 ? T_IP6 : T_IP);
	a = out6 ? ip6(f, 17) : ip4(f, 5, 0, 17);
	u = udp(f, ports[t]);
	if (t == M_VXLAN)
		vxlan(f, 0x10);
	else if (t == M_GPE_IP)
		gpe(f, in6 ? 2 : 1, 0x11);
	else if (t == M_GPE_ETH)
		gpe(f, 3, 0x12);
	else
		geneve(f, T_TEB, 0x13, t == M_GENEVE_OPTS ? 3 : 0);
	if (t != M_GPE_IP)
		eth(f, in6 ? T_IP6 : T_IP);
	b = in6 ? ip6(f, intcp ? 6 : 17) : ip4(f, 5, 0, intcp ? 6 : 17);
	if (intcp)
		tcp(f, 5, TCP_ACK);
	else
		v = udp(f, 53);
	data(f, 4);
	if (!intcp)
		udp_end(f, v);
	if (in6)
		ip6_end(f, b);
	else
		ip4_end(f, b);
	udp_end(f, u);
	if (out6)
		ip6_end(f, a);
	else
		ip4_end(f, a);
}

static void test_tunnel_matrix(void **state)
{
	static const int types[] = { VNET_TUNNEL_VXLAN, VNET_TUNNEL_VXLAN_GPE,
				     VNET_TUNNEL_VXLAN_GPE, VNET_TUNNEL_GENEVE,
				     VNET_TUNNEL_GENEVE };
	struct vnet_parse_result r;
	struct pcase c = { 0 };
	struct fb f;
	char name[64];
	unsigned int k;

	for (k = 0; k < M_N * 8; k++) {
		enum mtun t = k / 8;
		bool out6 = k & 4, in6 = k & 2, intcp = k & 1;
		size_t o_l4 = 14 + (out6 ? 40 : 20);
		size_t toff = o_l4 + 8;
		size_t tlen = t == M_GENEVE_OPTS ? 20 : 8;
		bool ieth = t != M_GPE_IP;
		size_t i_l3 = toff + tlen + (ieth ? 14 : 0);
		size_t i_l4 = i_l3 + (in6 ? 40 : 20);
		size_t i_pay = i_l4 + (intcp ? 20 : 8);

		snprintf(name, sizeof(name), "matrix-%u-%s-%s-%s", t,
			 out6 ? "v6" : "v4", in6 ? "v6" : "v4",
			 intcp ? "tcp" : "udp");
		c.name = name;
		c.o = (struct exp){ out6 ? V6 : V4, UDP, 0, true, 0,
				    out6 ? T_IP6 : T_IP, 17, 0, 0, 14, o_l4,
				    toff, i_pay + 4 - toff, 0 };
		c.tun = types[t];
		c.toff = toff;
		c.tlen = tlen;
		c.i = (struct exp){ in6 ? V6 : V4, intcp ? TCP : UDP, 0, ieth,
				    0, in6 ? T_IP6 : T_IP, intcp ? 6 : 17, 0,
				    toff + tlen, i_l3, i_l4, i_pay, 4, 0 };
		memset(&f, 0, sizeof(f));
		build_matrix(&f, t, out6, in6, intcp);
		EQ(name, "frame length", f.len, i_pay + 4);
		EQ(name, "parse", parse_split(f.b, f.len, SPLIT_ONE, NULL, &r),
		   0);
		check_case(&c, &f, &r);
		check_truncations(name, f.b, f.len, NULL, &r);
		check_splits(name, f.b, f.len, NULL, &r);
	}
}

/* ---- malformed frames: each names its reason ---- */

static void n_short_eth(struct fb *f)
{
	fill(f, 0xff, 13);
}

static void n_vlan_cut(struct fb *f)
{
	eth(f, T_8021Q);
	put16(f, 5);
}

static void n_qinq_cut(struct fb *f)
{
	eth(f, T_8021AD);
	tag(f, 1, T_8021Q);
	put8(f, 0);
}

/* Plain IPv4/TCP for the IPv4 and TCP cases to spoil. */
static size_t ip4_tcp_base(struct fb *f, size_t *t)
{
	size_t a;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 6);
	*t = tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip4_end(f, a);
	return a;
}

static void n_ip4_version(struct fb *f)
{
	size_t t, a = ip4_tcp_base(f, &t);

	set8(f, a, 0x65);
}

/* RFC 791 3.1: IHL of at least 5 */
static void n_ip4_ihl_small(struct fb *f)
{
	size_t t, a = ip4_tcp_base(f, &t);

	set8(f, a, 0x44);
}

/* IHL of 15 (60 bytes) where the frame has 44 after Ethernet */
static void n_ip4_ihl_beyond(struct fb *f)
{
	size_t t, a = ip4_tcp_base(f, &t);

	set8(f, a, 0x4f);
}

static void n_ip4_tot_small(struct fb *f)
{
	size_t t, a = ip4_tcp_base(f, &t);

	set16(f, a + 2, 19);
}

static void n_ip4_tot_big(struct fb *f)
{
	size_t t, a = ip4_tcp_base(f, &t);

	set16(f, a + 2, f->len - a + 1);
}

static void n_ip4_cut(struct fb *f)
{
	eth(f, T_IP);
	ip4(f, 5, 0, 6);
	f->len -= 1;
}

/* RFC 9293 3.1: data offset of at least 5 */
static void n_tcp_doff_small(struct fb *f)
{
	size_t t;

	ip4_tcp_base(f, &t);
	set8(f, t + 12, 0x40);
}

static void n_tcp_doff_beyond(struct fb *f)
{
	size_t t;

	ip4_tcp_base(f, &t);
	set8(f, t + 12, 0xf0);
}

static void n_tcp_cut(struct fb *f)
{
	size_t a;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 6);
	fill(f, 0, 19);
	ip4_end(f, a);
}

/*
 * Headers that end one byte past their datagram while the frame goes on
 * (Ethernet padding): the datagram, not the frame, bounds them.
 */
static void n_tcp_past_ip(struct fb *f)
{
	size_t a;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 6);
	tcp(f, 5, TCP_ACK);
	set16(f, a + 2, 39);
	fill(f, 0, 8);
}

static void n_udp_past_ip(struct fb *f)
{
	size_t a;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 17);
	udp(f, 5000);
	set16(f, a + 2, 27);
	set16(f, a + 24, 8);
	fill(f, 0, 8);
}

static void n_ext_past_ip6(struct fb *f)
{
	size_t a;

	eth(f, T_IP6);
	a = ip6(f, 60);
	ext(f, 59, 0);
	set16(f, a + 4, 7);
	fill(f, 0, 8);
}

static void n_vxlan_past_udp(struct fb *f)
{
	size_t a, u;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 17);
	u = udp(f, 4789);
	vxlan(f, 1);
	fill(f, 0, 16);
	ip4_end(f, a);
	set16(f, u + 4, 15);
}

static void n_inner_ip_past_udp(struct fb *f)
{
	size_t a, u, b;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 17);
	u = udp(f, 4790);
	gpe(f, 1, 1);
	b = ip4(f, 5, 0, 59);
	set16(f, b + 2, 20);
	fill(f, 0, 8);
	ip4_end(f, a);
	set16(f, u + 4, 8 + 8 + 19);
}

static size_t ip4_udp_base(struct fb *f, unsigned int dport)
{
	size_t a, u;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 17);
	u = udp(f, dport);
	data(f, 4);
	udp_end(f, u);
	ip4_end(f, a);
	return u;
}

/* RFC 768: length counts the 8-byte header */
static void n_udp_len_small(struct fb *f)
{
	size_t u = ip4_udp_base(f, 5000);

	set16(f, u + 4, 7);
}

static void n_udp_len_big(struct fb *f)
{
	size_t u = ip4_udp_base(f, 5000);

	set16(f, u + 4, 13);
}

static void n_udp_cut(struct fb *f)
{
	size_t a;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 17);
	fill(f, 0, 7);
	ip4_end(f, a);
}

static size_t ip6_base(struct fb *f)
{
	size_t a;

	eth(f, T_IP6);
	a = ip6(f, 6);
	tcp(f, 5, TCP_ACK);
	ip6_end(f, a);
	return a;
}

static void n_ip6_version(struct fb *f)
{
	size_t a = ip6_base(f);

	set8(f, a, 0x40);
}

static void n_ip6_plen_big(struct fb *f)
{
	size_t a = ip6_base(f);

	set16(f, a + 4, 21);
}

static void n_ip6_cut(struct fb *f)
{
	eth(f, T_IP6);
	ip6(f, 59);
	f->len -= 1;
}

/* RFC 2675: payload length 0 and a hop-by-hop jumbo option */
static void n_ip6_jumbo(struct fb *f)
{
	eth(f, T_IP6);
	ip6(f, 0);
	put8(f, 6);
	put8(f, 0);
	put8(f, 0xc2);
	put8(f, 4);
	put32(f, 70000);
	tcp(f, 5, TCP_ACK);
}

/* Nine destination options headers against the default cap of eight */
static void n_ip6_chain(struct fb *f)
{
	size_t a;
	int i;

	eth(f, T_IP6);
	a = ip6(f, 60);
	for (i = 0; i < 8; i++)
		ext(f, 60, 0);
	ext(f, 6, 0);
	tcp(f, 5, TCP_ACK);
	ip6_end(f, a);
}

/* A destination options header claiming 32 bytes with 8 in the datagram */
static void n_ip6_ext_cut(struct fb *f)
{
	size_t a;

	eth(f, T_IP6);
	a = ip6(f, 60);
	put8(f, 59);
	put8(f, 3);
	fill(f, 0, 6);
	ip6_end(f, a);
	fill(f, 0, 24);		/* trailer: outside the datagram */
}

/* RFC 8200 4.1: hop-by-hop only right after the IPv6 header */
static void n_ip6_hbh_order(struct fb *f)
{
	size_t a;

	eth(f, T_IP6);
	a = ip6(f, 60);
	ext(f, 0, 0);
	ext(f, 6, 0);
	tcp(f, 5, TCP_ACK);
	ip6_end(f, a);
}

/* RFC 8200 4.2: an option whose data runs past its header */
static void n_ip6_opt_len(struct fb *f)
{
	size_t a;

	eth(f, T_IP6);
	a = ip6(f, 60);
	put8(f, 6);
	put8(f, 0);
	put8(f, 0x1e);
	put8(f, 5);
	fill(f, 0, 4);
	tcp(f, 5, TCP_ACK);
	ip6_end(f, a);
}

/* A TLV header cut by the end of the options header */
static void n_ip6_opt_cut(struct fb *f)
{
	size_t a;

	eth(f, T_IP6);
	a = ip6(f, 60);
	put8(f, 6);
	put8(f, 0);
	fill(f, 0, 5);		/* Pad1 x 5 */
	put8(f, 0x1e);		/* a type with no room for its length */
	tcp(f, 5, TCP_ACK);
	ip6_end(f, a);
}

/* RFC 6275 6.3: a home address option is 16 bytes of data */
static void n_ip6_hao_len(struct fb *f)
{
	size_t a;

	eth(f, T_IP6);
	a = ip6(f, 60);
	put8(f, 6);
	put8(f, 1);
	put8(f, 0xc9);
	put8(f, 8);
	fill(f, 0x20, 8);
	fill(f, 0, 4);
	tcp(f, 5, TCP_ACK);
	ip6_end(f, a);
}

/* RFC 6275 6.4: a type 2 routing header has Hdr Ext Len 2 */
static void n_ip6_rt2_len(struct fb *f)
{
	size_t a;

	eth(f, T_IP6);
	a = ip6(f, 43);
	put8(f, 6);
	put8(f, 4);
	put8(f, 2);
	put8(f, 1);
	fill(f, 0, 36);
	tcp(f, 5, TCP_ACK);
	ip6_end(f, a);
}

/* RFC 4302 2.2: at least 3 words of AH */
static void n_ip6_ah_len(struct fb *f)
{
	size_t a;

	eth(f, T_IP6);
	a = ip6(f, 51);
	put8(f, 6);
	put8(f, 0);
	fill(f, 0, 6);
	tcp(f, 5, TCP_ACK);
	ip6_end(f, a);
}

/* A tunnel header after IPv4/UDP to @dport, built by @hdr */
static void udp_tunnel(struct fb *f, unsigned int dport,
		       void (*hdr)(struct fb *f))
{
	size_t a, u;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 17);
	u = udp(f, dport);
	hdr(f);
	udp_end(f, u);
	ip4_end(f, a);
}

/* RFC 8926 3.4: 63 words of options announced, 8 bytes present */
static void h_geneve_opt_beyond(struct fb *f)
{
	put8(f, 63);
	put8(f, 0);
	put16(f, T_TEB);
	put32(f, 1 << 8);
	fill(f, 0, 8);
}

static void n_geneve_opt_beyond(struct fb *f)
{
	udp_tunnel(f, 6081, h_geneve_opt_beyond);
}

/* RFC 8926 3.5: an option longer than the options area */
static void h_geneve_opt_tlv(struct fb *f)
{
	put8(f, 2);
	put8(f, 0);
	put16(f, T_TEB);
	put32(f, 1 << 8);
	put16(f, 0x0102);
	put8(f, 1);
	put8(f, 5);
	fill(f, 0, 4);
	eth(f, T_ARP);
	fill(f, 0, 28);
}

static void n_geneve_opt_tlv(struct fb *f)
{
	udp_tunnel(f, 6081, h_geneve_opt_tlv);
}

static void h_geneve_version(struct fb *f)
{
	put8(f, 0x40);
	put8(f, 0);
	put16(f, T_TEB);
	put32(f, 1 << 8);
}

static void n_geneve_version(struct fb *f)
{
	udp_tunnel(f, 6081, h_geneve_version);
}

static void h_short7(struct fb *f)
{
	put8(f, 0x08);
	fill(f, 0, 6);
}

static void n_geneve_cut(struct fb *f)
{
	udp_tunnel(f, 6081, h_short7);
}

static void n_vxlan_cut(struct fb *f)
{
	udp_tunnel(f, 4789, h_short7);
}

static void n_gpe_cut(struct fb *f)
{
	udp_tunnel(f, 4790, h_short7);
}

static void n_gre_udp_cut(struct fb *f)
{
	udp_tunnel(f, 4754, h_short7);	/* GRE flags 0x0800: s bit */
}

/* RFC 7348 5: the I flag must be set */
static void h_vxlan_noi(struct fb *f)
{
	put32(f, 0);
	put32(f, 1 << 8);
	eth(f, T_ARP);
}

static void n_vxlan_flags(struct fb *f)
{
	udp_tunnel(f, 4789, h_vxlan_noi);
}

static void h_gpe_ver(struct fb *f)
{
	put32(f, 0x1c000001);
	put32(f, 1 << 8);
}

static void n_gpe_version(struct fb *f)
{
	udp_tunnel(f, 4790, h_gpe_ver);
}

static void h_gpe_nop(struct fb *f)
{
	put32(f, 0x08000001);
	put32(f, 1 << 8);
}

static void n_gpe_flags(struct fb *f)
{
	udp_tunnel(f, 4790, h_gpe_nop);
}

/* RFC 2784 2.3.1: the routing-present bit must be clear */
static void n_gre_flags(struct fb *f)
{
	size_t a;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 47);
	gre(f, 0x4000, T_IP, 0, 0);
	fill(f, 0, 8);
	ip4_end(f, a);
}

/* C, K and S announced: 16 bytes, 8 present */
static void n_gre_cut(struct fb *f)
{
	size_t a;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 47);
	put16(f, 0xb000);
	put16(f, T_IP);
	put32(f, 0);
	ip4_end(f, a);
}

/* Inner headers are held to the same rules. */
static size_t vxlan_inner_base(struct fb *f, size_t *t)
{
	size_t a, u, b;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 17);
	u = udp(f, 4789);
	vxlan(f, 1);
	eth(f, T_IP);
	b = ip4(f, 5, 0, 6);
	*t = tcp(f, 5, TCP_ACK);
	ip4_end(f, b);
	udp_end(f, u);
	ip4_end(f, a);
	return b;
}

static void n_inner_ihl(struct fb *f)
{
	size_t t, b = vxlan_inner_base(f, &t);

	set8(f, b, 0x44);
}

static void n_inner_doff(struct fb *f)
{
	size_t t;

	vxlan_inner_base(f, &t);
	set8(f, t + 12, 0x30);
}

/* The inner IPv4 length runs past the UDP datagram. */
static void n_inner_tot(struct fb *f)
{
	size_t t, b = vxlan_inner_base(f, &t);

	set16(f, b + 2, 41);
}

static void h_eth_cut(struct fb *f)
{
	vxlan(f, 1);
	fill(f, 0, 10);
}

static void n_inner_eth_cut(struct fb *f)
{
	udp_tunnel(f, 4789, h_eth_cut);
}

struct ncase {
	const char *name;
	void (*build)(struct fb *f);
	enum vnet_parse_err err;
};

static const struct ncase bad[] = {
	{ "short ethernet", n_short_eth, VNET_PARSE_ERR_TRUNC_L2 },
	{ "vlan tag truncated", n_vlan_cut, VNET_PARSE_ERR_TRUNC_VLAN },
	{ "second tag truncated", n_qinq_cut, VNET_PARSE_ERR_TRUNC_VLAN },
	{ "ipv4 version 6", n_ip4_version, VNET_PARSE_ERR_IPV4_VERSION },
	{ "ihl < 5", n_ip4_ihl_small, VNET_PARSE_ERR_IPV4_IHL },
	{ "ihl beyond frame", n_ip4_ihl_beyond, VNET_PARSE_ERR_IPV4_IHL },
	{ "total len < ihl", n_ip4_tot_small, VNET_PARSE_ERR_IPV4_TOTAL_LEN },
	{ "total len > frame", n_ip4_tot_big, VNET_PARSE_ERR_IPV4_TOTAL_LEN },
	{ "ipv4 truncated", n_ip4_cut, VNET_PARSE_ERR_TRUNC_IPV4 },
	{ "tcp doff < 5", n_tcp_doff_small, VNET_PARSE_ERR_TCP_DOFF },
	{ "tcp doff beyond", n_tcp_doff_beyond, VNET_PARSE_ERR_TCP_DOFF },
	{ "tcp truncated", n_tcp_cut, VNET_PARSE_ERR_TRUNC_TCP },
	{ "tcp past ip datagram", n_tcp_past_ip, VNET_PARSE_ERR_TRUNC_TCP },
	{ "udp past ip datagram", n_udp_past_ip, VNET_PARSE_ERR_TRUNC_UDP },
	{ "ext past ip6 datagram", n_ext_past_ip6,
	  VNET_PARSE_ERR_TRUNC_IPV6_EXT },
	{ "vxlan past udp datagram", n_vxlan_past_udp,
	  VNET_PARSE_ERR_TRUNC_VXLAN },
	{ "inner ip past udp datagram", n_inner_ip_past_udp,
	  VNET_PARSE_ERR_TRUNC_IPV4 },
	{ "udp len < 8", n_udp_len_small, VNET_PARSE_ERR_UDP_LEN },
	{ "udp len beyond", n_udp_len_big, VNET_PARSE_ERR_UDP_LEN },
	{ "udp truncated", n_udp_cut, VNET_PARSE_ERR_TRUNC_UDP },
	{ "ipv6 version 4", n_ip6_version, VNET_PARSE_ERR_IPV6_VERSION },
	{ "ipv6 plen > frame", n_ip6_plen_big,
	  VNET_PARSE_ERR_IPV6_PAYLOAD_LEN },
	{ "ipv6 truncated", n_ip6_cut, VNET_PARSE_ERR_TRUNC_IPV6 },
	{ "ipv6 jumbogram", n_ip6_jumbo, VNET_PARSE_ERR_IPV6_JUMBO },
	{ "ext chain > cap", n_ip6_chain, VNET_PARSE_ERR_IPV6_EXT_CHAIN },
	{ "ext header truncated", n_ip6_ext_cut,
	  VNET_PARSE_ERR_TRUNC_IPV6_EXT },
	{ "hbh not first", n_ip6_hbh_order, VNET_PARSE_ERR_IPV6_HBH_ORDER },
	{ "option past header", n_ip6_opt_len, VNET_PARSE_ERR_IPV6_OPT_LEN },
	{ "option length cut", n_ip6_opt_cut, VNET_PARSE_ERR_IPV6_OPT_LEN },
	{ "hao length", n_ip6_hao_len, VNET_PARSE_ERR_IPV6_HAO_LEN },
	{ "rt2 length", n_ip6_rt2_len, VNET_PARSE_ERR_IPV6_RT2_LEN },
	{ "ah length", n_ip6_ah_len, VNET_PARSE_ERR_IPV6_AH_LEN },
	{ "geneve opts beyond", n_geneve_opt_beyond,
	  VNET_PARSE_ERR_GENEVE_OPT_LEN },
	{ "geneve option tlv", n_geneve_opt_tlv,
	  VNET_PARSE_ERR_GENEVE_OPT_LEN },
	{ "geneve version", n_geneve_version, VNET_PARSE_ERR_GENEVE_VERSION },
	{ "geneve truncated", n_geneve_cut, VNET_PARSE_ERR_TRUNC_GENEVE },
	{ "vxlan truncated", n_vxlan_cut, VNET_PARSE_ERR_TRUNC_VXLAN },
	{ "vxlan I flag", n_vxlan_flags, VNET_PARSE_ERR_VXLAN_FLAGS },
	{ "gpe truncated", n_gpe_cut, VNET_PARSE_ERR_TRUNC_VXLAN_GPE },
	{ "gpe version", n_gpe_version, VNET_PARSE_ERR_VXLAN_GPE_VERSION },
	{ "gpe P flag", n_gpe_flags, VNET_PARSE_ERR_VXLAN_GPE_FLAGS },
	{ "gre reserved bit", n_gre_flags, VNET_PARSE_ERR_GRE_FLAGS },
	{ "gre-in-udp reserved bit", n_gre_udp_cut, VNET_PARSE_ERR_GRE_FLAGS },
	{ "gre truncated", n_gre_cut, VNET_PARSE_ERR_TRUNC_GRE },
	{ "inner ihl < 5", n_inner_ihl, VNET_PARSE_ERR_IPV4_IHL },
	{ "inner tcp doff", n_inner_doff, VNET_PARSE_ERR_TCP_DOFF },
	{ "inner total len", n_inner_tot, VNET_PARSE_ERR_IPV4_TOTAL_LEN },
	{ "inner eth truncated", n_inner_eth_cut, VNET_PARSE_ERR_TRUNC_L2 },
};

static void test_malformed(void **state)
{
	struct vnet_parse_result r, r2;
	struct fb f;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&f, 0, sizeof(f));
		bad[i].build(&f);
		ret = parse_split(f.b, f.len, SPLIT_ONE, NULL, &r);
		if (ret != -(int)bad[i].err)
			fail_msg("%s: got %s, want %s", bad[i].name,
				 vnet_parse_err_name(ret),
				 vnet_parse_err_name(bad[i].err));
		/* Same verdict, byte by byte. */
		EQ(bad[i].name, "1-byte segments",
		   parse_split(f.b, f.len, SPLIT_BYTES, NULL, &r2), ret);
	}
}

/* GRE-in-UDP with 3 bytes of GRE header: truncated, not misread. */
static void test_gre_udp_truncated(void **state)
{
	struct vnet_parse_result r;
	struct fb f = { .len = 0 };
	size_t a, u;

	eth(&f, T_IP);
	a = ip4(&f, 5, 0, 17);
	u = udp(&f, 4754);
	put16(&f, 0);
	put8(&f, 0x08);
	udp_end(&f, u);
	ip4_end(&f, a);
	assert_int_equal(parse_split(f.b, f.len, SPLIT_ONE, NULL, &r),
			 -VNET_PARSE_ERR_TRUNC_GRE);
}

/* ---- configuration ---- */

static void build_vxlan_port(struct fb *f, unsigned int port)
{
	size_t a, u, b;

	memset(f, 0, sizeof(*f));
	eth(f, T_IP);
	a = ip4(f, 5, 0, 17);
	u = udp(f, port);
	vxlan(f, 3);
	eth(f, T_IP);
	b = ip4(f, 5, 0, 6);
	tcp(f, 5, TCP_ACK);
	ip4_end(f, b);
	udp_end(f, u);
	ip4_end(f, a);
}

static int parse_fb(const struct fb *f, const struct vnet_parse_config *cfg,
		    struct vnet_parse_result *r)
{
	return parse_split(f->b, f->len, SPLIT_ONE, cfg, r);
}

static void test_config_defaults(void **state)
{
	struct vnet_parse_config cfg;
	struct vnet_parse_result r1, r2;
	struct fb f;

	vnet_parse_config_init(&cfg);
	assert_int_equal(cfg.vxlan_ports[0], 4789);
	assert_int_equal(cfg.vxlan_gpe_ports[0], 4790);
	assert_int_equal(cfg.geneve_ports[0], 6081);
	assert_int_equal(cfg.gre_udp_ports[0], 4754);
	assert_int_equal(cfg.vxlan_ports[1], 0);
	assert_int_equal(cfg.flags, VNET_PARSE_F_DEFAULT);
	assert_int_equal(cfg.ipv6_ext_max, VNET_PARSE_IPV6_EXT_MAX);

	/* NULL means the defaults. */
	build_vxlan_port(&f, 4789);
	assert_int_equal(parse_fb(&f, NULL, &r1), 0);
	assert_int_equal(parse_fb(&f, &cfg, &r2), 0);
	assert_memory_equal(&r1, &r2, sizeof(r1));
}

static void test_config_ports(void **state)
{
	struct vnet_parse_config cfg;
	struct vnet_parse_result r;
	struct fb f;

	/* Linux's historical VXLAN port, as an extra port. */
	vnet_parse_config_init(&cfg);
	build_vxlan_port(&f, 8472);
	assert_int_equal(parse_fb(&f, &cfg, &r), 0);
	assert_int_equal(r.tunnel.type, VNET_TUNNEL_NONE);
	cfg.vxlan_ports[1] = 8472;
	assert_int_equal(parse_fb(&f, &cfg, &r), 0);
	assert_int_equal(r.tunnel.type, VNET_TUNNEL_VXLAN);
	assert_int_equal(r.inner.l4, VNET_L4_TCP);
	assert_int_equal(r.inner.l4_off, 84);

	/* Instead of the standard one: 4789 is then plain UDP. */
	cfg.vxlan_ports[0] = 0;
	build_vxlan_port(&f, 4789);
	assert_int_equal(parse_fb(&f, &cfg, &r), 0);
	assert_int_equal(r.tunnel.type, VNET_TUNNEL_NONE);
	assert_false(r.inner.present);

	/* A port of another list takes that list's type. */
	cfg.geneve_ports[3] = 4789;
	assert_int_equal(parse_fb(&f, &cfg, &r),
			 -VNET_PARSE_ERR_GENEVE_OPT_LEN);
}

static void test_config_flags(void **state)
{
	struct vnet_parse_config cfg;
	struct vnet_parse_result r;
	struct fb f;

	/* Without F_INNER: the tunnel is recognised, not entered. */
	vnet_parse_config_init(&cfg);
	cfg.flags &= ~VNET_PARSE_F_INNER;
	build_vxlan_port(&f, 4789);
	assert_int_equal(parse_fb(&f, &cfg, &r), 0);
	assert_int_equal(r.tunnel.type, VNET_TUNNEL_VXLAN);
	assert_int_equal(r.tunnel.vni, 3);
	assert_false(r.inner.present);

	/* Without F_GRE: IP protocol 47 is just another protocol. */
	vnet_parse_config_init(&cfg);
	cfg.flags &= ~VNET_PARSE_F_GRE;
	memset(&f, 0, sizeof(f));
	b_gre4_ip4_tcp(&f);
	assert_int_equal(parse_fb(&f, &cfg, &r), 0);
	assert_int_equal(r.tunnel.type, VNET_TUNNEL_NONE);
	assert_int_equal(r.outer.l4, VNET_L4_OTHER);
	assert_int_equal(r.outer.l4_proto, 47);

	/* Without F_IPIP. */
	vnet_parse_config_init(&cfg);
	cfg.flags &= ~VNET_PARSE_F_IPIP;
	memset(&f, 0, sizeof(f));
	b_ipip4_tcp(&f);
	assert_int_equal(parse_fb(&f, &cfg, &r), 0);
	assert_int_equal(r.tunnel.type, VNET_TUNNEL_NONE);
	assert_false(r.inner.present);
}

static void build_chain(struct fb *f, unsigned int n)
{
	size_t a;
	unsigned int i;

	memset(f, 0, sizeof(*f));
	eth(f, T_IP6);
	a = ip6(f, n ? 60 : 6);
	for (i = 0; i < n; i++)
		ext(f, i + 1 < n ? 60 : 6, 0);
	tcp(f, 5, TCP_ACK);
	ip6_end(f, a);
}

static void test_config_ext_cap(void **state)
{
	struct vnet_parse_config cfg;
	struct vnet_parse_result r;
	struct fb f;

	vnet_parse_config_init(&cfg);
	build_chain(&f, 8);	/* repeats are legal: RFC 8200 4.1 */
	assert_int_equal(parse_fb(&f, &cfg, &r), 0);
	assert_int_equal(r.outer.ipv6.ext_count, 8);
	assert_int_equal(r.outer.l4_off, 54 + 64);
	build_chain(&f, 9);
	assert_int_equal(parse_fb(&f, &cfg, &r),
			 -VNET_PARSE_ERR_IPV6_EXT_CHAIN);

	cfg.ipv6_ext_max = 2;
	build_chain(&f, 2);
	assert_int_equal(parse_fb(&f, &cfg, &r), 0);
	build_chain(&f, 3);
	assert_int_equal(parse_fb(&f, &cfg, &r),
			 -VNET_PARSE_ERR_IPV6_EXT_CHAIN);

	cfg.ipv6_ext_max = 0;
	build_chain(&f, 0);
	assert_int_equal(parse_fb(&f, &cfg, &r), 0);
	build_chain(&f, 1);
	assert_int_equal(parse_fb(&f, &cfg, &r),
			 -VNET_PARSE_ERR_IPV6_EXT_CHAIN);
}

static void test_err_names(void **state)
{
	const char *names[VNET_PARSE_ERR_END - VNET_PARSE_ERR_BASE];
	int e, k;

	assert_string_equal(vnet_parse_err_name(0), "ok");
	assert_string_equal(vnet_parse_err_name(-1), "unknown");
	assert_string_equal(vnet_parse_err_name(-VNET_PARSE_ERR_END),
			    "unknown");
	assert_string_equal(vnet_parse_err_name(-VNET_PARSE_ERR_IPV4_IHL),
			    "ipv4-ihl");
	assert_string_equal(vnet_parse_err_name(VNET_PARSE_ERR_IPV4_IHL),
			    "ipv4-ihl");
	assert_string_equal(vnet_parse_err_name(-VNET_PARSE_ERR_IPV6_EXT_CHAIN),
			    "ipv6-ext-chain-too-long");
	for (e = VNET_PARSE_ERR_BASE; e < VNET_PARSE_ERR_END; e++) {
		names[e - VNET_PARSE_ERR_BASE] = vnet_parse_err_name(-e);
		assert_string_not_equal(names[e - VNET_PARSE_ERR_BASE],
					"unknown");
		for (k = VNET_PARSE_ERR_BASE; k < e; k++)
			assert_string_not_equal(names[k - VNET_PARSE_ERR_BASE],
						names[e - VNET_PARSE_ERR_BASE]);
	}
}

/* ---- random damage: never a bad read, segments never change a thing ---- */

static void check_within(const char *name, const struct vnet_parse_layer *l,
			 size_t len)
{
	if (!l->present)
		return;
	if (l->l3_off > len || l->payload_off > len ||
	    l->payload_len > len - l->payload_off || l->l4_off > len)
		fail_msg("%s: offsets past the frame", name);
}

static void test_mutations(void **state)
{
	struct vnet_parse_result r1, r2;
	struct fb f;
	size_t i, k, m, nflip;
	int ret;

	for (i = 0; i < NCASES; i++) {
		for (k = 0; k < 200; k++) {
			memset(&f, 0, sizeof(f));
			cases[i].build(&f);
			nflip = 1 + rnd(3);
			for (m = 0; m < nflip; m++)
				f.b[rnd((unsigned int)f.len)] =
					(uint8_t)rnd(256);
			ret = parse_split(f.b, f.len, SPLIT_ONE, NULL, &r1);
			EQ(cases[i].name, "mutated over segments",
			   parse_split(f.b, f.len, SPLIT_RANDOM, NULL, &r2),
			   ret);
			if (memcmp(&r1, &r2, sizeof(r1)))
				fail_msg("%s: mutation %zu: segments differ",
					 cases[i].name, k);
			assert_string_not_equal(vnet_parse_err_name(ret),
						"unknown");
			if (ret)
				continue;
			check_within(cases[i].name, &r1.outer, f.len);
			check_within(cases[i].name, &r1.inner, f.len);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_truncated),
		cmocka_unit_test(test_table_segmented),
		cmocka_unit_test(test_tunnel_matrix),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_gre_udp_truncated),
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_config_ports),
		cmocka_unit_test(test_config_flags),
		cmocka_unit_test(test_config_ext_cap),
		cmocka_unit_test(test_err_names),
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
