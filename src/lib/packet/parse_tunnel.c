// SPDX-License-Identifier: MIT
/* parse_tunnel.c - tunnel headers: VXLAN, VXLAN-GPE, Geneve, GRE, IP-in-IP */

#include "parse_priv.h"

#define VXLAN_HLEN	8		/* RFC 7348 section 5 */
#define VXLAN_F_I	0x08		/* VNI valid */
#define GPE_F_P		0x04		/* next protocol present */
#define GPE_VER		0x30		/* version bits */
#define GENEVE_HLEN	8		/* RFC 8926 3.4 */
#define GENEVE_OPT_HLEN	4		/* RFC 8926 3.5 */
#define GRE_HLEN	4		/* RFC 2784 section 2.1 */
#define GRE_HLEN_MAX	16		/* with checksum, key, sequence */
#define GRE_C		0x8000		/* checksum present, RFC 2784 */
#define GRE_K		0x2000		/* key present, RFC 2890 */
#define GRE_S		0x1000		/* sequence present, RFC 2890 */
#define GRE_MBZ		0x4c00		/* R, s, Recur: RFC 2784 2.3.1 */
#define GRE_VER		0x0007

/**
 * port_in() - whether a port is in a configured list
 * @ports:	VNET_PARSE_PORTS_MAX entries, 0 unused
 * @port:	UDP destination port
 *
 * Return: true if listed
 */
static bool port_in(const uint16_t *ports, uint16_t port)
{
	unsigned int i;

	for (i = 0; i < VNET_PARSE_PORTS_MAX; i++)
		if (ports[i] && ports[i] == port)
			return true;
	return false;
}

/**
 * tunnel_udp_type() - tunnel type of a UDP destination port
 * @cfg:	configuration
 * @port:	UDP destination port
 *
 * Return: the type, VNET_TUNNEL_NONE if the port is no tunnel's
 */
static enum vnet_tunnel_type
tunnel_udp_type(const struct vnet_parse_config *cfg, uint16_t port)
{
	if (port_in(cfg->vxlan_ports, port))
		return VNET_TUNNEL_VXLAN;
	if (port_in(cfg->vxlan_gpe_ports, port))
		return VNET_TUNNEL_VXLAN_GPE;
	if (port_in(cfg->geneve_ports, port))
		return VNET_TUNNEL_GENEVE;
	if (port_in(cfg->gre_udp_ports, port))
		return VNET_TUNNEL_GRE_UDP;
	return VNET_TUNNEL_NONE;
}

/**
 * tunnel_classify() - which tunnel, if any, follows the outer layer
 * @cfg:	configuration
 * @o:		the outer layer, parsed
 *
 * Return: the type, VNET_TUNNEL_NONE if none
 */
static enum vnet_tunnel_type
tunnel_classify(const struct vnet_parse_config *cfg,
		const struct vnet_parse_layer *o)
{
	if (o->frag == VNET_FRAG_FIRST || o->frag == VNET_FRAG_LATER)
		return VNET_TUNNEL_NONE;	/* inner packet incomplete */
	if (o->l4 == VNET_L4_UDP)
		return tunnel_udp_type(cfg, o->dport);
	if (o->l4 != VNET_L4_OTHER)
		return VNET_TUNNEL_NONE;
	if (o->l4_proto == PARSE_IPPROTO_GRE && (cfg->flags & VNET_PARSE_F_GRE))
		return VNET_TUNNEL_GRE;
	if ((o->l4_proto == PARSE_IPPROTO_IPIP ||
	     o->l4_proto == PARSE_IPPROTO_IPV6) &&
	    (cfg->flags & VNET_PARSE_F_IPIP))
		return VNET_TUNNEL_IPIP;
	return VNET_TUNNEL_NONE;
}

/**
 * tunnel_vxlan() - VXLAN header (RFC 7348 section 5)
 * @c:		parse in progress
 * @t:		tunnel, off set
 *
 * Return: 0 or -enum vnet_parse_err
 */
static int tunnel_vxlan(struct parse_ctx *c, struct vnet_parse_tunnel *t)
{
	uint8_t s[VXLAN_HLEN];
	const uint8_t *p = parse_peek(c, t->off, VXLAN_HLEN, s);

	/* RFC 7348 5: an 8-byte header */
	if (!p)
		return parse_err(VNET_PARSE_ERR_TRUNC_VXLAN);
	/* RFC 7348 5: "The I flag MUST be set to 1 for a valid VNI" */
	if (!(p[0] & VXLAN_F_I))
		return parse_err(VNET_PARSE_ERR_VXLAN_FLAGS);
	t->hdr_len = VXLAN_HLEN;
	t->flags = p[0];
	t->vni = vnet_load_be32(p + 4) >> 8;
	t->proto = PARSE_ETH_P_TEB;
	return 0;
}

/**
 * gpe_proto() - ethertype of a VXLAN-GPE next protocol
 * @next:	next protocol field (draft-ietf-nvo3-vxlan-gpe, IANA)
 *
 * Return: the ethertype, or 0 for an unknown next protocol
 */
static uint16_t gpe_proto(uint8_t next)
{
	static const uint16_t map[] = {
		[1] = PARSE_ETH_P_IP,
		[2] = PARSE_ETH_P_IPV6,
		[3] = PARSE_ETH_P_TEB,
		[4] = PARSE_ETH_P_NSH,
		[5] = PARSE_ETH_P_MPLS,
	};

	return next < sizeof(map) / sizeof(map[0]) ? map[next] : 0;
}

/**
 * tunnel_vxlan_gpe() - VXLAN-GPE header (draft-ietf-nvo3-vxlan-gpe 3.2)
 * @c:		parse in progress
 * @t:		tunnel, off set
 *
 * Return: 0 or -enum vnet_parse_err
 */
static int tunnel_vxlan_gpe(struct parse_ctx *c, struct vnet_parse_tunnel *t)
{
	uint8_t s[VXLAN_HLEN];
	const uint8_t *p = parse_peek(c, t->off, VXLAN_HLEN, s);

	/* draft-ietf-nvo3-vxlan-gpe 3.2: an 8-byte header */
	if (!p)
		return parse_err(VNET_PARSE_ERR_TRUNC_VXLAN_GPE);
	/* 3.2: version 0 is the only one defined */
	if (p[0] & GPE_VER)
		return parse_err(VNET_PARSE_ERR_VXLAN_GPE_VERSION);
	/* 3.2: P MUST be 1: the next protocol field is present */
	if (!(p[0] & GPE_F_P))
		return parse_err(VNET_PARSE_ERR_VXLAN_GPE_FLAGS);
	t->hdr_len = VXLAN_HLEN;
	t->flags = p[0];
	t->gpe_next = p[3];
	t->vni = vnet_load_be32(p + 4) >> 8;
	t->proto = gpe_proto(p[3]);
	return 0;
}

/**
 * geneve_opts() - check that the Geneve options tile their area exactly
 * @c:		parse in progress
 * @off:	offset of the first option
 * @len:	options length, whose bytes fit
 *
 * RFC 8926 3.5: each option is a 4-byte header and 4 * Length bytes.
 * Bounded: each option takes at least 4 of at most 252 bytes.
 *
 * Return: 0 or -enum vnet_parse_err
 */
static int geneve_opts(struct parse_ctx *c, size_t off, size_t len)
{
	uint8_t s[GENEVE_OPT_HLEN];
	const uint8_t *p;
	size_t pos, olen = 0;

	for (pos = 0; pos < len; pos += olen) {
		/* an option header cut by the end of the options */
		if (len - pos < GENEVE_OPT_HLEN)
			return parse_err(VNET_PARSE_ERR_GENEVE_OPT_LEN);
		p = parse_peek(c, off + pos, GENEVE_OPT_HLEN, s);
		if (!p)
			return parse_err(VNET_PARSE_ERR_TRUNC_GENEVE);
		olen = GENEVE_OPT_HLEN + (size_t)(p[3] & 0x1f) * 4;
		/* an option's data runs past the options */
		if (olen > len - pos)
			return parse_err(VNET_PARSE_ERR_GENEVE_OPT_LEN);
	}
	return 0;
}

/**
 * tunnel_geneve() - Geneve header and options (RFC 8926 3.4, 3.5)
 * @c:		parse in progress
 * @t:		tunnel, off set
 *
 * Return: 0 or -enum vnet_parse_err
 */
static int tunnel_geneve(struct parse_ctx *c, struct vnet_parse_tunnel *t)
{
	uint8_t s[GENEVE_HLEN];
	const uint8_t *p = parse_peek(c, t->off, GENEVE_HLEN, s);
	size_t optlen;
	uint8_t vlen;

	/* RFC 8926 3.4: an 8-byte fixed header */
	if (!p)
		return parse_err(VNET_PARSE_ERR_TRUNC_GENEVE);
	vlen = p[0];
	/* RFC 8926 3.4: an unknown version MUST be dropped */
	if (vlen >> 6)
		return parse_err(VNET_PARSE_ERR_GENEVE_VERSION);
	optlen = (size_t)(vlen & 0x3f) * 4;
	/* RFC 8926 3.4: options run past the UDP datagram */
	if (!parse_fits(c, t->off + GENEVE_HLEN, optlen))
		return parse_err(VNET_PARSE_ERR_GENEVE_OPT_LEN);
	t->hdr_len = GENEVE_HLEN + optlen;
	t->flags = p[1] & 0xc0;
	t->proto = vnet_load_be16(p + 2);
	t->vni = vnet_load_be32(p + 4) >> 8;
	t->geneve_opt_len = (uint16_t)optlen;
	return geneve_opts(c, t->off + GENEVE_HLEN, optlen);
}

/**
 * gre_hdr_len() - length of a GRE header from its flags
 * @flags:	first 16 bits
 *
 * Return: 4, plus 4 for each of checksum (+ reserved1), key, sequence
 */
static size_t gre_hdr_len(uint16_t flags)
{
	size_t len = GRE_HLEN;

	if (flags & GRE_C)
		len += 4;
	if (flags & GRE_K)
		len += 4;
	if (flags & GRE_S)
		len += 4;
	return len;
}

/**
 * tunnel_gre() - GRE header (RFC 2784 section 2, RFC 2890 section 2)
 * @c:		parse in progress
 * @t:		tunnel, off and type set; type reset to NONE for version 1
 *
 * Version 1 is PPTP's enhanced GRE (RFC 2637), another protocol: no tunnel.
 *
 * Return: 0 or -enum vnet_parse_err
 */
static int tunnel_gre(struct parse_ctx *c, struct vnet_parse_tunnel *t)
{
	uint8_t s[GRE_HLEN_MAX];
	const uint8_t *p = parse_peek(c, t->off, GRE_HLEN, s);
	size_t pos = GRE_HLEN;
	uint16_t flags;

	/* RFC 2784 2.1: flags, version and protocol type */
	if (!p)
		return parse_err(VNET_PARSE_ERR_TRUNC_GRE);
	flags = vnet_load_be16(p);
	if (flags & GRE_VER) {
		t->type = VNET_TUNNEL_NONE;	/* not RFC 2784 GRE */
		t->off = 0;
		return 0;
	}
	/* RFC 2784 2.3.1: discard if bits 1-5 are set (K, S: RFC 2890) */
	if (flags & GRE_MBZ)
		return parse_err(VNET_PARSE_ERR_GRE_FLAGS);
	/* RFC 2890 2: the optional fields the flags announce */
	p = parse_peek(c, t->off, gre_hdr_len(flags), s);
	if (!p)
		return parse_err(VNET_PARSE_ERR_TRUNC_GRE);
	t->hdr_len = gre_hdr_len(flags);
	t->gre_flags = flags;
	t->proto = vnet_load_be16(p + 2);
	t->gre_has_csum = flags & GRE_C;
	pos += t->gre_has_csum ? 4 : 0;
	t->gre_has_key = flags & GRE_K;
	if (t->gre_has_key) {
		t->gre_key = vnet_load_be32(p + pos);
		pos += 4;
	}
	t->gre_has_seq = flags & GRE_S;
	if (t->gre_has_seq)
		t->gre_seq = vnet_load_be32(p + pos);
	return 0;
}

/**
 * tunnel_ipip() - IP directly in IP: no header of its own
 * @o:		outer layer
 * @t:		tunnel, off set
 *
 * Return: 0
 */
static int tunnel_ipip(const struct vnet_parse_layer *o,
		       struct vnet_parse_tunnel *t)
{
	t->hdr_len = 0;
	t->proto = o->l4_proto == PARSE_IPPROTO_IPIP ? PARSE_ETH_P_IP :
						       PARSE_ETH_P_IPV6;
	return 0;
}

int parse_tunnel(struct parse_ctx *c, struct vnet_parse_result *r)
{
	struct vnet_parse_tunnel *t = &r->tunnel;

	t->type = tunnel_classify(c->cfg, &r->outer);
	t->off = r->outer.payload_off;
	switch (t->type) {
	case VNET_TUNNEL_NONE:
		t->off = 0;
		return 0;
	case VNET_TUNNEL_VXLAN:
		return tunnel_vxlan(c, t);
	case VNET_TUNNEL_VXLAN_GPE:
		return tunnel_vxlan_gpe(c, t);
	case VNET_TUNNEL_GENEVE:
		return tunnel_geneve(c, t);
	case VNET_TUNNEL_GRE:
	case VNET_TUNNEL_GRE_UDP:
		return tunnel_gre(c, t);
	case VNET_TUNNEL_IPIP:
		return tunnel_ipip(&r->outer, t);
	}
	return 0;
}
