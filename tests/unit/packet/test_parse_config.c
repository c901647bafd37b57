// SPDX-License-Identifier: MIT
/* test_parse_config.c - the parser's configuration (tunnel ports, flags, IPv6 extension cap) and its error names */

#include "parse_frames.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_config_ports),
		cmocka_unit_test(test_config_flags),
		cmocka_unit_test(test_config_ext_cap),
		cmocka_unit_test(test_err_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
