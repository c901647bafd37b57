// SPDX-License-Identifier: MIT
/* parse.c - the parser's entry point: configuration, layers, error names */

#include <string.h>

#include "parse_priv.h"

static const struct vnet_parse_config parse_defaults = {
	.vxlan_ports = { VNET_PARSE_PORT_VXLAN },
	.vxlan_gpe_ports = { VNET_PARSE_PORT_VXLAN_GPE },
	.geneve_ports = { VNET_PARSE_PORT_GENEVE },
	.gre_udp_ports = { VNET_PARSE_PORT_GRE_UDP },
	.flags = VNET_PARSE_F_DEFAULT,
	.ipv6_ext_max = VNET_PARSE_IPV6_EXT_MAX,
};

#define E(name) [VNET_PARSE_ERR_##name - VNET_PARSE_ERR_BASE]
static const char *const parse_err_names[] = {
	E(TRUNC_L2) = "truncated-l2",
	E(TRUNC_VLAN) = "truncated-vlan",
	E(TRUNC_IPV4) = "truncated-ipv4",
	E(IPV4_VERSION) = "ipv4-version",
	E(IPV4_IHL) = "ipv4-ihl",
	E(IPV4_TOTAL_LEN) = "ipv4-total-len",
	E(TRUNC_IPV6) = "truncated-ipv6",
	E(IPV6_VERSION) = "ipv6-version",
	E(IPV6_PAYLOAD_LEN) = "ipv6-payload-len",
	E(IPV6_JUMBO) = "ipv6-jumbo",
	E(TRUNC_IPV6_EXT) = "truncated-ipv6-ext",
	E(IPV6_EXT_CHAIN) = "ipv6-ext-chain-too-long",
	E(IPV6_HBH_ORDER) = "ipv6-hbh-order",
	E(IPV6_OPT_LEN) = "ipv6-opt-len",
	E(IPV6_HAO_LEN) = "ipv6-hao-len",
	E(IPV6_RT2_LEN) = "ipv6-rt2-len",
	E(IPV6_AH_LEN) = "ipv6-ah-len",
	E(TRUNC_TCP) = "truncated-tcp",
	E(TCP_DOFF) = "tcp-doff",
	E(TRUNC_UDP) = "truncated-udp",
	E(UDP_LEN) = "udp-len",
	E(TRUNC_VXLAN) = "truncated-vxlan",
	E(VXLAN_FLAGS) = "vxlan-flags",
	E(TRUNC_VXLAN_GPE) = "truncated-vxlan-gpe",
	E(VXLAN_GPE_VERSION) = "vxlan-gpe-version",
	E(VXLAN_GPE_FLAGS) = "vxlan-gpe-flags",
	E(TRUNC_GENEVE) = "truncated-geneve",
	E(GENEVE_VERSION) = "geneve-version",
	E(GENEVE_OPT_LEN) = "geneve-opt-len",
	E(TRUNC_GRE) = "truncated-gre",
	E(GRE_FLAGS) = "gre-flags",
};
#undef E

_Static_assert(sizeof(parse_err_names) / sizeof(parse_err_names[0]) ==
	       VNET_PARSE_ERR_END - VNET_PARSE_ERR_BASE,
	       "every parse error has a name");

void vnet_parse_config_init(struct vnet_parse_config *cfg)
{
	*cfg = parse_defaults;
}

const char *vnet_parse_err_name(int err)
{
	const char *name;

	if (err < 0)
		err = -err;
	if (err == VNET_PARSE_OK)
		return "ok";
	if (err < VNET_PARSE_ERR_BASE || err >= VNET_PARSE_ERR_END)
		return "unknown";
	name = parse_err_names[err - VNET_PARSE_ERR_BASE];
	return name ? name : "unknown";
}

/**
 * parse_layer() - one layer: Ethernet (if @proto says so), L3, L4
 * @c:		parse in progress
 * @l:		layer to fill
 * @off:	where it starts
 * @proto:	0x6558 if it starts with Ethernet, else the ethertype of the
 *		L3 header at @off
 *
 * Return: 0 or -enum vnet_parse_err
 */
static int parse_layer(struct parse_ctx *c, struct vnet_parse_layer *l,
		       size_t off, uint16_t proto)
{
	int err = 0;

	l->present = true;
	l->l2_off = off;
	l->l3_off = off;
	l->ethertype = proto;
	if (proto == PARSE_ETH_P_TEB)
		err = parse_eth(c, l);
	if (err)
		return err;

	if (l->ethertype == PARSE_ETH_P_IP) {
		err = parse_ipv4(c, l);
	} else if (l->ethertype == PARSE_ETH_P_IPV6) {
		err = parse_ipv6(c, l);
	} else {
		l->l3 = VNET_L3_OTHER;	/* not ours to look into */
		parse_rest(c, l, l->l3_off);
		return 0;
	}
	if (err)
		return err;
	return parse_l4(c, l);
}

int vnet_parse(const struct vnet_pkt *pkt, const struct vnet_parse_config *cfg,
	       struct vnet_parse_result *res)
{
	struct parse_ctx c = {
		.pkt = pkt,
		.cfg = cfg ? cfg : &parse_defaults,
		.end = vnet_pkt_len(pkt),
	};
	const struct vnet_parse_tunnel *t = &res->tunnel;
	int err;

	memset(res, 0, sizeof(*res));
	err = parse_layer(&c, &res->outer, 0, PARSE_ETH_P_TEB);
	if (err)
		return err;
	err = parse_tunnel(&c, res);
	if (err || t->type == VNET_TUNNEL_NONE)
		return err;
	if (!(c.cfg->flags & VNET_PARSE_F_INNER))
		return 0;
	/* t->off + t->hdr_len <= c.end: the tunnel header was peeked whole. */
	return parse_layer(&c, &res->inner, t->off + t->hdr_len, t->proto);
}
