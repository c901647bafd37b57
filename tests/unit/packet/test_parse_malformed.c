// SPDX-License-Identifier: MIT
/* test_parse_malformed.c - malformed frames: each refused with the reason that names it, never read past its end */

#include "parse_frames.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_gre_udp_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
