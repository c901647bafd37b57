// SPDX-License-Identifier: MIT
/* parse_ipv6.c - IPv6 header and extension header chain (RFC 8200, 6275) */

#include <string.h>

#include "parse_priv.h"

#define IPV6_HLEN	40		/* RFC 8200 section 3 */
#define IPV6_ADDR_LEN	16

/* Next Header values of extension headers (RFC 8200 section 4) */
#define NH_HBH		0
#define NH_ROUTING	43
#define NH_FRAG		44
#define NH_AH		51
#define NH_DSTOPTS	60

#define OPT_PAD1	0		/* RFC 8200 4.2: a lone zero byte */
#define OPT_HAO		0xc9		/* RFC 6275 6.3: home address */
#define RT_TYPE2	2		/* RFC 6275 6.4 */

/**
 * struct ipv6_walk - position in an extension header chain
 * @off:	offset of the current header
 * @next:	its type (the previous header's Next Header)
 * @n:		headers walked so far
 */
struct ipv6_walk {
	size_t off;
	uint8_t next;
	unsigned int n;
};

/**
 * ipv6_ext_bit() - the VNET_IPV6_EXT_* bit of an extension header
 * @next:	Next Header value
 *
 * ESP (50), No Next Header (59), Mobility (135) and the rest end the
 * chain: the parse reports them as the L4 protocol.
 *
 * Return: the bit, or 0 if @next is not an extension header we walk
 */
static uint8_t ipv6_ext_bit(uint8_t next)
{
	switch (next) {
	case NH_HBH:
		return VNET_IPV6_EXT_HBH;
	case NH_ROUTING:
		return VNET_IPV6_EXT_ROUTING;
	case NH_FRAG:
		return VNET_IPV6_EXT_FRAG;
	case NH_DSTOPTS:
		return VNET_IPV6_EXT_DSTOPTS;
	case NH_AH:
		return VNET_IPV6_EXT_AH;
	}
	return 0;
}

/**
 * ipv6_ext_len() - length of an extension header from its length byte
 * @next:	its type
 * @len:	its second byte
 *
 * Return: bytes: fragment 8 (RFC 8200 4.5); AH (@len + 2) * 4 (RFC 4302
 * 2.2); the others (@len + 1) * 8 (RFC 8200 4.3, 4.4, 4.6)
 */
static size_t ipv6_ext_len(uint8_t next, uint8_t len)
{
	if (next == NH_FRAG)
		return 8;
	if (next == NH_AH)
		return ((size_t)len + 2) * 4;
	return ((size_t)len + 1) * 8;
}

/**
 * ipv6_routing() - a routing header; keep the address of a type 2
 * @c:		parse in progress
 * @l:		layer
 * @off:	offset of the header, whose @hlen bytes fit
 * @hlen:	its length
 *
 * Only the first type 2 header's address is kept. Other types carry
 * nothing an offload needs and are stepped over.
 *
 * Return: 0 or -enum vnet_parse_err
 */
static int ipv6_routing(struct parse_ctx *c, struct vnet_parse_layer *l,
			size_t off, size_t hlen)
{
	uint8_t s[IPV6_ADDR_LEN];
	const uint8_t *p = parse_peek(c, off, 4, s);

	if (!p)
		return parse_err(VNET_PARSE_ERR_TRUNC_IPV6_EXT);
	if (p[2] != RT_TYPE2 || l->ipv6.has_rt2)
		return 0;
	/* RFC 6275 6.4: Hdr Ext Len 2: 8 bytes, then the home address */
	if (hlen != 8 + IPV6_ADDR_LEN)
		return parse_err(VNET_PARSE_ERR_IPV6_RT2_LEN);
	p = parse_peek(c, off + 8, IPV6_ADDR_LEN, s);
	if (!p)
		return parse_err(VNET_PARSE_ERR_TRUNC_IPV6_EXT);
	memcpy(l->ipv6.rt2_addr, p, IPV6_ADDR_LEN);
	l->ipv6.has_rt2 = true;
	return 0;
}

/**
 * ipv6_frag() - a fragment header: offset, M flag, identification
 * @c:		parse in progress
 * @l:		layer
 * @off:	offset of the header, whose 8 bytes fit
 *
 * RFC 8200 4.5; offset 0 with M clear is an atomic fragment (RFC 6946).
 * A later header of the same kind overrides an earlier one.
 *
 * Return: 0 or -enum vnet_parse_err
 */
static int ipv6_frag(struct parse_ctx *c, struct vnet_parse_layer *l,
		     size_t off)
{
	uint8_t s[8];
	const uint8_t *p = parse_peek(c, off, sizeof(s), s);
	uint16_t field;

	if (!p)
		return parse_err(VNET_PARSE_ERR_TRUNC_IPV6_EXT);
	field = vnet_load_be16(p + 2);
	l->ipv6.frag_hdr_off = off;
	l->ipv6.frag_off = field & 0xfff8;
	l->ipv6.frag_more = field & 1;
	l->ipv6.frag_id = vnet_load_be32(p + 4);
	if (l->ipv6.frag_off)
		l->frag = VNET_FRAG_LATER;
	else if (l->ipv6.frag_more)
		l->frag = VNET_FRAG_FIRST;
	else
		l->frag = VNET_FRAG_ATOMIC;
	return 0;
}

/**
 * ipv6_hao() - a home address option: copy the address
 * @c:		parse in progress
 * @l:		layer
 * @off:	offset of the option type byte
 * @dlen:	its Opt Data Len, whose bytes fit
 *
 * Only the first home address option is kept.
 *
 * Return: 0 or -enum vnet_parse_err
 */
static int ipv6_hao(struct parse_ctx *c, struct vnet_parse_layer *l,
		    size_t off, uint8_t dlen)
{
	uint8_t s[IPV6_ADDR_LEN];
	const uint8_t *p;

	/* RFC 6275 6.3: Option Length 16, the home address */
	if (dlen != IPV6_ADDR_LEN)
		return parse_err(VNET_PARSE_ERR_IPV6_HAO_LEN);
	if (l->ipv6.has_hao)
		return 0;
	p = parse_peek(c, off + 2, IPV6_ADDR_LEN, s);
	if (!p)
		return parse_err(VNET_PARSE_ERR_TRUNC_IPV6_EXT);
	memcpy(l->ipv6.home_addr, p, IPV6_ADDR_LEN);
	l->ipv6.has_hao = true;
	return 0;
}

/**
 * ipv6_option() - one TLV option of a destination options header
 * @c:		parse in progress
 * @l:		layer
 * @off:	offset of the option
 * @room:	bytes left in the header from @off, at least 1
 * @olen:	the option's length in bytes, on success
 *
 * RFC 8200 4.2: Pad1 is one byte; every other option is type, length,
 * data, and must end inside its header.
 *
 * Return: 0 or -enum vnet_parse_err
 */
static int ipv6_option(struct parse_ctx *c, struct vnet_parse_layer *l,
		       size_t off, size_t room, size_t *olen)
{
	uint8_t s[2], type, dlen;
	const uint8_t *p = parse_peek(c, off, room < 2 ? 1 : 2, s);

	if (!p)
		return parse_err(VNET_PARSE_ERR_TRUNC_IPV6_EXT);
	type = p[0];
	if (type == OPT_PAD1) {
		*olen = 1;
		return 0;
	}
	/* the header ends between type and length */
	if (room < 2)
		return parse_err(VNET_PARSE_ERR_IPV6_OPT_LEN);
	dlen = p[1];
	*olen = 2 + (size_t)dlen;
	/* the option's data runs past its header */
	if (*olen > room)
		return parse_err(VNET_PARSE_ERR_IPV6_OPT_LEN);
	if (type == OPT_HAO)
		return ipv6_hao(c, l, off, dlen);
	return 0;
}

/**
 * ipv6_dstopts() - walk the options of a destination options header
 * @c:		parse in progress
 * @l:		layer
 * @off:	offset of the header, whose @hlen bytes fit
 * @hlen:	its length
 *
 * Bounded: each option takes at least one byte of at most 2048.
 *
 * Return: 0 or -enum vnet_parse_err
 */
static int ipv6_dstopts(struct parse_ctx *c, struct vnet_parse_layer *l,
			size_t off, size_t hlen)
{
	size_t pos, olen = 0;
	int err;

	for (pos = 2; pos < hlen; pos += olen) {
		err = ipv6_option(c, l, off + pos, hlen - pos, &olen);
		if (err)
			return err;
	}
	return 0;
}

/**
 * ipv6_ext() - one extension header: check it fits, take its facts, step
 * @c:		parse in progress
 * @l:		layer
 * @w:		walk position, moved past the header
 *
 * Return: 0 or -enum vnet_parse_err
 */
static int ipv6_ext(struct parse_ctx *c, struct vnet_parse_layer *l,
		    struct ipv6_walk *w)
{
	uint8_t s[2];
	const uint8_t *p = parse_peek(c, w->off, sizeof(s), s);
	uint8_t type = w->next, next;
	size_t hlen;
	int err = 0;

	/* RFC 8200 4: Next Header and length open every header */
	if (!p)
		return parse_err(VNET_PARSE_ERR_TRUNC_IPV6_EXT);
	next = p[0];
	hlen = ipv6_ext_len(type, p[1]);
	/* RFC 8200 4.1: hop-by-hop only right after the IPv6 header */
	if (type == NH_HBH && w->n)
		return parse_err(VNET_PARSE_ERR_IPV6_HBH_ORDER);
	/* RFC 4302 2.2: next, length, reserved, SPI, sequence at least */
	if (type == NH_AH && hlen < 12)
		return parse_err(VNET_PARSE_ERR_IPV6_AH_LEN);
	/* the header runs past the datagram */
	if (!parse_fits(c, w->off, hlen))
		return parse_err(VNET_PARSE_ERR_TRUNC_IPV6_EXT);
	if (type == NH_ROUTING)
		err = ipv6_routing(c, l, w->off, hlen);
	else if (type == NH_FRAG)
		err = ipv6_frag(c, l, w->off);
	else if (type == NH_DSTOPTS)
		err = ipv6_dstopts(c, l, w->off, hlen);
	if (err)
		return err;
	l->ipv6.ext |= ipv6_ext_bit(type);
	w->off += hlen;		/* fits: cannot wrap */
	w->next = next;
	w->n++;
	return 0;
}

/**
 * ipv6_chain() - walk the extension headers up to the upper layer
 * @c:		parse in progress
 * @l:		layer
 * @next:	the IPv6 header's Next Header
 *
 * RFC 8200 4.1 has nodes accept any order and repeats (but hop-by-hop
 * first): the cap on the number of headers is what ends a long chain.
 * A later fragment ends the walk, its data being no header.
 *
 * Return: 0 or -enum vnet_parse_err
 */
static int ipv6_chain(struct parse_ctx *c, struct vnet_parse_layer *l,
		      uint8_t next)
{
	struct ipv6_walk w = { .off = l->l3_off + IPV6_HLEN, .next = next };
	int err;

	while (ipv6_ext_bit(w.next) && l->frag != VNET_FRAG_LATER) {
		if (w.n >= c->cfg->ipv6_ext_max)
			return parse_err(VNET_PARSE_ERR_IPV6_EXT_CHAIN);
		err = ipv6_ext(c, l, &w);
		if (err)
			return err;
	}
	l->ipv6.ext_count = w.n;
	l->ipv6.ext_end = w.off;
	l->l3_hdr_len = w.off - l->l3_off;
	l->l4_off = w.off;
	l->l4_proto = w.next;
	return 0;
}

int parse_ipv6(struct parse_ctx *c, struct vnet_parse_layer *l)
{
	uint8_t s[IPV6_HLEN];
	const uint8_t *p = parse_peek(c, l->l3_off, IPV6_HLEN, s);
	size_t room;
	uint16_t plen;

	/* RFC 8200 3: a 40-byte fixed header */
	if (!p)
		return parse_err(VNET_PARSE_ERR_TRUNC_IPV6);
	/* RFC 8200 3: version 6 (the ethertype said so) */
	if (p[0] >> 4 != 6)
		return parse_err(VNET_PARSE_ERR_IPV6_VERSION);
	plen = vnet_load_be16(p + 4);
	/* RFC 2675 jumbogram: length in a hop-by-hop option, unsupported */
	if (!plen && p[6] == NH_HBH)
		return parse_err(VNET_PARSE_ERR_IPV6_JUMBO);
	room = c->end - l->l3_off - IPV6_HLEN;	/* peeked: no wrap */
	/* a payload longer than what holds it: truncated */
	if (plen > room)
		return parse_err(VNET_PARSE_ERR_IPV6_PAYLOAD_LEN);

	l->l3 = VNET_L3_IPV6;
	l->l3_len = IPV6_HLEN + (size_t)plen;
	l->trailer_len = room - plen;
	l->ipv6.payload_len = plen;
	c->end = l->l3_off + l->l3_len;	/* the trailer is nobody's */
	return ipv6_chain(c, l, p[6]);
}
