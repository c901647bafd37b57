// SPDX-License-Identifier: MIT
/* test_parse_tunnel.c - UDP tunnels: VXLAN, VXLAN-GPE and Geneve over IPv4/IPv6 outside, IPv4/IPv6 and TCP/UDP inside */

#include "parse_frames.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tunnel_matrix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
