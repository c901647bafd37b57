// SPDX-License-Identifier: MIT
/* test_parse.c - the parser on a table of frames, each with its layers written out by hand: whole, cut at every length, over every segmentation, and damaged at random */

#include "parse_frames.h"

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
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
