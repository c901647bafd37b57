// SPDX-License-Identifier: MIT
/* parse_ipv4.c - IPv4 header: IHL, total length, fragment facts (RFC 791) */

#include "parse_priv.h"

#define IPV4_MIN_HLEN	20		/* RFC 791 3.1: IHL of 5 words */
#define IPV4_DF		0x4000
#define IPV4_MF		0x2000
#define IPV4_OFFSET	0x1fff		/* in 8-byte units */

/**
 * ipv4_frag() - fragment facts from the flags / fragment offset field
 * @l:		layer
 * @field:	the field, host order
 *
 * RFC 791 3.1 for DF, MF and the offset; RFC 6864 section 4 for the
 * atomic datagram (DF set, MF clear, offset 0).
 */
static void ipv4_frag(struct vnet_parse_layer *l, uint16_t field)
{
	l->ipv4.df = field & IPV4_DF;
	l->ipv4.mf = field & IPV4_MF;
	l->ipv4.frag_off = (uint16_t)((field & IPV4_OFFSET) * 8);
	if (l->ipv4.frag_off)
		l->frag = VNET_FRAG_LATER;
	else if (l->ipv4.mf)
		l->frag = VNET_FRAG_FIRST;
	else if (l->ipv4.df)
		l->frag = VNET_FRAG_ATOMIC;
	else
		l->frag = VNET_FRAG_NONE;
}

int parse_ipv4(struct parse_ctx *c, struct vnet_parse_layer *l)
{
	uint8_t s[IPV4_MIN_HLEN];
	const uint8_t *p = parse_peek(c, l->l3_off, IPV4_MIN_HLEN, s);
	size_t ihl, tot, room;
	uint8_t vihl;

	/* RFC 791 3.1: a 20-byte fixed header */
	if (!p)
		return parse_err(VNET_PARSE_ERR_TRUNC_IPV4);
	vihl = p[0];
	/* RFC 791 3.1: version 4 (the ethertype said so) */
	if (vihl >> 4 != 4)
		return parse_err(VNET_PARSE_ERR_IPV4_VERSION);
	ihl = (size_t)(vihl & 0x0f) * 4;
	room = c->end - l->l3_off;	/* >= 20: peeked */
	/* RFC 791 3.1: "the minimum value for a correct header is 5" */
	if (ihl < IPV4_MIN_HLEN)
		return parse_err(VNET_PARSE_ERR_IPV4_IHL);
	/* options run past the frame (or the enclosing datagram) */
	if (ihl > room)
		return parse_err(VNET_PARSE_ERR_IPV4_IHL);
	tot = vnet_load_be16(p + 2);
	/* RFC 791 3.1: total length counts the header */
	if (tot < ihl)
		return parse_err(VNET_PARSE_ERR_IPV4_TOTAL_LEN);
	/* a datagram longer than what holds it: truncated */
	if (tot > room)
		return parse_err(VNET_PARSE_ERR_IPV4_TOTAL_LEN);

	l->l3 = VNET_L3_IPV4;
	l->l3_hdr_len = ihl;
	l->l3_len = tot;
	l->trailer_len = room - tot;
	l->ipv4.options = ihl > IPV4_MIN_HLEN;
	l->ipv4.tos = p[1];
	l->ipv4.total_len = (uint16_t)tot;
	l->ipv4.id = vnet_load_be16(p + 4);
	l->ipv4.ttl = p[8];
	ipv4_frag(l, vnet_load_be16(p + 6));
	l->l4_proto = p[9];
	l->l4_off = l->l3_off + ihl;	/* ihl <= room: cannot wrap */
	c->end = l->l3_off + tot;	/* the trailer is nobody's */
	return 0;
}
